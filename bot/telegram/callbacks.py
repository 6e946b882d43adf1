"""The one codec for callback data: every button's prefix, its parsing, and which taps skip
the per-user queue.

Telegram hands back whatever string a button carried, so anyone can send any string: data
that is not exactly one of the shapes below (forged, truncated, over 64 bytes) parses to None
and no handler takes it. What a parsed tap names (a delivery, a directive, a person) is still
re-checked against the database by the handler: parsing proves the shape, never the right.

Old messages keep their buttons for weeks, so a shape, once shipped, keeps parsing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Literal

from bot.clock import from_epoch, to_epoch
from bot.domain.directives import Secrecy, Urgency
from bot.domain.invites import INVITE_KINDS, InviteKind

MAX_BYTES = 64  # Telegram's limit for callback_data
_ID = r"([0-9]{1,12})"  # not \d, which takes any script's digits
_NONCE = r"([0-9a-f]{8})"


class Tap:
    """A parsed button press; `encode()` gives back its callback data."""

    PATTERN: ClassVar[re.Pattern[str]]

    def encode(self) -> str:
        raise NotImplementedError

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap | None:
        raise NotImplementedError


def _checked(data: str) -> str:
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


# --- taps on a directive's copy, its status message and escalation digests ------------------

@dataclass(frozen=True)
class Ack(Tap):
    """«✅ Đã nhận văn bản» on a delivered copy."""

    delivery_id: int
    PATTERN = re.compile(rf"ack:{_ID}")

    def encode(self) -> str:
        return _checked(f"ack:{self.delivery_id}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(int(m[1]))


@dataclass(frozen=True)
class PendingAck(Tap):
    """«✅ Đã nhận văn bản» on a /pending item: the same acknowledgement, for that copy."""

    delivery_id: int
    PATTERN = re.compile(rf"pnd:{_ID}")

    def encode(self) -> str:
        return _checked(f"pnd:{self.delivery_id}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(int(m[1]))


@dataclass(frozen=True)
class OpenResult(Tap):
    """«📝 Báo cáo kết quả» on a delivered copy: opens the results conversation."""

    delivery_id: int
    PATTERN = re.compile(rf"rep:{_ID}")

    def encode(self) -> str:
        return _checked(f"rep:{self.delivery_id}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(int(m[1]))


@dataclass(frozen=True)
class ResultButton(Tap):
    """«Gửi báo cáo» or «Hủy» inside the results conversation."""

    action: Literal["send", "cancel"]
    PATTERN = re.compile(r"rr:(send|cancel)")

    def encode(self) -> str:
        return _checked(f"rr:{self.action}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls("send" if m[1] == "send" else "cancel")


@dataclass(frozen=True)
class Status(Tap):
    """A directive picked from /status, or «Cập nhật» on a status message."""

    directive_id: int
    PATTERN = re.compile(rf"st:{_ID}")

    def encode(self) -> str:
        return _checked(f"st:{self.directive_id}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(int(m[1]))


@dataclass(frozen=True)
class StatusOpen(Tap):
    """A directive picked from the /status list: its status view as a new message."""

    directive_id: int
    PATTERN = re.compile(rf"sto:{_ID}")

    def encode(self) -> str:
        return _checked(f"sto:{self.directive_id}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(int(m[1]))


StatusListKind = Literal["nb", "pd", "rp"]
_STATUS_LISTS: dict[str, StatusListKind] = {"nb": "nb", "pd": "pd", "rp": "rp"}


@dataclass(frozen=True)
class StatusList(Tap):
    """A list behind a status message's button: the agencies with nobody on the bot (`nb`),
    every agency still to confirm (`pd`), the result reports (`rp`). Without a page it opens
    as a new message; with one, it turns the list message's page in place."""

    which: StatusListKind
    directive_id: int
    page: int | None = None
    PATTERN = re.compile(rf"sv:(nb|pd|rp):{_ID}(?::{_ID})?")

    def encode(self) -> str:
        tail = "" if self.page is None else f":{self.page}"
        return _checked(f"sv:{self.which}:{self.directive_id}{tail}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(_STATUS_LISTS[m[1]], int(m[2]), int(m[3]) if m[3] is not None else None)


PhoneStep = Literal["ag", "ask", "ok", "no"]
_PHONE_STEPS: dict[str, PhoneStep] = {"ag": "ag", "ask": "ask", "ok": "ok", "no": "no"}


@dataclass(frozen=True)
class PhoneAck(Tap):
    """An acknowledgement taken by phone: agency picked, asked, confirmed or dropped."""

    step: PhoneStep
    directive_id: int
    agency_id: int
    PATTERN = re.compile(rf"ph:(ag|ask|ok|no):{_ID}:{_ID}")

    def encode(self) -> str:
        return _checked(f"ph:{self.step}:{self.directive_id}:{self.agency_id}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(_PHONE_STEPS[m[1]], int(m[2]), int(m[3]))


@dataclass(frozen=True)
class Claim(Tap):
    """«Tôi sẽ liên hệ» on an escalation digest: one escalation, or all of the digest's."""

    notice_id: int
    escalation_id: int | None = None
    PATTERN = re.compile(rf"escn:{_ID}|esc:{_ID}:{_ID}")

    def encode(self) -> str:
        if self.escalation_id is None:
            return _checked(f"escn:{self.notice_id}")
        return _checked(f"esc:{self.notice_id}:{self.escalation_id}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(int(m[1])) if m[1] is not None else cls(int(m[2]), int(m[3]))


@dataclass(frozen=True)
class TurnClaims(Tap):
    """The previous or next page of a digest's «Tôi sẽ liên hệ» buttons."""

    notice_id: int
    page: int
    PATTERN = re.compile(rf"escp:{_ID}:{_ID}")

    def encode(self) -> str:
        return _checked(f"escp:{self.notice_id}:{self.page}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(int(m[1]), int(m[2]))


# --- the directive admin conversation (extend, correct, recall) -------------------------------

DirectiveVerb = Literal["ext", "cor", "rcl"]
_VERBS: dict[str, DirectiveVerb] = {"ext": "ext", "cor": "cor", "rcl": "rcl"}


@dataclass(frozen=True)
class DirectiveAction(Tap):
    """«Gia hạn», «Đính chính» or «Thu hồi» on a status message."""

    action: DirectiveVerb
    directive_id: int
    PATTERN = re.compile(rf"adm:(ext|cor|rcl):{_ID}")

    def encode(self) -> str:
        return _checked(f"adm:{self.action}:{self.directive_id}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(_VERBS[m[1]], int(m[2]))


@dataclass(frozen=True)
class AdminConfirm(Tap):
    """«Xác nhận» (ok) or «Thôi» on a pending directive action, bound to it by a nonce."""

    ok: bool
    nonce: str
    PATTERN = re.compile(rf"adm:(ok|no):{_NONCE}")

    def encode(self) -> str:
        return _checked(f"adm:{'ok' if self.ok else 'no'}:{self.nonce}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(m[1] == "ok", m[2])


# --- the duty roster conversation ---------------------------------------------------------

@dataclass(frozen=True)
class DutyPerson(Tap):
    """A responder picked: the first person (`p`) or the second of a swap (`q`)."""

    second: bool
    person_id: int
    PATTERN = re.compile(rf"dt:(p|q):{_ID}")

    def encode(self) -> str:
        return _checked(f"dt:{'q' if self.second else 'p'}:{self.person_id}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(m[1] == "q", int(m[2]))


@dataclass(frozen=True)
class DutyShift(Tap):
    """A shift picked for a swap: the first person's (`sa`) or the second's (`sb`)."""

    second: bool
    start_at: datetime
    end_at: datetime
    PATTERN = re.compile(rf"dt:(sa|sb):{_ID}:{_ID}")

    def encode(self) -> str:
        return _checked(f"dt:{'sb' if self.second else 'sa'}:{to_epoch(self.start_at)}:"
                        f"{to_epoch(self.end_at)}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(m[1] == "sb", from_epoch(int(m[2])), from_epoch(int(m[3])))


@dataclass(frozen=True)
class DutyConfirm(Tap):
    """«Xác nhận» on a roster change, bound to it by a nonce."""

    nonce: str
    PATTERN = re.compile(rf"dt:ok:{_NONCE}")

    def encode(self) -> str:
        return _checked(f"dt:ok:{self.nonce}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(m[1])


@dataclass(frozen=True)
class DutyCancel(Tap):
    """«Hủy» in the duty roster conversation."""

    PATTERN = re.compile(r"dt:cancel")

    def encode(self) -> str:
        return "dt:cancel"

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls()


# --- quick choices beside a typed time ------------------------------------------------------

# Where the time goes: the acknowledgement deadline (dl) and the result-report deadline (rp)
# of /broadcast, an extension (ext), the start (df) and end (dt) of a /duty_set period.
QuickTarget = Literal["dl", "rp", "ext", "df", "dt"]
# What was chosen: bây giờ, +1 giờ, +2 giờ, 17:00 hôm nay, 07:30 ngày mai, the default.
QuickChoice = Literal["now", "h1", "h2", "t17", "m0730", "def"]
_TARGETS: dict[str, QuickTarget] = {"dl": "dl", "rp": "rp", "ext": "ext", "df": "df", "dt": "dt"}
_CHOICES: dict[str, QuickChoice] = {"now": "now", "h1": "h1", "h2": "h2", "t17": "t17",
                                    "m0730": "m0730", "def": "def"}


@dataclass(frozen=True)
class QuickTime(Tap):
    """«+1 giờ», «17:00 hôm nay» ... beside a time prompt, bound to that prompt by a nonce."""

    target: QuickTarget
    choice: QuickChoice
    nonce: str
    PATTERN = re.compile(rf"qt:(dl|rp|ext|df|dt):(now|h1|h2|t17|m0730|def):{_NONCE}")

    def encode(self) -> str:
        return _checked(f"qt:{self.target}:{self.choice}:{self.nonce}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(_TARGETS[m[1]], _CHOICES[m[2]], m[3])


DutyBackStep = Literal["sa", "q", "sb", "f", "t"]
_BACK_STEPS: dict[str, DutyBackStep] = {"sa": "sa", "q": "q", "sb": "sb", "f": "f", "t": "t"}


@dataclass(frozen=True)
class DutyBack(Tap):
    """«◀️ Quay lại» in the duty roster conversation, naming the step it leaves (so an old
    one cannot move a later step): the shift lists (sa, sb), the second person (q), the
    period's start (f) and end (t)."""

    step: DutyBackStep
    PATTERN = re.compile(r"dt:back:(sa|q|sb|f|t)")

    def encode(self) -> str:
        return _checked(f"dt:back:{self.step}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(_BACK_STEPS[m[1]])


# --- the /broadcast conversation ------------------------------------------------------------

@dataclass(frozen=True)
class PickUrgency(Tap):
    urgency: Urgency
    PATTERN = re.compile(r"bc:u:(" + "|".join(u.value for u in Urgency) + ")")

    def encode(self) -> str:
        return _checked(f"bc:u:{self.urgency.value}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(Urgency(m[1]))


@dataclass(frozen=True)
class PickSecrecy(Tap):
    secrecy: Secrecy
    PATTERN = re.compile(r"bc:s:(" + "|".join(s.value for s in Secrecy) + ")")

    def encode(self) -> str:
        return _checked(f"bc:s:{self.secrecy.value}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(Secrecy(m[1]))


@dataclass(frozen=True)
class ToggleGroup(Tap):
    """A recipient group chosen or dropped as a whole."""

    group_id: int
    PATTERN = re.compile(rf"bc:g:{_ID}")

    def encode(self) -> str:
        return _checked(f"bc:g:{self.group_id}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(int(m[1]))


@dataclass(frozen=True)
class ToggleAgency(Tap):
    """One agency chosen or dropped, on the picker page it was shown on."""

    agency_id: int
    page: int | None = None
    PATTERN = re.compile(rf"bc:a:{_ID}(?::{_ID})?")

    def encode(self) -> str:
        tail = "" if self.page is None else f":{self.page}"
        return _checked(f"bc:a:{self.agency_id}{tail}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(int(m[1]), int(m[2]) if m[2] is not None else None)


@dataclass(frozen=True)
class TurnPage(Tap):
    page: int
    PATTERN = re.compile(rf"bc:p:{_ID}")

    def encode(self) -> str:
        return _checked(f"bc:p:{self.page}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(int(m[1]))


EDITABLE = ("urgency", "number", "issued", "issuer", "summary", "body", "recipients", "deadline",
            "report")


@dataclass(frozen=True)
class EditField(Tap):
    """A field picked from «Sửa» on the preview."""

    field: str
    PATTERN = re.compile(r"bc:e:(" + "|".join(EDITABLE) + ")")

    def encode(self) -> str:
        if self.field not in EDITABLE:
            raise ValueError(f"not an editable field: {self.field!r}")
        return f"bc:e:{self.field}"

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(m[1])


BroadcastAction = Literal["next", "done", "all", "clr", "dl_default", "rp_none", "send",
                          "send_drill", "edit", "cancel", "noop", "pg", "today", "drill_on",
                          "drill_off"]
# The data of each plain /broadcast button (two kept their older, longer shape).
_BROADCAST_DATA: dict[BroadcastAction, str] = {
    "next": "bc:next", "done": "bc:done", "all": "bc:all", "clr": "bc:clr",
    "dl_default": "bc:dl:default", "rp_none": "bc:rp:none", "send": "bc:send",
    "edit": "bc:edit", "cancel": "bc:cancel", "noop": "bc:noop", "pg": "bc:pg",
    "today": "bc:today",  # the date of issue is today
    # The preview's «Gửi» says whether what it shows is a drill, and its «Diễn tập: Có/Không»
    # sets a state rather than flipping one: a stale or double tap cannot send a directive
    # other than the one the tapped message showed.
    "send_drill": "bc:send:d",
    "drill_on": "bc:drill:1", "drill_off": "bc:drill:0",
}
_BROADCAST_ACTIONS = {data: action for action, data in _BROADCAST_DATA.items()}


@dataclass(frozen=True)
class BroadcastButton(Tap):
    """A /broadcast button that carries no value: «Tiếp tục», «Xong», «Gửi», «Hủy» ..."""

    action: BroadcastAction
    PATTERN = re.compile("|".join(re.escape(d) for d in _BROADCAST_DATA.values()))

    def encode(self) -> str:
        return _BROADCAST_DATA[self.action]

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(_BROADCAST_ACTIONS[m[0]])


# --- invites (/invite without arguments, the offers of imported people, /invites) -------------

InviteKindName = InviteKind
_INVITE_KINDS: dict[str, InviteKindName] = {k: k for k in INVITE_KINDS}
_KIND = "(" + "|".join(_INVITE_KINDS) + ")"


@dataclass(frozen=True)
class InviteRole(Tap):
    """A role picked in /invite: primary or backup liaison, responder, lead, admin."""

    kind: InviteKindName
    PATTERN = re.compile(rf"iv:r:{_KIND}")

    def encode(self) -> str:
        return _checked(f"iv:r:{self.kind}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(_INVITE_KINDS[m[1]])


@dataclass(frozen=True)
class InviteAgency(Tap):
    """An agency picked in /invite's agency picker."""

    agency_id: int
    PATTERN = re.compile(rf"iv:a:{_ID}")

    def encode(self) -> str:
        return _checked(f"iv:a:{self.agency_id}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(int(m[1]))


@dataclass(frozen=True)
class InvitePage(Tap):
    """A page of /invite's agency picker."""

    page: int
    PATTERN = re.compile(rf"iv:p:{_ID}")

    def encode(self) -> str:
        return _checked(f"iv:p:{self.page}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(int(m[1]))


InviteAction = Literal["cancel", "clr", "pg", "drop"]
_INVITE_ACTIONS: dict[str, InviteAction] = {"cancel": "cancel", "clr": "clr", "pg": "pg",
                                            "drop": "drop"}


@dataclass(frozen=True)
class InviteButton(Tap):
    """«Hủy» (`cancel` in the /invite conversation, `drop` on an offer or a confirmation),
    the picker's «Bỏ lọc» (`clr`) and its page label (`pg`)."""

    action: InviteAction
    PATTERN = re.compile(r"iv:(cancel|clr|pg|drop)")

    def encode(self) -> str:
        return _checked(f"iv:{self.action}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(_INVITE_ACTIONS[m[1]])


@dataclass(frozen=True)
class InviteLink(Tap):
    """An imported person picked: invite them (`sure`: a second primary/lead confirmed)."""

    person_id: int
    sure: bool = False
    PATTERN = re.compile(rf"iv:l:{_ID}:([01])")

    def encode(self) -> str:
        return _checked(f"iv:l:{self.person_id}:{int(self.sure)}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(int(m[1]), m[2] == "1")


@dataclass(frozen=True)
class InviteNew(Tap):
    """«+ người mới»: invite someone not in the list for this role (agency 0: none)."""

    kind: InviteKindName
    agency_id: int = 0
    sure: bool = False
    PATTERN = re.compile(rf"iv:n:{_KIND}:{_ID}:([01])")

    def encode(self) -> str:
        return _checked(f"iv:n:{self.kind}:{self.agency_id}:{int(self.sure)}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(_INVITE_KINDS[m[1]], int(m[2]), m[3] == "1")


@dataclass(frozen=True)
class InviteRevoke(Tap):
    """«Thu hồi» on an /invites line (`sure` False: asks), then «Xác nhận thu hồi»."""

    invite_id: int
    sure: bool = False
    PATTERN = re.compile(rf"iv:(rv|rk):{_ID}")

    def encode(self) -> str:
        return _checked(f"iv:{'rk' if self.sure else 'rv'}:{self.invite_id}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(int(m[2]), m[1] == "rk")


# --- incidents (issue 11) -------------------------------------------------------------------

IncidentVerb = Literal["take", "start", "release", "reassign", "resolve", "reopen", "close",
                       "false", "prio", "progress", "view", "files"]
_INCIDENT_VERBS = ("take", "start", "release", "reassign", "resolve", "reopen", "close", "false",
                   "prio", "progress", "view", "files")


@dataclass(frozen=True)
class IncidentAction(Tap):
    """A button about one incident: «Tiếp nhận» (`take`) on the notice to responders, the
    lifecycle moves on its detail (`start` … `false`, `prio`, `progress`), and `view` /
    `files` to open its detail or send its files. The tapper's right is re-checked."""

    verb: IncidentVerb
    incident_id: int
    PATTERN = re.compile(rf"inc:({'|'.join(_INCIDENT_VERBS)}):{_ID}")

    def encode(self) -> str:
        return _checked(f"inc:{self.verb}:{self.incident_id}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        verb = next(v for v in _INCIDENT_VERBS if v == m[1])
        return cls(verb, int(m[2]))  # type: ignore[arg-type]


IncidentListKind = Literal["o", "m"]


@dataclass(frozen=True)
class IncidentPage(Tap):
    """A page of an incident list, turned in place: `/incidents` (`o`, the open ones) or
    `/myreports` (`m`). The list is read again, and the right to it re-checked."""

    which: IncidentListKind
    page: int
    PATTERN = re.compile(rf"incs:(o|m):{_ID}")

    def encode(self) -> str:
        return _checked(f"incs:{self.which}:{self.page}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls("o" if m[1] == "o" else "m", int(m[2]))


IclAction = Literal["ok", "no", "skip"]
_ICL_ACTIONS: dict[str, IclAction] = {"ok": "ok", "no": "no", "skip": "skip"}


@dataclass(frozen=True)
class IclButton(Tap):
    """Inside a lifecycle move's conversation: «Gửi» / «Xác nhận» (`ok`), «Hủy» (`no`),
    «Bỏ qua» (`skip`, an optional field of the closing report). The nonce binds it to the
    question it was asked with: an older button does nothing."""

    action: IclAction
    nonce: str
    PATTERN = re.compile(rf"icl:(ok|no|skip):{_NONCE}")

    def encode(self) -> str:
        return _checked(f"icl:{self.action}:{self.nonce}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(_ICL_ACTIONS[m[1]], m[2])


@dataclass(frozen=True)
class IclPick(Tap):
    """A responder picked to reassign an incident to (re-checked: active, a responder)."""

    person_id: int
    nonce: str
    PATTERN = re.compile(rf"icl:p:{_ID}:{_NONCE}")

    def encode(self) -> str:
        return _checked(f"icl:p:{self.person_id}:{self.nonce}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(int(m[1]), m[2])


_PRIORITIES = ("thap", "trung_binh", "cao", "nghiem_trong")


@dataclass(frozen=True)
class IclPriority(Tap):
    """A priority picked for an incident («Đổi mức ưu tiên»), bound to the question."""

    priority: str
    nonce: str
    PATTERN = re.compile(rf"icl:r:({'|'.join(_PRIORITIES)}):{_NONCE}")

    def encode(self) -> str:
        return _checked(f"icl:r:{self.priority}:{self.nonce}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(m[1], m[2])


# --- the /report conversation (issue 11) --------------------------------------------------

ReportAction = Literal["new", "ok", "fix", "send", "edit", "cancel", "more", "nomore", "pg",
                       "clr"]
_REPORT_ACTIONS: dict[str, ReportAction] = {
    "new": "new", "ok": "ok", "fix": "fix", "send": "send", "edit": "edit", "cancel": "cancel",
    "more": "more", "nomore": "nomore", "pg": "pg", "clr": "clr"}
_FIELD_KEY = r"([a-z][a-z0-9_]{0,31})"


@dataclass(frozen=True)
class ReportButton(Tap):
    """A /report button that carries no value: «🚨 Báo cáo sự cố» under /start and /help
    (`new`), «Đúng» / «Sửa» on the prefilled facts (`ok`, `fix`), «Gửi» / «Sửa» / «Hủy» on
    the summary, «Thêm chi tiết» / «Bỏ qua» (`more`, `nomore`), the agency picker's page label
    and «Bỏ lọc» (`pg`, `clr`)."""

    action: ReportAction
    PATTERN = re.compile(r"ir:(new|ok|fix|send|edit|cancel|more|nomore|pg|clr)")

    def encode(self) -> str:
        return _checked(f"ir:{self.action}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(_REPORT_ACTIONS[m[1]])


@dataclass(frozen=True)
class ReportChoice(Tap):
    """An option of a choice field, or Có/Không (`yes`/`no`) of a yes/no field, bound to the
    field it answers (a button of another question is stale)."""

    field: str
    option: str
    PATTERN = re.compile(rf"ir:c:{_FIELD_KEY}:([A-Za-z0-9_]{{1,24}})")

    def encode(self) -> str:
        return _checked(f"ir:c:{self.field}:{self.option}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(m[1], m[2])


ReportFieldAction = Literal["skip", "now", "h1", "done", "pick"]
_REPORT_FIELD_CODES: dict[str, ReportFieldAction] = {
    "s": "skip", "n": "now", "h": "h1", "d": "done", "e": "pick"}
_REPORT_FIELD_ACTIONS = {v: k for k, v in _REPORT_FIELD_CODES.items()}


@dataclass(frozen=True)
class ReportField(Tap):
    """A button about one field: «Bỏ qua» (`skip`), «Vừa xong» (`now`), «1 giờ trước» (`h1`),
    «Xong» after the files (`done`), or the field picked from «Sửa» (`pick`)."""

    action: ReportFieldAction
    field: str
    PATTERN = re.compile(rf"ir:([sndhe]):{_FIELD_KEY}")

    def encode(self) -> str:
        return _checked(f"ir:{_REPORT_FIELD_ACTIONS[self.action]}:{self.field}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(_REPORT_FIELD_CODES[m[1]], m[2])


@dataclass(frozen=True)
class ReportAgency(Tap):
    """An agency picked in /report's picker (a responder or admin logging a call)."""

    agency_id: int
    PATTERN = re.compile(rf"ir:a:{_ID}")

    def encode(self) -> str:
        return _checked(f"ir:a:{self.agency_id}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(int(m[1]))


@dataclass(frozen=True)
class ReportPage(Tap):
    """A page of /report's agency picker."""

    page: int
    PATTERN = re.compile(rf"ir:p:{_ID}")

    def encode(self) -> str:
        return _checked(f"ir:p:{self.page}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(int(m[1]))


# --- management in chat (issue 13): /agency, /group, /person ---------------------------------

@dataclass(frozen=True)
class ManageConfirm(Tap):
    """«Xác nhận» (`ok`) or «Hủy» under a management preview, bound to its pending change."""

    ok: bool
    nonce: str
    PATTERN = re.compile(r"mg:(y|n):([0-9a-f]{12})")

    def encode(self) -> str:
        return _checked(f"mg:{'y' if self.ok else 'n'}:{self.nonce}")

    @classmethod
    def _from(cls, m: re.Match[str]) -> Tap:
        return cls(m[1] == "y", m[2])


# --- parsing ---------------------------------------------------------------------------------

KINDS: tuple[type[Tap], ...] = (
    Ack, PendingAck, OpenResult, ResultButton, Status, PhoneAck, Claim, TurnClaims, DirectiveAction,
    AdminConfirm, DutyPerson, DutyShift, DutyConfirm, DutyCancel, DutyBack, QuickTime,
    PickUrgency, PickSecrecy, ToggleGroup, ToggleAgency, TurnPage, EditField, BroadcastButton,
    StatusOpen, StatusList,
    InviteRole, InviteAgency, InvitePage, InviteButton, InviteLink, InviteNew, InviteRevoke,
    IncidentAction, IncidentPage, IclButton, IclPick, IclPriority,
    ReportButton, ReportChoice, ReportField, ReportAgency, ReportPage,
    ManageConfirm,
)

# Taps answered at once in their own handler group, outside the per-user queue: an
# acknowledgement must never wait behind anyone's conversation or slow update; nor must
# «Tiếp nhận» on an incident (the one verb of `IncidentAction` that is: see `is_fast`).
FAST: tuple[type[Tap], ...] = (Ack, PendingAck)
FAST_INCIDENT_VERBS: frozenset[str] = frozenset({"take"})

# Every tap of the /broadcast conversation.
BROADCAST: tuple[type[Tap], ...] = (PickUrgency, PickSecrecy, ToggleGroup, ToggleAgency, TurnPage,
                                    EditField, BroadcastButton)


def parse(data: object) -> Tap | None:
    """The tap `data` encodes, or None for anything else (forged, oversized, not a string)."""
    if not isinstance(data, str) or len(data.encode()) > MAX_BYTES:
        return None
    for kind in KINDS:
        m = kind.PATTERN.fullmatch(data)
        if m is not None:
            return kind._from(m)
    return None


def is_fast(data: object) -> bool:
    """Does this tap skip the per-user queue (see FAST)?"""
    tap = parse(data)
    return isinstance(tap, FAST) or (
        isinstance(tap, IncidentAction) and tap.verb in FAST_INCIDENT_VERBS)


def matches(*kinds: type[Tap], **fields: object) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern: data that parses to one of `kinds`, with these field
    values (a set: any of them)."""
    def check(data: object) -> bool:
        tap = parse(data)
        return isinstance(tap, kinds) and all(
            getattr(tap, k) in v if isinstance(v, set | frozenset) else getattr(tap, k) == v
            for k, v in fields.items())
    return check


def not_fast(data: object) -> bool:
    """A pattern for everything the fast taps' group does not take."""
    return not is_fast(data)


# Every tap of the /report conversation: the only ones its handlers answer.
REPORT: tuple[type[Tap], ...] = (ReportButton, ReportChoice, ReportField, ReportAgency,
                                 ReportPage)

# Every tap of the /invite conversation (role and agency picking).
INVITE_FORM: tuple[type[Tap], ...] = (InviteRole, InviteAgency, InvitePage, InviteButton)

# --- encoders: what keyboards and notices call -------------------------------------------------

def ack(delivery_id: int) -> str:
    return Ack(delivery_id).encode()


def pending_ack(delivery_id: int) -> str:
    return PendingAck(delivery_id).encode()


def open_result(delivery_id: int) -> str:
    return OpenResult(delivery_id).encode()


def status(directive_id: int) -> str:
    return Status(directive_id).encode()


def status_open(directive_id: int) -> str:
    return StatusOpen(directive_id).encode()


def status_list(which: StatusListKind, directive_id: int, page: int | None = None) -> str:
    return StatusList(which, directive_id, page).encode()


def phone(step: PhoneStep, directive_id: int, agency_id: int) -> str:
    return PhoneAck(step, directive_id, agency_id).encode()


def claim(notice_id: int, escalation_id: int | None = None) -> str:
    return Claim(notice_id, escalation_id).encode()


def turn_claims(notice_id: int, page: int) -> str:
    return TurnClaims(notice_id, page).encode()


def directive_action(action: DirectiveVerb, directive_id: int) -> str:
    return DirectiveAction(action, directive_id).encode()


def incident_action(verb: IncidentVerb, incident_id: int) -> str:
    return IncidentAction(verb, incident_id).encode()
