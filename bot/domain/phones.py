"""Vietnamese phone numbers: one stored form (E.164), one display form (national)."""

from __future__ import annotations

import phonenumbers

REGION = "VN"


def normalise_phone(raw: str) -> str | None:
    """`0912 345 678`, `+84912345678`, `84912345678` -> `+84912345678`; None if invalid."""
    text = raw.strip()
    if not text or len(text) > 32:
        return None
    if text.isdigit() and text.startswith("84") and len(text) >= 11:
        text = "+" + text  # Telegram's contacts come without the plus sign
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(stored: str | None) -> str:
    """The national form people dial, e.g. `0912 345 678`; '' when there is none."""
    if not stored:
        return ""
    try:
        number = phonenumbers.parse(stored, REGION)
    except phonenumbers.NumberParseException:
        return stored
    if phonenumbers.region_code_for_number(number) == REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
