"""A fake Telegram Bot API HTTP server for tests (aiohttp.web).

Point aiogram at it with::

    fake = FakeBotAPI()
    await fake.start()
    bot = Bot(
        token="123:ABC",
        session=AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url)),
    )

Wire format notes (aiogram 3.x, ``AiohttpSession.build_form_data``): every call is a POST;
without uploads the body is ``application/x-www-form-urlencoded``, with uploads it is
``multipart/form-data``.  Strings are sent as is, every other value (int, bool, dict, list,
pydantic objects such as ``reply_markup``) is ``json.dumps``-ed, ``None`` *and falsy values*
(``0``, ``False``, ``""``) are not sent at all.  Files are never sent under the parameter
name: the parameter holds ``attach://<random key>`` and the file travels in a multipart part
named ``<random key>`` (the same for ``media[*].media`` of sendMediaGroup).  This server
decodes all of that, so ``RecordedRequest.params`` holds ints, bools, dicts and lists, and
``RecordedRequest.file("document")`` finds the uploaded part.

The modules, one responsibility each:

- ``server``: the aiohttp routes and ``FakeBotAPI``, the object tests hold;
- ``wire``: decoding a request's form, JSON body and file parts;
- ``records``: what is recorded (requests, delivered messages);
- ``chats``: users, chats and every chat's messages;
- ``limits``: 429 with retry_after, 403 for a blocked user, forced failures;
- ``formatting``: text and caption limits, HTML parse mode, inline keyboards;
- ``files``: stored files, getFile and downloads;
- ``updates``: the getUpdates queue and the webhook methods;
- ``users``: updates built as if a user wrote or pressed a button;
- ``sending``, ``editing``, ``chat_methods``, ``profile``: the Bot API methods by family;
- ``__main__``: the command line.

Run standalone with ``python -m tests.fake_bot_api --port 8081``.  It prints its base URL
and serves until SIGINT/SIGTERM; ``POST /_fake/send_text`` ``{"user_id": 1, "text": "/start"}``,
``POST /_fake/press_button`` ``{"user_id": 1, "text": "Button"}``, ``POST /_fake/updates``
(a raw update) and ``GET /_fake/requests`` help when driving a bot by hand.
"""

from tests.fake_bot_api.errors import ApiError
from tests.fake_bot_api.records import DeliveredMessage, RecordedRequest, UploadedFile
from tests.fake_bot_api.sending import SENDING_METHODS
from tests.fake_bot_api.server import FakeBotAPI

__all__ = [
    "SENDING_METHODS",
    "ApiError",
    "DeliveredMessage",
    "FakeBotAPI",
    "RecordedRequest",
    "UploadedFile",
]
