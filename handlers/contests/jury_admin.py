"""Coordinator: a contest's jury — seats with their progress, invitations by a one-time link,
revoking a seat, closing the judging.

The entry point is the contest card's button (JuryAdminCb LIST); «« Назад» goes back to it.
Every button names a contest (and maybe a seat): `JuryRecords` checks that the contest is of
the coordinator's district and the seat of that contest, with one answer for "not yours" and
"not found".
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts.contests import jury as tj
from bot.toolkit.callbacks import FormAction, FormCb, parse_id
from bot.toolkit.contest_callbacks import ContestAction, ContestCb, JuryAdminAction, JuryAdminCb
from bot.toolkit.filters import HasRole, Refused
from bot.toolkit.keyboards import (
    PAGE_SIZE,
    button,
    cancel_keyboard,
    clamp_page,
    column,
    pager_row,
    shorten,
    yes_no,
)
from bot.toolkit.notify import deliver
from bot.toolkit.screens import bounded, error_text, h, hq, show
from models import Contest, ContestJuror, ContestStatus, EntryStatus, Role, User
from services.clock import Clock
from services.contests.entries import count_entries
from services.contests.jury import (
    SeatView,
    check_label,
    close_judging,
    get_seat,
    invite_juror,
    list_jurors,
    revoke_juror,
)
from services.contests.setup import contest_for_district
from services.errors import AccessDeniedError, NotFoundError, ValidationError
from services.invitations import deep_link
from services.timeutil import fmt_local

logger = logging.getLogger(__name__)


class JuryInvite(StatesGroup):
    label = State()
    nominations = State()


class JuryRecords(Filter):
    """`contest` (of the user's district) and, with `seat=True`, `seat` (of that contest).

    In a form the contest id comes from the form's data; a button of another form is stale.
    """

    def __init__(self, *, seat: bool = False, in_form: bool = False) -> None:
        self.seat = seat
        self.in_form = in_form

    async def __call__(self, update: Any, **data: Any) -> dict[str, Any]:
        session: AsyncSession = data["session"]
        user: User | None = data.get("user")
        callback: JuryAdminCb | None = data.get("callback_data")
        state: FSMContext = data["state"]
        if self.in_form:
            contest_id = parse_id((await state.get_data()).get("contest_id"))
            if callback is not None and callback.contest_id != contest_id:
                raise Refused(t.STALE_BUTTON)
        else:
            contest_id = callback.contest_id if callback is not None else 0
        try:
            contest = await contest_for_district(
                session, contest_id, user.district_id if user is not None else None
            )
            found: dict[str, Any] = {"contest": contest}
            if self.seat:
                seat = await get_seat(session, callback.juror_id if callback else 0)
                if seat.contest_id != contest.id:
                    raise AccessDeniedError("seat of another contest")
                found["seat"] = seat
        except (NotFoundError, AccessDeniedError) as exc:
            logger.warning(
                "user %s: jury of contest %s refused: %s", user and user.id, contest_id, exc
            )
            if self.in_form:
                await state.clear()
            raise Refused(t.STALE_BUTTON) from exc
        return found


def _over(contest: Contest) -> bool:
    """Nothing changes in the jury any more."""
    return contest.judging_closed_at is not None or contest.status in (
        ContestStatus.CANCELLED,
        ContestStatus.PUBLISHED,
    )


def _holder(view: SeatView) -> str:
    """Who took the seat: their name and @username."""
    holder = view.holder
    if holder is None:
        return "—"
    name = h(holder.full_name or "—")
    return f"{name} (@{h(holder.username)})" if holder.username else name


def _holder_if_other(view: SeatView) -> str:
    """« как …» when the person who took the seat is not named as the label says."""
    holder = view.holder
    if holder is None or (holder.full_name == view.seat.label and not holder.username):
        return ""
    return tj.SEAT_HOLDER.format(name=_holder(view))


def _nominations(contest: Contest, seat: ContestJuror) -> str:
    if seat.nomination_ids is None:
        return tj.ALL_NOMINATIONS
    titles = [f"«{hq(n.title)}»" for n in contest.nominations if n.id in seat.nomination_ids]
    return ", ".join(titles) or tj.ALL_NOMINATIONS


async def _accepted_count(session: AsyncSession, contest: Contest) -> int:
    return (await count_entries(session, contest.id)).get(EntryStatus.ACCEPTED, 0)


async def _jury_screen(
    session: AsyncSession, contest: Contest, page: int, settings: Settings, note: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    views = await list_jurors(session, contest)
    if contest.judging_closed_at is not None:
        judging = tj.JUDGING_CLOSED.format(when=fmt_local(contest.judging_closed_at, settings.tz))
    else:
        judging = tj.JUDGING_OPEN
    lines = [
        tj.JURY_HEADER.format(
            title=hq(contest.title),
            accepted=await _accepted_count(session, contest),
            judging=judging,
        ),
        "",
    ]
    if not views:
        lines.append(tj.NO_JURORS)
    for n, view in enumerate(views, 1):
        if view.holder is None:
            seat_state = tj.SEAT_WAITING
        else:
            template = tj.SEAT_TAKEN_DONE if view.progress.done else tj.SEAT_TAKEN
            seat_state = template.format(
                holder=_holder_if_other(view),
                scored=view.progress.scored,
                total=view.progress.total,
            )
        lines.append(tj.SEAT_LINE.format(n=n, label=h(view.seat.label), state=seat_state))
    page = clamp_page(page, len(views))
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(
                tj.BTN_SEAT.format(label=shorten(v.seat.label, 40)),
                JuryAdminCb(
                    action=JuryAdminAction.SEAT,
                    contest_id=contest.id,
                    juror_id=v.seat.id,
                    page=page,
                ),
            )
        ]
        for v in views[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    pager = pager_row(
        page,
        len(views),
        lambda p: JuryAdminCb(action=JuryAdminAction.LIST, contest_id=contest.id, page=p),
    )
    if pager:
        rows.append(pager)
    if not _over(contest):
        rows.append(
            [
                button(
                    tj.BTN_INVITE,
                    JuryAdminCb(action=JuryAdminAction.INVITE, contest_id=contest.id),
                )
            ]
        )
    if contest.status is ContestStatus.CLOSED and contest.judging_closed_at is None:
        rows.append(
            [
                button(
                    tj.BTN_CLOSE_JUDGING,
                    JuryAdminCb(action=JuryAdminAction.CLOSE, contest_id=contest.id),
                )
            ]
        )
    rows.append([button(t.BTN_BACK, ContestCb(action=ContestAction.CARD, contest_id=contest.id))])
    text = bounded(lines)
    if note:
        text = note + "\n\n" + text
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def _back_to_jury(contest: Contest, page: int = 0) -> InlineKeyboardButton:
    return button(
        tj.BTN_TO_JURY, JuryAdminCb(action=JuryAdminAction.LIST, contest_id=contest.id, page=page)
    )


async def jury_list(
    query: CallbackQuery,
    callback_data: JuryAdminCb,
    session: AsyncSession,
    contest: Contest,
    state: FSMContext,
    settings: Settings,
) -> None:
    await state.clear()
    text, markup = await _jury_screen(session, contest, callback_data.page, settings)
    await show(query, text, markup)


async def seat_card(
    query: CallbackQuery,
    callback_data: JuryAdminCb,
    session: AsyncSession,
    bot: Bot,
    contest: Contest,
    seat: ContestJuror,
    settings: Settings,
) -> None:
    view = next((v for v in await list_jurors(session, contest) if v.seat.id == seat.id), None)
    if view is None:  # revoked meanwhile
        await query.answer(error_text(ValidationError("jury_seat_revoked")), show_alert=True)
        return
    if view.holder is None:
        me = await bot.me()
        seat_state = tj.SEAT_CARD_WAITING.format(link=deep_link(me.username or "", seat.token))
    else:
        joined = fmt_local(seat.joined_at, settings.tz) if seat.joined_at else "—"
        seat_state = tj.SEAT_CARD_TAKEN.format(
            holder=_holder(view),
            when=joined,
            scored=view.progress.scored,
            total=view.progress.total,
        )
    text = tj.SEAT_CARD.format(
        label=h(seat.label),
        title=hq(contest.title),
        nominations=_nominations(contest, seat),
        state=seat_state,
    )
    rows = []
    if contest.judging_closed_at is None:
        rows.append(
            button(
                tj.BTN_REVOKE,
                JuryAdminCb(
                    action=JuryAdminAction.REVOKE,
                    contest_id=contest.id,
                    juror_id=seat.id,
                    page=callback_data.page,
                ),
            )
        )
    rows.append(_back_to_jury(contest, callback_data.page))
    await show(query, text, column(rows))


# ---- invitation ---------------------------------------------------------------------------


async def invite_start(query: CallbackQuery, contest: Contest, state: FSMContext) -> None:
    if _over(contest):
        await query.answer(error_text(ValidationError("jury_closed_for_invites")), show_alert=True)
        return
    await state.set_state(JuryInvite.label)
    await state.set_data({"contest_id": contest.id})
    await show(query, tj.ASK_LABEL, cancel_keyboard())


def _nominations_markup(contest: Contest, chosen: set[int]) -> InlineKeyboardMarkup:
    rows = [
        button(
            (tj.NOMINATION_ON if n.id in chosen else tj.NOMINATION_OFF).format(
                title=shorten(n.title, 50)
            ),
            JuryAdminCb(action=JuryAdminAction.NOMINATION, contest_id=contest.id, arg=n.id),
        )
        for n in contest.nominations
    ]
    rows += [
        button(
            tj.BTN_ALL_NOMINATIONS,
            JuryAdminCb(action=JuryAdminAction.ALL_NOMINATIONS, contest_id=contest.id),
        ),
        button(tj.BTN_DONE, JuryAdminCb(action=JuryAdminAction.DONE, contest_id=contest.id)),
        button(t.BTN_CANCEL, FormCb(action=FormAction.CANCEL)),
    ]
    return column(rows)


async def invite_label(
    message: Message,
    session: AsyncSession,
    bot: Bot,
    user: User,
    contest: Contest,
    state: FSMContext,
    clock: Clock,
) -> None:
    try:
        label = check_label(message.text or "")
    except ValidationError as exc:
        await message.answer(error_text(exc) + "\n" + t.TRY_AGAIN, reply_markup=cancel_keyboard())
        return
    if len(contest.nominations) <= 1:
        await _make_seat(message, session, bot, user, contest, label, None, clock, state)
        return
    await state.set_state(JuryInvite.nominations)
    await state.update_data(label=label, chosen=[])
    await message.answer(
        tj.ASK_NOMINATIONS.format(label=h(label)), reply_markup=_nominations_markup(contest, set())
    )


async def invite_toggle(
    query: CallbackQuery, callback_data: JuryAdminCb, contest: Contest, state: FSMContext
) -> None:
    if callback_data.arg not in {n.id for n in contest.nominations}:
        await query.answer(t.STALE_BUTTON, show_alert=True)
        return
    data = await state.get_data()
    chosen = {parse_id(v) for v in data.get("chosen", [])} - {0}
    chosen ^= {callback_data.arg}
    await state.update_data(chosen=sorted(chosen))
    label = str(data.get("label", ""))
    await show(
        query,
        tj.ASK_NOMINATIONS.format(label=h(label)),
        _nominations_markup(contest, chosen),
    )


async def invite_all(
    query: CallbackQuery,
    session: AsyncSession,
    bot: Bot,
    user: User,
    contest: Contest,
    state: FSMContext,
    clock: Clock,
) -> None:
    label = str((await state.get_data()).get("label", ""))
    await _make_seat(query, session, bot, user, contest, label, None, clock, state)


async def invite_done(
    query: CallbackQuery,
    session: AsyncSession,
    bot: Bot,
    user: User,
    contest: Contest,
    state: FSMContext,
    clock: Clock,
) -> None:
    data = await state.get_data()
    chosen = sorted({parse_id(v) for v in data.get("chosen", [])} - {0})
    if not chosen:
        await query.answer(error_text(ValidationError("jury_no_nominations")), show_alert=True)
        return
    label = str(data.get("label", ""))
    await _make_seat(query, session, bot, user, contest, label, chosen, clock, state)


async def _make_seat(
    target: Message | CallbackQuery,
    session: AsyncSession,
    bot: Bot,
    user: User,
    contest: Contest,
    label: str,
    nomination_ids: list[int] | None,
    clock: Clock,
    state: FSMContext,
) -> None:
    try:
        seat = await invite_juror(session, contest, label, nomination_ids, user, clock)
    except ValidationError as exc:
        await session.rollback()
        await state.clear()
        if isinstance(target, CallbackQuery):
            await target.answer(error_text(exc), show_alert=True)
        else:
            await target.answer(error_text(exc))
        return
    await state.clear()
    me = await bot.me()
    text = tj.INVITED.format(
        label=h(seat.label),
        nominations=_nominations(contest, seat),
        link=deep_link(me.username or "", seat.token),
    )
    await show(target, text, column([_back_to_jury(contest)]))


# ---- revoking a seat, closing the judging ----------------------------------------------------


async def revoke_ask(
    query: CallbackQuery, callback_data: JuryAdminCb, contest: Contest, seat: ContestJuror
) -> None:
    if contest.judging_closed_at is not None:
        await query.answer(error_text(ValidationError("jury_judging_closed")), show_alert=True)
        return
    yes = JuryAdminCb(
        action=JuryAdminAction.REVOKE_OK,
        contest_id=contest.id,
        juror_id=seat.id,
        page=callback_data.page,
    )
    no = JuryAdminCb(
        action=JuryAdminAction.SEAT,
        contest_id=contest.id,
        juror_id=seat.id,
        page=callback_data.page,
    )
    markup = yes_no(yes, no)
    await show(query, tj.ASK_REVOKE.format(label=h(seat.label)), markup)


async def revoke_ok(
    query: CallbackQuery,
    callback_data: JuryAdminCb,
    session: AsyncSession,
    contest: Contest,
    seat: ContestJuror,
    clock: Clock,
    settings: Settings,
) -> None:
    contest_id, label = contest.id, seat.label
    try:
        await revoke_juror(session, contest, seat, clock)
    except ValidationError as exc:
        await session.rollback()
        await query.answer(error_text(exc), show_alert=True)
        return
    if seat.user_id is not None:
        holder = await session.get(User, seat.user_id)
        if holder is not None:
            await deliver(
                session,
                clock,
                f"jury-revoked:{seat.id}",
                [(holder.telegram_id, holder.id)],
                tj.REVOKED_NOTICE.format(title=hq(contest.title)),
                purpose="jury",
            )
    note = tj.REVOKED.format(label=h(label))
    text, markup = await _jury_screen(session, contest, callback_data.page, settings, note)
    logger.info("jury seat %s of contest %s revoked", seat.id, contest_id)
    await show(query, text, markup)


async def close_ask(query: CallbackQuery, session: AsyncSession, contest: Contest) -> None:
    if contest.judging_closed_at is not None:
        await query.answer(error_text(ValidationError("jury_judging_closed")), show_alert=True)
        return
    if contest.status is not ContestStatus.CLOSED:
        await query.answer(error_text(ValidationError("jury_close_needs_closed")), show_alert=True)
        return
    views = await list_jurors(session, contest)
    text = tj.ASK_CLOSE.format(title=hq(contest.title))
    taken = [v for v in views if v.holder is not None]
    unfinished = [v for v in taken if not v.progress.done and v.progress.total]
    if not taken:
        text += tj.CLOSE_NOBODY
    elif unfinished:
        text += tj.CLOSE_UNFINISHED.format(
            lines=bounded(
                [
                    tj.CLOSE_UNFINISHED_LINE.format(
                        label=h(v.seat.label), scored=v.progress.scored, total=v.progress.total
                    )
                    for v in unfinished
                ],
                2500,
            )
        )
    yes = JuryAdminCb(action=JuryAdminAction.CLOSE_OK, contest_id=contest.id)
    no = JuryAdminCb(action=JuryAdminAction.LIST, contest_id=contest.id)
    markup = yes_no(yes, no)
    await show(query, text, markup)


async def close_ok(
    query: CallbackQuery,
    session: AsyncSession,
    contest: Contest,
    clock: Clock,
    settings: Settings,
) -> None:
    try:
        await close_judging(session, contest, clock)
    except ValidationError as exc:
        await session.rollback()
        await query.answer(error_text(exc), show_alert=True)
        return
    holders = [v.holder for v in await list_jurors(session, contest) if v.holder is not None]
    if holders:
        await deliver(
            session,
            clock,
            f"jury-closed:{contest.id}",
            [(u.telegram_id, u.id) for u in holders],
            tj.CLOSED_NOTICE.format(title=hq(contest.title)),
            purpose="jury",
        )
    text, markup = await _jury_screen(session, contest, 0, settings, tj.CLOSED_DONE)
    await show(query, text, markup)


def get_router() -> Router:
    router = Router(name="contests_jury_admin")
    router.message.filter(HasRole(Role.COORDINATOR, Role.SUPER_ADMIN))
    router.callback_query.filter(HasRole(Role.COORDINATOR, Role.SUPER_ADMIN))
    cb = router.callback_query.register
    cb(jury_list, JuryAdminCb.filter(F.action == JuryAdminAction.LIST), JuryRecords())
    cb(seat_card, JuryAdminCb.filter(F.action == JuryAdminAction.SEAT), JuryRecords(seat=True))
    cb(invite_start, JuryAdminCb.filter(F.action == JuryAdminAction.INVITE), JuryRecords())
    in_form = StateFilter(JuryInvite.nominations)
    cb(
        invite_toggle,
        in_form,
        JuryAdminCb.filter(F.action == JuryAdminAction.NOMINATION),
        JuryRecords(in_form=True),
    )
    cb(
        invite_all,
        in_form,
        JuryAdminCb.filter(F.action == JuryAdminAction.ALL_NOMINATIONS),
        JuryRecords(in_form=True),
    )
    cb(
        invite_done,
        in_form,
        JuryAdminCb.filter(F.action == JuryAdminAction.DONE),
        JuryRecords(in_form=True),
    )
    cb(revoke_ask, JuryAdminCb.filter(F.action == JuryAdminAction.REVOKE), JuryRecords(seat=True))
    cb(
        revoke_ok,
        JuryAdminCb.filter(F.action == JuryAdminAction.REVOKE_OK),
        JuryRecords(seat=True),
    )
    cb(close_ask, JuryAdminCb.filter(F.action == JuryAdminAction.CLOSE), JuryRecords())
    cb(close_ok, JuryAdminCb.filter(F.action == JuryAdminAction.CLOSE_OK), JuryRecords())
    router.message.register(
        invite_label,
        StateFilter(JuryInvite.label),
        F.text,
        ~F.text.startswith("/"),
        JuryRecords(in_form=True),
    )
    return router
