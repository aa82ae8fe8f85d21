"""Librarian: the entry form of a contest, kept in the database like the other forms.

nomination → participants (full name → category → age where the rules ask; «➕ Ещё участник»
up to the nomination's maximum, or «Дальше») → supervisor → work title → works (photos,
videos, documents, links, kept by file id) → self-assessment where the rules ask → consent →
summary → «Отправить». Every step has «« Назад»; «✏️ Изменить» on the summary leads back to any
part and returns to the summary. The same form, prefilled, changes a sent or rejected entry.

Every answer is checked as it is typed (services.contests.entries) and the whole entry again
when it is sent; only «Отправить» writes rows. A button carries the form's random number, so a
button of an older form is refused and the open form goes on. This module takes the answers;
entry_steps asks the questions.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts.contests import entry as tx
from bot.texts.contests import rules
from bot.toolkit.callbacks import parse_id
from bot.toolkit.contest_callbacks import EntryAction, EntryCb, EntryFormCb, EntryStep
from bot.toolkit.keyboards import button, column
from bot.toolkit.screens import error_text, h, show
from handlers.contests import entry_steps as st
from handlers.contests.entry_common import (
    LibrarianContest,
    SchoolEntryOwned,
    not_taking,
    refusal,
)
from handlers.contests.entry_screens import card_markup, card_text
from models import (
    Contest,
    ContestEntry,
    EntryStatus,
    School,
    User,
    WorkKind,
)
from services.clock import Clock
from services.contests.entries import (
    WORKS_MAX,
    ParticipantInput,
    WorkInput,
    add_work,
    check_participant,
    check_work_file,
    check_work_title,
    check_work_url,
    editable,
    parse_age,
    parse_category,
    room_of,
    school_entries,
    school_entry,
    submit_entry,
    update_entry,
)
from services.contests.templates import CATEGORIES
from services.errors import AccessDeniedError, NotFoundError, ValidationError
from services.validation import check_person_name, fit_file_name, name_key

# refusals of «Отправить» that the form cannot fix: the form ends
FATAL = frozenset({"contest_not_taking", "entry_withdrawn", "entry_not_editable", "entry_changed"})

# ---- starting the form -------------------------------------------------------------------------


async def start_new(
    query: CallbackQuery,
    session: AsyncSession,
    contest: Contest,
    school: School,
    settings: Settings,
    state: FSMContext,
) -> None:
    room = room_of(contest, await school_entries(session, contest.id, school.id))
    if room.full:  # said before the form, not after it (the keys still decide at «Отправить»)
        await st.refuse(
            query, ValidationError("school_limit", max=contest.max_per_school), settings
        )
        return
    await state.clear()
    await state.set_data(
        {
            "form": st.new_nonce(),
            "contest_id": contest.id,
            "entry_id": 0,
            "version": 0,
            "participants": [],
            "works": [],
            "scores": {},
            "consent": False,
            "full_nominations": sorted(room.full_nominations),
        }
    )
    if len(contest.nominations) == 1:  # one nomination: nothing to choose (its name is shown)
        await state.update_data(nomination_id=contest.nominations[0].id)
        await st.ask_name(query, contest, state)
        return
    await st.ask_nomination(query, contest, state)


async def start_edit(
    query: CallbackQuery,
    entry: ContestEntry,
    contest: Contest,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    """The entry's form, prefilled, at its summary (a rejected entry's shows the reason);
    «Отправить» changes the entry."""
    if not editable(entry, contest, clock()):
        if entry.status is EntryStatus.WITHDRAWN:
            text = error_text(ValidationError("entry_withdrawn"))
        elif entry.status is EntryStatus.ACCEPTED:
            text = error_text(ValidationError("entry_not_editable"))
        else:
            text = not_taking(contest, settings)
        await query.answer(text, show_alert=True)
        return
    await state.clear()
    await state.set_data(
        {
            "form": st.new_nonce(),
            "contest_id": contest.id,
            "entry_id": entry.id,
            "version": entry.version,
            "code": entry.code,
            "comment": entry.review_comment if entry.status is EntryStatus.REJECTED else "",
            "nomination_id": entry.nomination_id,
            "participants": [
                {"full_name": p.full_name, "category": p.category, "age": p.age}
                for p in entry.participants
            ],
            "supervisor_name": entry.supervisor_name,
            "work_title": entry.work_title,
            "works": [
                st.work_dict(
                    WorkInput(
                        kind=w.kind,
                        file_id=w.file_id,
                        file_unique_id=w.file_unique_id,
                        file_name=w.file_name,
                        mime_type=w.mime_type,
                        file_size=w.file_size,
                        url=w.url,
                    )
                )
                for w in entry.works
            ],
            "scores": {
                str(c.id): int(entry.self_scores[str(c.id)])
                for c in contest.criteria
                if str(c.id) in entry.self_scores
            },
            "consent": entry.consent,
        }
    )
    await st.show_summary(query, contest, state)


# ---- nomination and participants ---------------------------------------------------------------


async def nomination_chosen(
    query: CallbackQuery,
    callback_data: EntryFormCb,
    contest: Contest,
    state: FSMContext,
    user: User | None,
) -> None:
    nomination = next((n for n in contest.nominations if n.id == callback_data.arg), None)
    if nomination is None:
        await query.answer(error_text(ValidationError("no_such_nomination")), show_alert=True)
        return
    data = await state.get_data()
    if nomination.id in st.full_nominations(data):
        limit = ValidationError("nomination_limit", max=contest.max_per_nomination or 0)
        await query.answer(error_text(limit), show_alert=True)
        return
    people = st.participants_of(data)
    kept = [p for p in people if p.get("category") in nomination.categories][
        : st.participants_limit(nomination)
    ]
    await state.update_data(nomination_id=nomination.id, participants=kept)
    if len(kept) != len(people):
        note = tx.PARTICIPANTS_DROPPED.format(nomination=h(nomination.title))
        await st.show_participants(query, contest, state, note)
    elif kept:
        await st.after_part(st.Part.NOMINATION, query, contest, state, user)
    else:
        await st.ask_name(query, contest, state)


async def name_text(
    message: Message, contest: Contest, settings: Settings, state: FSMContext
) -> None:
    data = await state.get_data()
    try:
        name = check_person_name(message.text or "")
        nomination = st.nomination_of(contest, data)
        people = nomination is None or nomination.categories != ["library"]
        if people and len(name.split()) < 2:
            raise ValidationError("full_name_needed")  # the name goes onto the diploma
        if any(name_key(p["full_name"]) == name_key(name) for p in st.participants_of(data)):
            raise ValidationError("participant_twice")
    except ValidationError as exc:
        await st.retry(message, exc, settings)
        return
    await state.update_data(current={"full_name": name})
    only = st.single_category(st.nomination_of(contest, data))
    if only is not None:  # one category to choose from: not asked
        await _take_category(message, contest, settings, state, only)
        return
    await st.ask_category(message, contest, state)


async def _take_category(
    target: st.Target, contest: Contest, settings: Settings, state: FSMContext, category: str
) -> None:
    data = await state.get_data()
    nomination = st.nomination_of(contest, data)
    name = str(dict(data.get("current", {})).get("full_name", ""))
    try:
        if nomination is None:
            raise ValidationError("no_such_nomination")
        person = check_participant(nomination, ParticipantInput(name, category))
    except ValidationError as exc:
        await st.refuse(target, exc, settings)
        return
    if contest.ask_age:
        await state.update_data(current={"full_name": person.full_name, "category": category})
        await st.ask_age(target, contest, state)
        return
    await _add_participant(target, contest, settings, state, person)


async def category_button(
    query: CallbackQuery,
    callback_data: EntryFormCb,
    contest: Contest,
    settings: Settings,
    state: FSMContext,
) -> None:
    if callback_data.arg >= len(CATEGORIES):
        await query.answer(error_text(ValidationError("bad_category")), show_alert=True)
        return
    await _take_category(query, contest, settings, state, CATEGORIES[callback_data.arg])


async def category_text(
    message: Message, contest: Contest, settings: Settings, state: FSMContext
) -> None:
    try:
        category = parse_category(message.text or "")
    except ValidationError as exc:
        await st.retry(message, exc, settings)
        return
    await _take_category(message, contest, settings, state, category)


async def _take_age(
    target: st.Target, contest: Contest, settings: Settings, state: FSMContext, text: str
) -> None:
    data = await state.get_data()
    current = dict(data.get("current", {}))
    try:
        age = parse_age(text)
    except ValidationError as exc:
        await st.refuse(target, exc, settings)
        return
    person = ParticipantInput(
        str(current.get("full_name", "")), str(current.get("category", "")), age
    )
    await _add_participant(target, contest, settings, state, person)


async def age_button(
    query: CallbackQuery,
    callback_data: EntryFormCb,
    contest: Contest,
    settings: Settings,
    state: FSMContext,
) -> None:
    await _take_age(query, contest, settings, state, str(callback_data.arg))


async def age_text(
    message: Message, contest: Contest, settings: Settings, state: FSMContext
) -> None:
    await _take_age(message, contest, settings, state, message.text or "")


async def _add_participant(
    target: st.Target,
    contest: Contest,
    settings: Settings,
    state: FSMContext,
    person: ParticipantInput,
) -> None:
    data = await state.get_data()
    nomination = st.nomination_of(contest, data)
    people = st.participants_of(data)
    try:
        if nomination is None:
            raise ValidationError("no_such_nomination")
        person = check_participant(nomination, person)
        if len(people) >= st.participants_limit(nomination):
            raise ValidationError("too_many_participants", max=st.participants_limit(nomination))
        if any(name_key(p["full_name"]) == name_key(person.full_name) for p in people):
            raise ValidationError("participant_twice")
    except ValidationError as exc:
        await st.refuse(target, exc, settings)
        return
    people.append({"full_name": person.full_name, "category": person.category, "age": person.age})
    await state.update_data(participants=people, current={})
    await st.show_participants(target, contest, state)


async def participant_more(
    query: CallbackQuery, contest: Contest, settings: Settings, state: FSMContext
) -> None:
    data = await state.get_data()
    limit = st.participants_limit(st.nomination_of(contest, data))
    if len(st.participants_of(data)) >= limit:
        exc = ValidationError("too_many_participants", max=limit)
        await query.answer(refusal(exc, settings), show_alert=True)
        return
    await st.ask_name(query, contest, state)


async def participant_remove(
    query: CallbackQuery, callback_data: EntryFormCb, contest: Contest, state: FSMContext
) -> None:
    people = st.participants_of(await state.get_data())
    if callback_data.arg < len(people):
        del people[callback_data.arg]
        await state.update_data(participants=people)
    await st.show_participants(query, contest, state)


async def participants_next(
    query: CallbackQuery,
    contest: Contest,
    settings: Settings,
    state: FSMContext,
    user: User | None,
) -> None:
    if not st.participants_of(await state.get_data()):
        await query.answer(refusal(ValidationError("no_participants"), settings), show_alert=True)
        return
    await st.after_part(st.Part.PARTICIPANTS, query, contest, state, user)


# ---- supervisor, title ------------------------------------------------------------------------


async def supervisor_me(
    query: CallbackQuery,
    contest: Contest,
    settings: Settings,
    state: FSMContext,
    user: User | None,
) -> None:
    try:
        name = check_person_name((user.full_name if user else None) or "")
    except ValidationError as exc:
        await query.answer(refusal(exc, settings), show_alert=True)
        return
    await state.update_data(supervisor_name=name)
    await st.after_part(st.Part.SUPERVISOR, query, contest, state, user)


async def supervisor_text(
    message: Message,
    contest: Contest,
    settings: Settings,
    state: FSMContext,
    user: User | None,
) -> None:
    try:
        name = check_person_name(message.text or "")
    except ValidationError as exc:
        await st.retry(message, exc, settings)
        return
    await state.update_data(supervisor_name=name)
    await st.after_part(st.Part.SUPERVISOR, message, contest, state, user)


async def title_text(
    message: Message,
    contest: Contest,
    settings: Settings,
    state: FSMContext,
    user: User | None,
) -> None:
    try:
        title = check_work_title(message.text or "")
    except ValidationError as exc:
        await st.retry(message, exc, settings)
        return
    await state.update_data(work_title=title)
    await st.after_part(st.Part.TITLE, message, contest, state, user)


# ---- works -------------------------------------------------------------------------------------


def _count(data: dict[str, Any], *kinds: WorkKind) -> int:
    return sum(1 for w in st.works_of(data) if w.kind in kinds)


async def _keep_work(
    message: Message, settings: Settings, state: FSMContext, work: WorkInput
) -> None:
    """One more work: kept by its file id (nothing is downloaded) or its link.

    An album comes as several updates at once; the dispatcher handles one person's updates
    in turn (SimpleEventIsolation), so each photo reads the list the previous one wrote.
    """
    data = await state.get_data()
    try:
        works = add_work(st.works_of(data), work)
    except ValidationError as exc:
        await message.answer(refusal(exc, settings), reply_markup=st.works_markup(data))
        return
    await state.update_data(works=[st.work_dict(w) for w in works])
    data = await state.get_data()
    await message.answer(
        tx.WORK_ADDED.format(count=len(works), max=WORKS_MAX), reply_markup=st.works_markup(data)
    )


async def work_photo(message: Message, settings: Settings, state: FSMContext) -> None:
    assert message.photo
    photo = message.photo[-1]
    number = _count(await state.get_data(), WorkKind.PHOTO) + 1
    work = WorkInput(
        kind=WorkKind.PHOTO,
        file_id=photo.file_id,
        file_unique_id=photo.file_unique_id,
        file_name=tx.PHOTO_NAME.format(number=number),
        mime_type="image/jpeg",
        file_size=photo.file_size or 0,
    )
    await _keep_work(message, settings, state, work)


async def work_video(message: Message, settings: Settings, state: FSMContext) -> None:
    video = message.video
    assert video is not None
    number = _count(await state.get_data(), WorkKind.VIDEO) + 1
    work = WorkInput(
        kind=WorkKind.VIDEO,
        file_id=video.file_id,
        file_unique_id=video.file_unique_id,
        file_name=fit_file_name(video.file_name or tx.VIDEO_NAME.format(number=number)),
        mime_type=video.mime_type or "video/mp4",
        file_size=video.file_size or 0,
    )
    await _keep_work(message, settings, state, work)


async def work_document(message: Message, settings: Settings, state: FSMContext) -> None:
    """A document; a video sent as a file (its mime says video) is taken whatever its name.

    It stays a document (its file id is a document's and is re-sent as one)."""
    document = message.document
    assert document is not None
    mime = document.mime_type or ""
    name = document.file_name or ""
    try:
        if mime.startswith("video/"):
            number = _count(await state.get_data(), WorkKind.VIDEO, WorkKind.DOCUMENT) + 1
            name = fit_file_name(name or tx.VIDEO_NAME.format(number=number))
        else:
            name = check_work_file(name)
    except ValidationError as exc:
        markup = st.works_markup(await state.get_data())
        await message.answer(refusal(exc, settings), reply_markup=markup)
        return
    work = WorkInput(
        kind=WorkKind.DOCUMENT,
        file_id=document.file_id,
        file_unique_id=document.file_unique_id,
        file_name=name,
        mime_type=mime,
        file_size=document.file_size or 0,
    )
    await _keep_work(message, settings, state, work)


async def work_link(message: Message, settings: Settings, state: FSMContext) -> None:
    try:
        url = check_work_url(message.text or "")
    except ValidationError as exc:
        markup = st.works_markup(await state.get_data())
        await message.answer(refusal(exc, settings), reply_markup=markup)
        return
    await _keep_work(message, settings, state, WorkInput(kind=WorkKind.LINK, url=url))


async def work_other(message: Message, state: FSMContext) -> None:
    """A sticker, a voice note, a location, a contact…: not a work."""
    await message.answer(tx.WORK_REFUSED, reply_markup=st.works_markup(await state.get_data()))


async def works_done(
    query: CallbackQuery,
    contest: Contest,
    settings: Settings,
    state: FSMContext,
    user: User | None,
) -> None:
    if not (await state.get_data()).get("works"):
        await query.answer(refusal(ValidationError("no_works"), settings), show_alert=True)
        return
    await st.after_part(st.Part.WORKS, query, contest, state, user)


async def works_clear(query: CallbackQuery, state: FSMContext) -> None:
    await state.update_data(works=[])
    data = await state.get_data()
    await show(query, tx.WORKS_CLEARED, st.works_markup(data))


# ---- self-assessment and consent ---------------------------------------------------------------


async def _take_score(
    target: st.Target,
    contest: Contest,
    settings: Settings,
    state: FSMContext,
    user: User | None,
    text: str,
) -> None:
    data = await state.get_data()
    index = int(data.get("score_index", 0))
    if not 0 <= index < len(contest.criteria):
        index = 0
    criterion = contest.criteria[index]
    value = text.strip()
    if not (value.isascii() and value.isdigit() and int(value) <= criterion.max_score):
        exc = ValidationError("score_out_of_range", max=criterion.max_score)
        await st.refuse(target, exc, settings)
        return
    scores = st.scores_of(data)
    scores[str(criterion.id)] = int(value)
    await state.update_data(scores=scores)
    if index + 1 < len(contest.criteria):
        await st.ask_score(target, contest, state, index + 1)
    else:
        await st.after_part(st.Part.SCORES, target, contest, state, user)


async def score_button(
    query: CallbackQuery,
    callback_data: EntryFormCb,
    contest: Contest,
    settings: Settings,
    state: FSMContext,
    user: User | None,
) -> None:
    await _take_score(query, contest, settings, state, user, str(callback_data.arg))


async def score_text(
    message: Message,
    contest: Contest,
    settings: Settings,
    state: FSMContext,
    user: User | None,
) -> None:
    await _take_score(message, contest, settings, state, user, message.text or "")


async def consent_toggle(query: CallbackQuery, state: FSMContext) -> None:
    data = await state.get_data()
    await state.update_data(consent=not data.get("consent"))
    await st.ask_consent(query, state)


async def consent_next(
    query: CallbackQuery,
    contest: Contest,
    settings: Settings,
    state: FSMContext,
    user: User | None,
) -> None:
    if not (await state.get_data()).get("consent"):
        exc = ValidationError("consent_required")
        await query.answer(refusal(exc, settings), show_alert=True)
        return
    await st.after_part(st.Part.CONSENT, query, contest, state, user)


# ---- summary, changes, back --------------------------------------------------------------------


async def summary_change(query: CallbackQuery, contest: Contest, state: FSMContext) -> None:
    await state.set_state(st.ContestEntryForm.change)
    data = await state.get_data()
    parts = [p for p in st.Part if p is not st.Part.SCORES or contest.self_assessment]
    rows = [
        [st.step_button(data, tx.PARTS[st.PART_KEYS[p]], EntryStep.GOTO, p.value)] for p in parts
    ]
    await show(query, tx.CHANGE_MENU, st.step_markup(rows, data))


async def change_part(
    query: CallbackQuery,
    callback_data: EntryFormCb,
    contest: Contest,
    state: FSMContext,
    user: User | None,
) -> None:
    try:
        part = st.Part(callback_data.arg)
    except ValueError:
        await query.answer(t.STALE_BUTTON, show_alert=True)
        return
    await state.update_data(editing=True)
    await st.open_part(part, query, contest, state, user)


async def back(
    query: CallbackQuery,
    contest: Contest,
    school: School,
    settings: Settings,
    clock: Clock,
    session: AsyncSession,
    state: FSMContext,
    user: User | None,
) -> None:
    current = await state.get_state()
    data = await state.get_data()
    editing = bool(data.get("editing"))
    people = st.participants_of(data)
    if current == st.ContestEntryForm.nomination.state:
        if editing or data.get("entry_id"):
            await st.show_summary(query, contest, state)
            return
        await state.clear()  # out of the form, to the contest's card
        entries = await school_entries(session, contest.id, school.id)
        markup = card_markup(contest, clock, room=room_of(contest, entries))
        await show(query, card_text(contest, entries, settings, clock()), markup)
    elif current == st.ContestEntryForm.name.state:
        if people:
            await st.show_participants(query, contest, state)
        else:
            await st.ask_nomination(query, contest, state)
    elif current == st.ContestEntryForm.category.state:
        await st.ask_name(query, contest, state)
    elif current == st.ContestEntryForm.age.state:
        if st.single_category(st.nomination_of(contest, data)) is not None:
            await st.ask_name(query, contest, state)  # the category was not asked
        else:
            await st.ask_category(query, contest, state)
    elif current == st.ContestEntryForm.score.state and int(data.get("score_index", 0)) > 0:
        await st.ask_score(query, contest, state, int(data.get("score_index", 0)) - 1)
    elif current in (st.ContestEntryForm.summary.state,):
        await st.ask_consent(query, state)
    elif current == st.ContestEntryForm.change.state or editing:
        await st.show_summary(query, contest, state)
    else:
        previous = {
            st.ContestEntryForm.participants.state: st.Part.NOMINATION,
            st.ContestEntryForm.supervisor.state: st.Part.PARTICIPANTS,
            st.ContestEntryForm.title.state: st.Part.SUPERVISOR,
            st.ContestEntryForm.works.state: st.Part.TITLE,
            st.ContestEntryForm.score.state: st.Part.WORKS,
            st.ContestEntryForm.consent.state: st.Part.SCORES
            if contest.self_assessment
            else st.Part.WORKS,
        }
        part = previous.get(current or "")
        if part is st.Part.SCORES:  # back to the last criterion
            await st.ask_score(query, contest, state, len(contest.criteria) - 1)
        else:
            await st.open_part(part, query, contest, state, user)


async def summary_send(
    query: CallbackQuery,
    session: AsyncSession,
    user: User,
    contest: Contest,
    school: School,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    """A new entry, or the changed one; the form ends. A refusal keeps the form to fix it,
    unless the form cannot fix it (the window closed, the entry withdrawn or changed)."""
    data = await state.get_data()
    contest_id = contest.id  # a rollback expires every loaded row
    try:
        entry_input = st.entry_input_of(data)
    except (KeyError, TypeError, ValueError):
        await state.clear()
        await show(query, tx.FORM_BROKEN)
        return
    entry_id = parse_id(data.get("entry_id"))
    try:
        if entry_id:
            entry = await school_entry(session, entry_id, school.id)
            version = int(data.get("version", 0))
            entry = await update_entry(session, contest, entry, user, entry_input, version, clock)
        else:
            entry = await submit_entry(session, contest, school, user, entry_input, clock)
    except ValidationError as exc:
        await session.rollback()
        text = refusal(exc, settings)
        if exc.code not in FATAL:
            await query.answer(text, show_alert=True)
            return
        await state.clear()
        back = EntryCb(action=EntryAction.CARD, contest_id=contest_id)
        await show(query, text, column([button(t.BTN_BACK, back)]))
        return
    except (NotFoundError, AccessDeniedError):
        await session.rollback()
        await state.clear()
        await show(query, rules.UNKNOWN_ENTRY)
        return
    await state.clear()
    template = tx.SUBMITTED_AGAIN if entry_id else tx.SUBMITTED
    markup = column(
        [
            button(
                tx.BTN_SCHOOL_ENTRIES,
                EntryCb(action=EntryAction.ENTRIES, contest_id=contest_id),
            ),
            button(t.BTN_BACK, EntryCb(action=EntryAction.CARD, contest_id=contest_id)),
        ]
    )
    await show(query, template.format(code=h(entry.code)), markup)


async def form_gone(query: CallbackQuery) -> None:
    """A button of a form that is over (sent, cancelled): nothing to do."""
    await query.answer(tx.FORM_GONE, show_alert=True)


async def stale_step(query: CallbackQuery) -> None:
    """A button of another step of the open form (an older message): the form goes on."""
    await query.answer(t.STALE_BUTTON, show_alert=True)


def get_router() -> Router:
    router = Router(name="contests.entry.form")
    not_command = ~F.text.startswith("/")
    step = EntryFormCb.filter
    form = LibrarianContest(in_form=True, taking=True)
    cq = router.callback_query
    msg = router.message
    cq.register(
        start_new, EntryCb.filter(F.action == EntryAction.NEW), LibrarianContest(taking=True)
    )
    cq.register(start_edit, EntryCb.filter(F.action == EntryAction.EDIT), SchoolEntryOwned())
    cq.register(
        nomination_chosen,
        StateFilter(st.ContestEntryForm.nomination),
        step(F.step == EntryStep.NOMINATION),
        form,
    )
    msg.register(name_text, StateFilter(st.ContestEntryForm.name), F.text, not_command, form)
    cq.register(
        category_button,
        StateFilter(st.ContestEntryForm.category),
        step(F.step == EntryStep.CATEGORY),
        form,
    )
    msg.register(
        category_text, StateFilter(st.ContestEntryForm.category), F.text, not_command, form
    )
    cq.register(
        age_button, StateFilter(st.ContestEntryForm.age), step(F.step == EntryStep.AGE), form
    )
    msg.register(age_text, StateFilter(st.ContestEntryForm.age), F.text, not_command, form)
    hub = StateFilter(st.ContestEntryForm.participants)
    cq.register(participant_more, hub, step(F.step == EntryStep.MORE), form)
    cq.register(participant_remove, hub, step(F.step == EntryStep.REMOVE), form)
    cq.register(participants_next, hub, step(F.step == EntryStep.NEXT), form)
    supervisor = StateFilter(st.ContestEntryForm.supervisor)
    cq.register(supervisor_me, supervisor, step(F.step == EntryStep.ME), form)
    msg.register(supervisor_text, supervisor, F.text, not_command, form)
    msg.register(title_text, StateFilter(st.ContestEntryForm.title), F.text, not_command, form)
    works = StateFilter(st.ContestEntryForm.works)
    msg.register(work_photo, works, F.photo, form)
    msg.register(work_video, works, F.video, form)
    msg.register(work_document, works, F.document, form)
    msg.register(work_link, works, F.text, not_command, form)
    msg.register(work_other, works, not_command)
    cq.register(works_done, works, step(F.step == EntryStep.DONE), form)
    cq.register(works_clear, works, step(F.step == EntryStep.CLEAR), form)
    score = StateFilter(st.ContestEntryForm.score)
    cq.register(score_button, score, step(F.step == EntryStep.SCORE), form)
    msg.register(score_text, score, F.text, not_command, form)
    consent = StateFilter(st.ContestEntryForm.consent)
    cq.register(consent_toggle, consent, step(F.step == EntryStep.CONSENT), form)
    cq.register(consent_next, consent, step(F.step == EntryStep.NEXT), form)
    summary = StateFilter(st.ContestEntryForm.summary)
    cq.register(summary_send, summary, step(F.step == EntryStep.SEND), form)
    cq.register(summary_change, summary, step(F.step == EntryStep.CHANGE), form)
    cq.register(
        change_part, StateFilter(st.ContestEntryForm.change), step(F.step == EntryStep.GOTO), form
    )
    cq.register(back, StateFilter(st.ContestEntryForm), step(F.step == EntryStep.BACK), form)
    cq.register(form_gone, StateFilter(None), step())
    cq.register(stale_step, step())
    return router
