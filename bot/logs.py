"""Logging that never shows the bot token or an invite token."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

# Bot API URLs carry the token: /bot<token>/method and /file/bot<token>/path.
_TOKEN_IN_URL = re.compile(r"bot\d+:[A-Za-z0-9_-]+")
# Invite tokens travel in deep links (start=<token>) and in /start <token> messages.
_INVITE = re.compile(r"(start=|/start(?:@\w+)?\s+)[A-Za-z0-9_-]+")
REDACTED = "<redacted>"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = _TOKEN_IN_URL.sub("bot" + REDACTED, text)
    return _INVITE.sub(lambda m: m.group(1) + REDACTED, text)


class RedactingFormatter(logging.Formatter):
    """Redacts the whole formatted record, tracebacks included."""

    def __init__(self, fmt: str, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        self.secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


def setup_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Log to stderr through the redacting formatter; quiet the HTTP client's URL logs."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL (which holds the token) at INFO.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # APScheduler logs every job added and every run ("Running job ...", "Job ... executed
    # successfully") at INFO: bookkeeping, not what happened to people. Seen at DEBUG only.
    logging.getLogger("apscheduler").setLevel(
        logging.DEBUG if root.level <= logging.DEBUG else logging.WARNING)
