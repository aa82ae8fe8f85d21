"""Answers as words: a value with its unit, a summary of a response in the questionnaire's
order, the checks at the end; shared by the librarian's and the coordinator's screens."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.texts import monitoring as mt
from bot.texts import monitoring_dialog as md
from bot.toolkit.screens import clip, error_text, h, show
from services.monitoring.answers import CheckFailure, YearChange
from services.monitoring.questionnaire import (
    AnswerValue,
    Question,
    Questionnaire,
    QuestionType,
    applicable,
)
from services.timeutil import fmt_date


def value_text(question: Question, value: AnswerValue, limit: int = 200) -> str:
    """An answer as the librarian would say it (HTML-escaped): «1 250 экз.», «да», «ИРБИС»."""
    if isinstance(value, bool):
        return md.YES if value else md.NO
    if isinstance(value, int | Decimal):
        unit = f" {question.unit}" if question.unit else ""
        return f"{mt.num(value)}{h(unit)}"
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, tuple):
        if question.type is QuestionType.MULTI:
            words = [c.text for c in question.choices if c.code in value]
            return h(clip(", ".join(words), limit))
        return h(clip(" ".join(value), limit))
    if question.type is QuestionType.CHOICE:
        choice = question.choice(value)
        return h(choice.text if choice else value)
    return h(clip(value, limit))


def button_value(question: Question, value: AnswerValue) -> str:
    """A short value for a button (no HTML there)."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return mt.num(value)
    text = value_text(question, value, 30)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def summary_lines(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> list[str]:
    """Every applicable question by section: «7. Фонд, всего: 12 500 экз.»."""
    lines: list[str] = []
    section = ""
    for number, question in enumerate(applicable(questionnaire, answers), 1):
        if question.section != section:
            section = question.section
            lines.append(md.SUMMARY_SECTION.format(title=h(questionnaire.section(section).title)))
        value = answers.get(question.code)
        shown = value_text(question, value) if value is not None else f"<i>{md.SKIPPED}</i>"
        lines.append(md.SUMMARY_LINE.format(n=number, label=h(question.label), value=shown))
    return lines


def failure_lines(failures: tuple[CheckFailure, ...] | list[CheckFailure]) -> list[str]:
    return [f"• {error_text(f.as_error())}" for f in failures]


def change_lines(questionnaire: Questionnaire, changes: tuple[YearChange, ...]) -> list[str]:
    out = []
    for change in changes:
        question = questionnaire.question(change.code)
        out.append(
            md.CARD_CHANGE.format(
                label=h(question.label),
                old=value_text(question, change.old),
                new=value_text(question, change.new),
            )
        )
    return out


async def screen(
    target: Message | CallbackQuery,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    alert: str | None = None,
) -> None:
    """show(), with a refusal or a notice first: an alert on a pressed button (the screen is
    then edited in place), a message before the screen on a typed answer."""
    if alert is None:
        await show(target, text, markup)
        return
    if isinstance(target, Message):
        await target.answer(alert)
        await target.answer(text, reply_markup=markup)
        return
    await target.answer(alert, show_alert=True)
    message = target.message
    if isinstance(message, Message):
        try:
            await message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as exc:
            if "message is not modified" not in str(exc):
                raise
    elif target.bot is not None:
        await target.bot.send_message(target.from_user.id, text, reply_markup=markup)
