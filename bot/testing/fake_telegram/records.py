"""What the fake records and hands to tests: files, calls, the bot's messages and their edits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

JSONDict = dict[str, Any]
MessageKind = Literal["text", "document", "photo"]

@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str
    content: bytes
    content_type: str


@dataclass
class StoredFile:
    """A file known to the fake server (uploaded by the bot or sent by a user)."""

    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def file_size(self) -> int:
        return len(self.content)


@dataclass
class Call:
    """One Bot API request made by the bot, recorded when its response was produced.

    ``time`` is ``time.monotonic()`` at that moment; ``params`` are the decoded
    parameters (file parts are in ``files``); ``error`` is the description of an
    error response.
    """

    method: str
    params: JSONDict
    time: float
    status: int
    files: dict[str, UploadedFile] = field(default_factory=dict)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass
class MessageEdit:
    """State of a message after one edit (``time``: Unix seconds, from the fake's clock)."""

    method: str
    text: str | None
    reply_markup: JSONDict | None
    parse_mode: str | None
    previous_text: str | None
    previous_reply_markup: JSONDict | None
    time: float


@dataclass
class SentMessage:
    """A message the bot sent, with its current state.

    ``text`` is the text or caption exactly as the bot sent it (markup included);
    ``plain_text`` is what the user sees (HTML tags removed, entities unescaped).
    ``reply_markup`` is whatever markup the bot sent (inline or reply keyboard).
    """

    message_id: int
    chat_id: int
    kind: MessageKind
    text: str | None
    reply_markup: JSONDict | None
    parse_mode: str | None
    date: int
    plain_text: str | None = None
    entities: list[JSONDict] = field(default_factory=list)
    file_name: str | None = None
    file_bytes: bytes | None = None
    mime_type: str | None = None
    file_id: str | None = None
    edits: list[MessageEdit] = field(default_factory=list)
    edit_date: int | None = None
    deleted: bool = False
    params: JSONDict = field(default_factory=dict)

    @property
    def caption(self) -> str | None:
        return None if self.kind == "text" else self.text

    @property
    def buttons(self) -> list[JSONDict]:
        """All inline keyboard buttons, row by row."""
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard")
        if not isinstance(rows, list):
            return []
        return [button for row in rows if isinstance(row, list) for button in row if isinstance(button, dict)]

    def button_data(self, label: str) -> str:
        """``callback_data`` of the first inline button whose text contains ``label``."""
        for button in self.buttons:
            data = button.get("callback_data")
            if label in str(button.get("text", "")) and isinstance(data, str):
                return data
        labels = [button.get("text") for button in self.buttons]
        raise AssertionError(f"no inline button containing {label!r}; buttons: {labels!r}")

    def describe(self) -> str:
        """A one-line human readable summary (used in timeout dumps)."""
        parts = [f"#{self.message_id} {self.kind}"]
        if self.file_name:
            parts.append(f"file={self.file_name!r}")
        parts.append(f"text={self.text!r}")
        if self.reply_markup is not None:
            labels = [button.get("text") for button in self.buttons]
            parts.append(f"buttons={labels!r}" if labels else f"markup={self.reply_markup!r}")
        if self.edits:
            parts.append(f"edits={len(self.edits)}")
        if self.deleted:
            parts.append("DELETED")
        return " ".join(parts)

