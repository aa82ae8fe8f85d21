"""Building the Bot, the Dispatcher and their start-up, without module globals."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import ErrorEvent
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.announcement_progress import ProgressReporter
from bot.app_paths import data_file
from bot.config import Settings
from bot.outbox_sender import OutboxSender, SenderConfig
from bot.texts import common as t
from bot.texts.reminders import DIGEST
from bot.toolkit.announcement_copy import copy_extras
from bot.toolkit.commands import set_default_commands
from bot.toolkit.fsm_storage import SqlStorage
from bot.toolkit.middlewares import (
    CommandEndsFormMiddleware,
    DbSessionMiddleware,
    ForbiddenCharsMiddleware,
    UserMiddleware,
)
from bot.toolkit.reminder_texts import RussianRenderer
from handlers import get_routers
from handlers.reminders import reminder_config
from models.db import create_engine, create_session_pool
from scheduler import build_scheduler
from services.catalogue import CatalogueError, load_catalogue_file
from services.clock import Clock, utc_now

logger = logging.getLogger(__name__)


def build_bot(settings: Settings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.bot_api_url))
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


async def on_error(event: ErrorEvent) -> bool:
    """Log the exception; tell the user in Russian without leaking internals."""
    logger.error("update %s failed", event.update.update_id, exc_info=event.exception)
    update = event.update
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(t.INTERNAL_ERROR, show_alert=True)
        elif update.message is not None:
            await update.message.answer(t.INTERNAL_ERROR)
    except Exception:
        logger.exception("could not report the error to the user")
    return True


def build_dispatcher(
    settings: Settings,
    session_pool: async_sessionmaker[AsyncSession],
    clock: Clock = utc_now,
) -> Dispatcher:
    dp = Dispatcher(
        storage=SqlStorage(session_pool, clock),
        events_isolation=SimpleEventIsolation(),  # one person's updates are handled in turn
        settings=settings,
        clock=clock,
    )
    dp.update.outer_middleware(DbSessionMiddleware(session_pool))
    dp.update.outer_middleware(UserMiddleware(settings.admin_ids, clock))
    dp.message.outer_middleware(ForbiddenCharsMiddleware(t.CONTROL_CHARS))
    dp.message.outer_middleware(CommandEndsFormMiddleware())
    dp.include_routers(*get_routers())
    dp.errors.register(on_error)
    return dp


async def load_catalogue(
    settings: Settings, session_pool: async_sessionmaker[AsyncSession]
) -> None:
    async with session_pool() as session:
        await load_catalogue_file(session, data_file(settings.catalogue_path))
        await session.commit()


async def run_polling(settings: Settings, clock: Clock = utc_now) -> None:
    engine: AsyncEngine = create_engine(settings.database_url)
    session_pool = create_session_pool(engine)
    bot = build_bot(settings)
    dp = build_dispatcher(settings, session_pool, clock)
    scheduler = build_scheduler(
        session_pool,
        settings.tz,
        clock,
        reminder_config(settings),
        RussianRenderer(settings.tz),
        DIGEST,
        announce_extras=copy_extras,
    )
    sender = OutboxSender(
        bot,
        session_pool,
        SenderConfig(
            tz=settings.tz,
            quiet=settings.quiet,
            rate=settings.send_rate,
            concurrency=settings.sender_concurrency,
            lease=timedelta(seconds=settings.sender_lease),
        ),
        clock,
    )
    progress = ProgressReporter(
        bot, session_pool, clock, interval=settings.announce_progress_seconds
    )

    async def on_startup(bot: Bot, **_: Any) -> None:
        try:
            await load_catalogue(settings, session_pool)
        except CatalogueError as exc:
            logger.error("roadmap catalogue not loaded, the previous one stays: %s", exc)
        await set_default_commands(bot)
        scheduler.start()
        sender.start()
        progress.start()
        logger.info("bot started")

    async def on_shutdown(**_: Any) -> None:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        await sender.stop()  # the batch in flight finishes first
        await progress.stop()
        logger.info("bot stopped")

    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    try:
        await bot.delete_webhook(drop_pending_updates=False)
        await dp.start_polling(
            bot,
            polling_timeout=settings.polling_timeout,
            allowed_updates=dp.resolve_used_update_types(),
            handle_signals=True,
        )
    finally:
        await bot.session.close()
        await engine.dispose()
