"""Message text as Telegram reads it: HTML parse mode into plain text and entities, length limits."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from bot.testing.fake_telegram.errors import ApiError
from bot.testing.fake_telegram.records import JSONDict

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024

_COMMAND_WORD_RE = re.compile(r"/\S+")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[JSONDict]:
    """The bot_command entity Telegram adds to a text that starts with a command."""
    match = _COMMAND_WORD_RE.match(text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]


_HTML_TAGS: dict[str, str] = {
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
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
_HTML_ATTR_RE = re.compile(
    r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)
_HTML_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_HTML_SPECIAL_RE = re.compile(r"[<&]")


class HtmlError(ValueError):
    """Malformed HTML, with the description Telegram gives."""


def _html_attrs(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _HTML_ATTR_RE.finditer(raw):
        value = match.group(2) or match.group(3) or match.group(4) or ""
        attrs[match.group(1).lower()] = html.unescape(value)
    return attrs


def parse_html(text: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram-flavoured HTML into plain text and message entities.

    Raises ``HtmlError`` with a Telegram-like description on malformed input.
    """
    out: list[str] = []
    pos = 0  # UTF-16 offset in the plain text
    stack: list[tuple[str, dict[str, str], int]] = []
    entities: list[JSONDict] = []
    i = 0

    def byte_offset(index: int) -> int:
        return len(text[:index].encode("utf-8"))

    while i < len(text):
        special = _HTML_SPECIAL_RE.search(text, i)
        end = special.start() if special else len(text)
        if end > i:
            chunk = text[i:end]
            out.append(chunk)
            pos += utf16_len(chunk)
            i = end
            continue
        if text[i] == "&":
            entity_match = _HTML_ENTITY_RE.match(text, i)
            piece = html.unescape(entity_match.group(0)) if entity_match else "&"
            out.append(piece)
            pos += utf16_len(piece)
            i = entity_match.end() if entity_match else i + 1
            continue
        tag = _HTML_TAG_RE.match(text, i)
        if tag is None:
            raise HtmlError(f'Unsupported start tag "" at byte offset {byte_offset(i)}')
        closing, name, rest = tag.group(1) == "/", tag.group(2).lower(), tag.group(3)
        if closing:
            if not stack:
                raise HtmlError(f'Unexpected end tag "{name}" at byte offset {byte_offset(i)}')
            open_name, attrs, start = stack.pop()
            if open_name != name:
                raise HtmlError(
                    f"Unmatched end tag at byte offset {byte_offset(i)}, "
                    f'expected "</{open_name}>", found "</{name}>"'
                )
            if name == "code" and stack and stack[-1][0] == "pre":
                language = attrs.get("class", "")
                if language.startswith("language-"):
                    stack[-1][1]["_language"] = language.removeprefix("language-")
                    i = tag.end()
                    continue
            entity = _html_entity(name, attrs, start, pos - start)
            if entity is not None:
                entities.append(entity)
        else:
            if name not in _HTML_TAGS or rest.rstrip().endswith("/"):
                raise HtmlError(f'Unsupported start tag "{name}" at byte offset {byte_offset(i)}')
            attrs = _html_attrs(rest)
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise HtmlError(f'Unsupported start tag "{name}" at byte offset {byte_offset(i)}')
            stack.append((name, attrs, pos))
        i = tag.end()
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return "".join(out), entities


def _html_entity(name: str, attrs: dict[str, str], offset: int, length: int) -> JSONDict | None:
    if length <= 0:
        return None
    entity_type = _HTML_TAGS[name]
    entity: JSONDict = {"type": entity_type, "offset": offset, "length": length}
    if name == "a":
        href = attrs.get("href")
        if not href:
            return None
        entity["url"] = href
    elif name == "pre" and attrs.get("_language"):
        entity["language"] = attrs["_language"]
    elif name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif name == "tg-emoji":
        emoji_id = attrs.get("emoji-id")
        if not emoji_id:
            return None
        entity["custom_emoji_id"] = emoji_id
    return entity


# ---- text and caption parameters ------------------------------------------------------------


def _parse_mode(params: JSONDict) -> str | None:
    value = params.get("parse_mode")
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value.lower() not in ("html", "markdown", "markdownv2"):
        raise ApiError(400, f"Bad Request: unsupported parse_mode {value!r}")
    return value


def _render(
    text: str, parse_mode: str | None, entities: Any, *, validate_html: bool
) -> tuple[str, list[JSONDict]]:
    if isinstance(entities, list):
        return text, [entity for entity in entities if isinstance(entity, dict)]
    if parse_mode is not None and parse_mode.lower() == "html":
        try:
            return parse_html(text)
        except HtmlError as exc:
            if validate_html:
                raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
            return text, []
    return text, []


def _rendered_text(
    params: JSONDict, key: str, entities_key: str, *, validate_html: bool
) -> tuple[str | None, str | None, list[JSONDict], str | None]:
    """Return (raw, plain, entities, parse_mode) of a text/caption parameter."""
    raw = params.get(key)
    parse_mode = _parse_mode(params)
    if raw is None:
        return None, None, [], parse_mode
    if not isinstance(raw, str):
        raw = json.dumps(raw) if isinstance(raw, dict | list) else str(raw)
    plain, entities = _render(raw, parse_mode, params.get(entities_key), validate_html=validate_html)
    return raw, plain, entities, parse_mode


def text_param(params: JSONDict, *, validate_html: bool) -> tuple[str, str, list[JSONDict], str | None]:
    """(raw, plain, entities, parse_mode) of a message text; empty or too long is an error."""
    raw, plain, entities, parse_mode = _rendered_text(
        params, "text", "entities", validate_html=validate_html
    )
    if raw is None or plain is None or not plain.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_len(plain) > MAX_TEXT_LENGTH:
        raise ApiError(400, "Bad Request: message is too long")
    return raw, plain, entities, parse_mode


def caption_param(
    params: JSONDict, *, validate_html: bool
) -> tuple[str | None, str | None, list[JSONDict], str | None]:
    """(raw, plain, entities, parse_mode) of a media caption (optional); too long is an error."""
    raw, plain, entities, parse_mode = _rendered_text(
        params, "caption", "caption_entities", validate_html=validate_html
    )
    if plain is not None and utf16_len(plain) > MAX_CAPTION_LENGTH:
        raise ApiError(400, "Bad Request: message caption is too long")
    return raw, plain, entities, parse_mode
