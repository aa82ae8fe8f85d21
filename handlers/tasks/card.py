"""Librarian: /tasks, a task's card, withdrawing a confirmation."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts import documents as dt
from bot.texts import events as ev
from bot.texts.contests.entry import TASKS_HINT
from bot.toolkit.callbacks import TaskAction, TaskCb
from bot.toolkit.filters import SchoolEvent
from bot.toolkit.keyboards import button, column, shorten
from bot.toolkit.screens import bounded, clip, error_text, h, hq, show
from models import ConfirmationStatus, ContestStatus, Event, EventStatus, School, User
from services.clock import Clock
from services.confirmations import editable, find_confirmation, withdraw
from services.contests.setup import list_contests, taking_entries
from services.documents import count_event_documents
from services.errors import NotFoundError, ValidationError
from services.events import SchoolTaskStatus, school_tasks, task_status
from services.timeutil import fmt_date, fmt_local


async def _school(session: AsyncSession, user: User | None) -> School | None:
    if user is None or user.school_id is None:
        return None
    return await session.get(School, user.school_id)


async def tasks_screen(
    update: Message | CallbackQuery,
    session: AsyncSession,
    user: User | None,
    settings: Settings,
    clock: Clock,
) -> None:
    school = await _school(session, user)
    if school is None:
        await show(update, ev.NO_SCHOOL)
        return
    tasks = await school_tasks(session, school, clock())
    # a contest is entered in /contests, not confirmed here: point there while one is open
    contests = await list_contests(session, school.district_id, (ContestStatus.OPEN,))
    hint = TASKS_HINT if any(taking_entries(c, clock()) for c in contests) else ""
    if not tasks:
        await show(update, ev.TASKS_EMPTY + hint)
        return
    lines = bounded(
        [
            ev.TASK_LINE.format(
                icon=ev.TASK_STATUS_ICONS[task.status],
                title=h(clip(task.event.title)),
                deadline=fmt_local(task.event.deadline_at, settings.tz),
                status=ev.TASK_STATUS_NAMES[task.status],
            )
            for task in tasks
        ]
    )
    markup = column(
        [
            button(
                ev.TASK_BUTTON.format(
                    icon=ev.TASK_STATUS_ICONS[task.status], title=shorten(task.event.title)
                ),
                TaskCb(action=TaskAction.OPEN, event_id=task.event.id),
            )
            for task in tasks[:30]
        ]
    )
    text = ev.TASKS_HEADER.format(school=h(school.short_name), lines=lines) + hint
    await show(update, text, markup)


async def task_open(
    query: CallbackQuery,
    session: AsyncSession,
    event: Event,
    school: School,
    settings: Settings,
    clock: Clock,
) -> None:
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
        status=ev.TASK_STATUS_NAMES[status],
        late=ev.TASK_LATE if confirmation is not None and confirmation.is_late else "",
        comment=comment,
        description=f"\n\n{h(event.description)}" if event.description else "",
    )
    if event.status is EventStatus.CLOSED:
        text += ev.TASK_EVENT_CLOSED
    elif event.status is EventStatus.CANCELLED:
        text += ev.TASK_EVENT_CANCELLED
    buttons = []
    # the event's published files, if it has any (handlers/documents.py lists them)
    files = await count_event_documents(session, event.id)
    files_button = (
        [button(dt.files_button(files), TaskCb(action=TaskAction.FILES, event_id=event.id))]
        if files
        else []
    )
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
            await show(query, text, _with_fields(event.id, [*buttons, *files_button]))
            return
    buttons += files_button
    buttons.append(button(ev.BTN_TO_TASKS, TaskCb(action=TaskAction.LIST)))
    await show(query, text, column(buttons))


def _with_fields(event_id: int, buttons: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    """A sent confirmation's card: each field one press away, then the other buttons."""

    def fix(label: str, action: TaskAction) -> InlineKeyboardButton:
        return button(label, TaskCb(action=action, event_id=event_id))

    rows = [
        [
            fix(ev.BTN_FIX_DATE, TaskAction.FIX_DATE),
            fix(ev.BTN_FIX_PARTICIPANTS, TaskAction.FIX_PARTICIPANTS),
        ],
        [
            fix(ev.BTN_FIX_DESCRIPTION, TaskAction.FIX_DESCRIPTION),
            fix(ev.BTN_FIX_EVIDENCE, TaskAction.FIX_EVIDENCE),
        ],
        *([b] for b in buttons),
        [button(ev.BTN_TO_TASKS, TaskCb(action=TaskAction.LIST))],
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def task_withdraw_ask(
    query: CallbackQuery, session: AsyncSession, event: Event, school: School, clock: Clock
) -> None:
    confirmation = await find_confirmation(session, event.id, school.id)
    if (
        confirmation is None
        or confirmation.status is not ConfirmationStatus.SUBMITTED
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
    await show(query, ev.CONFIRM_WITHDRAW.format(title=hq(event.title)), markup)


async def task_withdraw(
    query: CallbackQuery, session: AsyncSession, user: User, event: Event, clock: Clock
) -> None:
    try:
        await withdraw(session, user, event.id, clock)
    except ValidationError as exc:
        await session.rollback()
        await query.answer(error_text(exc), show_alert=True)
        return
    except NotFoundError:
        await session.rollback()
        await query.answer(ev.NOT_EDITABLE, show_alert=True)
        return
    await show(
        query,
        ev.WITHDRAWN,
        column([button(ev.BTN_TO_TASKS, TaskCb(action=TaskAction.LIST))]),
    )


def get_router() -> Router:
    router = Router(name="tasks.card")
    cb = TaskCb.filter
    router.message.register(tasks_screen, Command("tasks"))
    router.callback_query.register(tasks_screen, cb(F.action == TaskAction.LIST))
    router.callback_query.register(task_open, cb(F.action == TaskAction.OPEN), SchoolEvent())
    router.callback_query.register(
        task_withdraw_ask, cb(F.action == TaskAction.WITHDRAW), SchoolEvent()
    )
    router.callback_query.register(
        task_withdraw, cb(F.action == TaskAction.WITHDRAW_OK), SchoolEvent()
    )
    return router
