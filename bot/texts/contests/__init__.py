"""Russian texts of the contests: one module per part, their error texts merged here."""

from bot.texts.common import ErrorText
from bot.texts.contests import entry, jury, manage, results, rules

ERRORS: dict[str, ErrorText] = {
    **rules.ERRORS,
    **rules.COUNTED_ERRORS,
    **manage.ERRORS,
    **entry.ERRORS,
    **jury.ERRORS,
    **results.ERRORS,
}
