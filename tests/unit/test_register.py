"""The glossary's retired words and marks stay out of every text (issue 9, item 4).

DOMAIN.md, "Words the UI uses", retires: "bạn" (no pronoun, or "Anh/Chị"), "chuyển cấp"
(escalation is "Đôn đốc (lần n/N)"), "nhắc nhở" (a reminder is "Nhắc hạn"), «…» (quotes
are “…”), "Thôi" (cancel is "Hủy"/"Đã hủy"), "trễ" (overdue is "quá hạn"), "cơ quan" for a
recipient (every recipient body is an "đơn vị"), a bare "Đội ứng cứu" (it is the "Đội ứng cứu
sự cố"), and the product name "Hỏa Tốc" in message text (it is also the top urgency's name).

"cơ quan" is precise only where the glossary or the documents use it for a body that is not
a recipient (issuing bodies: "cơ quan nhà nước", "cơ quan Đảng"): `ALLOWED_CO_QUAN` lists those
phrases; any other "cơ quan" is flagged. The urgency stamp "HỎA TỐC" and the urgency name
"Hỏa tốc" are not the product name (the check of "Hỏa Tốc" is case-sensitive).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot.texts import TEXTS

ROOT = Path(__file__).resolve().parents[2]

# "cơ quan" where it does not name a recipient (case-insensitive).
ALLOWED_CO_QUAN = ("cơ quan thường trực", "cơ quan ban hành", "cơ quan chủ quản",
                   "cơ quan nhà nước", "cơ quan Đảng")

RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("“bạn” (no pronoun, or Anh/Chị)", re.compile(r"\bbạn\b", re.IGNORECASE)),
    ("“chuyển cấp” (Đôn đốc)", re.compile(r"chuyển cấp", re.IGNORECASE)),
    ("“nhắc nhở” (Nhắc hạn)", re.compile(r"nhắc nhở", re.IGNORECASE)),
    ("« or » (quotes are “…”)", re.compile(r"[«»]")),
    ("“thôi” (Hủy / Đã hủy)", re.compile(r"\bthôi\b", re.IGNORECASE)),
    ("“trễ” (quá hạn)", re.compile(r"trễ", re.IGNORECASE)),
    ("“cơ quan” for a recipient (đơn vị)", re.compile(r"cơ quan", re.IGNORECASE)),
    ("bare “Đội ứng cứu” (Đội ứng cứu sự cố)",
     re.compile(r"đội ứng cứu(?! sự cố)", re.IGNORECASE)),
    ("the product name “Hỏa Tốc”", re.compile(r"Hỏa Tốc")),
)
PRODUCT_NAME = RULES[-1][0]

# TEMPORARY, for the lead to empty after merging issue 9: keys owned by the other parts of
# the register pass (R1: onboarding, phone, invites, roles, general, duty/on-duty texts; D:
# number, file and secret steps of /broadcast; T: the deadline texts) that still use a
# retired word on this branch. Every key NOT listed here must pass.
PENDING_OTHER_PARTS: frozenset[str] = frozenset()


def retired(text: str, *, product_name: bool = True) -> list[str]:
    """The retired words and marks in `text`, each named with what replaces it."""
    cleaned = text
    for phrase in ALLOWED_CO_QUAN:
        cleaned = re.sub(re.escape(phrase), "", cleaned, flags=re.IGNORECASE)
    return [name for name, pattern in RULES
            if pattern.search(cleaned) and (product_name or name != PRODUCT_NAME)]


def test_the_rules_catch_what_they_should_and_only_that() -> None:
    flagged = {
        "Bạn đã được đăng ký": "bạn", "Cảnh báo (chuyển cấp)": "chuyển cấp",
        "⏰ Nhắc nhở": "nhắc nhở", "«Gửi»": "«", "Thôi": "thôi", "nhận trễ": "trễ",
        "37/45 cơ quan": "cơ quan", "thành viên Đội ứng cứu.": "Đội ứng cứu",
        "Hỏa Tốc chỉ làm việc": "Hỏa Tốc",
    }
    for text, word in flagged.items():
        assert len(retired(text)) == 1, (text, word)
    clean = ["Đã hủy", "Cơ quan thường trực Đội ứng cứu sự cố", "cơ quan ban hành",
             "cơ quan chủ quản", "thành viên Đội ứng cứu sự cố", "🔴 <b>HỎA TỐC</b>",
             "văn bản số 1556/UBND-KGVX (Hỏa tốc)", "“Gửi”", "quá hạn", "bạch", "thời hạn",
             "Nhắc hạn", "Đôn đốc (lần 1/5)"]
    for text in clean:
        assert retired(text) == [], text


def test_no_text_uses_a_retired_word_or_mark() -> None:
    """Every key at once, so one run lists all that is left to fix."""
    offending = {key: retired(template) for key, template in TEXTS.items()
                 if key not in PENDING_OTHER_PARTS and retired(template)}
    assert offending == {}


def test_the_temporary_allow_list_holds_only_keys_that_still_need_it() -> None:
    """A key fixed by the other parts drops off the list (so the list empties, not rots)."""
    unknown = PENDING_OTHER_PARTS - TEXTS.keys()
    clean = {key for key in PENDING_OTHER_PARTS & TEXTS.keys() if not retired(TEXTS[key])}
    assert unknown == set() and clean == set()


def _literals(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module, docstrings left out (they are not shown to users)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                and node.body and isinstance(node.body[0], ast.Expr)
                and isinstance(node.body[0].value, ast.Constant)):
            docstrings.add(id(node.body[0].value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


def test_no_text_built_in_code_uses_a_retired_word() -> None:
    """Button labels and other strings built outside bot/texts.py. The product's name may
    appear in the code (logs, the command line's help): that is not message text."""
    sources = [p for folder in ("bot", "handlers") for p in (ROOT / folder).rglob("*.py")
               if p != ROOT / "bot" / "texts.py" and "testing" not in p.parts]
    offending = [(str(p.relative_to(ROOT)), line, found)
                 for p in sources for line, value in _literals(p)
                 if (found := retired(value, product_name=False))]
    assert offending == []


# The form file is text people read too (labels, options, help lines, group titles). Its
# "cơ quan" phrases are the national form's own wording for bodies that are not recipients.
FORM_FILE = ROOT / "config" / "incident_form.yaml"
FORM_CO_QUAN = ("cơ quan, đơn vị báo cáo", "cơ quan, tổ chức, cá nhân",
                "cơ quan điều phối quốc gia")


def _yaml_strings(node: object) -> list[str]:
    """Every string value of a parsed YAML document (keys left out: nobody reads them)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _yaml_strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _yaml_strings(value)]
    return []


def test_the_incident_form_uses_no_retired_word_or_mark() -> None:
    """Labels, options, help lines and titles of config/incident_form.yaml (comments aside)."""
    import yaml

    offending = []
    for value in _yaml_strings(yaml.safe_load(FORM_FILE.read_text(encoding="utf-8"))):
        cleaned = value
        for phrase in FORM_CO_QUAN:
            cleaned = re.sub(re.escape(phrase), "", cleaned, flags=re.IGNORECASE)
        if found := retired(cleaned, product_name=False):
            offending.append((value, found))
    assert offending == []


# Tone marks in the old style of official documents: "hóa", "hủy", "ủy", "hòa", "khỏe" —
# never "hoá", "huỷ", "uỷ", "hoà", "khoẻ" ("quý" is the same in both styles).
NEW_STYLE_TONE = re.compile(r"(?<![qQ])[uU][ýỳỷỹỵ]\b|[oO][áàảãạéèẻẽẹ]\b")


def test_tone_marks_are_in_the_old_style() -> None:
    import yaml

    assert NEW_STYLE_TONE.findall("hoá huỷ Uỷ ban hoà khoẻ") == ["oá", "uỷ", "Uỷ", "oà", "oẻ"]
    assert NEW_STYLE_TONE.findall("Hỏa tốc Hủy Ủy ban Hòa khỏe quý toán hoàn") == []
    form = _yaml_strings(yaml.safe_load(FORM_FILE.read_text(encoding="utf-8")))
    offending = [(key, NEW_STYLE_TONE.findall(text)) for key, text in TEXTS.items()
                 if NEW_STYLE_TONE.search(text)]
    offending += [(text, NEW_STYLE_TONE.findall(text)) for text in form
                  if NEW_STYLE_TONE.search(text)]
    assert offending == []
