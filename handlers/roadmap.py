"""/roadmap: sections, then activities, then an activity's card, with a way back each time."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts import roadmap as r
from bot.toolkit.callbacks import RoadmapCb
from bot.toolkit.keyboards import button, column, shorten
from bot.toolkit.screens import h, show
from services.catalogue import get_activity, list_sections, section_activities


async def _sections(event: Message | CallbackQuery, session: AsyncSession) -> None:
    sections = await list_sections(session)
    if not sections:
        await show(event, r.EMPTY)
        return
    lines = "\n".join(
        r.SECTION_LINE.format(number=s.number, title=h(s.title), count=count)
        for s, count in sections
    )
    markup = column(
        [
            button(
                r.BTN_SECTION.format(number=s.number, title=shorten(s.title, 45)),
                RoadmapCb(section=s.number),
            )
            for s, _ in sections
        ]
    )
    await show(event, r.SECTIONS.format(lines=lines), markup)


async def roadmap_command(message: Message, session: AsyncSession) -> None:
    await _sections(message, session)


async def roadmap_nav(
    query: CallbackQuery, callback_data: RoadmapCb, session: AsyncSession
) -> None:
    if callback_data.activity:
        activity = await get_activity(session, callback_data.activity)
        if activity is None:
            await query.answer(r.NOT_FOUND, show_alert=True)
            return
        note = f"\n<i>{h(activity.note)}</i>" if activity.note else ""
        text = r.ACTIVITY_CARD.format(
            number=activity.number,
            title=h(activity.title),
            note=note,
            section=h(activity.section.title),
            period=h(activity.period),
            executors=h("; ".join(activity.executors) or r.NOT_SET),
            document=h(activity.document_type or r.NOT_SET),
            result=h(activity.expected_result or r.NOT_SET),
        )
        markup = column(
            [
                button(r.BTN_TO_SECTION, RoadmapCb(section=activity.section.number)),
                button(r.BTN_TO_SECTIONS, RoadmapCb()),
            ]
        )
        await show(query, text, markup)
        return
    if callback_data.section:
        activities = await section_activities(session, callback_data.section)
        if not activities:
            await query.answer(r.NOT_FOUND, show_alert=True)
            return
        section = activities[0].section
        lines = "\n".join(
            r.ACTIVITY_LINE.format(number=a.number, title=h(a.title)) for a in activities
        )
        buttons = [
            button(
                r.BTN_ACTIVITY.format(number=a.number, title=shorten(a.title, 40)),
                RoadmapCb(section=callback_data.section, activity=a.number),
            )
            for a in activities
        ]
        buttons.append(button(r.BTN_TO_SECTIONS, RoadmapCb()))
        await show(
            query,
            r.SECTION.format(number=section.number, title=h(section.title), lines=lines),
            column(buttons),
        )
        return
    await _sections(query, session)


def get_router() -> Router:
    router = Router(name="roadmap")
    router.message.register(roadmap_command, Command("roadmap"))
    router.callback_query.register(roadmap_nav, RoadmapCb.filter())
    return router
