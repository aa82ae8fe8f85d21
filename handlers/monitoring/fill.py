"""The librarian's questionnaire: the school's response, one question per message.

The draft is the school's (one row, shared by its librarians) and is saved after every answer,
so another librarian continues where the first stopped. Last year's answers are only offered
(«Оставить как было»), never stored unasked. At the end the checks across answers and the big
changes from last year («Верно?»), the summary, «Отправить».
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts import monitoring as mt
from bot.texts import monitoring_dialog as md
from bot.toolkit.callbacks import MonAction, MonCb
from bot.toolkit.filters import HasRole, Refused
from bot.toolkit.keyboards import PAGE_SIZE, button, clamp_page, pager_row, shorten, yes_no
from bot.toolkit.notify import deliver
from bot.toolkit.screens import bounded, error_text, h, hq
from handlers.monitoring.access import DistrictRound, OwnResponse
from handlers.monitoring.show import (
    button_value,
    failure_lines,
    screen,
    summary_lines,
    value_text,
)
from models import (
    Event,
    MonitoringResponse,
    MonitoringRound,
    ResponseStatus,
    Role,
    RoundStatus,
    School,
    User,
)
from services.clock import Clock
from services.errors import ValidationError
from services.monitoring.answers import check_multi, check_value, parse_answer
from services.monitoring.progress import Progress, find_response, progress_of
from services.monitoring.questionnaire import (
    Answers,
    AnswerValue,
    Question,
    Questionnaire,
    QuestionType,
    applicable,
    next_question,
    position,
    previous_question,
)
from services.monitoring.rounds import (
    answers_of,
    confirm_change,
    last_year,
    open_round_for,
    questionnaire_of,
    readiness,
    save_answer,
    school_response,
    submit,
)
from services.timeutil import fmt_local, local_today

FIX_BUTTONS = 8


class MonAnswering(StatesGroup):
    # data: response_id, index (the question on screen), edit (come back to the checks after
    # the answer), ticked (a multi question's choices ticked so far)
    question = State()


def _cb(action: MonAction, response: MonitoringResponse, value: int = 0, **kw: int) -> MonCb:
    return MonCb(action=action, response_id=response.id, value=value, **kw)


def _editable(round_: MonitoringRound, response: MonitoringResponse) -> bool:
    return round_.status is RoundStatus.OPEN and response.status in (
        ResponseStatus.DRAFT,
        ResponseStatus.RETURNED,
    )


async def _header(session: AsyncSession, round_: MonitoringRound, school_id: int, tz: Any) -> str:
    event = await session.get(Event, round_.event_id)
    school = await session.get(School, school_id)
    assert event is not None and school is not None
    return md.HEADER.format(
        title=h(event.title),
        school=hq(school.short_name),
        deadline=fmt_local(event.deadline_at, tz),
    )


def _question_at(questionnaire: Questionnaire, index: int) -> Question:
    if not 0 <= index < len(questionnaire.questions):
        raise Refused(md.UNKNOWN_QUESTION)
    return questionnaire.questions[index]


def _resume(
    questionnaire: Questionnaire, answers: dict[str, AnswerValue], pos: int
) -> Question | None:
    """The first applicable question at the stored position or after it."""
    if pos <= 0:
        return next_question(questionnaire, answers)
    if pos > len(questionnaire.questions):
        return None
    return next_question(questionnaire, answers, questionnaire.questions[pos - 1].code)


# ---- the response's screen ------------------------------------------------------------------


async def response_screen(
    target: Message | CallbackQuery,
    session: AsyncSession,
    round_: MonitoringRound,
    response: MonitoringResponse | None,
    school_id: int,
    settings: Settings,
    alert: str | None = None,
) -> None:
    questionnaire = questionnaire_of(round_)
    lines = [await _header(session, round_, school_id, settings.tz), ""]
    rows: list[list[InlineKeyboardButton]] = []
    state = progress_of(response)
    is_open = round_.status is RoundStatus.OPEN
    if response is None or state is Progress.NOT_STARTED:
        if not is_open:
            lines.append(md.ROUND_IS_CLOSED)
        else:
            lines.append(
                md.NOT_STARTED.format(questions=md.questions_count(len(questionnaire.questions)))
            )
            if await last_year(session, round_, school_id):
                lines.append(md.LAST_YEAR_OFFER)
            rows.append([button(md.BTN_START, MonCb(action=MonAction.START, round_id=round_.id))])
        await screen(target, "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows), alert)
        return
    answers = answers_of(round_, response)
    asked = applicable(questionnaire, answers)
    if response.status is ResponseStatus.DRAFT:
        answered = sum(1 for q in asked if q.code in answers)
        lines.append(md.DRAFT.format(answered=answered, total=md.questions_count(len(asked))))
        resume = _resume(questionnaire, answers, response.position)
        if resume is not None and is_open:
            n, _ = position(questionnaire, answers, resume.code)
            rows.append(
                [
                    button(
                        md.BTN_CONTINUE.format(n=n),
                        _cb(MonAction.QUESTION, response, questionnaire.index(resume.code)),
                    )
                ]
            )
        elif is_open:
            lines.append(md.DRAFT_DONE)
        rows.append([button(md.BTN_SUMMARY, _cb(MonAction.SUMMARY, response))])
    elif response.status is ResponseStatus.RETURNED:
        lines.append(md.RETURNED)
        if response.review_comment:
            lines.append(md.RETURN_COMMENT.format(comment=h(response.review_comment)))
        fix = [c for c in response.return_codes if c in questionnaire]
        if fix and is_open:
            lines.append(md.RETURN_FIX)
            answers = answers_of(round_, response)
            for code in fix[:FIX_BUTTONS]:
                index = questionnaire.index(code)
                label = questionnaire.question(code).label
                rows.append(
                    [
                        button(
                            md.BTN_FIX.format(
                                n=_number(questionnaire, answers, code), label=shorten(label, 40)
                            ),
                            _cb(MonAction.QUESTION, response, index, item=1),
                        )
                    ]
                )
        rows.append([button(md.BTN_SUMMARY, _cb(MonAction.SUMMARY, response))])
        if is_open:
            rows.append([button(md.BTN_SEND_AGAIN, _cb(MonAction.SEND_ASK, response))])
    else:
        if response.status is ResponseStatus.ACCEPTED:
            lines.append(md.ACCEPTED)
        else:
            sent = response.submitted_at
            lines.append(md.SUBMITTED.format(date=fmt_local(sent, settings.tz) if sent else ""))
        lines += summary_lines(questionnaire, answers)
    if not is_open and response.status in (ResponseStatus.DRAFT, ResponseStatus.RETURNED):
        lines.append(md.ROUND_IS_CLOSED)
    markup = InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
    await screen(target, bounded(lines), markup, alert)


async def monitoring_command(
    message: Message,
    session: AsyncSession,
    user: User,
    settings: Settings,
    state: FSMContext,
) -> None:
    await state.clear()
    round_ = await open_round_for(session, user.district_id) if user.district_id else None
    if round_ is None or user.school_id is None:
        await message.answer(md.NO_ROUND)
        return
    response = await find_response(session, round_.id, user.school_id)
    await response_screen(message, session, round_, response, user.school_id, settings)


async def fill(
    query: CallbackQuery,
    session: AsyncSession,
    user: User,
    mround: MonitoringRound,
    settings: Settings,
    state: FSMContext,
) -> None:
    """«Заполнить» under the invitation: the school's response in that round."""
    await state.clear()
    if user.school_id is None:
        raise Refused(md.UNKNOWN_ROUND)
    response = await find_response(session, mround.id, user.school_id)
    await response_screen(query, session, mround, response, user.school_id, settings)


async def response_open(
    query: CallbackQuery,
    session: AsyncSession,
    mround: MonitoringRound,
    response: MonitoringResponse,
    settings: Settings,
    state: FSMContext,
) -> None:
    await state.clear()
    await response_screen(query, session, mround, response, response.school_id, settings)


async def start(
    query: CallbackQuery,
    session: AsyncSession,
    user: User,
    mround: MonitoringRound,
    settings: Settings,
    state: FSMContext,
    clock: Clock,
) -> None:
    if mround.status is not RoundStatus.OPEN:
        await query.answer(error_text(ValidationError("round_closed")), show_alert=True)
        return
    response = await school_response(session, mround, user, clock())
    if not _editable(mround, response):
        await response_screen(query, session, mround, response, response.school_id, settings)
        return
    questionnaire = questionnaire_of(mround)
    answers = answers_of(mround, response)
    first = _resume(questionnaire, answers, response.position)
    if first is None:
        await checks_screen(query, session, mround, response, state)
        return
    await ask(query, session, mround, response, first, state, settings, edit=False)


# ---- one question -----------------------------------------------------------------------------


async def ask(
    target: Message | CallbackQuery,
    session: AsyncSession,
    round_: MonitoringRound,
    response: MonitoringResponse,
    question: Question,
    state: FSMContext,
    settings: Settings,
    *,
    edit: bool,
    ticked: list[str] | None = None,
    alert: str | None = None,
) -> None:
    questionnaire = questionnaire_of(round_)
    answers = answers_of(round_, response)
    index = questionnaire.index(question.code)
    n, m = position(questionnaire, answers, question.code)
    current = answers.get(question.code)
    if ticked is None:
        ticked = list(current) if isinstance(current, tuple) else []
    await state.set_state(MonAnswering.question)
    await state.set_data(
        {"response_id": response.id, "index": index, "edit": edit, "ticked": ticked}
    )
    lines = [
        mt.QUESTION_NUMBER.format(n=n, m=m),
        md.QUESTION_SECTION.format(section=h(questionnaire.section(question.section).title)),
        "",
        f"<b>{h(question.text)}</b>",
    ]
    if question.unit:
        lines.append(md.QUESTION_UNIT.format(unit=h(question.unit)))
    if question.help:
        lines.append(f"<i>{h(question.help)}</i>")
    if current is not None:
        lines.append(md.QUESTION_NOW.format(value=value_text(question, current)))
    previous = await _last_year_value(session, round_, response, question, settings)
    if previous is not None and current is None:
        lines.append(md.QUESTION_LAST_YEAR.format(value=value_text(question, previous)))
    hint = "url_many" if question.type is QuestionType.URL and question.many else question.type
    lines.append(md.HINTS[hint])
    if not question.required:
        lines.append(md.QUESTION_OPTIONAL)

    rows: list[list[InlineKeyboardButton]] = []
    if question.type is QuestionType.BOOL:
        rows.append(
            [
                button(t.BTN_YES, _cb(MonAction.ANSWER, response, index, item=0)),
                button(t.BTN_NO, _cb(MonAction.ANSWER, response, index, item=1)),
            ]
        )
    elif question.type is QuestionType.CHOICE:
        for item, choice in enumerate(question.choices):
            mark = (
                md.BTN_TICKED.format(text=choice.text) if current == choice.code else choice.text
            )
            rows.append([button(mark, _cb(MonAction.ANSWER, response, index, item=item))])
    elif question.type is QuestionType.MULTI:
        for item, choice in enumerate(question.choices):
            mark = md.BTN_TICKED.format(text=choice.text) if choice.code in ticked else choice.text
            rows.append([button(mark, _cb(MonAction.TOGGLE, response, index, item=item))])
        rows.append([button(md.BTN_DONE, _cb(MonAction.DONE, response, index))])
    if current is not None:
        rows.append(
            [
                button(
                    md.BTN_UNCHANGED.format(value=shorten(button_value(question, current), 30)),
                    _cb(MonAction.KEEP, response, index),
                )
            ]
        )
    elif previous is not None:
        rows.append(
            [
                button(
                    md.BTN_KEEP.format(value=shorten(button_value(question, previous), 30)),
                    _cb(MonAction.KEEP, response, index),
                )
            ]
        )
    nav = [button(md.BTN_BACK, _cb(MonAction.BACK, response, index))]
    if not question.required:
        nav.append(button(md.BTN_SKIP, _cb(MonAction.SKIP, response, index)))
    rows.append(nav)
    # every answer is saved already: one can stop here and come back (or a colleague goes on)
    rows.append([button(md.BTN_LATER, _cb(MonAction.RESPONSE, response))])
    await screen(target, "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows), alert)


async def _last_year_value(
    session: AsyncSession,
    round_: MonitoringRound,
    response: MonitoringResponse,
    question: Question,
    settings: Settings,
) -> AnswerValue | None:
    """Last year's answer if it still fits the question (offered, never stored unasked)."""
    previous = (await last_year(session, round_, response.school_id)).get(question.code)
    if previous is None:
        return None
    try:
        return check_value(question, previous, today=local_today(response.updated_at, settings.tz))
    except ValidationError:
        return None


def _asked_question(round_: MonitoringRound, response: MonitoringResponse, index: int) -> Question:
    """The question a button names, if it is asked now (not out of range, not skipped)."""
    questionnaire = questionnaire_of(round_)
    question = _question_at(questionnaire, index)
    answers = answers_of(round_, response)
    if question not in applicable(questionnaire, answers):
        raise Refused(md.UNKNOWN_QUESTION)
    return question


async def _form_edit(state: FSMContext, response: MonitoringResponse, index: int) -> bool:
    data = await state.get_data()
    return bool(
        data.get("edit") and data.get("response_id") == response.id and data.get("index") == index
    )


async def open_question(
    query: CallbackQuery,
    callback_data: MonCb,
    session: AsyncSession,
    mround: MonitoringRound,
    response: MonitoringResponse,
    settings: Settings,
    state: FSMContext,
) -> None:
    if not _editable(mround, response):
        await _not_editable(query, session, mround, response, settings)
        return
    question = _asked_question(mround, response, callback_data.value)
    await ask(
        query, session, mround, response, question, state, settings, edit=callback_data.item == 1
    )


async def _not_editable(
    target: Message | CallbackQuery,
    session: AsyncSession,
    round_: MonitoringRound,
    response: MonitoringResponse,
    settings: Settings,
) -> None:
    code = "round_closed" if round_.status is not RoundStatus.OPEN else "response_already_sent"
    await response_screen(
        target,
        session,
        round_,
        response,
        response.school_id,
        settings,
        error_text(ValidationError(code)),
    )


async def _store(
    target: Message | CallbackQuery,
    session: AsyncSession,
    user: User,
    round_: MonitoringRound,
    response: MonitoringResponse,
    question: Question,
    value: AnswerValue | None,
    state: FSMContext,
    settings: Settings,
    clock: Clock,
) -> None:
    """Save one answer (None: skipped) and go on: the next question, or back to the checks
    (or the returned response's screen) when the answer was a change."""
    if not _editable(round_, response):
        await state.clear()
        await _not_editable(target, session, round_, response, settings)
        return
    questionnaire = questionnaire_of(round_)
    edit = await _form_edit(state, response, questionnaire.index(question.code))
    answers = answers_of(round_, response)
    if value is None:
        answers.pop(question.code, None)
    else:
        answers[question.code] = value
    following = next_question(questionnaire, answers, question.code)
    if edit:
        pos = response.position
    else:
        pos = questionnaire.index(following.code) if following else len(questionnaire.questions)
    await save_answer(session, round_, response, question.code, value, pos, user, clock())
    if edit and response.status is ResponseStatus.RETURNED:
        await state.clear()
        await response_screen(target, session, round_, response, response.school_id, settings)
    elif edit or following is None:
        await checks_screen(target, session, round_, response, state)
    else:
        await ask(target, session, round_, response, following, state, settings, edit=False)


async def answer_button(
    query: CallbackQuery,
    callback_data: MonCb,
    session: AsyncSession,
    user: User,
    mround: MonitoringRound,
    response: MonitoringResponse,
    settings: Settings,
    state: FSMContext,
    clock: Clock,
) -> None:
    question = _asked_question(mround, response, callback_data.value)
    value: AnswerValue
    if question.type is QuestionType.BOOL and callback_data.item in (0, 1):
        value = callback_data.item == 0
    elif question.type is QuestionType.CHOICE and callback_data.item < len(question.choices):
        value = question.choices[callback_data.item].code
    else:
        raise Refused(t.STALE_BUTTON)
    await _store(query, session, user, mround, response, question, value, state, settings, clock)


async def toggle(
    query: CallbackQuery,
    callback_data: MonCb,
    mround: MonitoringRound,
    response: MonitoringResponse,
    session: AsyncSession,
    settings: Settings,
    state: FSMContext,
) -> None:
    question = _asked_question(mround, response, callback_data.value)
    if question.type is not QuestionType.MULTI or callback_data.item >= len(question.choices):
        raise Refused(t.STALE_BUTTON)
    if not _editable(mround, response):
        await _not_editable(query, session, mround, response, settings)
        return
    data = await state.get_data()
    same = data.get("response_id") == response.id and data.get("index") == callback_data.value
    current = answers_of(mround, response).get(question.code)
    if same:
        ticked = [str(c) for c in data.get("ticked", [])]
    else:
        ticked = list(current) if isinstance(current, tuple) else []
    code = question.choices[callback_data.item].code
    ticked = [c for c in ticked if c != code] if code in ticked else [*ticked, code]
    edit = bool(data.get("edit")) if same else False
    await ask(
        query, session, mround, response, question, state, settings, edit=edit, ticked=ticked
    )


async def multi_done(
    query: CallbackQuery,
    callback_data: MonCb,
    session: AsyncSession,
    user: User,
    mround: MonitoringRound,
    response: MonitoringResponse,
    settings: Settings,
    state: FSMContext,
    clock: Clock,
) -> None:
    question = _asked_question(mround, response, callback_data.value)
    if question.type is not QuestionType.MULTI:
        raise Refused(t.STALE_BUTTON)
    data = await state.get_data()
    same = data.get("response_id") == response.id and data.get("index") == callback_data.value
    ticked = [str(c) for c in data.get("ticked", [])] if same else []
    try:
        value = check_multi(question, ticked)
    except ValidationError as exc:
        await query.answer(error_text(exc), show_alert=True)
        return
    await _store(query, session, user, mround, response, question, value, state, settings, clock)


async def keep(
    query: CallbackQuery,
    callback_data: MonCb,
    session: AsyncSession,
    user: User,
    mround: MonitoringRound,
    response: MonitoringResponse,
    settings: Settings,
    state: FSMContext,
    clock: Clock,
) -> None:
    """«Не менять» (the answer given) or «Оставить как было» (last year's, checked again)."""
    question = _asked_question(mround, response, callback_data.value)
    value = answers_of(mround, response).get(question.code)
    if value is None:
        value = await _last_year_value(session, mround, response, question, settings)
    if value is None:
        raise Refused(t.STALE_BUTTON)
    await _store(query, session, user, mround, response, question, value, state, settings, clock)


async def skip(
    query: CallbackQuery,
    callback_data: MonCb,
    session: AsyncSession,
    user: User,
    mround: MonitoringRound,
    response: MonitoringResponse,
    settings: Settings,
    state: FSMContext,
    clock: Clock,
) -> None:
    question = _asked_question(mround, response, callback_data.value)
    if question.required:
        raise Refused(t.STALE_BUTTON)
    await _store(query, session, user, mround, response, question, None, state, settings, clock)


async def back(
    query: CallbackQuery,
    callback_data: MonCb,
    session: AsyncSession,
    mround: MonitoringRound,
    response: MonitoringResponse,
    settings: Settings,
    state: FSMContext,
) -> None:
    questionnaire = questionnaire_of(mround)
    question = _question_at(questionnaire, callback_data.value)
    edit = await _form_edit(state, response, callback_data.value)
    earlier = previous_question(questionnaire, answers_of(mround, response), question.code)
    if edit or earlier is None or not _editable(mround, response):
        await state.clear()
        await response_screen(query, session, mround, response, response.school_id, settings)
        return
    await ask(query, session, mround, response, earlier, state, settings, edit=False)


async def typed_answer(
    message: Message,
    session: AsyncSession,
    user: User,
    mround: MonitoringRound,
    response: MonitoringResponse,
    settings: Settings,
    state: FSMContext,
    clock: Clock,
) -> None:
    data = await state.get_data()
    questionnaire = questionnaire_of(mround)
    index = data.get("index")
    if not isinstance(index, int) or not 0 <= index < len(questionnaire.questions):
        await state.clear()
        await message.answer(md.FORM_GONE)
        return
    question = questionnaire.questions[index]
    if question not in applicable(questionnaire, answers_of(mround, response)):
        await state.clear()
        await message.answer(md.FORM_GONE)
        return
    try:
        value = parse_answer(question, message.text or "", today=local_today(clock(), settings.tz))
    except ValidationError as exc:
        await message.answer(f"{error_text(exc)}\n{md.TRY_AGAIN}")
        return
    await _store(message, session, user, mround, response, question, value, state, settings, clock)


async def not_text(message: Message) -> None:
    await message.answer(md.TRY_AGAIN)


# ---- the end: checks, summary, sending --------------------------------------------------------


async def checks_screen(
    target: Message | CallbackQuery,
    session: AsyncSession,
    round_: MonitoringRound,
    response: MonitoringResponse,
    state: FSMContext,
    alert: str | None = None,
) -> None:
    """What blocks «Отправить»: missing answers, failed checks, then each big change from last
    year asked «Верно?»; with nothing left, the summary."""
    await state.clear()
    not_ready = await readiness(session, round_, response)
    if not not_ready:
        await summary_screen(target, round_, response, alert)
        return
    questionnaire = questionnaire_of(round_)
    lines = [md.CHECKS_HEADER, ""]
    rows: list[list[InlineKeyboardButton]] = []
    to_fix: list[str] = []
    if not_ready.missing:
        lines.append(md.CHECKS_MISSING)
        to_fix += list(not_ready.missing)
    if not_ready.failures:
        lines.append(md.CHECKS_FAILED)
        lines += failure_lines(list(not_ready.failures))
        for failure in not_ready.failures:
            to_fix += [c for c in failure.questions if c not in to_fix]
    if to_fix:
        answers = answers_of(round_, response)
        for code in list(dict.fromkeys(to_fix))[:FIX_BUTTONS]:
            index = questionnaire.index(code)
            label = questionnaire.question(code).label
            rows.append(
                [
                    button(
                        md.BTN_FIX.format(
                            n=_number(questionnaire, answers, code), label=shorten(label, 40)
                        ),
                        _cb(MonAction.QUESTION, response, index, item=1),
                    )
                ]
            )
    else:
        change = not_ready.changes[0]
        question = questionnaire.question(change.code)
        index = questionnaire.index(change.code)
        lines.append(
            mt.YEAR_CHANGE.format(
                label=h(question.label),
                old=value_text(question, change.old),
                new=value_text(question, change.new),
            )
        )
        rows.append([button(md.BTN_CHANGE_OK, _cb(MonAction.CONFIRM, response, index))])
        rows.append([button(md.BTN_CHANGE_FIX, _cb(MonAction.QUESTION, response, index, item=1))])
    rows.append([button(md.BTN_SUMMARY, _cb(MonAction.SUMMARY, response))])
    await screen(target, bounded(lines), InlineKeyboardMarkup(inline_keyboard=rows), alert)


async def checks(
    query: CallbackQuery,
    session: AsyncSession,
    mround: MonitoringRound,
    response: MonitoringResponse,
    state: FSMContext,
) -> None:
    await checks_screen(query, session, mround, response, state)


async def confirm(
    query: CallbackQuery,
    callback_data: MonCb,
    session: AsyncSession,
    mround: MonitoringRound,
    response: MonitoringResponse,
    settings: Settings,
    state: FSMContext,
    clock: Clock,
) -> None:
    """«Верно?» → «Да»: the big change is meant; the next check."""
    question = _asked_question(mround, response, callback_data.value)
    if not _editable(mround, response):
        await _not_editable(query, session, mround, response, settings)
        return
    await confirm_change(session, response, question.code, clock())
    await checks_screen(query, session, mround, response, state)


async def summary_screen(
    target: Message | CallbackQuery,
    round_: MonitoringRound,
    response: MonitoringResponse,
    alert: str | None = None,
) -> None:
    questionnaire = questionnaire_of(round_)
    answers = answers_of(round_, response)
    status = md.STATUS_NAMES[progress_of(response).value]
    lines = [md.SUMMARY_HEADER.format(status=status), *summary_lines(questionnaire, answers)]
    rows: list[list[InlineKeyboardButton]] = []
    if _editable(round_, response):
        rows.append([button(md.BTN_SEND, _cb(MonAction.SEND_ASK, response))])
        rows.append([button(md.BTN_EDIT, _cb(MonAction.EDIT_LIST, response))])
    rows.append([button(md.BTN_TO_RESPONSE, _cb(MonAction.RESPONSE, response))])
    await screen(target, bounded(lines), InlineKeyboardMarkup(inline_keyboard=rows), alert)


async def summary(
    query: CallbackQuery,
    mround: MonitoringRound,
    response: MonitoringResponse,
    state: FSMContext,
) -> None:
    await state.clear()
    await summary_screen(query, mround, response)


async def edit_list(
    query: CallbackQuery,
    callback_data: MonCb,
    session: AsyncSession,
    mround: MonitoringRound,
    response: MonitoringResponse,
    settings: Settings,
    state: FSMContext,
) -> None:
    await state.clear()
    if not _editable(mround, response):
        await _not_editable(query, session, mround, response, settings)
        return
    questionnaire = questionnaire_of(mround)
    answers = answers_of(mround, response)
    asked = applicable(questionnaire, answers)
    page = clamp_page(callback_data.page, len(asked))
    rows = []
    for number, question in enumerate(asked[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], 1):
        index = questionnaire.index(question.code)
        value = answers.get(question.code)
        shown = f": {button_value(question, value)}" if value is not None else ""
        rows.append(
            [
                button(
                    shorten(f"{page * PAGE_SIZE + number}. {question.label}{shown}", 60),
                    _cb(MonAction.QUESTION, response, index, item=1),
                )
            ]
        )
    pager = pager_row(page, len(asked), lambda p: _cb(MonAction.EDIT_LIST, response, page=p))
    if pager:
        rows.append(pager)
    rows.append([button(md.BTN_BACK, _cb(MonAction.SUMMARY, response))])
    await screen(query, md.EDIT_HEADER, InlineKeyboardMarkup(inline_keyboard=rows))


async def send(
    query: CallbackQuery,
    session: AsyncSession,
    user: User,
    mround: MonitoringRound,
    response: MonitoringResponse,
    settings: Settings,
    state: FSMContext,
    clock: Clock,
) -> None:
    await state.clear()
    try:
        await submit(session, mround, response, user, clock())
    except ValidationError as exc:
        if exc.code == "response_not_ready":
            await checks_screen(query, session, mround, response, state, error_text(exc))
            return
        await session.refresh(response)
        await response_screen(
            query, session, mround, response, response.school_id, settings, error_text(exc)
        )
        return
    await _tell_coordinators(session, mround, response, clock)
    await response_screen(query, session, mround, response, response.school_id, settings, md.SENT)


async def _tell_coordinators(
    session: AsyncSession, mround: MonitoringRound, response: MonitoringResponse, clock: Clock
) -> None:
    """The district's coordinators hear of a sent response, with a button to its card."""
    coordinators = await session.execute(
        select(User.telegram_id, User.id).where(
            User.district_id == mround.district_id,
            User.role == Role.COORDINATOR,
            User.is_active.is_(True),
        )
    )
    school = await session.get(School, response.school_id)
    event = await session.get(Event, mround.event_id)
    card = MonCb(action=MonAction.CARD, round_id=mround.id, response_id=response.id)
    await deliver(
        session,
        clock,
        f"mon-sent:{response.id}:{response.version}",
        [(int(chat), int(uid)) for chat, uid in coordinators],
        md.SUBMITTED_NOTICE.format(
            school=h(school.short_name if school else ""), title=h(event.title if event else "")
        ),
        InlineKeyboardMarkup(inline_keyboard=[[button(md.BTN_OPEN_RESPONSE, card)]]),
        purpose="review",
    )


async def send_ask(
    query: CallbackQuery,
    session: AsyncSession,
    mround: MonitoringRound,
    response: MonitoringResponse,
    state: FSMContext,
) -> None:
    """Sending cannot be undone by the school: what blocks it is shown at once, and a ready
    questionnaire is asked about first."""
    if not _editable(mround, response):
        raise Refused(error_text(ValidationError("response_already_sent")))
    if await readiness(session, mround, response):
        alert = error_text(ValidationError("response_not_ready"))
        await checks_screen(query, session, mround, response, state, alert)
        return
    await screen(
        query,
        md.SEND_ASK,
        yes_no(_cb(MonAction.SEND, response), _cb(MonAction.SUMMARY, response)),
    )


def _number(questionnaire: Questionnaire, answers: Answers, code: str) -> int:
    """A question's number as «Вопрос N из M» shows it (its place among the questions asked);
    a question the answers now skip keeps its place in the file."""
    try:
        return position(questionnaire, answers, code)[0]
    except ValueError:
        return questionnaire.index(code) + 1


def get_router() -> Router:
    router = Router(name="monitoring-fill")
    router.message.filter(HasRole(Role.LIBRARIAN))
    router.callback_query.filter(HasRole(Role.LIBRARIAN))
    cb = MonCb.filter
    router.message.register(monitoring_command, Command("monitoring"))
    router.callback_query.register(fill, cb(F.action == MonAction.FILL), DistrictRound())
    router.callback_query.register(start, cb(F.action == MonAction.START), DistrictRound())
    for action, handler in (
        (MonAction.RESPONSE, response_open),
        (MonAction.QUESTION, open_question),
        (MonAction.ANSWER, answer_button),
        (MonAction.TOGGLE, toggle),
        (MonAction.DONE, multi_done),
        (MonAction.KEEP, keep),
        (MonAction.SKIP, skip),
        (MonAction.BACK, back),
        (MonAction.CHECKS, checks),
        (MonAction.CONFIRM, confirm),
        (MonAction.SUMMARY, summary),
        (MonAction.EDIT_LIST, edit_list),
        (MonAction.SEND_ASK, send_ask),
        (MonAction.SEND, send),
    ):
        router.callback_query.register(handler, cb(F.action == action), OwnResponse())
    not_command = ~F.text.startswith("/")
    router.message.register(
        typed_answer,
        StateFilter(MonAnswering.question),
        F.text,
        not_command,
        OwnResponse(in_form=True),
    )
    router.message.register(not_text, StateFilter(MonAnswering.question), ~F.text)
    return router
