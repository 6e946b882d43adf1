"""The files a directive may carry: one list, for the check and for every text that names it."""

from __future__ import annotations

import enum
from dataclasses import dataclass

# Telegram lets a bot download files up to 20 MB; a directive's file must be readable by the
# bot's own tools (and by its recipients on a phone).
MAX_FILE_MB = 20
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024

# What a client sends when it does not know a file's type: the file's name then decides.
GENERIC_MIME = ("", "application/octet-stream", "binary/octet-stream")


@dataclass(frozen=True)
class FileKind:
    """One kind of accepted file; `name` picks its label, text key `file_kind_<name>`."""

    name: str
    mime_types: tuple[str, ...]  # exact types, or prefixes ending in "."
    extensions: tuple[str, ...]

    def has_type(self, mime: str) -> bool:
        return any(mime == m or (m.endswith(".") and mime.startswith(m))
                   for m in self.mime_types)


# In the order texts list them. Not zip or rar (nothing inside could be checked), not
# executables, not SVG or HTML (they can carry scripts).
ACCEPTED_FILES: tuple[FileKind, ...] = (
    FileKind("pdf", ("application/pdf",), (".pdf",)),
    FileKind("word", ("application/msword",
                      "application/vnd.openxmlformats-officedocument.wordprocessingml."),
             (".doc", ".docx")),
    FileKind("excel", ("application/vnd.ms-excel",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml."),
             (".xls", ".xlsx")),
    FileKind("opendocument", ("application/vnd.oasis.opendocument.",), (".odt", ".ods", ".odp")),
    FileKind("image", ("image/jpeg", "image/png", "image/webp", "image/heic", "image/heif",
                       "image/tiff", "image/bmp", "image/gif"),
             (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".tif", ".tiff", ".bmp",
              ".gif")),
    FileKind("text", ("text/plain",), (".txt",)),
)


class FileCheck(enum.Enum):
    OK = "ok"
    WRONG_TYPE = "wrong_type"
    TOO_BIG = "too_big"


def check_file(name: str | None, mime: str | None, size: int | None) -> FileCheck:
    """May a directive carry this document? By its type, or by its name when the client sent
    no useful type; then by its size."""
    mime = (mime or "").strip().lower()
    if mime in GENERIC_MIME:
        suffix = "." + (name or "").rsplit(".", 1)[-1].lower() if "." in (name or "") else ""
        known = any(suffix in kind.extensions for kind in ACCEPTED_FILES)
    else:
        known = any(kind.has_type(mime) for kind in ACCEPTED_FILES)
    if not known:
        return FileCheck.WRONG_TYPE
    if (size or 0) > MAX_FILE_BYTES:
        return FileCheck.TOO_BIG
    return FileCheck.OK
