"""Helpers of the monitoring core's tests: the default questionnaire and a refusal's words."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.texts import common as ct
from bot.texts import monitoring as mt
from services.errors import ValidationError
from services.monitoring.questionnaire import Questionnaire, read_questionnaire
from services.timeutil import fmt_date

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "monitoring.toml"
TODAY = date(2026, 5, 30)


def default_questionnaire() -> Questionnaire:
    return read_questionnaire(DEFAULT)


def words(error: ValidationError) -> str:
    """The Russian text of a refusal, as bot.toolkit.screens.error_text makes it (dates as
    ДД.ММ.ГГГГ) from the monitoring texts or the common ones. KeyError: a code without text."""
    text = mt.ERRORS.get(error.code) or ct.VALIDATION[error.code]
    params = {k: fmt_date(v) if isinstance(v, date) else v for k, v in error.params.items()}
    return text(params) if callable(text) else text.format(**params)
