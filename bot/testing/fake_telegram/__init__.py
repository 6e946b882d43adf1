"""A fake Telegram Bot API server for tests, benchmarks and demos.

The bot under test talks to it over real HTTP with python-telegram-bot's own
``HTTPXRequest``, configured with::

    base_url=f"{fake.base_url}/bot"
    base_file_url=f"{fake.base_url}/file/bot"

so requests arrive at ``/bot<token>/<method>`` and file downloads at
``/file/bot<token>/<file_path>``. The server only ever binds ``127.0.0.1`` on a
free port.

Tests act as users (``send_text``, ``press_button``, ...), which enqueues
updates that the bot fetches with ``getUpdates`` long polling, and inspect
what the bot did (``calls``, ``messages_to``, ``wait_for_message``, ...).
Fault switches (``block``, ``lose_chat``, ``fail_next``, ``hang_next``,
``set_rate_limit``, ``latency``, ``outage``, ``garble_next``, ``deliver_again``)
provoke the error paths of the real API.

All methods must be called from the thread running the event loop on which
``start()`` was awaited; the synchronous methods are safe to call from
coroutines and callbacks on that loop.

Deliberately realistic behaviours (they catch real bugs):

* ``parse_mode="HTML"`` text is validated like Telegram does (unsupported
  tags such as ``<br>``, unbalanced tags and stray ``<`` give
  ``400 Bad Request: can't parse entities: ...``); returned messages carry the
  plain text plus entities. Disable with ``validate_html = False``.
* Texts longer than 4096 UTF-16 code units, captions longer than 1024 (both
  counted after HTML parsing), callback answers longer than 200,
  ``callback_data`` longer than 64 bytes and invalid bot command names are
  rejected with the errors Telegram uses.
* ``editMessageText`` without ``reply_markup`` removes the inline keyboard,
  and an edit that changes nothing answers ``400 Bad Request: message is not
  modified``.
* A delayed response (``hang_next``) is still processed after the delay even
  if the client already timed out, as with the real API: the message exists.

MarkdownV2/Markdown texts are accepted as-is (no validation, no entities).

The package, one module per reason to change: ``state`` (what the fake knows),
``methods`` (the Bot API methods), ``html`` (text parsing and length rules),
``http`` (the aiohttp front), ``actions`` (tests acting as users), ``faults``
(fault switches), ``inspection`` (reading what the bot did), ``records`` (what
tests read). It needs aiohttp, which the ``testing`` extra installs; the bot
itself never imports this package.
"""

from __future__ import annotations

try:
    import aiohttp  # noqa: F401
except ModuleNotFoundError as exc:
    if exc.name != "aiohttp":
        raise
    raise ModuleNotFoundError(
        "the fake Telegram (bot.testing.fake_telegram) needs aiohttp, which the bot itself does not: "
        "install the 'testing' extra (pip install -e '.[testing]', i.e. hoatoc[testing]) "
        "or the locked test dependencies (pip install -r requirements-dev.lock)",
        name="aiohttp",
    ) from exc

from bot.testing.fake_telegram.actions import UserActions
from bot.testing.fake_telegram.faults import FaultSwitches
from bot.testing.fake_telegram.html import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH
from bot.testing.fake_telegram.http import DOWNLOAD_METHOD, HttpFront
from bot.testing.fake_telegram.inspection import Inspection
from bot.testing.fake_telegram.methods import (
    IMPLEMENTED_METHODS,
    MAX_CALLBACK_ANSWER_LENGTH,
    MAX_CALLBACK_DATA_BYTES,
    SENDING_METHODS,
)
from bot.testing.fake_telegram.records import (
    Call,
    MessageEdit,
    MessageKind,
    SentMessage,
    StoredFile,
    UploadedFile,
)

__all__ = [
    "DOWNLOAD_METHOD",
    "IMPLEMENTED_METHODS",
    "MAX_CALLBACK_ANSWER_LENGTH",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_CAPTION_LENGTH",
    "MAX_TEXT_LENGTH",
    "SENDING_METHODS",
    "Call",
    "FakeTelegram",
    "MessageEdit",
    "MessageKind",
    "SentMessage",
    "StoredFile",
    "UploadedFile",
]


class FakeTelegram(UserActions, FaultSwitches, Inspection, HttpFront):
    """An in-process fake of the Telegram Bot API (see the package docstring)."""
