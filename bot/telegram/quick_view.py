"""Quick choices beside a typed time: «Bây giờ» «+1 giờ» «+2 giờ» «17:00 hôm nay» «07:30 ngày
mai», and a default.

Each label is also what the choice means when typed (`bot/domain/when.py` reads it), so a tap
goes through the very parser and rules the typed answer does, at the moment of the tap: a
choice offered at 16:50 and tapped at 17:10 is refused like the typed text would be.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton

from bot.telegram import callbacks as cb
from bot.texts import label

# The choices offered for every time, in the order shown; «Bây giờ» only where a period starts.
CHOICES: tuple[cb.QuickChoice, ...] = ("h1", "h2", "t17", "m0730")
STARTS: tuple[cb.QuickChoice, ...] = ("now", *CHOICES)


def text(choice: cb.QuickChoice) -> str:
    """The choice's label, which is also how it is read."""
    return label(f"qt_{choice}")


def _button(target: cb.QuickTarget, nonce: str, choice: cb.QuickChoice,
            caption: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(caption, callback_data=cb.QuickTime(target, choice, nonce).encode())


def rows(target: cb.QuickTarget, nonce: str, offered: Sequence[cb.QuickChoice]
         ) -> list[list[InlineKeyboardButton]]:
    """«Bây giờ» alone on top, the others two to a row."""
    top = [[_button(target, nonce, "now", text("now"))]] if "now" in offered else []
    rest = [_button(target, nonce, c, text(c)) for c in offered if c not in ("now", "def")]
    return top + [rest[i:i + 2] for i in range(0, len(rest), 2)]


def default_row(target: cb.QuickTarget, nonce: str, when: str) -> list[InlineKeyboardButton]:
    """«Mặc định: 17:00 25/11»: the default, computed again at the tap."""
    return [_button(target, nonce, "def", label("bc_btn_default_deadline", deadline=when))]
