"""What people might send: any text, any file, any command, any button data."""

from __future__ import annotations

from hypothesis import strategies as st

# Marks that have broken text handling elsewhere: RTL and LTR overrides, zero-width joiners,
# the BOM, NUL and other controls, a lone combining mark, HTML-looking text.
ODD = ["\u202e", "\u202d", "\u200f", "\u200e", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
       "\x00", "\x07", "\x1b", "\r", "\n", "\t", "\u0301", "\u00a0", "\u2028", "\u2029",
       "<b>", "</b>", "<a href=\"x\">", "&", "&amp;", "&#0;", "<", ">", "\"", "'", "`", "*", "_",
       "/", "@", "#", "😀", "👨‍👩‍👧", "𝕏", "\U0010fffd", "\U000e0041", "SC-2026-001",
       "ﷺ", "مرحبا", "שלום", "Đ", "ệ", "ꙮ"]

# Anything Telegram can carry in a message: every plane, no lone surrogates (JSON cannot).
any_char = st.characters(codec="utf-8")
odd = st.sampled_from(ODD)
fragment = st.lists(st.one_of(any_char, odd), min_size=1, max_size=12).map("".join)
short_text = st.lists(st.one_of(fragment, odd), min_size=1, max_size=6).map("".join).filter(
    lambda s: s.strip() != "")

# Answers that a step may accept, so that walks get past it to the next one.
PLAUSIBLE = ["33/CĐ-TTg", "1556/UBND-KGVX", "30/8/2022", "hôm nay", "UBND tỉnh An Giang",
             "V/v tăng cường bảo đảm an toàn thông tin mạng", "Các cơ quan trực 24/7.",
             "45p", "2 giờ", "17:00", "ngày mai 08:00", "hôm qua 22:00", "cong an tinh",
             "cong nghe", "Cổng thông tin điện tử tỉnh", "portal.angiang.gov.vn",
             "Máy chủ bị mã hóa dữ liệu.", "Khôi phục từ bản sao lưu.", "0912 345 678",
             "+84912345678", "1", "2", "0", "-1", "99999999999999999999", "Có", "Không", "Gửi",
             "Hủy", "SC-2026-001", "sc 2026 1"]
plausible = st.sampled_from(PLAUSIBLE)


@st.composite
def long_text(draw: st.DrawFn) -> str:
    """5,000-10,000 characters: a drawn fragment repeated (cheap for hypothesis to shrink)."""
    unit = draw(short_text)
    size = draw(st.integers(5000, 10000))
    return (unit * (size // len(unit) + 1))[:size]


COMMANDS = ["/start", "/help", "/cancel", "/broadcast", "/report", "/invite", "/invites",
            "/revoke", "/status", "/pending", "/duty", "/duty_set", "/duty_swap", "/alerts",
            "/incidents", "/incident", "/myreports", "/phone", "/nosuchcommand", "/x",
            "/start@hoatoc_test_bot", "/broadcast@other_bot", "/" + "a" * 40, "/Start", "/ ",
            "/đăngký", "/cancel@hoatoc_test_bot"]


@st.composite
def command(draw: st.DrawFn) -> str:
    """A command, now and then with junk arguments (never ones that would do something)."""
    name = draw(st.sampled_from(COMMANDS))
    args = draw(st.one_of(st.just(""), short_text, st.sampled_from(
        ["SC-2026-999", "INV-999", "Z" * 32, "0", "-5", "liaison NOPE", "<b>x</b>"])))
    return f"{name} {args}" if args else name


# Button data: any string, or a real prefix with an id or nonce that names nothing.
PREFIXES = ["ack:", "pnd:", "rep:", "st:", "sto:", "sv:nb:", "sv:pd:", "sv:rp:", "adm:ext:",
            "adm:cor:", "adm:rcl:", "dt:p:", "dt:q:", "escn:", "escp:1:", "esc:1:", "iv:rv:",
            "iv:rk:", "iv:l:", "iv:a:", "iv:p:", "bc:a:", "bc:g:", "bc:p:", "ir:a:", "icl:p:",
            "inc:view:", "inc:files:", "inc:take:", "inc:start:", "inc:release:", "inc:resolve:",
            "inc:reopen:", "inc:close:", "inc:false:", "inc:prio:", "inc:progress:",
            "inc:reassign:", "incs:o:", "incs:m:", "ph:ag:1:", "ph:ok:1:", "ph:ask:1:"]
NONCED = ["adm:ok:", "adm:no:", "dt:ok:", "icl:ok:", "icl:no:", "icl:skip:", "icl:r:cao:",
          "qt:dl:h1:", "qt:ext:now:", "qt:df:t17:"]
# Not the words that send: pressed at the right step they are the real «Gửi».
WORDS = ["bc:cancel", "bc:done", "bc:next", "bc:all", "bc:clr", "bc:noop", "bc:pg",
         "bc:edit", "bc:today", "bc:drill", "bc:drill:1", "bc:drill:0", "bc:dl:default",
         "bc:rp:none", "rr:cancel", "ir:new",
         "ir:ok", "ir:fix", "ir:edit", "ir:cancel", "ir:more", "ir:nomore",
         "ir:pg", "ir:clr", "iv:cancel", "iv:clr", "iv:pg", "iv:drop", "dt:cancel",
         "dt:back:sa", "dt:back:f", "bc:u:hoa_toc", "bc:s:mat", "iv:r:admin", "ir:c:x:y",
         "ir:s:x", "", " ", "ack:", "ack:1:2", "ack:-1", "ack:٣", "inc:take:1 ", "\x00"]


@st.composite
def callback_data(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["any", "prefix", "nonce", "word"]))
    if kind == "any":
        return draw(st.text(any_char, max_size=80))
    if kind == "prefix":
        prefix = draw(st.sampled_from(PREFIXES))
        return prefix + str(draw(st.one_of(st.just(0), st.integers(100_000, 10**12 - 1))))
    if kind == "nonce":
        return draw(st.sampled_from(NONCED)) + draw(st.text("0123456789abcdef", min_size=8,
                                                              max_size=8))
    return draw(st.sampled_from(WORDS))


file_name = st.one_of(st.sampled_from(["bao-cao.pdf", "a.exe", "ảnh chụp.png", "x", ".pdf",
                                       "<b>.docx", "a" * 300 + ".pdf"]), short_text)
mime = st.sampled_from(["application/pdf", "image/jpeg", "application/x-msdownload",
                        "application/octet-stream", "text/html", "video/mp4"])
caption = st.one_of(st.none(), short_text, plausible)
