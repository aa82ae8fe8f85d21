"""The entry form's steps: its states, the data it keeps, and the screen of each step.

The handlers (entry_form) take the answers; these functions ask the questions. Every screen
has «« Назад» and «✖️ Отмена»; a button carries the form's random number (EntryFormCb.form).
"""

from __future__ import annotations

import secrets
from enum import IntEnum
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.config import Settings
from bot.texts import common as t
from bot.texts.contests import entry as tx
from bot.toolkit.callbacks import FormAction, FormCb, parse_id
from bot.toolkit.contest_callbacks import EntryFormCb, EntryStep
from bot.toolkit.keyboards import button, shorten
from bot.toolkit.screens import bounded, h, show
from handlers.contests.entry_common import (
    categories_text,
    category_name,
    cut,
    fitted,
    refusal,
)
from models import (
    Contest,
    ContestNomination,
    User,
    WorkKind,
)
from services.contests.entries import (
    PARTICIPANTS_MAX,
    WORKS_MAX,
    EntryInput,
    ParticipantInput,
    WorkInput,
)
from services.contests.templates import CATEGORIES, GRADES
from services.errors import ValidationError


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

Target = Message | CallbackQuery


# ---- the form's data ---------------------------------------------------------------------------


def new_nonce() -> int:
    return secrets.randbelow(999_999) + 1


def work_dict(work: WorkInput) -> dict[str, Any]:
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


def works_of(data: dict[str, Any]) -> tuple[WorkInput, ...]:
    return tuple(_work_of(w) for w in data.get("works", []))


def participants_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(p) for p in data.get("participants", [])]


def _age(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def scores_of(data: dict[str, Any]) -> dict[str, int]:
    return {str(k): int(v) for k, v in dict(data.get("scores", {})).items()}


def entry_input_of(data: dict[str, Any]) -> EntryInput:
    """What the form holds, as the services take it (checked again there)."""
    return EntryInput(
        nomination_id=parse_id(data.get("nomination_id")),
        participants=tuple(
            ParticipantInput(str(p["full_name"]), str(p["category"]), _age(p.get("age")))
            for p in participants_of(data)
        ),
        supervisor_name=str(data.get("supervisor_name", "")),
        work_title=str(data.get("work_title", "")),
        works=works_of(data),
        consent=bool(data.get("consent")),
        self_scores={int(k): v for k, v in scores_of(data).items()},
    )


def nomination_of(contest: Contest, data: dict[str, Any]) -> ContestNomination | None:
    nomination_id = parse_id(data.get("nomination_id"))
    return next((n for n in contest.nominations if n.id == nomination_id), None)


def participants_limit(nomination: ContestNomination | None) -> int:
    return min(nomination.max_participants, PARTICIPANTS_MAX) if nomination else 1


# ---- keyboards ---------------------------------------------------------------------------------


def step_button(
    data: dict[str, Any], text: str, step: EntryStep, arg: int = 0
) -> InlineKeyboardButton:
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
        step_button(data, t.BTN_BACK, EntryStep.BACK),
        button(t.BTN_CANCEL, FormCb(action=FormAction.CANCEL)),
    ]


def step_markup(
    rows: list[list[InlineKeyboardButton]], data: dict[str, Any]
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[*rows, _nav(data)])


async def _say(target: Target, text: str, markup: InlineKeyboardMarkup | None) -> None:
    if isinstance(target, CallbackQuery):
        await show(target, text, markup)
    else:
        await target.answer(text, reply_markup=markup)


async def retry(message: Message, exc: ValidationError, settings: Settings) -> None:
    await message.answer(refusal(exc, settings) + "\n" + t.TRY_AGAIN)


async def refuse(target: Target, exc: ValidationError, settings: Settings) -> None:
    """A refused answer: an alert on a button, a message (and «try again») on text."""
    if isinstance(target, CallbackQuery):
        await target.answer(refusal(exc, settings), show_alert=True)
    else:
        await retry(target, exc, settings)


# ---- the steps ---------------------------------------------------------------------------------


def full_nominations(data: dict[str, Any]) -> set[int]:
    """The nominations whose limit the school had used up when the form began."""
    return {parse_id(n) for n in data.get("full_nominations") or []} - {0}


async def ask_nomination(target: Target, contest: Contest, state: FSMContext) -> None:
    await state.set_state(ContestEntryForm.nomination)
    data = await state.get_data()
    full = full_nominations(data)
    rows = [
        [
            step_button(
                data,
                tx.NOMINATION_FULL.format(title=shorten(n.title, 40))
                if n.id in full
                else shorten(n.title, 60),
                EntryStep.NOMINATION,
                n.id,
            )
        ]
        for n in contest.nominations
    ]
    text = tx.ASK_NOMINATION.format(title=h(contest.title))
    await _say(target, text, step_markup(rows, data))


async def ask_name(target: Target, contest: Contest, state: FSMContext) -> None:
    await state.set_state(ContestEntryForm.name)
    data = await state.get_data()
    nomination = nomination_of(contest, data)
    title = h(nomination.title) if nomination else tx.EMPTY_VALUE
    library_only = nomination is not None and list(nomination.categories) == ["library"]
    text = (tx.ASK_NAME_LIBRARY if library_only else tx.ASK_NAME).format(
        nomination=title, number=len(participants_of(data)) + 1
    )
    await _say(target, text, step_markup([], data))


def single_category(nomination: ContestNomination | None) -> str | None:
    """The nomination's only category, which is then not asked (as a single nomination is
    not)."""
    if nomination is not None and len(nomination.categories) == 1:
        return str(nomination.categories[0])
    return None


async def ask_category(target: Target, contest: Contest, state: FSMContext) -> None:
    await state.set_state(ContestEntryForm.category)
    data = await state.get_data()
    nomination = nomination_of(contest, data)
    categories = list(nomination.categories) if nomination else []
    grades = [c for c in categories if c in GRADES]
    rows = [
        [
            step_button(data, grade, EntryStep.CATEGORY, CATEGORIES.index(grade))
            for grade in grades[i : i + GRADE_ROW]
        ]
        for i in range(0, len(grades), GRADE_ROW)
    ]
    others = [
        step_button(data, tx.CATEGORY_BUTTONS[c], EntryStep.CATEGORY, CATEGORIES.index(c))
        for c in categories
        if c in tx.CATEGORY_BUTTONS
    ]
    if others:
        rows.append(others)
    name = str(dict(data.get("current", {})).get("full_name", ""))
    text = tx.ASK_CATEGORY.format(name=h(name), categories=categories_text(categories))
    await _say(target, text, step_markup(rows, data))


async def ask_age(target: Target, contest: Contest, state: FSMContext) -> None:
    await state.set_state(ContestEntryForm.age)
    data = await state.get_data()
    current = dict(data.get("current", {}))
    category = str(current.get("category", ""))
    rows = []
    if category in GRADES:  # the ages usual for the grade, one press away
        grade = int(category)
        rows.append(
            [
                step_button(data, tx.age_button(age), EntryStep.AGE, age)
                for age in (grade + 5, grade + 6, grade + 7)
            ]
        )
    text = tx.ASK_AGE.format(
        name=h(str(current.get("full_name", ""))), category=category_name(category)
    )
    await _say(target, text, step_markup(rows, data))


def _participant_lines(data: dict[str, Any], scale: float = 1.0) -> str:
    lines = [
        tx.PARTICIPANT_LINE.format(
            number=i,
            name=cut(str(p["full_name"]), 200, scale),
            category=category_name(str(p["category"])),
            age=tx.age_suffix(_age(p.get("age"))),
        )
        for i, p in enumerate(participants_of(data), 1)
    ]
    return bounded(lines, budget=int(1500 * scale)) if lines else ""


async def show_participants(
    target: Target, contest: Contest, state: FSMContext, note: str = ""
) -> None:
    await state.set_state(ContestEntryForm.participants)
    data = await state.get_data()
    people = participants_of(data)
    limit = participants_limit(nomination_of(contest, data))
    rows = []
    if len(people) < limit:
        rows.append([step_button(data, tx.BTN_MORE if people else tx.BTN_FIRST, EntryStep.MORE)])
    rows += [
        [
            step_button(
                data,
                tx.BTN_REMOVE.format(name=shorten(str(p["full_name"]), 30)),
                EntryStep.REMOVE,
                i,
            )
        ]
        for i, p in enumerate(people)
    ]
    rows.append([step_button(data, tx.BTN_NEXT, EntryStep.NEXT)])
    text = tx.PARTICIPANTS.format(
        count=len(people),
        max=limit,
        lines=_participant_lines(data) or tx.PARTICIPANTS_NONE,
        note=note,
    )
    await _say(target, text, step_markup(rows, data))


async def _ask_supervisor(target: Target, state: FSMContext, user: User | None) -> None:
    await state.set_state(ContestEntryForm.supervisor)
    data = await state.get_data()
    rows = []
    if user is not None and user.full_name:
        rows.append(
            [step_button(data, tx.BTN_ME.format(name=shorten(user.full_name, 40)), EntryStep.ME)]
        )
    await _say(target, tx.ASK_SUPERVISOR, step_markup(rows, data))


async def _ask_title(target: Target, state: FSMContext) -> None:
    await state.set_state(ContestEntryForm.title)
    await _say(target, tx.ASK_WORK_TITLE, step_markup([], await state.get_data()))


def works_markup(data: dict[str, Any], offer_clear: bool = False) -> InlineKeyboardMarkup:
    rows = []
    if data.get("works"):
        rows.append([step_button(data, tx.BTN_DONE, EntryStep.DONE)])
        if offer_clear:
            rows.append([step_button(data, tx.BTN_CLEAR_WORKS, EntryStep.CLEAR)])
    return step_markup(rows, data)


async def _ask_works(target: Target, state: FSMContext) -> None:
    await state.set_state(ContestEntryForm.works)
    data = await state.get_data()
    kept = len(data.get("works", []))
    text = tx.WORKS_KEPT.format(count=kept) if kept else tx.ASK_WORKS.format(max=WORKS_MAX)
    await _say(target, text, works_markup(data, offer_clear=True))


def _score_values(max_score: int) -> list[int]:
    if max_score <= SCORE_BUTTONS_MAX:
        return list(range(max_score + 1))
    return list(range(0, max_score + 1, 5))


async def ask_score(target: Target, contest: Contest, state: FSMContext, index: int) -> None:
    await state.set_state(ContestEntryForm.score)
    await state.update_data(score_index=index)
    data = await state.get_data()
    criterion = contest.criteria[index]
    values = _score_values(criterion.max_score)
    rows = [
        [step_button(data, str(v), EntryStep.SCORE, v) for v in values[i : i + GRADE_ROW]]
        for i in range(0, len(values), GRADE_ROW)
    ]
    text = tx.ASK_SCORE.format(
        number=index + 1,
        total=len(contest.criteria),
        title=h(criterion.title),
        max=criterion.max_score,
        typed=tx.SCORE_TYPED if criterion.max_score > SCORE_BUTTONS_MAX else "",
    )
    await _say(target, text, step_markup(rows, data))


async def ask_consent(target: Target, state: FSMContext) -> None:
    await state.set_state(ContestEntryForm.consent)
    data = await state.get_data()
    label = tx.BTN_CONSENT_ON if data.get("consent") else tx.BTN_CONSENT_OFF
    rows = [
        [step_button(data, label, EntryStep.CONSENT)],
        [step_button(data, tx.BTN_NEXT, EntryStep.NEXT)],
    ]
    await _say(target, tx.ASK_CONSENT.format(consent=tx.CONSENT_TEXT), step_markup(rows, data))


def _work_line(work: WorkInput, scale: float) -> str:
    icon = "video" if work.mime_type.startswith("video/") else work.kind.value
    name = work.url if work.kind is WorkKind.LINK else work.file_name
    return tx.WORK_LINE.format(icon=tx.WORK_ICONS[icon], name=cut(name or "—", 80, scale))


def _summary_text(contest: Contest, data: dict[str, Any]) -> str:
    nomination = nomination_of(contest, data)
    comment = str(data.get("comment", ""))
    given = scores_of(data)

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
        works = [_work_line(w, scale) for w in works_of(data)]
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


async def show_summary(target: Target, contest: Contest, state: FSMContext) -> None:
    await state.set_state(ContestEntryForm.summary)
    await state.update_data(editing=False)
    data = await state.get_data()
    rows = [
        [step_button(data, tx.BTN_SEND, EntryStep.SEND)],
        [step_button(data, tx.BTN_CHANGE, EntryStep.CHANGE)],
    ]
    await _say(target, _summary_text(contest, data), step_markup(rows, data))


async def open_part(
    part: Part | None, target: Target, contest: Contest, state: FSMContext, user: User | None
) -> None:
    """The first screen of a part (None: the summary)."""
    if part is Part.NOMINATION:
        await ask_nomination(target, contest, state)
    elif part is Part.PARTICIPANTS:
        if participants_of(await state.get_data()):
            await show_participants(target, contest, state)
        else:
            await ask_name(target, contest, state)
    elif part is Part.SUPERVISOR:
        await _ask_supervisor(target, state, user)
    elif part is Part.TITLE:
        await _ask_title(target, state)
    elif part is Part.WORKS:
        await _ask_works(target, state)
    elif part is Part.SCORES and contest.self_assessment and contest.criteria:
        await ask_score(target, contest, state, 0)
    elif part in (Part.SCORES, Part.CONSENT):
        await ask_consent(target, state)
    else:
        await show_summary(target, contest, state)


async def after_part(
    part: Part, target: Target, contest: Contest, state: FSMContext, user: User | None
) -> None:
    """A part is done: the next one, or the summary when the librarian came to change it."""
    if (await state.get_data()).get("editing"):
        await show_summary(target, contest, state)
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
    await open_part(following[part], target, contest, state, user)
