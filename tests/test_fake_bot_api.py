"""Tests of the fake Bot API server, driven by a real aiogram Bot."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.filters import CommandStart
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
)

from tests.fake_bot_api import FakeBotAPI

USER = 4242
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def keyboard(*labels: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data) for text, data in labels]
        ]
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as api:
        yield api


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
    bot = Bot(token="123:ABC", session=session)
    try:
        yield bot
    finally:
        await bot.session.close()


async def test_get_me(fake: FakeBotAPI, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot
    assert me.id == 123 == bot.id
    assert me.username == "shibc_test_bot"
    [call] = fake.calls("getMe")
    assert call.token == "123:ABC"
    assert call.ok


async def test_send_message_recorded(fake: FakeBotAPI, bot: Bot) -> None:
    markup = keyboard(("Yes", "answer:yes"), ("No", "answer:no"))
    first = await bot.send_message(USER, "Hello <b>librarian</b>", reply_markup=markup)
    second = await bot.send_message(USER, "Second", parse_mode="HTML")

    assert (first.message_id, second.message_id) == (1, 2)
    assert first.chat.id == USER
    assert first.chat.type == "private"
    assert first.from_user is not None
    assert first.from_user.username == "shibc_test_bot"
    assert first.text == "Hello <b>librarian</b>"  # no parse_mode: sent literally
    assert first.reply_markup is not None
    assert first.reply_markup.model_dump() == markup.model_dump()

    [call, _] = fake.calls("sendMessage")
    assert call.params["chat_id"] == USER
    assert call.params["text"] == "Hello <b>librarian</b>"
    assert call.params["reply_markup"] == {
        "inline_keyboard": [
            [
                {"text": "Yes", "callback_data": "answer:yes"},
                {"text": "No", "callback_data": "answer:no"},
            ]
        ]
    }
    assert fake.sent_texts(USER) == ["Hello <b>librarian</b>", "Second"]
    assert [d.message_id for d in fake.delivered] == [1, 2]
    assert fake.last_message(USER)["text"] == "Second"


async def test_html_parse_mode(fake: FakeBotAPI, bot: Bot) -> None:
    message = await bot.send_message(USER, "Отчёт <b>сдан</b> &amp; принят", parse_mode="HTML")
    assert message.text == "Отчёт сдан & принят"
    assert message.entities is not None
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bold", 6, 4)]
    assert fake.sent_texts(USER) == ["Отчёт <b>сдан</b> &amp; принят"]

    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(USER, "a <br> b", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(USER, "<b>unclosed", parse_mode="HTML")


async def test_long_polling(fake: FakeBotAPI, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == []
    assert time.monotonic() - started >= 0.9

    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    update_id = fake.send_text(USER, "/start hello", first_name="Анна", username="anna")
    [update] = await asyncio.wait_for(poll, 2)
    assert update.update_id == update_id
    assert update.message is not None
    assert update.message.text == "/start hello"
    assert update.message.from_user is not None
    assert update.message.from_user.first_name == "Анна"
    assert update.message.entities is not None
    assert [(e.type, e.offset, e.length) for e in update.message.entities] == [
        ("bot_command", 0, 6)
    ]

    # Not confirmed yet: delivered again.
    assert [u.update_id for u in await bot.get_updates()] == [update_id]
    # offset confirms it; queued updates come back immediately, honouring limit.
    second = fake.send_text(USER, "two")
    third = fake.send_text(USER, "three")
    started = time.monotonic()
    batch = await bot.get_updates(offset=update_id + 1, limit=1, timeout=5)
    assert time.monotonic() - started < 1
    assert [u.update_id for u in batch] == [second]
    assert [u.update_id for u in await bot.get_updates(offset=third + 1)] == []
    assert await bot.get_updates() == []
    assert fake.calls("getUpdates")[-2].params["offset"] == third + 1


async def test_dispatcher_polling_round_trip(fake: FakeBotAPI, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def on_start(message: Message) -> None:
        await message.answer("Добро пожаловать!")

    polling = asyncio.create_task(
        dp.start_polling(bot, polling_timeout=1, handle_signals=False, close_bot_session=False)
    )
    try:
        fake.send_text(USER, "/start")
        [reply] = await fake.wait_for("sendMessage", lambda r: r.ok, timeout=5)
        assert reply.params["chat_id"] == USER
        assert fake.sent_texts(USER) == ["Добро пожаловать!"]
    finally:
        await dp.stop_polling()
        await polling


async def test_rate_limit_raises_retry_after(fake: FakeBotAPI, bot: Bot) -> None:
    fake.rate_limit_per_second = 2
    fake.retry_after = 3
    await bot.send_message(1, "a")
    await bot.send_message(2, "b")
    with pytest.raises(TelegramRetryAfter) as excinfo:
        await bot.send_message(3, "c")
    assert excinfo.value.retry_after == 3
    assert "retry after 3" in excinfo.value.message
    assert fake.count_429 == 1
    assert len(fake.calls("sendMessage")) == 3
    assert [d.chat_id for d in fake.delivered] == [1, 2]
    assert fake.sent_texts(3) == []

    await asyncio.sleep(1.05)
    await bot.send_message(3, "c")
    assert fake.sent_texts(3) == ["c"]


async def test_per_chat_limit_and_forced_failure(fake: FakeBotAPI, bot: Bot) -> None:
    fake.per_chat_limit_per_second = 1
    await bot.send_message(1, "a")
    await bot.send_message(2, "b")
    with pytest.raises(TelegramRetryAfter) as excinfo:
        await bot.send_message(1, "again")
    assert excinfo.value.retry_after == 1

    fake.per_chat_limit_per_second = None
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    with pytest.raises(TelegramRetryAfter) as excinfo:
        await bot.send_message(5, "x")
    assert excinfo.value.retry_after == 7
    await bot.send_message(5, "x")
    assert fake.count_429 == 2
    assert fake.sent_texts(5) == ["x"]


async def test_blocked_user_raises_forbidden(fake: FakeBotAPI, bot: Bot) -> None:
    fake.blocked.add(USER)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(USER, "hi")
    assert fake.count_403 == 1
    assert fake.delivered == []
    assert fake.calls("sendMessage")[0].status == 403


async def test_missing_chat_raises_bad_request(fake: FakeBotAPI, bot: Bot) -> None:
    fake.missing_chats.add(777)
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(777, "hi")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.get_chat(777)
    chat = await bot.get_chat(USER)
    assert chat.type == "private"


async def test_bad_input_refused(fake: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(USER, "x" * 4097)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(USER, "")
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "hi", reply_markup=keyboard(("Long", "x" * 65)))
    await bot.send_message(USER, "x" * 4096, reply_markup=keyboard(("Ok", "y" * 64)))
    assert fake.count_400 == 3
    assert len(fake.delivered) == 1


async def test_edit_not_modified(fake: FakeBotAPI, bot: Bot) -> None:
    markup = keyboard(("A", "a"))
    sent = await bot.send_message(USER, "Same", reply_markup=markup)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            text="Same", chat_id=USER, message_id=sent.message_id, reply_markup=markup
        )
    edited = await bot.edit_message_text(text="Changed", chat_id=USER, message_id=sent.message_id)
    assert isinstance(edited, Message)
    assert edited.text == "Changed"
    assert edited.reply_markup is None  # editing without reply_markup drops the keyboard
    assert fake.last_message(USER)["text"] == "Changed"
    await bot.edit_message_reply_markup(
        chat_id=USER, message_id=sent.message_id, reply_markup=markup
    )
    assert fake.last_message(USER)["reply_markup"] == {
        "inline_keyboard": [[{"text": "A", "callback_data": "a"}]]
    }
    assert await bot.delete_message(USER, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(USER, sent.message_id)


async def test_document_upload_recorded(fake: FakeBotAPI, bot: Bot) -> None:
    content = b"PK\x03\x04 fake xlsx " * 100
    sent = await bot.send_document(
        USER,
        BufferedInputFile(content, filename="отчёт.xlsx"),
        caption="Отчёт за май",
    )
    [call] = fake.calls("sendDocument")
    uploaded = call.file("document")
    assert uploaded.filename == "отчёт.xlsx"
    assert uploaded.size == len(content)
    assert uploaded.content == content
    assert str(call.params["document"]).startswith("attach://")
    assert call.params["caption"] == "Отчёт за май"

    assert sent.document is not None
    assert sent.document.file_name == "отчёт.xlsx"
    assert sent.document.file_size == len(content)
    assert fake.file_content(sent.document.file_id) == content
    assert fake.sent_texts(USER) == ["Отчёт за май"]
    assert fake.delivered[0].method == "sendDocument"


async def test_media_group_and_photo(fake: FakeBotAPI, bot: Bot) -> None:
    photo = await bot.send_photo(USER, BufferedInputFile(PNG_1X1, filename="p.png"))
    assert photo.photo is not None
    assert (photo.photo[-1].width, photo.photo[-1].height) == (1, 1)

    album = await bot.send_media_group(
        USER,
        [
            InputMediaPhoto(media=BufferedInputFile(PNG_1X1, filename="a.png"), caption="A"),
            InputMediaPhoto(media=BufferedInputFile(PNG_1X1, filename="b.png")),
        ],
    )
    assert [m.message_id for m in album] == [2, 3]
    assert album[0].media_group_id == album[1].media_group_id is not None
    [call] = fake.calls("sendMediaGroup")
    assert [f.param for f in call.files] == ["media[0]", "media[1]"]
    assert call.params["media"][0]["caption"] == "A"
    assert [d.message_id for d in fake.delivered] == [1, 2, 3]


async def test_user_document_get_file_and_download(fake: FakeBotAPI, bot: Bot) -> None:
    content = bytes(range(256)) * 40
    fake.send_document(USER, "список.csv", content, "text/csv", caption="Список")
    [update] = await bot.get_updates()
    assert update.message is not None
    document = update.message.document
    assert document is not None
    assert (document.file_name, document.mime_type) == ("список.csv", "text/csv")
    assert update.message.caption == "Список"

    file = await bot.get_file(document.file_id)
    assert file.file_size == len(content)
    downloaded = await bot.download(document.file_id)
    assert downloaded is not None
    assert downloaded.read() == content
    buffer = io.BytesIO()
    assert file.file_path is not None
    await bot.download_file(file.file_path, buffer)
    assert buffer.getvalue() == content

    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")


async def test_user_photo(fake: FakeBotAPI, bot: Bot) -> None:
    fake.send_photo(USER, PNG_1X1)
    [update] = await bot.get_updates()
    assert update.message is not None
    assert update.message.photo is not None
    downloaded = await bot.download(update.message.photo[-1])
    assert downloaded is not None
    assert downloaded.read() == PNG_1X1


async def test_find_and_press_button(fake: FakeBotAPI, bot: Bot) -> None:
    await bot.send_message(USER, "Old", reply_markup=keyboard(("Approve", "approve:1")))
    newest = await bot.send_message(
        USER, "Pick one", reply_markup=keyboard(("Approve", "approve:2"), ("Reject", "rej:2"))
    )

    message_id, data = fake.find_button(USER, "Approve")
    assert (message_id, data) == (newest.message_id, "approve:2")
    with pytest.raises(AssertionError, match="Reject"):
        fake.find_button(USER, "Missing")

    update_id = fake.press_button(USER, message_id, data)
    [update] = await bot.get_updates()
    assert update.update_id == update_id
    query = update.callback_query
    assert query is not None
    assert query.data == "approve:2"
    assert query.from_user.id == USER
    assert isinstance(query.message, Message)
    assert query.message.message_id == newest.message_id
    assert query.message.text == "Pick one"
    assert query.message.reply_markup is not None
    assert newest.reply_markup is not None
    assert query.message.reply_markup.model_dump() == newest.reply_markup.model_dump()

    assert await bot.answer_callback_query(query.id, text="Done")
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query(query.id)
    with pytest.raises(AssertionError, match="no message 99"):
        fake.press_button(USER, 99, "x")


async def test_commands_and_misc_methods(fake: FakeBotAPI, bot: Bot) -> None:
    assert await bot.delete_webhook(drop_pending_updates=True)
    commands = [BotCommand(command="start", description="Начать")]
    assert await bot.set_my_commands(commands)
    assert [c.model_dump() for c in await bot.get_my_commands()] == [
        c.model_dump() for c in commands
    ]
    assert fake.calls("setMyCommands")[0].params["commands"] == [
        {"command": "start", "description": "Начать"}
    ]
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == []
    assert await bot.send_chat_action(USER, "typing")
    info = await bot.get_webhook_info()
    assert info.url == ""

    source = await bot.send_message(USER, "Original")
    copied = await bot.copy_message(chat_id=5, from_chat_id=USER, message_id=source.message_id)
    assert copied.message_id == 1
    forwarded = await bot.forward_message(5, USER, source.message_id)
    assert forwarded.text == "Original"
    assert fake.sent_texts(5) == ["Original", "Original"]


async def test_unknown_method_returns_404(fake: FakeBotAPI) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.base_url}/bot1:x/noSuchMethod", data={"a": "1"}) as resp,
    ):
        assert resp.status == 404
        assert await resp.json() == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found: method not found",
        }
    assert fake.calls("noSuchMethod")[0].params == {"a": "1"}
    assert fake.count_404 == 1


async def test_wait_for(fake: FakeBotAPI, bot: Bot) -> None:
    async def later() -> None:
        await asyncio.sleep(0.1)
        await bot.send_message(USER, "one")
        await bot.send_message(USER, "two")

    task = asyncio.create_task(later())
    calls = await fake.wait_for("sendMessage", count=2, timeout=5)
    await task
    assert [c.params["text"] for c in calls] == ["one", "two"]

    with pytest.raises(AssertionError, match=r"(?s)Timed out.*sendMessage"):
        await fake.wait_for("sendMessage", lambda r: r.params["text"] == "three", timeout=0.2)

    fake.clear()
    assert fake.requests == []
    assert fake.delivered == []


async def test_standalone_process() -> None:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fake_bot_api",
        "--port",
        "0",
        cwd=root,
        env=env,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), 10)
        base_url = line.decode().strip()
        assert base_url.startswith("http://127.0.0.1:")
        session = AiohttpSession(api=TelegramAPIServer.from_base(base_url))
        async with Bot(token="42:XYZ", session=session) as bot:
            me = await bot.get_me()
        assert me.id == 42
    finally:
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 10) == 0
