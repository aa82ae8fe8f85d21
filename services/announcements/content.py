"""What an announcement carries: its text with Telegram's entities and up to ten files.

Telegram counts text lengths and entity offsets in UTF-16 code units; so do these functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from models.limits import ALBUM_MAX, CAPTION_MAX, MESSAGE_TEXT_MAX
from services.errors import ValidationError

PHOTO = "photo"
DOCUMENT = "document"
MEDIA_KINDS = (PHOTO, DOCUMENT)


def tg_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Content:
    text: str = ""
    entities: tuple[dict[str, Any], ...] = ()
    media: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    @property
    def limit(self) -> int:
        """The most text one message can carry: a caption's if there is exactly one file."""
        return CAPTION_MAX if len(self.media) == 1 else MESSAGE_TEXT_MAX


def check_media(media: Sequence[dict[str, Any]]) -> None:
    if len(media) > ALBUM_MAX:
        raise ValidationError("album_too_big", limit=ALBUM_MAX)
    kinds = {m.get("type") for m in media}
    if not kinds <= set(MEDIA_KINDS):
        raise ValidationError("media_unsupported")
    if len(media) > 1 and len(kinds) > 1:
        raise ValidationError("album_mixed")  # Telegram groups photos or documents, not both


def check_content(content: Content, *, split_ok: bool = False) -> None:
    """Refuse what cannot be sent: nothing at all, too many files, a text over the limit.

    A text over one message's limit is sent in parts only when the coordinator agreed.
    """
    if not content.text.strip() and not content.media:
        raise ValidationError("announcement_empty")
    check_media(content.media)
    length = tg_len(content.text)
    limit = MESSAGE_TEXT_MAX if len(content.media) != 1 else CAPTION_MAX
    if length > limit and not split_ok:
        raise ValidationError("announcement_too_long", length=length, limit=limit)


def _shift(entities: Sequence[dict[str, Any]], start: int, end: int) -> list[dict[str, Any]]:
    """The entities inside [start, end), moved to start at 0; one crossing the edge is cut."""
    out: list[dict[str, Any]] = []
    for entity in entities:
        e_start = int(entity["offset"])
        e_end = e_start + int(entity["length"])
        lo, hi = max(e_start, start), min(e_end, end)
        if lo < hi:
            out.append({**entity, "offset": lo - start, "length": hi - lo})
    return out


def split_text(
    text: str, entities: Sequence[dict[str, Any]], limit: int = MESSAGE_TEXT_MAX
) -> list[tuple[str, list[dict[str, Any]]]]:
    """Cut a long text into messages at paragraph boundaries (then lines, then spaces),
    keeping each entity with its words."""
    parts: list[tuple[str, list[dict[str, Any]]]] = []
    units = text.encode("utf-16-le")
    total = len(units) // 2
    start = 0
    while total - start > limit:
        window = units[start * 2 : (start + limit) * 2].decode("utf-16-le", errors="ignore")
        cut = -1
        for separator in ("\n\n", "\n", " "):
            at = window.rfind(separator)
            if at > 0:
                cut = tg_len(window[:at]) + tg_len(separator)
                break
        if cut <= 0:
            cut = tg_len(window)
        piece = units[start * 2 : (start + cut) * 2].decode("utf-16-le", errors="ignore")
        parts.append((piece.rstrip(), _shift(entities, start, start + tg_len(piece.rstrip()))))
        start += cut
    rest = units[start * 2 :].decode("utf-16-le", errors="ignore")
    if rest.strip():
        parts.append((rest, _shift(entities, start, total)))
    return parts


def steps(content: Content) -> list[dict[str, Any]]:
    """The messages one copy is made of, in order; `main` marks the one whose text can be
    edited later (None when the text went out in parts)."""
    text_parts = split_text(content.text, content.entities) if content.text.strip() else []
    media = list(content.media)
    out: list[dict[str, Any]] = []
    fits_caption = tg_len(content.text) <= CAPTION_MAX
    if len(media) == 1:
        item = media[0]
        if fits_caption:
            return [
                {
                    "kind": item["type"],
                    "file_id": item["file_id"],
                    "text": content.text,
                    "entities": list(content.entities),
                    "main": True,
                }
            ]
        out.append({"kind": item["type"], "file_id": item["file_id"], "text": ""})
    elif media:
        group = [{"type": m["type"], "file_id": m["file_id"]} for m in media]
        if fits_caption and content.text.strip():
            out.append(
                {
                    "kind": "album",
                    "media": group,
                    "text": content.text,
                    "entities": list(content.entities),
                    "main": True,
                }
            )
            return out
        out.append({"kind": "album", "media": group, "text": ""})
    main = len(text_parts) == 1
    out.extend(
        {"kind": "text", "text": part, "entities": ents, "main": main} for part, ents in text_parts
    )
    return out


def editable(content: Content) -> bool:
    """Whether a sent copy's text is one message that can be edited in place."""
    return any(step.get("main") for step in steps(content))
