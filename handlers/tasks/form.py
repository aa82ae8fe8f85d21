"""Librarian: the confirmation form (date, participants, description, evidence, summary)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts import events as ev
from bot.toolkit.callbacks import (
    CHANGE_ACTIONS,
    FIX_ACTIONS,
    ConfirmAction,
    ConfirmStep,
    FormAction,
    FormCb,
    ReviewAction,
    ReviewCb,
    TaskAction,
    TaskCb,
    parse_id,
)
from bot.toolkit.filters import SchoolEvent
from bot.toolkit.keyboards import button, column
from bot.toolkit.screens import clip, error_text, h, show
from models import ConfirmationStatus, Event, EventStatus, EvidenceKind, School, User
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
    parse_day,
    parse_participants,
    submit,
)
from services.errors import ValidationError
from services.outbox import Button
from services.review_notices import notify_reviewers
from services.timeutil import fmt_date, local_today


class ConfirmForm(StatesGroup):
    held_on = State()
    participants = State()
    description = State()
    evidence = State()
    summary = State()


def _cancel_row() -> list[InlineKeyboardButton]:
    return [button(t.BTN_CANCEL, FormCb(action=FormAction.CANCEL))]


def _draft_data(data: dict[str, Any]) -> Draft:
    return Draft(
        held_on=date.fromisoformat(data["held_on"]),
        participants=int(data["participants"]),
        description=str(data.get("description", "")),
        evidence=tuple(EvidenceItem.from_dict(e) for e in data.get("evidence", [])),
    )


# the card's field buttons lead to the same steps as the summary's «Изменить» menu
FIX_TO_CHANGE = {
    TaskAction.FIX_DATE: ConfirmAction.CHANGE_DATE,
    TaskAction.FIX_PARTICIPANTS: ConfirmAction.CHANGE_PARTICIPANTS,
    TaskAction.FIX_DESCRIPTION: ConfirmAction.CHANGE_DESCRIPTION,
    TaskAction.FIX_EVIDENCE: ConfirmAction.CHANGE_EVIDENCE,
}


def _comment(data: dict[str, Any]) -> str:
    """The coordinator's comment of a returned confirmation, kept on every screen of the fix."""
    comment = str(data.get("comment", ""))
    return ev.TASK_COMMENT.format(comment=h(comment)) if comment else ""


async def _ask_held_on(
    target: Message | CallbackQuery,
    event: Event,
    settings: Settings,
    clock: Clock,
    note: str = "",
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
        rows.append(
            [
                button(
                    label,
                    ConfirmStep(
                        action=ConfirmAction.DAY, value=day.isoformat(), event_id=event.id
                    ),
                )
            ]
        )
    rows.append(_cancel_row())
    text = ev.ASK_HELD_ON.format(starts=fmt_date(event.starts_on), ends=fmt_date(event.ends_on))
    text += note
    markup = InlineKeyboardMarkup(inline_keyboard=rows)
    if isinstance(target, CallbackQuery):
        await show(target, text, markup)
    else:
        await target.answer(text, reply_markup=markup)


async def confirm_start(
    query: CallbackQuery,
    callback_data: TaskCb,
    session: AsyncSession,
    event: Event,
    school: School,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    confirmation = await find_confirmation(session, event.id, school.id)
    if not editable(confirmation, event, clock()):
        code = "event_not_open" if event.status is not EventStatus.OPEN else "not_editable"
        await query.answer(error_text(ValidationError(code)), show_alert=True)
        return
    if local_today(clock(), settings.tz) < event.starts_on:
        await query.answer(
            ev.NOT_STARTED.format(starts=fmt_date(event.starts_on)), show_alert=True
        )
        return
    await state.clear()
    base_version = confirmation.version if confirmation is not None else 0
    if callback_data.action is not TaskAction.CONFIRM and confirmation is not None:
        draft = draft_of(confirmation)
        returned = confirmation.status is ConfirmationStatus.RETURNED
        await state.set_data(
            {
                "event_id": event.id,
                "base_version": base_version,
                "held_on": draft.held_on.isoformat(),
                "participants": draft.participants,
                "description": draft.description,
                "evidence": [e.to_dict() for e in draft.evidence],
                "comment": confirmation.review_comment if returned else "",
            }
        )
        if callback_data.action in FIX_ACTIONS:  # straight to the field, from the card
            await state.set_state(ConfirmForm.summary)
            await _change_field(
                query, FIX_TO_CHANGE[callback_data.action], event, settings, clock, state
            )
            return
        await _show_summary(query, state, event)
        return
    await state.set_data({"event_id": event.id, "evidence": [], "base_version": base_version})
    await state.set_state(ConfirmForm.held_on)
    await _ask_held_on(query, event, settings, clock)


async def _next_or_summary(
    target: Message | CallbackQuery, state: FSMContext, event: Event, next_step: State
) -> None:
    data = await state.get_data()
    if data.get("editing"):
        await _show_summary(target, state, event)
        return
    await state.set_state(next_step)
    if next_step is ConfirmForm.participants:
        markup = InlineKeyboardMarkup(inline_keyboard=[_cancel_row()])
        await _say(target, ev.ASK_PARTICIPANTS, markup)
    elif next_step is ConfirmForm.description:
        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                [button(ev.BTN_SKIP, ConfirmStep(action=ConfirmAction.SKIP, event_id=event.id))],
                _cancel_row(),
            ]
        )
        await _say(target, ev.ASK_DESCRIPTION, markup)
    else:
        await _say(target, ev.ASK_EVIDENCE, _evidence_markup(event.id))


async def _say(target: Message | CallbackQuery, text: str, markup: InlineKeyboardMarkup) -> None:
    if isinstance(target, CallbackQuery):
        await show(target, text, markup)
    else:
        await target.answer(text, reply_markup=markup)


def _evidence_markup(event_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [button(ev.BTN_DONE, ConfirmStep(action=ConfirmAction.DONE, event_id=event_id))],
            _cancel_row(),
        ]
    )


async def held_on_button(
    query: CallbackQuery,
    callback_data: ConfirmStep,
    event: Event,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    try:
        day = check_held_on(
            date.fromisoformat(callback_data.value), event, local_today(clock(), settings.tz)
        )
    except (ValueError, ValidationError) as exc:
        err = exc if isinstance(exc, ValidationError) else ValidationError("bad_date")
        await query.answer(error_text(err), show_alert=True)
        return
    await state.update_data(held_on=day.isoformat())
    await _next_or_summary(query, state, event, ConfirmForm.participants)


async def _answer_step(
    message: Message,
    event: Event,
    state: FSMContext,
    parse: Callable[[str, Event], object],
    field: str,
    next_step: State,
) -> None:
    """A typed answer to a form step: check it, store it, go on (or back to the summary)."""
    try:
        value = parse(message.text or "", event)
    except ValidationError as exc:
        await message.answer(error_text(exc) + "\n" + t.TRY_AGAIN)
        return
    await state.update_data({field: value})
    await _next_or_summary(message, state, event, next_step)


async def held_on_text(
    message: Message,
    event: Event,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    today = local_today(clock(), settings.tz)

    def parse(text: str, event: Event) -> str:
        return check_held_on(parse_day(text, today), event, today).isoformat()

    await _answer_step(message, event, state, parse, "held_on", ConfirmForm.participants)


async def participants_text(message: Message, event: Event, state: FSMContext) -> None:
    await _answer_step(
        message,
        event,
        state,
        lambda text, _event: parse_participants(text),
        "participants",
        ConfirmForm.description,
    )


async def description_text(message: Message, event: Event, state: FSMContext) -> None:
    await _answer_step(
        message,
        event,
        state,
        lambda text, _event: check_description(text),
        "description",
        ConfirmForm.evidence,
    )


async def description_skip(query: CallbackQuery, event: Event, state: FSMContext) -> None:
    await state.update_data(description="")
    await _next_or_summary(query, state, event, ConfirmForm.evidence)


async def _form_event_id(state: FSMContext) -> int:
    return parse_id((await state.get_data()).get("event_id"))


async def _add_item(message: Message, state: FSMContext, item: EvidenceItem) -> None:
    data = await state.get_data()
    markup = _evidence_markup(parse_id(data.get("event_id")))
    current = tuple(EvidenceItem.from_dict(e) for e in data.get("evidence", []))
    try:
        items = add_evidence(current, item)
    except ValidationError as exc:
        await message.answer(error_text(exc), reply_markup=markup)
        return
    await state.update_data(evidence=[e.to_dict() for e in items])
    await message.answer(ev.EVIDENCE_ADDED.format(count=len(items)), reply_markup=markup)


async def evidence_document(message: Message, state: FSMContext) -> None:
    document = message.document
    assert document is not None
    try:
        check_document(document.file_name or "", document.file_size)
    except ValidationError as exc:
        markup = _evidence_markup(await _form_event_id(state))
        await message.answer(error_text(exc), reply_markup=markup)
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
        markup = _evidence_markup(await _form_event_id(state))
        await message.answer(error_text(exc), reply_markup=markup)
        return
    # a photo has no name of its own: «Фото 1», «Фото 2»… in the order they came
    kept = (await state.get_data()).get("evidence", [])
    number = 1 + sum(1 for e in kept if e.get("kind") == EvidenceKind.PHOTO.value)
    await _add_item(
        message,
        state,
        EvidenceItem(
            kind=EvidenceKind.PHOTO,
            file_id=photo.file_id,
            file_unique_id=photo.file_unique_id,
            file_name=ev.PHOTO_NAME.format(number=number),
            mime_type="image/jpeg",
            file_size=photo.file_size or 0,
        ),
    )


async def evidence_link(message: Message, state: FSMContext) -> None:
    try:
        url = check_url(message.text or "")
    except ValidationError as exc:
        markup = _evidence_markup(await _form_event_id(state))
        await message.answer(error_text(exc), reply_markup=markup)
        return
    await _add_item(message, state, EvidenceItem(kind=EvidenceKind.LINK, url=url))


async def evidence_other(message: Message, state: FSMContext) -> None:
    markup = _evidence_markup(await _form_event_id(state))
    await message.answer(ev.EVIDENCE_EXPECTED, reply_markup=markup)


async def evidence_done(query: CallbackQuery, event: Event, state: FSMContext) -> None:
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
    ) + _comment(data)
    await state.set_state(ConfirmForm.summary)
    await state.update_data(editing=False)
    markup = column(
        [
            button(ev.BTN_SEND, ConfirmStep(action=ConfirmAction.SEND, event_id=event.id)),
            button(ev.BTN_CHANGE, ConfirmStep(action=ConfirmAction.CHANGE, event_id=event.id)),
            button(t.BTN_CANCEL, FormCb(action=FormAction.CANCEL)),
        ]
    )
    await _say(target, text, markup)


async def summary_send(
    query: CallbackQuery,
    session: AsyncSession,
    user: User,
    event: Event,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
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
    # coordinators hear of it in the same unit of work (grouped, at most every 10 minutes)
    await notify_reviewers(
        session,
        event.district_id,
        clock(),
        settings.tz,
        settings.quiet,
        ev.review_notice,
        ((Button(ev.BTN_OPEN_REVIEW, ReviewCb(action=ReviewAction.LIST).pack()),),),
    )
    await state.clear()
    text = ev.SUBMITTED_LATE if confirmation.is_late else ev.SUBMITTED
    await show(query, text, column([button(ev.BTN_TO_TASKS, TaskCb(action=TaskAction.LIST))]))


async def summary_change(query: CallbackQuery, event: Event) -> None:
    markup = column(
        [
            button(
                ev.BTN_CHANGE_DATE,
                ConfirmStep(action=ConfirmAction.CHANGE_DATE, event_id=event.id),
            ),
            button(
                ev.BTN_CHANGE_PARTICIPANTS,
                ConfirmStep(action=ConfirmAction.CHANGE_PARTICIPANTS, event_id=event.id),
            ),
            button(
                ev.BTN_CHANGE_DESCRIPTION,
                ConfirmStep(action=ConfirmAction.CHANGE_DESCRIPTION, event_id=event.id),
            ),
            button(
                ev.BTN_CHANGE_EVIDENCE,
                ConfirmStep(action=ConfirmAction.CHANGE_EVIDENCE, event_id=event.id),
            ),
            button(t.BTN_BACK, ConfirmStep(action=ConfirmAction.BACK, event_id=event.id)),
        ]
    )
    await show(query, ev.CHANGE_MENU, markup)


async def summary_back(query: CallbackQuery, event: Event, state: FSMContext) -> None:
    await _show_summary(query, state, event)


async def summary_change_field(
    query: CallbackQuery,
    callback_data: ConfirmStep,
    event: Event,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    await _change_field(query, callback_data.action, event, settings, clock, state)


async def _change_field(
    query: CallbackQuery,
    action: ConfirmAction,
    event: Event,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    await state.update_data(editing=True)
    note = _comment(await state.get_data())
    if action is ConfirmAction.CHANGE_DATE:
        await state.set_state(ConfirmForm.held_on)
        await _ask_held_on(query, event, settings, clock, note)
    elif action is ConfirmAction.CHANGE_PARTICIPANTS:
        await state.set_state(ConfirmForm.participants)
        await show(
            query,
            ev.ASK_PARTICIPANTS + note,
            InlineKeyboardMarkup(inline_keyboard=[_cancel_row()]),
        )
    elif action is ConfirmAction.CHANGE_DESCRIPTION:
        await state.set_state(ConfirmForm.description)
        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                [button(ev.BTN_SKIP, ConfirmStep(action=ConfirmAction.SKIP, event_id=event.id))],
                _cancel_row(),
            ]
        )
        await show(query, ev.ASK_DESCRIPTION + note, markup)
    else:  # what was attached stays; the librarian adds to it or starts over
        kept = len((await state.get_data()).get("evidence", []))
        await state.update_data(editing=False)
        await state.set_state(ConfirmForm.evidence)
        if not kept:
            await show(query, ev.ASK_EVIDENCE + note, _evidence_markup(event.id))
            return
        markup = _evidence_markup(event.id)
        clear = button(
            ev.BTN_CLEAR_EVIDENCE,
            ConfirmStep(action=ConfirmAction.CLEAR_EVIDENCE, event_id=event.id),
        )
        markup.inline_keyboard.insert(1, [clear])
        await show(query, ev.EVIDENCE_KEPT.format(count=kept) + note, markup)


async def evidence_clear(query: CallbackQuery, event: Event, state: FSMContext) -> None:
    await state.update_data(evidence=[])
    await show(query, ev.EVIDENCE_CLEARED, _evidence_markup(event.id))


async def use_buttons(message: Message) -> None:
    await message.answer(t.USE_BUTTONS)


async def use_text(message: Message) -> None:
    await message.answer(t.USE_TEXT)


def get_router() -> Router:
    router = Router(name="tasks.form")
    not_command = ~F.text.startswith("/")
    step = ConfirmStep.filter
    # the form's event, checked on every step: still addressed to the school and still open
    event = SchoolEvent(in_form=True, forbidden=ev.UNKNOWN_EVENT, open_only=True)
    router.callback_query.register(
        confirm_start,
        TaskCb.filter(F.action.in_({TaskAction.CONFIRM, TaskAction.EDIT} | FIX_ACTIONS)),
        SchoolEvent(),
    )
    router.callback_query.register(
        held_on_button,
        StateFilter(ConfirmForm.held_on),
        step(F.action == ConfirmAction.DAY),
        event,
    )
    router.message.register(
        held_on_text, StateFilter(ConfirmForm.held_on), F.text, not_command, event
    )
    router.message.register(
        participants_text, StateFilter(ConfirmForm.participants), F.text, not_command, event
    )
    router.message.register(
        description_text, StateFilter(ConfirmForm.description), F.text, not_command, event
    )
    router.callback_query.register(
        description_skip,
        StateFilter(ConfirmForm.description),
        step(F.action == ConfirmAction.SKIP),
        event,
    )
    router.message.register(evidence_document, StateFilter(ConfirmForm.evidence), F.document)
    router.message.register(evidence_photo, StateFilter(ConfirmForm.evidence), F.photo)
    router.message.register(evidence_link, StateFilter(ConfirmForm.evidence), F.text, not_command)
    router.message.register(evidence_other, StateFilter(ConfirmForm.evidence), not_command)
    router.callback_query.register(
        evidence_done,
        StateFilter(ConfirmForm.evidence),
        step(F.action == ConfirmAction.DONE),
        event,
    )
    router.callback_query.register(
        evidence_clear,
        StateFilter(ConfirmForm.evidence),
        step(F.action == ConfirmAction.CLEAR_EVIDENCE),
        event,
    )
    router.callback_query.register(
        summary_send,
        StateFilter(ConfirmForm.summary),
        step(F.action == ConfirmAction.SEND),
        event,
    )
    router.callback_query.register(
        summary_change,
        StateFilter(ConfirmForm.summary),
        step(F.action == ConfirmAction.CHANGE),
        event,
    )
    router.callback_query.register(
        summary_back,
        StateFilter(ConfirmForm.summary),
        step(F.action == ConfirmAction.BACK),
        event,
    )
    router.callback_query.register(
        summary_change_field,
        StateFilter(ConfirmForm.summary),
        step(F.action.in_(CHANGE_ACTIONS)),
        event,
    )
    router.message.register(
        use_text,
        StateFilter(ConfirmForm.held_on, ConfirmForm.participants, ConfirmForm.description),
        not_command,
    )
    router.message.register(use_buttons, StateFilter(ConfirmForm.summary), not_command)
    return router
