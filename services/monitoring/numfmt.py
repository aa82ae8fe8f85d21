"""Figures as Russian text for the note and the charts: a decimal comma, a narrow no-break
space between groups of thousands (from 10 000 on, as Russian typesetting does), a no-break
space before «%» and a unit. Rounding is half up (62,5 → 63), as people round."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"  # before a unit or «%»
THIN = "\u202f"  # between groups of digits


def ru_number(value: float | int | Decimal, places: int = 1) -> str:
    """«18,4», «20», «12\u202f500», «-3,5»: rounded to ``places``, trailing zeros dropped."""
    exact = Decimal(value) if isinstance(value, int | Decimal) else Decimal(repr(float(value)))
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no «-0»
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", THIN) if int(whole) >= 10_000 else whole
    sign = "-" if rounded < 0 else ""
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def ru_percent(value: float | int | Decimal, places: int = 0) -> str:
    """«69\u00a0%»."""
    return f"{ru_number(value, places)}{NBSP}%"


def rounded(value: float, places: int) -> Decimal:
    """The value as it is shown (to compare two shown figures: «не изменился»)."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
