"""One list of accepted file types: the /broadcast file step and every text that names it."""

from __future__ import annotations

import pytest

from bot.domain.files import ACCEPTED_FILES, MAX_FILE_BYTES, FileCheck, check_file
from bot.telegram.render import accepted_files, shown
from bot.texts import TEXTS, t

OK = FileCheck.OK


@pytest.mark.parametrize(("name", "mime"), [
    ("1556-UBND-KGVX.pdf", "application/pdf"),
    ("1556-UBND-KGVX (ký số).pdf", "application/pdf"),
    ("cong-van.doc", "application/msword"),
    ("cong-van.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("danh-sach.xls", "application/vnd.ms-excel"),
    ("danh-sach.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("cong-van.odt", "application/vnd.oasis.opendocument.text"),
    ("danh-sach.ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("ban-chup.jpg", "image/jpeg"),
    ("ban-chup.png", "image/png"),
    ("noi-dung.txt", "text/plain"),
    # Some clients send no type, or a generic one: the name then tells.
    ("cong-van.pdf", None),
    ("cong-van.docx", "application/octet-stream"),
    ("ban-chup.JPEG", "application/octet-stream"),
])
def test_each_accepted_kind_is_accepted(name: str, mime: str | None) -> None:
    assert check_file(name, mime, 1024) is OK


@pytest.mark.parametrize(("name", "mime"), [
    ("van-ban.zip", "application/zip"),
    ("van-ban.rar", "application/vnd.rar"),
    ("cai-dat.exe", "application/x-msdownload"),
    ("cai-dat.exe", "application/octet-stream"),
    ("cai-dat.exe", None),
    ("trinh-chieu.pptx",
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("hinh.svg", "image/svg+xml"),  # an image that can carry scripts
    ("trang.html", "text/html"),
    ("khong-ten", None),
])
def test_other_kinds_are_refused(name: str, mime: str | None) -> None:
    assert check_file(name, mime, 1024) is FileCheck.WRONG_TYPE


def test_too_big_is_refused() -> None:
    assert check_file("a.pdf", "application/pdf", MAX_FILE_BYTES) is OK
    assert check_file("a.pdf", "application/pdf", MAX_FILE_BYTES + 1) is FileCheck.TOO_BIG


def test_the_list_names_every_kind_once() -> None:
    listed = shown(accepted_files())
    for kind in ACCEPTED_FILES:
        assert shown(t(f"file_kind_{kind.name}")) in listed
    assert "PDF" in listed and "chữ ký số" in listed and "Word" in listed
    assert "Excel" in listed and "OpenDocument" in listed and ".txt" in listed


@pytest.mark.parametrize("key", ["bc_ask_body", "bc_file_unsupported", "bc_file_too_big"])
def test_texts_that_name_the_types_take_the_one_list(key: str) -> None:
    assert "{accepted}" in TEXTS[key]
    for word in ("PDF", "Word", "Excel", "ảnh"):  # no list of their own beside it
        assert word not in TEXTS[key].replace("{accepted}", "")


def test_too_big_says_the_limit_and_what_to_do_without_a_zip() -> None:
    said = shown(t("bc_file_too_big", name="a.pdf", accepted=accepted_files(), limit=20))
    assert "20 MB" in said and "Vui lòng" in said and "tin nhắn" in said
    assert "nén" not in said and "zip" not in said.lower()
