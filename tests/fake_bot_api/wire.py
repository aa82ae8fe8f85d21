"""The wire format: reading a request's form or JSON body into typed parameters and files.

aiogram sends strings as they are and ``json.dumps`` every other value; files travel in
multipart parts named by a random key that the parameter references as ``attach://<key>``.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from tests.fake_bot_api.errors import ApiError
from tests.fake_bot_api.records import JsonDict, RecordedRequest, UploadedFile

MAX_UPLOAD_BYTES = 50 * 1024 * 1024

# Parameters whose form values are JSON documents.
JSON_KEYS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "media",
        "allowed_updates",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "results",
        "options",
        "explanation_entities",
        "permissions",
        "message_ids",
        "prices",
        "reaction",
        "suggested_post_parameters",
    }
)
# Parameters that are numbers (chat_id may also be "@channelusername").
NUMBER_KEYS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "user_id",
        "offset",
        "limit",
        "timeout",
        "message_thread_id",
        "cache_time",
        "reply_to_message_id",
        "max_connections",
        "duration",
        "width",
        "height",
        "until_date",
        "direct_messages_topic_id",
    }
)
# Free-text parameters: never decoded, even when they look like JSON / numbers / booleans.
TEXT_KEYS = frozenset(
    {
        "text",
        "caption",
        "description",
        "short_description",
        "name",
        "title",
        "question",
        "explanation",
        "custom_title",
        "callback_query_id",
        "inline_message_id",
        "url",
        "secret_token",
        "parse_mode",
        "action",
        "language_code",
        "emoji",
        "query",
        "business_connection_id",
        "ip_address",
    }
)


def _number(value: str) -> int | float | str:
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        return value


def decode_params(raw: dict[str, Any]) -> tuple[JsonDict, ApiError | None]:
    params: JsonDict = {}
    error: ApiError | None = None
    for key, value in raw.items():
        if not isinstance(value, str) or key in TEXT_KEYS:
            params[key] = value
        elif key in NUMBER_KEYS:
            params[key] = _number(value)
        elif value in ("true", "false"):
            params[key] = value == "true"
        elif key in JSON_KEYS or value[:1] in ("{", "["):
            try:
                params[key] = json.loads(value)
            except ValueError:
                params[key] = value
                if key in JSON_KEYS and error is None:
                    what = "reply keyboard markup" if key == "reply_markup" else key
                    error = ApiError(400, f"Bad Request: can't parse {what} JSON object")
        else:
            params[key] = value
    return params, error


async def read_request(
    request: web.Request,
) -> tuple[dict[str, Any], list[UploadedFile], ApiError | None]:
    """The raw parameters and file parts of a request, and an error to answer with, if any."""
    raw: dict[str, Any] = dict(request.query)
    files: list[UploadedFile] = []
    if request.method != "POST" or not request.body_exists:
        return raw, files, None
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            return raw, files, ApiError(400, "Bad Request: can't parse JSON request body")
        if isinstance(body, dict):
            raw.update(body)
        return raw, files, None
    try:
        form = await request.post()
    except web.HTTPRequestEntityTooLarge:
        return raw, files, ApiError(413, "Request Entity Too Large")
    error: ApiError | None = None
    for key, value in form.items():
        if isinstance(value, web.FileField):
            content = value.file.read()
            files.append(
                UploadedFile(
                    name=key,
                    filename=value.filename,
                    size=len(content),
                    content=content,
                    content_type=value.content_type,
                )
            )
            if len(content) > MAX_UPLOAD_BYTES:
                error = ApiError(413, "Request Entity Too Large")
        else:
            raw[key] = value
    return raw, files, error


def link_attachments(rec: RecordedRequest) -> None:
    """Name the parameter ("document", "media[1]") each uploaded part belongs to."""
    by_name = {f.name: f for f in rec.files}

    def link(value: Any, param: str) -> None:
        if isinstance(value, str) and value.startswith("attach://"):
            uploaded = by_name.get(value.removeprefix("attach://"))
            if uploaded is not None and uploaded.param is None:
                uploaded.param = param

    for key, value in rec.params.items():
        if key == "media" and isinstance(value, (list, dict)):
            items = value if isinstance(value, list) else [value]
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    prefix = f"media[{index}]" if isinstance(value, list) else "media"
                    link(item.get("media"), prefix)
                    link(item.get("thumbnail"), f"{prefix}.thumbnail")
        else:
            link(value, key)
    for uploaded in rec.files:
        if uploaded.param is None:
            uploaded.param = uploaded.name
