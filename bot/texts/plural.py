"""Russian plural forms by the CLDR rules: one (1, 21, 31…), few (2–4, 22–24…), many (the rest).

The forms are given in the case the phrase needs: «1 школа, 2 школы, 5 школ» after a bare
number, «из 1 школы, из 2 школ, из 5 школ» after «из».
"""

from __future__ import annotations


def plural(n: int, one: str, few: str, many: str) -> str:
    """The form of a word that goes with the count n: plural(21, "школа", "школы", "школ")."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def counted(n: int, one: str, few: str, many: str) -> str:
    """The count and its word: counted(5, "школа", "школы", "школ") == "5 школ"."""
    return f"{n} {plural(n, one, few, many)}"


def agreed(n: int, one: str, other: str) -> str:
    """A verb agreeing with a subject counted by n: the singular after 1, 21, 31… (not 11),
    the plural otherwise: agreed(21, "сдала", "сдали") == "сдала"."""
    n = abs(n)
    return one if n % 10 == 1 and n % 100 != 11 else other


def after_figure(figure: str, one: str, few: str, many: str) -> str:
    """The form of a unit after a figure as written («8,5», «20», «12 500»): after a
    fraction the genitive singular, which is ``few`` for these units («8,5 учебника»),
    otherwise by the number («1 учебник», «2 учебника», «5 учебников»)."""
    if "," in figure:
        return few
    digits = "".join(ch for ch in figure if ch.isdigit())
    return plural(int(digits or 0), one, few, many)
