"""Files: what the bot uploads and users send, getFile and the download URL behind it."""

from __future__ import annotations

import itertools
import mimetypes
import struct
from dataclasses import dataclass, field
from typing import Any

from tests.fake_bot_api.errors import WRONG_FILE, ApiError
from tests.fake_bot_api.records import Handler, JsonDict, RecordedRequest

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes = field(repr=False)
    file_name: str | None = None
    mime_type: str | None = None


def image_size(data: bytes) -> tuple[int, int]:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data) and data[i] == 0xFF:
            marker = data[i + 1]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return 800, 600


class FileStore:
    """Every file by its file_id and by the path getFile hands out for downloading."""

    def __init__(self) -> None:
        self.by_id: dict[str, StoredFile] = {}
        self.by_path: dict[str, StoredFile] = {}
        self._seq = itertools.count(1)

    def routes(self) -> dict[str, Handler]:
        return {"getFile": self.get_file}

    def store(
        self, content: bytes, file_name: str | None, mime_type: str | None, folder: str
    ) -> StoredFile:
        n = next(self._seq)
        ext = ""
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1]
        elif folder == "photos":
            ext = ".jpg"
        stored = StoredFile(
            file_id=f"fake-{folder[:-1]}-{n}",
            file_unique_id=f"fakeu{n}",
            file_path=f"{folder}/file_{n}{ext}",
            content=content,
            file_name=file_name,
            mime_type=mime_type,
        )
        self.by_id[stored.file_id] = stored
        self.by_path[stored.file_path] = stored
        return stored

    @staticmethod
    def document_obj(stored: StoredFile) -> JsonDict:
        obj: JsonDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
        }
        if stored.file_name is not None:
            obj["file_name"] = stored.file_name
        if stored.mime_type is not None:
            obj["mime_type"] = stored.mime_type
        return obj

    def photo_sizes(self, content: bytes, full: StoredFile | None = None) -> list[JsonDict]:
        width, height = image_size(content)
        scale = min(1.0, 90 / max(width, height, 1))
        thumb = self.store(content, None, "image/jpeg", "photos")
        full = full or self.store(content, None, "image/jpeg", "photos")
        return [
            {
                "file_id": f.file_id,
                "file_unique_id": f.file_unique_id,
                "file_size": len(content),
                "width": w,
                "height": h,
            }
            for f, w, h in (
                (thumb, max(1, round(width * scale)), max(1, round(height * scale))),
                (full, width, height),
            )
        ]

    def input_file(self, rec: RecordedRequest, param: str, value: Any, kind: str) -> StoredFile:
        """Resolve an InputFile parameter: upload (attach:// or direct part), file_id or URL."""
        if value is None:
            for uploaded in rec.files:
                if uploaded.param == param:
                    value = f"attach://{uploaded.name}"
                    break
        if not isinstance(value, str) or not value:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        folder = "photos" if kind == "photo" else f"{kind}s"
        if value.startswith("attach://"):
            name = value.removeprefix("attach://")
            for uploaded in rec.files:
                if uploaded.name == name:
                    mime = mimetypes.guess_type(uploaded.filename or "")[0]
                    if kind == "photo":
                        mime = "image/jpeg"
                    return self.store(
                        uploaded.content,
                        uploaded.filename if kind != "photo" else None,
                        mime or "application/octet-stream",
                        folder,
                    )
            raise ApiError(400, WRONG_FILE)
        if value in self.by_id:
            return self.by_id[value]
        if value.startswith(("http://", "https://")):
            file_name = value.rstrip("/").rsplit("/", 1)[-1] or None
            mime = mimetypes.guess_type(file_name or "")[0]
            return self.store(b"", file_name, mime, folder)
        raise ApiError(400, WRONG_FILE)

    def media_content(self, kind: str, stored: StoredFile) -> JsonDict:
        if kind == "photo":
            return {"photo": self.photo_sizes(stored.content, stored)}
        obj = self.document_obj(stored)
        if kind == "video":
            width, height = image_size(b"")
            obj.update(width=width, height=height, duration=0)
        elif kind == "audio":
            obj["duration"] = 0
        return {kind: obj}

    def get_file(self, rec: RecordedRequest) -> JsonDict:
        """getFile: the path to download a file from (20 MB at most, as Telegram)."""
        file_id = rec.params.get("file_id")
        stored = self.by_id.get(str(file_id))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if len(stored.content) > MAX_DOWNLOAD_BYTES:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }
