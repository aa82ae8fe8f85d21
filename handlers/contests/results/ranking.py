"""Coordinator: a contest's ranking per nomination, the places, publication and the notices."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts.contests import results as r
from bot.toolkit.contest_callbacks import (
    ContestAction,
    ContestCb,
    ResultsAction,
    ResultsCb,
)
from bot.toolkit.filters import HasRole
from bot.toolkit.keyboards import PAGE_SIZE, button, clamp_page, column, pager_row, shorten, yes_no
from bot.toolkit.notify import deliver
from bot.toolkit.screens import bounded, error_text, h, hq, show
from handlers.contests.results.filters import DistrictContest, DistrictEntry
from handlers.contests.status import contest_status
from models import Contest, ContestEntry, ContestStatus, EntryStatus, PlacesRule, Role
from services.clock import Clock
from services.confirmations import school_librarian_ids
from services.contests.documents import EntryDoc, entry_docs, mean_text
from services.contests.entries import contest_entries
from services.contests.results import (
    Ranked,
    Ranking,
    apply_proposal,
    check_place,
    publish,
    rank,
    set_place,
    stored_places,
    unconfirmed,
)
from services.errors import ValidationError
from services.timeutil import fmt_local

NOTICE_PURPOSE = "contest_results"


def fmt_mean(mean: Fraction | None) -> str:
    """«27», «28,5», «27,33»: a mean as the screens write it."""
    return r.NO_SCORES if mean is None else mean_text(float(mean))


def juror_names(ranking: Ranking) -> dict[int, str]:
    seats = sorted(ranking.jurors.values(), key=lambda j: j.id)
    return {j.id: j.name or r.JUROR_FALLBACK.format(n=i) for i, j in enumerate(seats, start=1)}


def adjustable(contest: Contest) -> bool:
    return contest.status is ContestStatus.CLOSED and contest.judging_closed_at is not None


def _rule_text(contest: Contest) -> str:
    if contest.places_rule is PlacesRule.SCORE and len(contest.thresholds) == 3:
        first, second, third = contest.thresholds
        return r.RULE_SCORE.format(first=first, second=second, third=third, max=contest.max_total)
    return r.RULE_RANK


async def _places_state(session: AsyncSession, contest: Contest, ranking: Ranking) -> str:
    stored = await stored_places(session, contest.id)
    stale = unconfirmed(ranking, stored)
    if not stale:
        return r.PLACES_OK
    if all(mean is None for mean, _ in stored.values()):
        return r.PLACES_NONE
    return r.PLACES_STALE.format(works=r.of_works(len(stale)))


async def results_screen(
    query: CallbackQuery,
    session: AsyncSession,
    contest: Contest,
    settings: Settings,
    notice: str = "",
) -> None:
    ranking = await rank(session, contest)
    lines = [r.RESULTS_HEADER.format(title=hq(contest.title), status=_status(contest, settings))]
    if contest.status in (ContestStatus.CLOSED, ContestStatus.PUBLISHED):
        if contest.judging_closed_at is None:
            lines.append(r.JUDGING_OPEN)
        else:
            when = fmt_local(contest.judging_closed_at, settings.tz)
            lines.append(r.JUDGING_CLOSED.format(when=when))
        lines.append(_rule_text(contest))
        every = [item for n in ranking.nominations for item in n.entries]
        scored = sum(item.mean is not None for item in every)
        lines.append(
            r.COUNTS.format(accepted=len(every), scored=scored, unscored=len(every) - scored)
        )
        if ranking.silent:
            names = juror_names(ranking)
            lines.append(r.SILENT_ALL.format(names=h(", ".join(names[j] for j in ranking.silent))))
        if contest.status is ContestStatus.PUBLISHED and contest.published_at is not None:
            lines.append(r.PUBLISHED_AT.format(when=fmt_local(contest.published_at, settings.tz)))
        elif adjustable(contest) and every:
            lines.append(await _places_state(session, contest, ranking))
    else:
        lines.append(r.NOT_JUDGED_YET)
    rows: list[list[InlineKeyboardButton]] = []
    titles = {n.id: n.title for n in contest.nominations}
    if contest.status in (ContestStatus.CLOSED, ContestStatus.PUBLISHED):
        lines += ["", r.NOMINATIONS]
        for nomination in ranking.nominations:
            title = titles.get(nomination.nomination_id, "")
            lines.append(
                r.NOMINATION_LINE.format(
                    title=h(title),
                    works=r.of_works(len(nomination.entries)),
                    ties=r.NOMINATION_TIES if nomination.ties else "",
                )
            )
            rows.append(
                [
                    button(
                        r.BTN_NOMINATION.format(
                            title=shorten(title, 48), count=len(nomination.entries)
                        ),
                        ResultsCb(
                            action=ResultsAction.NOMINATION,
                            contest_id=contest.id,
                            arg=nomination.nomination_id,
                        ),
                    )
                ]
            )
    if adjustable(contest):
        rows.append(
            [button(r.BTN_ACCEPT, ResultsCb(action=ResultsAction.ACCEPT, contest_id=contest.id))]
        )
        rows.append(
            [button(r.BTN_PUBLISH, ResultsCb(action=ResultsAction.PUBLISH, contest_id=contest.id))]
        )
    rows.append(
        [button(r.BTN_DOCUMENTS, ResultsCb(action=ResultsAction.DOCUMENTS, contest_id=contest.id))]
    )
    if contest.status is ContestStatus.PUBLISHED:
        rows.append(
            [button(r.BTN_ZIP, ResultsCb(action=ResultsAction.ZIP, contest_id=contest.id))]
        )
    rows.append([button(t.BTN_BACK, ContestCb(action=ContestAction.CARD, contest_id=contest.id))])
    text = bounded(([notice, ""] if notice else []) + lines)
    await show(query, text, InlineKeyboardMarkup(inline_keyboard=rows))


def _status(contest: Contest, settings: Settings) -> str:
    return contest_status(contest, settings.tz)


async def results_open(
    query: CallbackQuery, session: AsyncSession, contest: Contest, settings: Settings
) -> None:
    await results_screen(query, session, contest, settings)


# ---- a nomination ------------------------------------------------------------------------------


def _participants(entry: ContestEntry) -> str:
    return ", ".join(p.full_name for p in entry.participants)


def _entry_lines(entry: ContestEntry, item: Ranked) -> list[str]:
    head = (r.RANK_LINE if item.place is not None else r.UNRANKED_LINE).format(
        place=item.place,
        code=h(entry.code),
        school=h(entry.school.short_name),
        participants=h(_participants(entry)),
    )
    confirmed = (
        r.NOT_CONFIRMED
        if entry.mean_score is None and entry.place is None
        else (r.degree_or_participation(entry.place))
    )
    if item.mean is None:
        return [head, r.SCORE_LINE_NONE.format(confirmed=confirmed)]
    return [
        head,
        r.SCORE_LINE.format(
            mean=fmt_mean(item.mean),
            scores=r.of_scores(len(item.totals)),
            proposed=r.degree_or_participation(item.proposed),
            confirmed=confirmed,
        ),
    ]


async def nomination_screen(
    query: CallbackQuery,
    session: AsyncSession,
    contest: Contest,
    nomination_id: int,
    page: int,
    notice: str = "",
) -> None:
    title = next((n.title for n in contest.nominations if n.id == nomination_id), None)
    ranking = await rank(session, contest)
    ranked = ranking.nomination(nomination_id)
    if title is None or ranked is None:
        await query.answer(t.STALE_BUTTON, show_alert=True)
        return
    entries = {
        e.id: e
        for e in await contest_entries(
            session, contest.id, nomination_id=nomination_id, statuses=(EntryStatus.ACCEPTED,)
        )
    }
    items = [item for item in ranked.entries if item.entry_id in entries]
    page = clamp_page(page, len(items))
    shown = items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    names = juror_names(ranking)
    lines = [
        r.NOMINATION_HEADER.format(
            contest=hq(contest.title),
            nomination=hq(title),
            max=contest.max_total,
            count=len(items),
        )
    ]
    for item in shown:
        lines += _entry_lines(entries[item.entry_id], item)
    if not items:
        lines.append(r.EMPTY_NOMINATION)
    notes: list[str] = []
    if ranked.ties:
        codes = {e.id: e.code for e in entries.values()}
        tie_items = "; ".join(
            r.TIE_ITEM.format(place=place, codes=h(", ".join(codes[i] for i in ids)))
            for place, ids in ranked.ties
        )
        notes.append(r.TIES.format(items=tie_items))
    if ranked.silent:
        notes.append(r.SILENT_HERE.format(names=h(", ".join(names[j] for j in ranked.silent))))
    rows: list[list[InlineKeyboardButton]] = []
    if adjustable(contest):
        rows += [
            [
                button(
                    r.BTN_ENTRY.format(code=entries[item.entry_id].code),
                    ResultsCb(action=ResultsAction.ENTRY, entry_id=item.entry_id, page=page),
                )
            ]
            for item in shown
        ]
    pager = pager_row(
        page,
        len(items),
        lambda p: ResultsCb(
            action=ResultsAction.NOMINATION, contest_id=contest.id, arg=nomination_id, page=p
        ),
    )
    if pager:
        rows.append(pager)
    rows.append([button(t.BTN_BACK, ResultsCb(action=ResultsAction.OPEN, contest_id=contest.id))])
    head = [notice, ""] if notice else []
    text = bounded(head + lines + ([""] + notes if notes else []))
    await show(query, text, InlineKeyboardMarkup(inline_keyboard=rows))


async def nomination_open(
    query: CallbackQuery, callback_data: ResultsCb, session: AsyncSession, contest: Contest
) -> None:
    await nomination_screen(query, session, contest, callback_data.arg, callback_data.page)


# ---- an entry's place --------------------------------------------------------------------------


async def entry_open(
    query: CallbackQuery,
    callback_data: ResultsCb,
    session: AsyncSession,
    contest: Contest,
    entry: ContestEntry,
) -> None:
    ranking = await rank(session, contest)
    item = ranking.entry(entry.id)
    if item is None or entry.status is not EntryStatus.ACCEPTED:
        await query.answer(r.ERRORS["entry_not_ranked"], show_alert=True)
        return
    if item.mean is None:
        score = r.ENTRY_UNSCORED
        places = [0]
    else:
        score = r.ENTRY_SCORE.format(
            mean=fmt_mean(item.mean),
            scores=r.of_scores(len(item.totals)),
            proposed=r.degree_or_participation(item.proposed),
        )
        places = [1, 2, 3, 0]
    confirmed = (
        r.NOT_CONFIRMED
        if entry.mean_score is None and entry.place is None
        else (r.degree_or_participation(entry.place))
    )
    text = r.ENTRY_PLACE.format(
        code=h(entry.code),
        school=h(entry.school.short_name),
        nomination=hq(entry.nomination.title),
        participants=h(_participants(entry)),
        score=score,
        confirmed=confirmed,
    )
    page = callback_data.page
    place_row = [
        button(
            r.BTN_PLACES[p],
            ResultsCb(action=ResultsAction.PLACE, entry_id=entry.id, arg=p, page=page),
        )
        for p in places
    ]
    back = ResultsCb(
        action=ResultsAction.NOMINATION,
        contest_id=contest.id,
        arg=entry.nomination_id,
        page=page,
    )
    markup = InlineKeyboardMarkup(inline_keyboard=[place_row, [button(t.BTN_BACK, back)]])
    await show(query, text, markup)


async def place_set(
    query: CallbackQuery,
    callback_data: ResultsCb,
    session: AsyncSession,
    contest: Contest,
    entry: ContestEntry,
) -> None:
    try:
        place = check_place(callback_data.arg or None)
        ranking = await rank(session, contest)
        await set_place(session, contest, ranking, entry, place)
    except ValidationError as exc:
        await session.rollback()
        await query.answer(error_text(exc), show_alert=True)
        return
    notice = r.PLACE_SET.format(code=h(entry.code), place=r.degree_or_participation(place))
    await nomination_screen(
        query, session, contest, entry.nomination_id, callback_data.page, notice=notice
    )


# ---- «Принять предложенные места» ---------------------------------------------------------------


def _yes_no(contest: Contest, yes: ResultsAction) -> InlineKeyboardMarkup:
    return yes_no(
        ResultsCb(action=yes, contest_id=contest.id),
        ResultsCb(action=ResultsAction.OPEN, contest_id=contest.id),
    )


def _refusal(contest: Contest) -> str | None:
    """Why places cannot be given now, or None."""
    if contest.status is ContestStatus.PUBLISHED:
        return r.ERRORS["results_published"]
    if contest.status is not ContestStatus.CLOSED:
        return r.ERRORS["results_not_now"]
    if contest.judging_closed_at is None:
        return r.ERRORS["judging_open"]
    return None


async def accept_ask(query: CallbackQuery, contest: Contest) -> None:
    refusal = _refusal(contest)
    if refusal is not None:
        await query.answer(refusal, show_alert=True)
        return
    await show(query, r.ASK_ACCEPT, _yes_no(contest, ResultsAction.ACCEPT_OK))


async def accept_ok(
    query: CallbackQuery, session: AsyncSession, contest: Contest, settings: Settings
) -> None:
    try:
        ranking = await rank(session, contest)
        degrees = await apply_proposal(session, contest, ranking)
    except ValidationError as exc:
        await session.rollback()
        await query.answer(error_text(exc), show_alert=True)
        return
    await results_screen(query, session, contest, settings, r.ACCEPTED.format(degrees=degrees))


# ---- «Опубликовать итоги» -----------------------------------------------------------------------


async def publish_ask(query: CallbackQuery, session: AsyncSession, contest: Contest) -> None:
    refusal = _refusal(contest)
    if refusal is None:
        ranking = await rank(session, contest)
        if unconfirmed(ranking, await stored_places(session, contest.id)):
            refusal = r.ERRORS["places_not_confirmed"]
    if refusal is not None:
        await query.answer(refusal, show_alert=True)
        return
    schools = {e.school_id for e in await _accepted(session, contest)}
    text = r.ASK_PUBLISH.format(title=hq(contest.title), schools=r.of_schools(len(schools)))
    await show(query, text, _yes_no(contest, ResultsAction.PUBLISH_OK))


async def _accepted(session: AsyncSession, contest: Contest) -> list[EntryDoc]:
    return await entry_docs(session, contest, statuses=(EntryStatus.ACCEPTED,))


def notice_text(contest: Contest, entries: list[EntryDoc]) -> str:
    lines = [
        r.NOTICE_LINE.format(
            code=h(e.code),
            nomination=hq(e.nomination),
            participants=h(", ".join(p.name for p in e.participants)),
            result=r.NOTICE_PARTICIPATION
            if e.place is None
            else r.NOTICE_DEGREE.format(roman=r.ROMAN[e.place]),
        )
        for e in entries
    ]
    return r.NOTICE.format(title=hq(contest.title), lines=bounded(lines, 3000))


async def tell_schools(session: AsyncSession, clock: Clock, contest: Contest) -> int:
    """One message to each librarian of every school with accepted entries; the number of
    schools told."""
    by_school: dict[int, list[EntryDoc]] = defaultdict(list)
    for entry in await _accepted(session, contest):
        by_school[entry.school_id].append(entry)
    markup = column(
        [button(r.BTN_DIPLOMAS, ResultsCb(action=ResultsAction.DIPLOMAS, contest_id=contest.id))]
    )
    for school_id, entries in by_school.items():
        await deliver(
            session,
            clock,
            f"contest-results:{contest.id}:{school_id}",
            await school_librarian_ids(session, school_id),
            notice_text(contest, entries),
            markup,
            purpose=NOTICE_PURPOSE,
        )
    return len(by_school)


async def publish_ok(
    query: CallbackQuery,
    session: AsyncSession,
    contest: Contest,
    clock: Clock,
    settings: Settings,
) -> None:
    try:
        await publish(session, contest, clock)
    except ValidationError as exc:
        await session.rollback()
        await query.answer(error_text(exc), show_alert=True)
        return
    told = await tell_schools(session, clock, contest)
    notice = r.PUBLISHED.format(schools=r.of_schools(told))
    await results_screen(query, session, contest, settings, notice)


def get_router() -> Router:
    router = Router(name="contests_results.ranking")
    router.callback_query.filter(HasRole(Role.COORDINATOR, Role.SUPER_ADMIN))
    cb = ResultsCb.filter
    register = router.callback_query.register
    register(results_open, cb(F.action == ResultsAction.OPEN), DistrictContest())
    register(nomination_open, cb(F.action == ResultsAction.NOMINATION), DistrictContest())
    register(entry_open, cb(F.action == ResultsAction.ENTRY), DistrictEntry())
    register(place_set, cb(F.action == ResultsAction.PLACE), DistrictEntry())
    register(accept_ask, cb(F.action == ResultsAction.ACCEPT), DistrictContest())
    register(accept_ok, cb(F.action == ResultsAction.ACCEPT_OK), DistrictContest())
    register(publish_ask, cb(F.action == ResultsAction.PUBLISH), DistrictContest())
    register(publish_ok, cb(F.action == ResultsAction.PUBLISH_OK), DistrictContest())
    return router
