"""Message content as Telegram checks it: text and caption limits, HTML parse mode, keyboards."""

from __future__ import annotations

import copy
import html
import re
from typing import Any

from tests.fake_bot_api.errors import ApiError
from tests.fake_bot_api.records import JsonDict

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64

INLINE_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)

_HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*?)?)\s*/?>")
_CHAR_REF_RE = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")
_ATTR_RE = re.compile(r"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _html_error(text: str, pos: int, detail: str) -> ApiError:
    offset = len(text[:pos].encode())
    return ApiError(400, f"Bad Request: can't parse entities: {detail} at byte offset {offset}")


def parse_html(text: str) -> tuple[str, list[JsonDict]]:
    """Telegram's HTML parse mode: returns (plain text, entities) or raises ApiError(400)."""
    out: list[str] = []
    pos16 = 0
    entities: list[JsonDict] = []
    # (tag name, utf-16 start offset, entity being built)
    stack: list[tuple[str, int, JsonDict]] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            match = _TAG_RE.match(text, i)
            if match is None:
                raise _html_error(text, i, "Unclosed start tag")
            closing = match.group(1) == "/"
            name = match.group(2).lower()
            if name not in _HTML_ENTITY_TYPES:
                kind = "end" if closing else "start"
                raise _html_error(text, i, f'Unsupported {kind} tag "{name}"')
            if closing:
                if not stack:
                    raise _html_error(text, i, f'Unexpected end tag "{name}"')
                if stack[-1][0] != name:
                    expected = stack[-1][0]
                    raise _html_error(
                        text, i, f'Unmatched end tag, expected "</{expected}>", found "</{name}>"'
                    )
                _, start, entity = stack.pop()
                if pos16 > start and entity:
                    entity["offset"] = start
                    entity["length"] = pos16 - start
                    entities.append(entity)
            else:
                attrs = {
                    m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
                    for m in _ATTR_RE.finditer(match.group(3))
                }
                entity = {"type": _HTML_ENTITY_TYPES[name]}
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise _html_error(text, i, 'Unsupported start tag "span"')
                if name == "a":
                    if "href" not in attrs:
                        entity = {}
                    else:
                        entity["url"] = attrs["href"]
                elif name == "tg-emoji":
                    entity["custom_emoji_id"] = attrs.get("emoji-id", "")
                elif name == "blockquote" and "expandable" in match.group(3):
                    entity["type"] = "expandable_blockquote"
                elif name == "code" and stack and stack[-1][0] == "pre":
                    language = attrs.get("class", "")
                    if language.startswith("language-"):
                        stack[-1][2]["language"] = language.removeprefix("language-")
                    entity = {}
                stack.append((name, pos16, entity))
            i = match.end()
            continue
        if char == "&":
            ref = _CHAR_REF_RE.match(text, i)
            if ref is not None:
                decoded = html.unescape(ref.group(0))
                out.append(decoded)
                pos16 += utf16_len(decoded)
                i = ref.end()
                continue
        out.append(char)
        pos16 += utf16_len(char)
        i += 1
    if stack:
        name = stack[-1][0]
        raise ApiError(
            400,
            "Bad Request: can't parse entities: "
            f'Can\'t find end tag corresponding to start tag "{name}"',
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _inline_markup(markup: Any) -> JsonDict | None:
    """The reply_markup Telegram echoes in Message objects (inline keyboards only)."""
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        return copy.deepcopy(markup)
    return None


def buttons(message: JsonDict) -> list[JsonDict]:
    markup = message.get("reply_markup")
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list):
        return []
    return [b for row in rows if isinstance(row, list) for b in row if isinstance(b, dict)]


def validate_markup(params: JsonDict) -> JsonDict | None:
    """Check reply_markup; returns the inline keyboard a Message echoes (None otherwise)."""
    markup = params.get("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(400, "Bad Request: can't parse inline keyboard button: field must be Array")
    for button in (b for row in rows for b in row):
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise ApiError(400, "Bad Request: can't parse inline keyboard button: Text is empty")
        if not INLINE_BUTTON_ACTIONS & button.keys():
            raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
        data = button.get("callback_data")
        if data is not None and (
            not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES
        ):
            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return _inline_markup(markup)


def formatted(text: str, params: JsonDict, entities_key: str) -> tuple[str, list[JsonDict]]:
    parse_mode = params.get("parse_mode")
    if isinstance(parse_mode, str) and parse_mode.lower() == "html":
        return parse_html(text)
    entities = params.get(entities_key)
    return text, list(entities) if isinstance(entities, list) else []


def text_content(params: JsonDict) -> JsonDict:
    text = params.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    plain, entities = formatted(text, params, "entities")
    if not plain.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if len(plain) > MAX_TEXT_LENGTH:
        raise ApiError(400, "Bad Request: message is too long")
    content: JsonDict = {"text": plain}
    if entities:
        content["entities"] = entities
    return content


def caption_content(params: JsonDict) -> JsonDict:
    caption = params.get("caption")
    if not isinstance(caption, str) or not caption:
        return {}
    plain, entities = formatted(caption, params, "caption_entities")
    if len(plain) > MAX_CAPTION_LENGTH:
        raise ApiError(400, "Bad Request: message caption is too long")
    content: JsonDict = {"caption": plain}
    if entities:
        content["caption_entities"] = entities
    return content
