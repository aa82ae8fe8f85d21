"""Librarian: /tasks, confirming an event with evidence, editing or withdrawing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import ConfirmStep, FormCb, TaskAction, TaskCb
from bot.config import Settings
from bot.filters import HasRole
from bot.keyboards import button, column, shorten
from bot.screens import bounded, clip, h, show, tell
from bot.texts import common as t
from bot.texts import events as ev
from models import Event, EventStatus, EvidenceKind, Role, School, User
from services.clock import Clock
from services.confirmations import (
    Draft,
    EvidenceItem,
    add_evidence,
    check_description,
    check_document,
    check_held_on,
    check_photo,
    check_url,
    default_held_on,
    draft_of,
    editable,
    find_confirmation,
    librarian_event,
    parse_day,
    parse_participants,
    submit,
    withdraw,
)
from services.errors import AccessDeniedError, NotFoundError, ValidationError
from services.events import SchoolTaskStatus, school_tasks, task_status
from services.timeutil import fmt_date, fmt_local, local_today

logger = logging.getLogger(__name__)


class ConfirmForm(StatesGroup):
    held_on = State()
    participants = State()
    description = State()
    evidence = State()
    summary = State()


def error_text(exc: ValidationError) -> str:
    params = {k: fmt_date(v) if isinstance(v, date) else v for k, v in exc.params.items()}
    template = ev.ERRORS.get(exc.code) or t.VALIDATION.get(exc.code) or t.INTERNAL_ERROR
    return template.format(**params)


def _cancel_row() -> list[InlineKeyboardButton]:
    return [button(t.BTN_CANCEL, FormCb(action="cancel"))]


# ---- the list and the card ------------------------------------------------------------------


async def _school(session: AsyncSession, user: User | None) -> School | None:
    if user is None or user.school_id is None:
        return None
    return await session.get(School, user.school_id)


async def tasks_screen(
    event: Message | CallbackQuery,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
) -> None:
    school = await _school(session, user)
    if school is None:
        await show(event, ev.NO_SCHOOL)
        return
    tasks = await school_tasks(session, school, clock())
    if not tasks:
        await show(event, ev.TASKS_EMPTY)
        return
    lines = bounded(
        [
            ev.TASK_LINE.format(
                icon=ev.TASK_STATUS_ICONS[task.status.value],
                title=h(clip(task.event.title)),
                deadline=fmt_local(task.event.deadline_at, settings.tz),
                status=ev.TASK_STATUS_NAMES[task.status.value],
            )
            for task in tasks
        ]
    )
    markup = column(
        [
            button(
                ev.TASK_BUTTON.format(
                    icon=ev.TASK_STATUS_ICONS[task.status.value], title=shorten(task.event.title)
                ),
                TaskCb(action=TaskAction.OPEN, event_id=task.event.id),
            )
            for task in tasks[:30]
        ]
    )
    await show(event, ev.TASKS_HEADER.format(school=h(school.short_name), lines=lines), markup)


async def tasks_command(
    message: Message,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    await tasks_screen(message, session, user, settings, clock)


async def tasks_list(
    query: CallbackQuery,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
) -> None:
    await tasks_screen(query, session, user, settings, clock)


async def _checked_event(
    query: CallbackQuery, session: AsyncSession, user: User | None, event_id: int
) -> tuple[Event, School] | None:
    """Callback data is untrusted: the event must be addressed to the user's school."""
    if user is None:
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
        return None
    try:
        return await librarian_event(session, user, event_id)
    except NotFoundError:
        await query.answer(ev.UNKNOWN_EVENT, show_alert=True)
    except AccessDeniedError:
        logger.warning("user %s pressed a button for event %s", query.from_user.id, event_id)
        await query.answer(t.FORBIDDEN_BUTTON, show_alert=True)
    return None


async def task_open(
    query: CallbackQuery,
    callback_data: TaskCb,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
) -> None:
    checked = await _checked_event(query, session, user, callback_data.event_id)
    if checked is None:
        return
    event, school = checked
    now = clock()
    confirmation = await find_confirmation(session, event.id, school.id)
    status = task_status(event, confirmation, now)
    comment = ""
    if confirmation is not None and status is SchoolTaskStatus.RETURNED:
        comment = ev.TASK_COMMENT.format(comment=h(confirmation.review_comment))
    text = ev.TASK_CARD.format(
        title=h(event.title),
        starts=fmt_date(event.starts_on),
        ends=fmt_date(event.ends_on),
        deadline=fmt_local(event.deadline_at, settings.tz),
        status=ev.TASK_STATUS_NAMES[status.value],
        late=ev.TASK_LATE if confirmation is not None and confirmation.is_late else "",
        comment=comment,
        description=f"\n\n{h(event.description)}" if event.description else "",
    )
    if event.status is EventStatus.CLOSED:
        text += ev.TASK_EVENT_CLOSED
    elif event.status is EventStatus.CANCELLED:
        text += ev.TASK_EVENT_CANCELLED
    buttons = []
    if editable(confirmation, event, now):
        if status in (SchoolTaskStatus.TODO, SchoolTaskStatus.OVERDUE):
            buttons.append(
                button(ev.BTN_CONFIRM_TASK, TaskCb(action=TaskAction.CONFIRM, event_id=event.id))
            )
        else:
            buttons.append(
                button(ev.BTN_EDIT_TASK, TaskCb(action=TaskAction.EDIT, event_id=event.id))
            )
            if status is SchoolTaskStatus.SUBMITTED and now <= event.deadline_at:
                buttons.append(
                    button(ev.BTN_WITHDRAW, TaskCb(action=TaskAction.WITHDRAW, event_id=event.id))
                )
    buttons.append(button(ev.BTN_TO_TASKS, TaskCb(action=TaskAction.LIST)))
    await show(query, text, column(buttons))


async def task_withdraw_ask(
    query: CallbackQuery,
    callback_data: TaskCb,
    session: AsyncSession,
    user: User | None,
    clock: Clock,
) -> None:
    checked = await _checked_event(query, session, user, callback_data.event_id)
    if checked is None:
        return
    event, school = checked
    confirmation = await find_confirmation(session, event.id, school.id)
    if (
        confirmation is None
        or confirmation.status.value != "submitted"
        or clock() > event.deadline_at
        or event.status is not EventStatus.OPEN
    ):
        await query.answer(ev.ERRORS["not_withdrawable"], show_alert=True)
        return
    markup = column(
        [
            button(ev.BTN_YES, TaskCb(action=TaskAction.WITHDRAW_OK, event_id=event.id)),
            button(t.BTN_BACK, TaskCb(action=TaskAction.OPEN, event_id=event.id)),
        ]
    )
    await show(query, ev.CONFIRM_WITHDRAW.format(title=h(event.title)), markup)


async def task_withdraw(
    query: CallbackQuery,
    callback_data: TaskCb,
    session: AsyncSession,
    user: User | None,
    clock: Clock,
) -> None:
    checked = await _checked_event(query, session, user, callback_data.event_id)
    if checked is None or user is None:
        return
    try:
        await withdraw(session, user, callback_data.event_id, clock)
    except (ValidationError, NotFoundError) as exc:
        await session.rollback()
        text = error_text(exc) if isinstance(exc, ValidationError) else ev.NOT_EDITABLE
        await query.answer(text, show_alert=True)
        return
    await show(
        query,
        ev.WITHDRAWN,
        column([button(ev.BTN_TO_TASKS, TaskCb(action=TaskAction.LIST))]),
    )


# ---- the confirmation form ------------------------------------------------------------------


def _draft_data(data: dict[str, Any]) -> Draft:
    return Draft(
        held_on=date.fromisoformat(data["held_on"]),
        participants=int(data["participants"]),
        description=str(data.get("description", "")),
        evidence=tuple(EvidenceItem.from_dict(e) for e in data.get("evidence", [])),
    )


async def _ask_held_on(
    target: Message | CallbackQuery, event: Event, settings: Settings, clock: Clock
) -> None:
    today = local_today(clock(), settings.tz)
    day = default_held_on(event, today)
    label = (
        ev.BTN_TODAY.format(day=fmt_date(day))
        if day == today
        else ev.BTN_DEFAULT_DAY.format(day=fmt_date(day))
    )
    rows = []
    if day <= today:
        rows.append([button(label, ConfirmStep(action="day", value=day.isoformat()))])
    rows.append(_cancel_row())
    text = ev.ASK_HELD_ON.format(starts=fmt_date(event.starts_on), ends=fmt_date(event.ends_on))
    markup = InlineKeyboardMarkup(inline_keyboard=rows)
    if isinstance(target, CallbackQuery):
        await show(target, text, markup)
    else:
        await target.answer(text, reply_markup=markup)


async def confirm_start(
    query: CallbackQuery,
    callback_data: TaskCb,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    checked = await _checked_event(query, session, user, callback_data.event_id)
    if checked is None:
        return
    event, school = checked
    confirmation = await find_confirmation(session, event.id, school.id)
    if not editable(confirmation, event, clock()):
        code = "event_not_open" if event.status.value != "open" else "not_editable"
        await query.answer(error_text(ValidationError(code)), show_alert=True)
        return
    if local_today(clock(), settings.tz) < event.starts_on:
        await query.answer(
            ev.NOT_STARTED.format(starts=fmt_date(event.starts_on)), show_alert=True
        )
        return
    await state.clear()
    base_version = confirmation.version if confirmation is not None else 0
    if callback_data.action is TaskAction.EDIT and confirmation is not None:
        draft = draft_of(confirmation)
        await state.set_data(
            {
                "event_id": event.id,
                "base_version": base_version,
                "held_on": draft.held_on.isoformat(),
                "participants": draft.participants,
                "description": draft.description,
                "evidence": [e.to_dict() for e in draft.evidence],
            }
        )
        await _show_summary(query, state, event)
        return
    await state.set_data({"event_id": event.id, "evidence": [], "base_version": base_version})
    await state.set_state(ConfirmForm.held_on)
    await _ask_held_on(query, event, settings, clock)


async def _form_event(
    message: Message | CallbackQuery,
    session: AsyncSession,
    user: User | None,
    state: FSMContext,
) -> Event | None:
    data = await state.get_data()
    try:
        if user is None:
            raise AccessDeniedError("no user")
        event, _ = await librarian_event(session, user, int(data.get("event_id", 0)))
    except (AccessDeniedError, NotFoundError):
        await state.clear()
        await tell(message, ev.UNKNOWN_EVENT)
        return None
    if event.status is not EventStatus.OPEN:
        await state.clear()
        await tell(message, ev.ERRORS["event_not_open"])
        return None
    return event


async def _next_or_summary(
    target: Message | CallbackQuery, state: FSMContext, event: Event, next_step: str
) -> None:
    data = await state.get_data()
    if data.get("editing"):
        await _show_summary(target, state, event)
        return
    if next_step == "participants":
        await state.set_state(ConfirmForm.participants)
        markup = InlineKeyboardMarkup(inline_keyboard=[_cancel_row()])
        await _say(target, ev.ASK_PARTICIPANTS, markup)
    elif next_step == "description":
        await state.set_state(ConfirmForm.description)
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[button(ev.BTN_SKIP, ConfirmStep(action="skip"))], _cancel_row()]
        )
        await _say(target, ev.ASK_DESCRIPTION, markup)
    else:
        await state.set_state(ConfirmForm.evidence)
        await _say(target, ev.ASK_EVIDENCE, _evidence_markup())


async def _say(target: Message | CallbackQuery, text: str, markup: InlineKeyboardMarkup) -> None:
    if isinstance(target, CallbackQuery):
        await show(target, text, markup)
    else:
        await target.answer(text, reply_markup=markup)


def _evidence_markup() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[button(ev.BTN_DONE, ConfirmStep(action="done"))], _cancel_row()]
    )


async def held_on_button(
    query: CallbackQuery,
    callback_data: ConfirmStep,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    event = await _form_event(query, session, user, state)
    if event is None:
        return
    try:
        day = check_held_on(
            date.fromisoformat(callback_data.value), event, local_today(clock(), settings.tz)
        )
    except (ValueError, ValidationError) as exc:
        err = exc if isinstance(exc, ValidationError) else ValidationError("bad_date")
        await query.answer(error_text(err), show_alert=True)
        return
    await state.update_data(held_on=day.isoformat())
    await _next_or_summary(query, state, event, "participants")


async def _answer_step(
    message: Message,
    session: AsyncSession,
    user: User | None,
    state: FSMContext,
    parse: Callable[[str, Event], object],
    field: str,
    next_step: str,
) -> None:
    """A typed answer to a form step: check it, store it, go on (or back to the summary)."""
    event = await _form_event(message, session, user, state)
    if event is None:
        return
    try:
        value = parse(message.text or "", event)
    except ValidationError as exc:
        await message.answer(error_text(exc) + "\n" + t.TRY_AGAIN)
        return
    await state.update_data({field: value})
    await _next_or_summary(message, state, event, next_step)


async def held_on_text(
    message: Message,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    today = local_today(clock(), settings.tz)

    def parse(text: str, event: Event) -> str:
        return check_held_on(parse_day(text, today), event, today).isoformat()

    await _answer_step(message, session, user, state, parse, "held_on", "participants")


async def participants_text(
    message: Message, session: AsyncSession, user: User | None, state: FSMContext
) -> None:
    await _answer_step(
        message,
        session,
        user,
        state,
        lambda text, _event: parse_participants(text),
        "participants",
        "description",
    )


async def description_text(
    message: Message, session: AsyncSession, user: User | None, state: FSMContext
) -> None:
    await _answer_step(
        message,
        session,
        user,
        state,
        lambda text, _event: check_description(text),
        "description",
        "evidence",
    )


async def description_skip(
    query: CallbackQuery, session: AsyncSession, user: User | None, state: FSMContext
) -> None:
    event = await _form_event(query, session, user, state)
    if event is None:
        return
    await state.update_data(description="")
    await _next_or_summary(query, state, event, "evidence")


async def _add_item(message: Message, state: FSMContext, item: EvidenceItem) -> None:
    data = await state.get_data()
    current = tuple(EvidenceItem.from_dict(e) for e in data.get("evidence", []))
    try:
        items = add_evidence(current, item)
    except ValidationError as exc:
        await message.answer(error_text(exc), reply_markup=_evidence_markup())
        return
    await state.update_data(evidence=[e.to_dict() for e in items])
    await message.answer(
        ev.EVIDENCE_ADDED.format(count=len(items)), reply_markup=_evidence_markup()
    )


async def evidence_document(message: Message, state: FSMContext) -> None:
    document = message.document
    assert document is not None
    try:
        check_document(document.file_name or "", document.file_size)
    except ValidationError as exc:
        await message.answer(error_text(exc), reply_markup=_evidence_markup())
        return
    await _add_item(
        message,
        state,
        EvidenceItem(
            kind=EvidenceKind.DOCUMENT,
            file_id=document.file_id,
            file_unique_id=document.file_unique_id,
            file_name=document.file_name or "",
            mime_type=document.mime_type or "",
            file_size=document.file_size or 0,
        ),
    )


async def evidence_photo(message: Message, state: FSMContext) -> None:
    assert message.photo
    photo = message.photo[-1]
    try:
        check_photo(photo.file_size)
    except ValidationError as exc:
        await message.answer(error_text(exc), reply_markup=_evidence_markup())
        return
    await _add_item(
        message,
        state,
        EvidenceItem(
            kind=EvidenceKind.PHOTO,
            file_id=photo.file_id,
            file_unique_id=photo.file_unique_id,
            file_name="photo.jpg",
            mime_type="image/jpeg",
            file_size=photo.file_size or 0,
        ),
    )


async def evidence_link(message: Message, state: FSMContext) -> None:
    try:
        url = check_url(message.text or "")
    except ValidationError as exc:
        await message.answer(error_text(exc), reply_markup=_evidence_markup())
        return
    await _add_item(message, state, EvidenceItem(kind=EvidenceKind.LINK, url=url))


async def evidence_other(message: Message) -> None:
    await message.answer(ev.EVIDENCE_EXPECTED, reply_markup=_evidence_markup())


async def evidence_done(
    query: CallbackQuery, session: AsyncSession, user: User | None, state: FSMContext
) -> None:
    event = await _form_event(query, session, user, state)
    if event is None:
        return
    await _show_summary(query, state, event)


async def _show_summary(target: Message | CallbackQuery, state: FSMContext, event: Event) -> None:
    data = await state.get_data()
    draft = _draft_data(data)
    evidence = ", ".join(
        clip(e.url, 60) if e.kind is EvidenceKind.LINK else (e.file_name or e.kind.value)
        for e in draft.evidence
    )
    text = ev.SUMMARY.format(
        title=h(event.title),
        held_on=fmt_date(draft.held_on),
        participants=draft.participants,
        description=h(draft.description) or ev.NO_DESCRIPTION,
        evidence=h(evidence) or ev.NO_EVIDENCE,
    )
    await state.set_state(ConfirmForm.summary)
    await state.update_data(editing=False)
    markup = column(
        [
            button(ev.BTN_SEND, ConfirmStep(action="send")),
            button(ev.BTN_CHANGE, ConfirmStep(action="change")),
            button(t.BTN_CANCEL, FormCb(action="cancel")),
        ]
    )
    await _say(target, text, markup)


async def summary_send(
    query: CallbackQuery,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    event = await _form_event(query, session, user, state)
    if event is None or user is None:
        return
    data = await state.get_data()
    draft = _draft_data(data)
    try:
        confirmation = await submit(
            session,
            user,
            event.id,
            draft,
            settings.tz,
            clock,
            base_version=int(data.get("base_version", 0)),
        )
    except ValidationError as exc:
        await session.rollback()
        if exc.code == "changed_by_colleague":
            await state.clear()
            await show(
                query,
                error_text(exc),
                column([button(ev.BTN_TO_TASKS, TaskCb(action=TaskAction.LIST))]),
            )
            return
        await query.answer(error_text(exc), show_alert=True)
        return
    await state.clear()
    text = ev.SUBMITTED_LATE if confirmation.is_late else ev.SUBMITTED
    await show(query, text, column([button(ev.BTN_TO_TASKS, TaskCb(action=TaskAction.LIST))]))


async def summary_change(query: CallbackQuery) -> None:
    markup = column(
        [
            button(ev.BTN_CHANGE_DATE, ConfirmStep(action="ch_date")),
            button(ev.BTN_CHANGE_PARTICIPANTS, ConfirmStep(action="ch_part")),
            button(ev.BTN_CHANGE_DESCRIPTION, ConfirmStep(action="ch_desc")),
            button(ev.BTN_CHANGE_EVIDENCE, ConfirmStep(action="ch_evid")),
            button(t.BTN_BACK, ConfirmStep(action="back")),
        ]
    )
    await show(query, ev.CHANGE_MENU, markup)


async def summary_back(
    query: CallbackQuery, session: AsyncSession, user: User | None, state: FSMContext
) -> None:
    event = await _form_event(query, session, user, state)
    if event is not None:
        await _show_summary(query, state, event)


async def summary_change_field(
    query: CallbackQuery,
    callback_data: ConfirmStep,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    event = await _form_event(query, session, user, state)
    if event is None:
        return
    await state.update_data(editing=True)
    if callback_data.action == "ch_date":
        await state.set_state(ConfirmForm.held_on)
        await _ask_held_on(query, event, settings, clock)
    elif callback_data.action == "ch_part":
        await state.set_state(ConfirmForm.participants)
        await show(
            query, ev.ASK_PARTICIPANTS, InlineKeyboardMarkup(inline_keyboard=[_cancel_row()])
        )
    elif callback_data.action == "ch_desc":
        await state.set_state(ConfirmForm.description)
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[button(ev.BTN_SKIP, ConfirmStep(action="skip"))], _cancel_row()]
        )
        await show(query, ev.ASK_DESCRIPTION, markup)
    else:
        await state.update_data(evidence=[], editing=False)
        await state.set_state(ConfirmForm.evidence)
        await show(query, ev.ASK_EVIDENCE, _evidence_markup())


async def use_buttons(message: Message) -> None:
    await message.answer(t.USE_BUTTONS)


def get_router() -> Router:
    router = Router(name="tasks")
    router.message.filter(HasRole(Role.LIBRARIAN))
    router.callback_query.filter(HasRole(Role.LIBRARIAN))
    not_command = ~F.text.startswith("/")
    router.message.register(tasks_command, Command("tasks"))
    router.callback_query.register(tasks_list, TaskCb.filter(F.action == TaskAction.LIST))
    router.callback_query.register(task_open, TaskCb.filter(F.action == TaskAction.OPEN))
    router.callback_query.register(
        confirm_start, TaskCb.filter(F.action.in_({TaskAction.CONFIRM, TaskAction.EDIT}))
    )
    router.callback_query.register(
        task_withdraw_ask, TaskCb.filter(F.action == TaskAction.WITHDRAW)
    )
    router.callback_query.register(
        task_withdraw, TaskCb.filter(F.action == TaskAction.WITHDRAW_OK)
    )
    router.callback_query.register(
        held_on_button, StateFilter(ConfirmForm.held_on), ConfirmStep.filter(F.action == "day")
    )
    router.message.register(held_on_text, StateFilter(ConfirmForm.held_on), F.text, not_command)
    router.message.register(
        participants_text, StateFilter(ConfirmForm.participants), F.text, not_command
    )
    router.message.register(
        description_text, StateFilter(ConfirmForm.description), F.text, not_command
    )
    router.callback_query.register(
        description_skip,
        StateFilter(ConfirmForm.description),
        ConfirmStep.filter(F.action == "skip"),
    )
    router.message.register(evidence_document, StateFilter(ConfirmForm.evidence), F.document)
    router.message.register(evidence_photo, StateFilter(ConfirmForm.evidence), F.photo)
    router.message.register(evidence_link, StateFilter(ConfirmForm.evidence), F.text, not_command)
    router.message.register(evidence_other, StateFilter(ConfirmForm.evidence), not_command)
    router.callback_query.register(
        evidence_done, StateFilter(ConfirmForm.evidence), ConfirmStep.filter(F.action == "done")
    )
    router.callback_query.register(
        summary_send, StateFilter(ConfirmForm.summary), ConfirmStep.filter(F.action == "send")
    )
    router.callback_query.register(
        summary_change, StateFilter(ConfirmForm.summary), ConfirmStep.filter(F.action == "change")
    )
    router.callback_query.register(
        summary_back, StateFilter(ConfirmForm.summary), ConfirmStep.filter(F.action == "back")
    )
    router.callback_query.register(
        summary_change_field,
        StateFilter(ConfirmForm.summary, ConfirmForm.held_on),
        ConfirmStep.filter(F.action.startswith("ch_")),
    )
    router.message.register(
        use_buttons,
        StateFilter(
            ConfirmForm.held_on,
            ConfirmForm.participants,
            ConfirmForm.description,
            ConfirmForm.summary,
        ),
        not_command,
    )
    return router
