"""Librarian: the entry form of a contest, kept in the database like the other forms.

nomination → participants (full name → category → age where the rules ask; «➕ Ещё участник»
up to the nomination's maximum, or «Дальше») → supervisor → work title → works (photos,
videos, documents, links, kept by file id) → self-assessment where the rules ask → consent →
summary → «Отправить». Every step has «« Назад»; «✏️ Изменить» on the summary leads back to any
part and returns to the summary. The same form, prefilled, changes a sent or rejected entry.

Every answer is checked as it is typed (services.contests.entries) and the whole entry again
when it is sent; only «Отправить» writes rows. A button carries the form's random number, so a
button of an older form is refused and the open form goes on.
"""

from __future__ import annotations

import secrets
from enum import IntEnum
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.texts import common as t
from bot.texts.contests import entry as tx
from bot.toolkit.callbacks import FormAction, FormCb, parse_id
from bot.toolkit.contest_callbacks import EntryAction, EntryCb, EntryFormCb, EntryStep
from bot.toolkit.keyboards import button, column, shorten
from bot.toolkit.screens import bounded, error_text, h, show
from handlers.contests.entry_common import (
    LibrarianContest,
    SchoolEntryOwned,
    category_name,
    cut,
    fitted,
    not_taking,
    refusal,
)
from handlers.contests.entry_screens import card_markup, card_text
from models import (
    Contest,
    ContestEntry,
    ContestNomination,
    EntryStatus,
    School,
    User,
    WorkKind,
)
from services.clock import Clock
from services.contests.entries import (
    PARTICIPANTS_MAX,
    WORKS_MAX,
    EntryInput,
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
    school_entries,
    school_entry,
    submit_entry,
    update_entry,
)
from services.contests.templates import CATEGORIES, GRADES
from services.errors import AccessDeniedError, NotFoundError, ValidationError
from services.validation import check_person_name, fit_file_name, name_key


class ContestEntryForm(StatesGroup):
    nomination = State()
    name = State()
    category = State()
    age = State()
    participants = State()
    supervisor = State()
    title = State()
    works = State()
    score = State()
    consent = State()
    summary = State()
    change = State()


class Part(IntEnum):
    """The parts of an entry, in the order the form asks them (the «Изменить» menu's items)."""

    NOMINATION = 1
    PARTICIPANTS = 2
    SUPERVISOR = 3
    TITLE = 4
    WORKS = 5
    SCORES = 6
    CONSENT = 7


PART_KEYS = {
    Part.NOMINATION: "nomination",
    Part.PARTICIPANTS: "participants",
    Part.SUPERVISOR: "supervisor",
    Part.TITLE: "title",
    Part.WORKS: "works",
    Part.SCORES: "scores",
    Part.CONSENT: "consent",
}
GRADE_ROW = 6  # grade buttons in a row of the keypad
SCORE_BUTTONS_MAX = 30  # above this, the keypad offers every fifth point and takes typed ones
# answers that the form cannot fix: the form ends
FATAL = frozenset({"contest_not_taking", "entry_withdrawn", "entry_not_editable", "entry_changed"})

Target = Message | CallbackQuery


# ---- the form's data ---------------------------------------------------------------------------


def _nonce() -> int:
    return secrets.randbelow(999_999) + 1


def _work_dict(work: WorkInput) -> dict[str, Any]:
    return {
        "kind": work.kind.value,
        "file_id": work.file_id,
        "file_unique_id": work.file_unique_id,
        "file_name": work.file_name,
        "mime_type": work.mime_type,
        "file_size": work.file_size,
        "url": work.url,
    }


def _work_of(item: dict[str, Any]) -> WorkInput:
    return WorkInput(
        kind=WorkKind(item["kind"]),
        file_id=str(item.get("file_id", "")),
        file_unique_id=str(item.get("file_unique_id", "")),
        file_name=str(item.get("file_name", "")),
        mime_type=str(item.get("mime_type", "")),
        file_size=int(item.get("file_size", 0)),
        url=str(item.get("url", "")),
    )


def _works(data: dict[str, Any]) -> tuple[WorkInput, ...]:
    return tuple(_work_of(w) for w in data.get("works", []))


def _participants(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(p) for p in data.get("participants", [])]


def _age(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _scores(data: dict[str, Any]) -> dict[str, int]:
    return {str(k): int(v) for k, v in dict(data.get("scores", {})).items()}


def _entry_input(data: dict[str, Any]) -> EntryInput:
    """What the form holds, as the services take it (checked again there)."""
    return EntryInput(
        nomination_id=parse_id(data.get("nomination_id")),
        participants=tuple(
            ParticipantInput(str(p["full_name"]), str(p["category"]), _age(p.get("age")))
            for p in _participants(data)
        ),
        supervisor_name=str(data.get("supervisor_name", "")),
        work_title=str(data.get("work_title", "")),
        works=_works(data),
        consent=bool(data.get("consent")),
        self_scores={int(k): v for k, v in _scores(data).items()},
    )


def _nomination(contest: Contest, data: dict[str, Any]) -> ContestNomination | None:
    nomination_id = parse_id(data.get("nomination_id"))
    return next((n for n in contest.nominations if n.id == nomination_id), None)


def _limit(nomination: ContestNomination | None) -> int:
    return min(nomination.max_participants, PARTICIPANTS_MAX) if nomination else 1


# ---- keyboards ---------------------------------------------------------------------------------


def _btn(data: dict[str, Any], text: str, step: EntryStep, arg: int = 0) -> InlineKeyboardButton:
    return button(
        text,
        EntryFormCb(
            step=step,
            contest_id=parse_id(data.get("contest_id")),
            form=int(data.get("form", 0)),
            arg=arg,
        ),
    )


def _nav(data: dict[str, Any]) -> list[InlineKeyboardButton]:
    return [
        _btn(data, t.BTN_BACK, EntryStep.BACK),
        button(t.BTN_CANCEL, FormCb(action=FormAction.CANCEL)),
    ]


def _markup(rows: list[list[InlineKeyboardButton]], data: dict[str, Any]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[*rows, _nav(data)])


async def _say(target: Target, text: str, markup: InlineKeyboardMarkup | None) -> None:
    if isinstance(target, CallbackQuery):
        await show(target, text, markup)
    else:
        await target.answer(text, reply_markup=markup)


async def _retry(message: Message, exc: ValidationError, settings: Settings) -> None:
    await message.answer(refusal(exc, settings) + "\n" + t.TRY_AGAIN)


async def _refuse(target: Target, exc: ValidationError, settings: Settings) -> None:
    """A refused answer: an alert on a button, a message (and «try again») on text."""
    if isinstance(target, CallbackQuery):
        await target.answer(refusal(exc, settings), show_alert=True)
    else:
        await _retry(target, exc, settings)


# ---- the steps ---------------------------------------------------------------------------------


async def _ask_nomination(target: Target, contest: Contest, state: FSMContext) -> None:
    await state.set_state(ContestEntryForm.nomination)
    data = await state.get_data()
    rows = [
        [_btn(data, shorten(n.title, 60), EntryStep.NOMINATION, n.id)] for n in contest.nominations
    ]
    text = tx.ASK_NOMINATION.format(title=h(contest.title))
    await _say(target, text, _markup(rows, data))


async def _ask_name(target: Target, contest: Contest, state: FSMContext) -> None:
    await state.set_state(ContestEntryForm.name)
    data = await state.get_data()
    nomination = _nomination(contest, data)
    title = h(nomination.title) if nomination else tx.EMPTY_VALUE
    library_only = nomination is not None and list(nomination.categories) == ["library"]
    text = (tx.ASK_NAME_LIBRARY if library_only else tx.ASK_NAME).format(
        nomination=title, number=len(_participants(data)) + 1
    )
    await _say(target, text, _markup([], data))


async def _ask_category(target: Target, contest: Contest, state: FSMContext) -> None:
    await state.set_state(ContestEntryForm.category)
    data = await state.get_data()
    nomination = _nomination(contest, data)
    categories = list(nomination.categories) if nomination else []
    grades = [c for c in categories if c in GRADES]
    rows = [
        [
            _btn(data, grade, EntryStep.CATEGORY, CATEGORIES.index(grade))
            for grade in grades[i : i + GRADE_ROW]
        ]
        for i in range(0, len(grades), GRADE_ROW)
    ]
    others = [
        _btn(data, tx.CATEGORY_BUTTONS[c], EntryStep.CATEGORY, CATEGORIES.index(c))
        for c in categories
        if c in tx.CATEGORY_BUTTONS
    ]
    if others:
        rows.append(others)
    name = str(dict(data.get("current", {})).get("full_name", ""))
    await _say(target, tx.ASK_CATEGORY.format(name=h(name)), _markup(rows, data))


async def _ask_age(target: Target, contest: Contest, state: FSMContext) -> None:
    await state.set_state(ContestEntryForm.age)
    data = await state.get_data()
    current = dict(data.get("current", {}))
    category = str(current.get("category", ""))
    rows = []
    if category in GRADES:  # the ages usual for the grade, one press away
        grade = int(category)
        rows.append(
            [
                _btn(data, tx.age_button(age), EntryStep.AGE, age)
                for age in (grade + 5, grade + 6, grade + 7)
            ]
        )
    text = tx.ASK_AGE.format(
        name=h(str(current.get("full_name", ""))), category=category_name(category)
    )
    await _say(target, text, _markup(rows, data))


def _participant_lines(data: dict[str, Any], scale: float = 1.0) -> str:
    lines = [
        tx.PARTICIPANT_LINE.format(
            number=i,
            name=cut(str(p["full_name"]), 200, scale),
            category=category_name(str(p["category"])),
            age=tx.age_suffix(_age(p.get("age"))),
        )
        for i, p in enumerate(_participants(data), 1)
    ]
    return bounded(lines, budget=int(1500 * scale)) if lines else ""


async def _show_participants(
    target: Target, contest: Contest, state: FSMContext, note: str = ""
) -> None:
    await state.set_state(ContestEntryForm.participants)
    data = await state.get_data()
    people = _participants(data)
    limit = _limit(_nomination(contest, data))
    rows = []
    if len(people) < limit:
        rows.append([_btn(data, tx.BTN_MORE if people else tx.BTN_FIRST, EntryStep.MORE)])
    rows += [
        [
            _btn(
                data,
                tx.BTN_REMOVE.format(name=shorten(str(p["full_name"]), 30)),
                EntryStep.REMOVE,
                i,
            )
        ]
        for i, p in enumerate(people)
    ]
    rows.append([_btn(data, tx.BTN_NEXT, EntryStep.NEXT)])
    text = tx.PARTICIPANTS.format(
        count=len(people),
        max=limit,
        lines=_participant_lines(data) or tx.PARTICIPANTS_NONE,
        note=note,
    )
    await _say(target, text, _markup(rows, data))


async def _ask_supervisor(target: Target, state: FSMContext, user: User | None) -> None:
    await state.set_state(ContestEntryForm.supervisor)
    data = await state.get_data()
    rows = []
    if user is not None and user.full_name:
        rows.append([_btn(data, tx.BTN_ME.format(name=shorten(user.full_name, 40)), EntryStep.ME)])
    await _say(target, tx.ASK_SUPERVISOR, _markup(rows, data))


async def _ask_title(target: Target, state: FSMContext) -> None:
    await state.set_state(ContestEntryForm.title)
    await _say(target, tx.ASK_WORK_TITLE, _markup([], await state.get_data()))


def _works_markup(data: dict[str, Any], offer_clear: bool = False) -> InlineKeyboardMarkup:
    rows = []
    if data.get("works"):
        rows.append([_btn(data, tx.BTN_DONE, EntryStep.DONE)])
        if offer_clear:
            rows.append([_btn(data, tx.BTN_CLEAR_WORKS, EntryStep.CLEAR)])
    return _markup(rows, data)


async def _ask_works(target: Target, state: FSMContext) -> None:
    await state.set_state(ContestEntryForm.works)
    data = await state.get_data()
    kept = len(data.get("works", []))
    text = tx.WORKS_KEPT.format(count=kept) if kept else tx.ASK_WORKS.format(max=WORKS_MAX)
    await _say(target, text, _works_markup(data, offer_clear=True))


def _score_values(max_score: int) -> list[int]:
    if max_score <= SCORE_BUTTONS_MAX:
        return list(range(max_score + 1))
    return list(range(0, max_score + 1, 5))


async def _ask_score(target: Target, contest: Contest, state: FSMContext, index: int) -> None:
    await state.set_state(ContestEntryForm.score)
    await state.update_data(score_index=index)
    data = await state.get_data()
    criterion = contest.criteria[index]
    values = _score_values(criterion.max_score)
    rows = [
        [_btn(data, str(v), EntryStep.SCORE, v) for v in values[i : i + GRADE_ROW]]
        for i in range(0, len(values), GRADE_ROW)
    ]
    text = tx.ASK_SCORE.format(
        number=index + 1,
        total=len(contest.criteria),
        title=h(criterion.title),
        max=criterion.max_score,
        typed=tx.SCORE_TYPED if criterion.max_score > SCORE_BUTTONS_MAX else "",
    )
    await _say(target, text, _markup(rows, data))


async def _ask_consent(target: Target, state: FSMContext) -> None:
    await state.set_state(ContestEntryForm.consent)
    data = await state.get_data()
    label = tx.BTN_CONSENT_ON if data.get("consent") else tx.BTN_CONSENT_OFF
    rows = [
        [_btn(data, label, EntryStep.CONSENT)],
        [_btn(data, tx.BTN_NEXT, EntryStep.NEXT)],
    ]
    await _say(target, tx.ASK_CONSENT.format(consent=tx.CONSENT_TEXT), _markup(rows, data))


def _work_line(work: WorkInput, scale: float) -> str:
    icon = "video" if work.mime_type.startswith("video/") else work.kind.value
    name = work.url if work.kind is WorkKind.LINK else work.file_name
    return tx.WORK_LINE.format(icon=tx.WORK_ICONS[icon], name=cut(name or "—", 80, scale))


def _summary_text(contest: Contest, data: dict[str, Any]) -> str:
    nomination = _nomination(contest, data)
    comment = str(data.get("comment", ""))
    given = _scores(data)

    def build(scale: float) -> str:
        scores = ""
        if contest.self_assessment:
            scores = tx.SCORES_LINES.format(
                lines="\n".join(
                    tx.SCORE_LINE.format(
                        title=cut(c.title, 80, scale),
                        points=given.get(str(c.id), tx.EMPTY_VALUE),
                        max=c.max_score,
                    )
                    for c in contest.criteria
                ),
                total=sum(given.get(str(c.id), 0) for c in contest.criteria),
                max=contest.max_total,
            )
        works = [_work_line(w, scale) for w in _works(data)]
        text = tx.SUMMARY.format(
            contest=cut(contest.title, 150, scale),
            nomination=cut(nomination.title, 150, scale) if nomination else tx.EMPTY_VALUE,
            participants=_participant_lines(data, scale) or tx.EMPTY_VALUE,
            supervisor=cut(str(data.get("supervisor_name", "")), 200, scale) or tx.EMPTY_VALUE,
            work_title=cut(str(data.get("work_title", "")), 255, scale) or tx.EMPTY_VALUE,
            works=bounded(works, budget=int(900 * scale)) or tx.EMPTY_VALUE,
            scores=scores,
            consent=tx.CONSENT_YES if data.get("consent") else tx.CONSENT_NO,
            comment=tx.SUMMARY_COMMENT.format(comment=cut(comment, 400, scale)) if comment else "",
        )
        if data.get("code"):
            text += tx.SUMMARY_EDITING.format(code=h(data["code"]))
        return text

    return fitted(build)


async def _show_summary(target: Target, contest: Contest, state: FSMContext) -> None:
    await state.set_state(ContestEntryForm.summary)
    await state.update_data(editing=False)
    data = await state.get_data()
    rows = [
        [_btn(data, tx.BTN_SEND, EntryStep.SEND)],
        [_btn(data, tx.BTN_CHANGE, EntryStep.CHANGE)],
    ]
    await _say(target, _summary_text(contest, data), _markup(rows, data))


async def _open(
    part: Part | None, target: Target, contest: Contest, state: FSMContext, user: User | None
) -> None:
    """The first screen of a part (None: the summary)."""
    if part is Part.NOMINATION:
        await _ask_nomination(target, contest, state)
    elif part is Part.PARTICIPANTS:
        if _participants(await state.get_data()):
            await _show_participants(target, contest, state)
        else:
            await _ask_name(target, contest, state)
    elif part is Part.SUPERVISOR:
        await _ask_supervisor(target, state, user)
    elif part is Part.TITLE:
        await _ask_title(target, state)
    elif part is Part.WORKS:
        await _ask_works(target, state)
    elif part is Part.SCORES and contest.self_assessment and contest.criteria:
        await _ask_score(target, contest, state, 0)
    elif part in (Part.SCORES, Part.CONSENT):
        await _ask_consent(target, state)
    else:
        await _show_summary(target, contest, state)


async def _after(
    part: Part, target: Target, contest: Contest, state: FSMContext, user: User | None
) -> None:
    """A part is done: the next one, or the summary when the librarian came to change it."""
    if (await state.get_data()).get("editing"):
        await _show_summary(target, contest, state)
        return
    following = {
        Part.NOMINATION: Part.PARTICIPANTS,
        Part.PARTICIPANTS: Part.SUPERVISOR,
        Part.SUPERVISOR: Part.TITLE,
        Part.TITLE: Part.WORKS,
        Part.WORKS: Part.SCORES,
        Part.SCORES: Part.CONSENT,
        Part.CONSENT: None,
    }
    await _open(following[part], target, contest, state, user)


# ---- starting the form -------------------------------------------------------------------------


async def start_new(query: CallbackQuery, contest: Contest, state: FSMContext) -> None:
    await state.clear()
    await state.set_data(
        {
            "form": _nonce(),
            "contest_id": contest.id,
            "entry_id": 0,
            "version": 0,
            "participants": [],
            "works": [],
            "scores": {},
            "consent": False,
        }
    )
    await _ask_nomination(query, contest, state)


async def start_edit(
    query: CallbackQuery,
    entry: ContestEntry,
    contest: Contest,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    """The entry's form, prefilled, at its summary; «Отправить» changes the entry."""
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
            "form": _nonce(),
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
                _work_dict(
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
    await _show_summary(query, contest, state)


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
    people = _participants(data)
    kept = [p for p in people if p.get("category") in nomination.categories][: _limit(nomination)]
    await state.update_data(nomination_id=nomination.id, participants=kept)
    if len(kept) != len(people):
        note = tx.PARTICIPANTS_DROPPED.format(nomination=h(nomination.title))
        await _show_participants(query, contest, state, note)
    elif kept:
        await _after(Part.NOMINATION, query, contest, state, user)
    else:
        await _ask_name(query, contest, state)


async def name_text(
    message: Message, contest: Contest, settings: Settings, state: FSMContext
) -> None:
    data = await state.get_data()
    try:
        name = check_person_name(message.text or "")
        if any(name_key(p["full_name"]) == name_key(name) for p in _participants(data)):
            raise ValidationError("participant_twice")
    except ValidationError as exc:
        await _retry(message, exc, settings)
        return
    await state.update_data(current={"full_name": name})
    await _ask_category(message, contest, state)


async def _take_category(
    target: Target, contest: Contest, settings: Settings, state: FSMContext, category: str
) -> None:
    data = await state.get_data()
    nomination = _nomination(contest, data)
    name = str(dict(data.get("current", {})).get("full_name", ""))
    try:
        if nomination is None:
            raise ValidationError("no_such_nomination")
        person = check_participant(nomination, ParticipantInput(name, category))
    except ValidationError as exc:
        await _refuse(target, exc, settings)
        return
    if contest.ask_age:
        await state.update_data(current={"full_name": person.full_name, "category": category})
        await _ask_age(target, contest, state)
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
        await _retry(message, exc, settings)
        return
    await _take_category(message, contest, settings, state, category)


async def _take_age(
    target: Target, contest: Contest, settings: Settings, state: FSMContext, text: str
) -> None:
    data = await state.get_data()
    current = dict(data.get("current", {}))
    try:
        age = parse_age(text)
    except ValidationError as exc:
        await _refuse(target, exc, settings)
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
    target: Target,
    contest: Contest,
    settings: Settings,
    state: FSMContext,
    person: ParticipantInput,
) -> None:
    data = await state.get_data()
    nomination = _nomination(contest, data)
    people = _participants(data)
    try:
        if nomination is None:
            raise ValidationError("no_such_nomination")
        person = check_participant(nomination, person)
        if len(people) >= _limit(nomination):
            raise ValidationError("too_many_participants", max=_limit(nomination))
        if any(name_key(p["full_name"]) == name_key(person.full_name) for p in people):
            raise ValidationError("participant_twice")
    except ValidationError as exc:
        await _refuse(target, exc, settings)
        return
    people.append({"full_name": person.full_name, "category": person.category, "age": person.age})
    await state.update_data(participants=people, current={})
    await _show_participants(target, contest, state)


async def participant_more(
    query: CallbackQuery, contest: Contest, settings: Settings, state: FSMContext
) -> None:
    data = await state.get_data()
    limit = _limit(_nomination(contest, data))
    if len(_participants(data)) >= limit:
        exc = ValidationError("too_many_participants", max=limit)
        await query.answer(refusal(exc, settings), show_alert=True)
        return
    await _ask_name(query, contest, state)


async def participant_remove(
    query: CallbackQuery, callback_data: EntryFormCb, contest: Contest, state: FSMContext
) -> None:
    people = _participants(await state.get_data())
    if callback_data.arg < len(people):
        del people[callback_data.arg]
        await state.update_data(participants=people)
    await _show_participants(query, contest, state)


async def participants_next(
    query: CallbackQuery,
    contest: Contest,
    settings: Settings,
    state: FSMContext,
    user: User | None,
) -> None:
    if not _participants(await state.get_data()):
        await query.answer(refusal(ValidationError("no_participants"), settings), show_alert=True)
        return
    await _after(Part.PARTICIPANTS, query, contest, state, user)


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
    await _after(Part.SUPERVISOR, query, contest, state, user)


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
        await _retry(message, exc, settings)
        return
    await state.update_data(supervisor_name=name)
    await _after(Part.SUPERVISOR, message, contest, state, user)


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
        await _retry(message, exc, settings)
        return
    await state.update_data(work_title=title)
    await _after(Part.TITLE, message, contest, state, user)


# ---- works -------------------------------------------------------------------------------------


def _count(data: dict[str, Any], *kinds: WorkKind) -> int:
    return sum(1 for w in _works(data) if w.kind in kinds)


async def _keep_work(
    message: Message, settings: Settings, state: FSMContext, work: WorkInput
) -> None:
    """One more work: kept by its file id (nothing is downloaded) or its link.

    An album comes as several updates at once; the dispatcher handles one person's updates
    in turn (SimpleEventIsolation), so each photo reads the list the previous one wrote.
    """
    data = await state.get_data()
    try:
        works = add_work(_works(data), work)
    except ValidationError as exc:
        await message.answer(refusal(exc, settings), reply_markup=_works_markup(data))
        return
    await state.update_data(works=[_work_dict(w) for w in works])
    data = await state.get_data()
    await message.answer(
        tx.WORK_ADDED.format(count=len(works), max=WORKS_MAX), reply_markup=_works_markup(data)
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
        markup = _works_markup(await state.get_data())
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
        markup = _works_markup(await state.get_data())
        await message.answer(refusal(exc, settings), reply_markup=markup)
        return
    await _keep_work(message, settings, state, WorkInput(kind=WorkKind.LINK, url=url))


async def work_other(message: Message, state: FSMContext) -> None:
    """A sticker, a voice note, a location, a contact…: not a work."""
    await message.answer(tx.WORK_REFUSED, reply_markup=_works_markup(await state.get_data()))


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
    await _after(Part.WORKS, query, contest, state, user)


async def works_clear(query: CallbackQuery, state: FSMContext) -> None:
    await state.update_data(works=[])
    data = await state.get_data()
    await show(query, tx.WORKS_CLEARED, _works_markup(data))


# ---- self-assessment and consent ---------------------------------------------------------------


async def _take_score(
    target: Target,
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
        await _refuse(target, exc, settings)
        return
    scores = _scores(data)
    scores[str(criterion.id)] = int(value)
    await state.update_data(scores=scores)
    if index + 1 < len(contest.criteria):
        await _ask_score(target, contest, state, index + 1)
    else:
        await _after(Part.SCORES, target, contest, state, user)


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
    await _ask_consent(query, state)


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
    await _after(Part.CONSENT, query, contest, state, user)


# ---- summary, changes, back --------------------------------------------------------------------


async def summary_change(query: CallbackQuery, contest: Contest, state: FSMContext) -> None:
    await state.set_state(ContestEntryForm.change)
    data = await state.get_data()
    parts = [p for p in Part if p is not Part.SCORES or contest.self_assessment]
    rows = [[_btn(data, tx.PARTS[PART_KEYS[p]], EntryStep.GOTO, p.value)] for p in parts]
    await show(query, tx.CHANGE_MENU, _markup(rows, data))


async def change_part(
    query: CallbackQuery,
    callback_data: EntryFormCb,
    contest: Contest,
    state: FSMContext,
    user: User | None,
) -> None:
    try:
        part = Part(callback_data.arg)
    except ValueError:
        await query.answer(t.STALE_BUTTON, show_alert=True)
        return
    await state.update_data(editing=True)
    await _open(part, query, contest, state, user)


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
    people = _participants(data)
    if current == ContestEntryForm.nomination.state:
        if editing or data.get("entry_id"):
            await _show_summary(query, contest, state)
            return
        await state.clear()  # out of the form, to the contest's card
        entries = await school_entries(session, contest.id, school.id)
        await show(query, card_text(contest, entries, settings), card_markup(contest, clock))
    elif current == ContestEntryForm.name.state:
        if people:
            await _show_participants(query, contest, state)
        else:
            await _ask_nomination(query, contest, state)
    elif current == ContestEntryForm.category.state:
        await _ask_name(query, contest, state)
    elif current == ContestEntryForm.age.state:
        await _ask_category(query, contest, state)
    elif current == ContestEntryForm.score.state and int(data.get("score_index", 0)) > 0:
        await _ask_score(query, contest, state, int(data.get("score_index", 0)) - 1)
    elif current in (ContestEntryForm.summary.state,):
        await _ask_consent(query, state)
    elif current == ContestEntryForm.change.state or editing:
        await _show_summary(query, contest, state)
    else:
        previous = {
            ContestEntryForm.participants.state: Part.NOMINATION,
            ContestEntryForm.supervisor.state: Part.PARTICIPANTS,
            ContestEntryForm.title.state: Part.SUPERVISOR,
            ContestEntryForm.works.state: Part.TITLE,
            ContestEntryForm.score.state: Part.WORKS,
            ContestEntryForm.consent.state: Part.SCORES if contest.self_assessment else Part.WORKS,
        }
        part = previous.get(current or "")
        if part is Part.SCORES:  # back to the last criterion
            await _ask_score(query, contest, state, len(contest.criteria) - 1)
        else:
            await _open(part, query, contest, state, user)


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
        entry_input = _entry_input(data)
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
        await show(query, tx.UNKNOWN_ENTRY)
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
        StateFilter(ContestEntryForm.nomination),
        step(F.step == EntryStep.NOMINATION),
        form,
    )
    msg.register(name_text, StateFilter(ContestEntryForm.name), F.text, not_command, form)
    cq.register(
        category_button,
        StateFilter(ContestEntryForm.category),
        step(F.step == EntryStep.CATEGORY),
        form,
    )
    msg.register(category_text, StateFilter(ContestEntryForm.category), F.text, not_command, form)
    cq.register(age_button, StateFilter(ContestEntryForm.age), step(F.step == EntryStep.AGE), form)
    msg.register(age_text, StateFilter(ContestEntryForm.age), F.text, not_command, form)
    hub = StateFilter(ContestEntryForm.participants)
    cq.register(participant_more, hub, step(F.step == EntryStep.MORE), form)
    cq.register(participant_remove, hub, step(F.step == EntryStep.REMOVE), form)
    cq.register(participants_next, hub, step(F.step == EntryStep.NEXT), form)
    supervisor = StateFilter(ContestEntryForm.supervisor)
    cq.register(supervisor_me, supervisor, step(F.step == EntryStep.ME), form)
    msg.register(supervisor_text, supervisor, F.text, not_command, form)
    msg.register(title_text, StateFilter(ContestEntryForm.title), F.text, not_command, form)
    works = StateFilter(ContestEntryForm.works)
    msg.register(work_photo, works, F.photo, form)
    msg.register(work_video, works, F.video, form)
    msg.register(work_document, works, F.document, form)
    msg.register(work_link, works, F.text, not_command, form)
    msg.register(work_other, works, not_command)
    cq.register(works_done, works, step(F.step == EntryStep.DONE), form)
    cq.register(works_clear, works, step(F.step == EntryStep.CLEAR), form)
    score = StateFilter(ContestEntryForm.score)
    cq.register(score_button, score, step(F.step == EntryStep.SCORE), form)
    msg.register(score_text, score, F.text, not_command, form)
    consent = StateFilter(ContestEntryForm.consent)
    cq.register(consent_toggle, consent, step(F.step == EntryStep.CONSENT), form)
    cq.register(consent_next, consent, step(F.step == EntryStep.NEXT), form)
    summary = StateFilter(ContestEntryForm.summary)
    cq.register(summary_send, summary, step(F.step == EntryStep.SEND), form)
    cq.register(summary_change, summary, step(F.step == EntryStep.CHANGE), form)
    cq.register(
        change_part, StateFilter(ContestEntryForm.change), step(F.step == EntryStep.GOTO), form
    )
    cq.register(back, StateFilter(ContestEntryForm), step(F.step == EntryStep.BACK), form)
    cq.register(form_gone, StateFilter(None), step())
    cq.register(stale_step, step())
    return router
