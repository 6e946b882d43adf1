"""Every message a person sees, in Vietnamese, rendered as Telegram HTML.

`t(key, **params)` escapes every parameter unless it is wrapped in `Safe` (already HTML).
"""

from __future__ import annotations

import html
from typing import Final


class Safe(str):
    """A string that is already valid Telegram HTML and must not be escaped again."""

    __slots__ = ()


TEXTS: Final[dict[str, str]] = {
    # --- /start and onboarding ---------------------------------------------------------
    "start_stranger": (
        "Kính chào. Đây là kênh nhận văn bản chỉ đạo khẩn và báo cáo sự cố của {team_name}.\n\n"
        "Tài khoản này chưa được đăng ký. Để tham gia, đề nghị liên hệ {focal_name}"
        "{focal_contact} để được cấp đường dẫn mời (dùng một lần, do quản trị viên tạo), sau "
        "đó mở đường dẫn đó và bấm “Bắt đầu” (Start).\n\n"
        "Mã người dùng Telegram của Anh/Chị: <code>{user_id}</code> — gửi kèm mã này khi liên "
        "hệ. Người cài đặt bot: đặt mã này vào biến HOATOC_ADMIN_IDS để trở thành quản trị viên."
    ),
    "start_known": (
        "Kính chào {name}.\nVai trò: {roles}.\n\nGõ /help để xem danh sách lệnh."
    ),
    "welcome_liaison": (
        "✅ Tài khoản đã được đăng ký: <b>cán bộ đầu mối ({rank})</b> của <b>{agency}</b>.\n\n"
        "Văn bản chỉ đạo gửi đơn vị sẽ được chuyển đến tại đây. Khi nhận được văn bản, đề nghị "
        "bấm “✅ Đã nhận văn bản” để xác nhận đơn vị đã nhận. Gõ /help để xem danh sách lệnh."
    ),
    "welcome_responder": (
        "✅ Tài khoản đã được đăng ký: <b>Thành viên {team_name}</b>{lead}.\n\n"
        "Thông báo đôn đốc và thông báo sự cố mới sẽ được gửi đến tại đây. "
        "Gõ /help để xem danh sách lệnh."
    ),
    "welcome_admin": (
        "✅ Tài khoản đã được cấp quyền <b>quản trị viên</b>.\n\n"
        "Dùng lệnh /invite để mời cán bộ đầu mối và thành viên Đội ứng cứu sự cố; "
        "gõ /help để xem danh sách lệnh."
    ),
    "welcome_person": (
        "✅ Tài khoản Telegram đã được liên kết với hồ sơ cán bộ <b>{name}</b>.\n"
        "Vai trò: {roles}.\n\nGõ /help để xem danh sách lệnh."
    ),
    "lead_suffix": " — <b>Đội trưởng</b>",
    "invite_invalid": (
        "❌ Đường dẫn mời không hợp lệ. Vui lòng kiểm tra lại đường dẫn hoặc liên hệ "
        "{focal_name}{focal_contact} để được cấp đường dẫn mới."
    ),
    "invite_used": (
        "❌ Đường dẫn mời này đã được sử dụng; mỗi đường dẫn chỉ dùng được một lần. "
        "Đề nghị liên hệ quản trị viên để được cấp đường dẫn mới."
    ),
    "invite_used_by_you": (
        "ℹ️ Tài khoản này đã được đăng ký bằng đường dẫn mời này. "
        "Gõ /help để xem danh sách lệnh."
    ),
    "invite_expired": (
        "❌ Đường dẫn mời đã hết hạn lúc {when}. "
        "Đề nghị liên hệ quản trị viên để được cấp đường dẫn mới."
    ),
    "invite_revoked": (
        "❌ Đường dẫn mời này đã bị quản trị viên thu hồi. Nếu cần tham gia, "
        "đề nghị liên hệ quản trị viên để được cấp đường dẫn mới."
    ),
    "invite_other_agency": (
        "❌ Tài khoản này đang là cán bộ đầu mối của <b>{agency}</b> nên không thể nhận lời mời "
        "làm cán bộ đầu mối của đơn vị khác. Đề nghị liên hệ quản trị viên."
    ),
    "invite_for_other_person": (
        "❌ Đường dẫn mời này dành cho một cán bộ khác. Đề nghị liên hệ quản trị viên."
    ),
    "invite_account_linked": (
        "❌ Tài khoản Telegram này đã được liên kết với một hồ sơ khác ({name}). "
        "Đề nghị liên hệ quản trị viên để hợp nhất hồ sơ."
    ),
    # --- phone ---------------------------------------------------------------------------
    "ask_phone": (
        "📱 Đề nghị cung cấp số điện thoại để Đội ứng cứu sự cố và quản trị viên liên lạc khi "
        "khẩn cấp: bấm nút “📱 Chia sẻ số điện thoại” bên dưới hoặc gõ số điện thoại "
        "(ví dụ 0912 345 678)."
    ),
    "button_share_phone": "📱 Chia sẻ số điện thoại",
    "phone_saved": "✅ Đã lưu số điện thoại {phone}.",
    "phone_current": (
        "Số điện thoại đang lưu: {phone}.\nĐể thay đổi, bấm “📱 Chia sẻ số điện thoại” "
        "hoặc gõ /phone kèm số mới, ví dụ <code>/phone 0912 345 678</code>."
    ),
    "phone_invalid": (
        "❌ “{text}” không phải số điện thoại hợp lệ. Vui lòng nhập lại, ví dụ 0912 345 678, "
        "hoặc bấm nút “📱 Chia sẻ số điện thoại”."
    ),
    "phone_not_yours": (
        "❌ Hệ thống chỉ lưu số điện thoại của chính người dùng tài khoản này. "
        "Vui lòng bấm nút “📱 Chia sẻ số điện thoại”."
    ),
    # --- admin: invites ------------------------------------------------------------------
    "invite_usage": (
        "Cách dùng:\n"
        "<code>/invite</code> — chọn vai trò, đơn vị và người được mời bằng nút bấm\n"
        "<code>/invite dau_moi &lt;mã đơn vị&gt; [chinh|du_phong]</code> — mời cán bộ đầu mối "
        "(chính hoặc dự phòng)\n"
        "<code>/invite ung_cuu [doi_truong]</code> — mời thành viên Đội ứng cứu sự cố "
        "(doi_truong: Đội trưởng)\n"
        "<code>/invite can_bo &lt;mã cán bộ&gt;</code> — mời một cán bộ đã có trong danh sách\n"
        "<code>/invite quan_tri</code> — mời quản trị viên (chỉ quản trị viên cấp cao)\n"
        "Cũng dùng được tên tiếng Anh: <code>liaison</code>, <code>responder [lead]</code>, "
        "<code>person</code>, <code>admin</code>."
    ),
    "invite_created": (
        "🔗 Lời mời <b>{public_id}</b>: {what}\n{link}\n\n"
        "Hết hạn: {expires}. Đường dẫn chỉ dùng được một lần; đề nghị gửi riêng cho đúng người "
        "được mời. Thu hồi bằng lệnh <code>/revoke {public_id}</code>."
    ),
    "invite_admin_superonly": (
        "⛔ Chỉ quản trị viên cấp cao (khai báo trong cấu hình) mới được tạo lời mời "
        "quản trị viên."
    ),
    "invite_person_inactive": (
        "❌ Cán bộ {name} đang ở trạng thái không hoạt động (đã nghỉ hoặc chuyển công tác). "
        "Đề nghị cập nhật danh sách cán bộ trước khi mời."
    ),
    "invite_person_linked": (
        "ℹ️ Cán bộ {name} đã liên kết tài khoản Telegram; không cần mời lại."
    ),
    # /invite without arguments, and the offer of imported people not yet on the bot.
    "iv_ask_role": "Đề nghị chọn vai trò của người được mời:",
    "iv_role_liaison": "Cán bộ đầu mối chính",
    "iv_role_backup": "Cán bộ đầu mối dự phòng",
    "iv_role_responder": "Thành viên Đội ứng cứu sự cố",
    "iv_role_lead": "Đội trưởng Đội ứng cứu sự cố",
    "iv_role_admin": "Quản trị viên",
    "iv_ask_agency": (
        "Mời <b>cán bộ đầu mối ({rank})</b>. Đề nghị chọn đơn vị, hoặc gõ một phần tên hay mã đơn vị để lọc "
        "danh sách.{filter}"
    ),
    "iv_offer": (
        "Mời <b>{what}</b>.\n"
        "Cán bộ đã có trong danh sách nhưng chưa dùng bot ({count}): chọn một người để đường dẫn "
        "mời liên kết với hồ sơ của người đó (giữ họ tên, số điện thoại, vai trò); nếu là người "
        "khác, bấm “+ người mới”.{more}"
    ),
    "iv_offer_none": (
        "Mời <b>{what}</b>.\n"
        "Không có cán bộ nào trong danh sách chưa dùng bot. Bấm “+ người mới” để tạo đường dẫn mời."
    ),
    "iv_offer_more": (
        "\nDanh sách chỉ hiện {shown} người đầu tiên; người khác mời bằng lệnh "
        "<code>/invite can_bo &lt;mã cán bộ&gt;</code>."
    ),
    "iv_what_liaison": "cán bộ đầu mối ({rank}) của {agency}",
    "iv_candidate": "{name} ({rank}) · chưa dùng bot",
    "iv_candidate_plain": "{name} · chưa dùng bot",
    "iv_btn_new": "+ người mới",
    "iv_not_on_bot": "{name} (chưa dùng bot)",
    "iv_pending_holder": "lời mời {public_id} (chưa sử dụng)",
    "invite_second_primary": (
        "⚠️ {agency} đã có cán bộ đầu mối chính: {names}. Nếu đúng là cần thêm một cán bộ đầu "
        "mối chính, đề nghị bấm “Xác nhận”; nếu không, bấm “Hủy” (có thể mời làm đầu mối dự "
        "phòng)."
    ),
    "invite_second_lead": (
        "⚠️ Đội ứng cứu sự cố đã có Đội trưởng: {names}. Nếu đúng là cần thêm một Đội trưởng, "
        "đề nghị bấm “Xác nhận”; nếu không, bấm “Hủy”."
    ),
    "iv_cancelled": "Đã hủy; không có lời mời nào được tạo.",
    "iv_dropped": "Đã hủy; không có lời mời nào được tạo hoặc thu hồi.",
    "iv_stale_button": "Nút này thuộc một bước đã qua.",
    "iv_step_role": "Vai trò",
    "iv_step_agency": "Đơn vị",
    "conv_invite": "tạo lời mời (/invite)",
    "iv_btn_revoke": "Thu hồi {public_id}",
    "iv_btn_revoke_confirm": "✅ Xác nhận thu hồi",
    "iv_revoke_ask": (
        "Thu hồi lời mời <b>{public_id}</b> ({what})? Sau khi thu hồi, đường dẫn mời không "
        "còn hiệu lực."
    ),
    "invites_none": "Không có lời mời nào đang chờ.",
    "invites_header": "Lời mời đang chờ ({count}):",
    "invites_line": "• <b>{public_id}</b> — {what} — hết hạn {expires}",
    "revoke_usage": "Cách dùng: <code>/revoke INV-17</code> (mã lời mời xem bằng lệnh /invites).",
    "revoke_done": "✅ Đã thu hồi lời mời {public_id}; đường dẫn mời không còn hiệu lực.",
    "revoke_not_pending": "❌ Không có lời mời đang chờ nào mang mã {public_id}.",
    "what_liaison": "cán bộ đầu mối ({rank}) của {agency}",
    "what_responder": "thành viên Đội ứng cứu sự cố",
    "what_responder_lead": "Đội trưởng Đội ứng cứu sự cố",
    "what_admin": "quản trị viên",
    "what_person": "liên kết tài khoản cho cán bộ {name}",
    "agency_not_found": "❌ Không tìm thấy đơn vị có mã “{code}”. Vui lòng kiểm tra lại mã.",
    "person_not_found": "❌ Không tìm thấy cán bộ có mã “{code}”. Vui lòng kiểm tra lại mã.",
    "rank_invalid": (
        "❌ “{value}” không hợp lệ. Vui lòng dùng <code>chinh</code> (đầu mối chính) hoặc "
        "<code>du_phong</code> (đầu mối dự phòng)."
    ),
    # --- roles, permissions, help --------------------------------------------------------
    "role_admin": "quản trị viên",
    "role_liaison": "cán bộ đầu mối",
    "role_responder": "thành viên Đội ứng cứu sự cố",
    "role_none": "chưa có vai trò",
    "rank_primary": "chính",
    "rank_backup": "dự phòng",
    # A refusal says what is allowed; the audit log records it without telling the person.
    "permission_denied": (
        "⛔ Lệnh {command} chỉ dành cho {role}. Tài khoản này không có quyền sử dụng lệnh này."
    ),
    "not_registered": (
        "⛔ Tài khoản này chưa được đăng ký nên chưa sử dụng được lệnh này. Đề nghị liên hệ "
        "{focal_name}{focal_contact} để được cấp đường dẫn mời."
    ),
    "access_ended": (
        "⛔ Quyền sử dụng hệ thống của tài khoản này đã kết thúc (cán bộ đã nghỉ hoặc chuyển "
        "công tác). Nếu có nhầm lẫn, đề nghị liên hệ {focal_name}{focal_contact}."
    ),
    "access_ended_tap": (
        "⛔ Quyền sử dụng hệ thống của tài khoản này đã kết thúc (cán bộ đã nghỉ hoặc chuyển "
        "công tác) nên thao tác này không có hiệu lực."
    ),
    "stranger_flood": (
        "⛔ Tài khoản chưa được đăng ký đã gửi quá nhiều tin nhắn trong thời gian ngắn; "
        "các tin nhắn tiếp theo tạm thời không được trả lời. Đề nghị liên hệ {focal_name}"
        "{focal_contact} để được cấp đường dẫn mời."
    ),
    "help_header": "<b>Các lệnh có thể sử dụng</b>",
    "help_footer": "Hỗ trợ: {focal_name}{focal_contact}.",
    "help_alerts": (
        "<b>Đôn đốc</b>\n"
        "• Đơn vị chưa xác nhận khi đến hạn: cán bộ đang trực nhận “Đôn đốc (lần n/N)”, các lần "
        "sau gửi Đội trưởng và quản trị viên.\n"
        "• Bấm “Tôi sẽ liên hệ” để nhận việc gọi điện cho đơn vị; các thành viên khác thấy ai đang "
        "liên hệ.\n"
        "• /alerts: các đôn đốc đang mở; đôn đốc dừng khi đơn vị xác nhận."
    ),
    "cmd_start": "Bắt đầu; xem vai trò được giao",
    "cmd_help": "Danh sách lệnh",
    "cmd_phone": "Xem hoặc thay đổi số điện thoại",
    "cmd_invite": "Tạo đường dẫn mời",
    "cmd_invites": "Lời mời đang chờ",
    "cmd_revoke": "Thu hồi lời mời",
    "help_invite": (
        "Mời người dùng: <code>/invite</code> (chọn bằng nút bấm), hoặc gõ "
        "<code>/invite dau_moi &lt;mã đơn vị&gt; [chinh|du_phong]</code>, "
        "<code>/invite ung_cuu [doi_truong]</code>, <code>/invite can_bo &lt;mã cán bộ&gt;</code>, "
        "<code>/invite quan_tri</code>. Cán bộ đã có trong danh sách được liên kết với hồ sơ sẵn có."
    ),
    # --- directives: what recipients see ---------------------------------------------------
    "urgency_hoa_toc": "🔴 <b>HỎA TỐC</b>",
    "urgency_thuong_khan": "🟠 <b>THƯỢNG KHẨN</b>",
    "urgency_khan": "🟡 <b>KHẨN</b>",
    "urgency_thuong": "📄 <b>VĂN BẢN CHỈ ĐẠO</b>",
    "urgency_name_hoa_toc": "Hỏa tốc",
    "urgency_name_thuong_khan": "Thượng khẩn",
    "urgency_name_khan": "Khẩn",
    "urgency_name_thuong": "Thường",
    "directive_ref": "văn bản {cited} ({urgency})",
    "directive_ref_plain": "văn bản {cited}",
    "secrecy_name_none": "Không mật",
    "secrecy_name_mat": "Mật",
    "secrecy_name_toi_mat": "Tối mật",
    "secrecy_name_tuyet_mat": "Tuyệt mật",
    "directive_head": (
        "{urgency}\n<b>Số:</b> {number}{issued}\n<b>Cơ quan ban hành:</b> {issuer}\n"
        "<b>Trích yếu:</b> {summary}"
    ),
    # The date of issue as officials cite it: "Số: 1556/UBND-KGVX, ngày 30/8/2022" in the
    # header, "số 1556/UBND-KGVX ngày 30/8/2022" in running text; nothing when unknown.
    "directive_head_issued": ", ngày {date}",
    "directive_cited": "số {number}{issued}",
    "directive_cited_issued": " ngày {date}",
    "directive_sent_at": "📨 Gửi lúc {time}",
    "directive_deadline": "⏰ <b>Thời hạn xác nhận:</b> {deadline}",
    "directive_report_deadline": "📝 <b>Thời hạn báo cáo kết quả thực hiện:</b> {deadline}",
    "directive_hotline": "☎️ Đường dây nóng {focal_name}: {hotline}",
    "directive_continued": "(tiếp theo — văn bản số {number}, phần {part}/{total})",
    "directive_late_head": (
        "📨 <b>Gửi bổ sung</b>: văn bản này đã được gửi các đơn vị lúc {time}; nay gửi bổ sung tới "
        "cán bộ đầu mối của đơn vị."
    ),
    "directive_late_overdue": (
        "⚠️ <b>Đã quá hạn xác nhận</b> ({deadline}). Đề nghị xác nhận ngay khi nhận được văn bản."
    ),
    "directive_file_caption": "{urgency} · Tệp đính kèm văn bản {cited}",
    "button_ack": "✅ Đã nhận văn bản",
    "button_report": "📝 Báo cáo kết quả",
    "acked_footer": "✅ <b>Đã xác nhận</b> — {name}, {time}",
    "acked_late_footer": "⚠️ <b>Đã xác nhận (quá hạn)</b> — {name}, {time}",
    "acked_phone_footer": (
        "✅ <b>Đã xác nhận</b> — qua điện thoại/văn bản giấy, do {name} ghi nhận, {time}"
    ),
    "acked_phone_late_footer": (
        "⚠️ <b>Đã xác nhận (quá hạn)</b> — qua điện thoại/văn bản giấy, do {name} ghi nhận, {time}"
    ),
    "acked_report_footer": "✅ <b>Đã xác nhận</b> — qua báo cáo kết quả thực hiện của {name}, {time}",
    "acked_report_late_footer": (
        "⚠️ <b>Đã xác nhận (quá hạn)</b> — qua báo cáo kết quả thực hiện của {name}, {time}"
    ),
    "recalled_footer": (
        "⛔ <b>VĂN BẢN ĐÃ BỊ THU HỒI</b> lúc {time}. Đề nghị không thực hiện và hủy bỏ văn bản đã "
        "nhận (kể cả tệp đã tải về)."
    ),
    "ack_done": "✅ Đã ghi nhận: {agency} đã nhận {directive}.",
    "ack_already": "ℹ️ {agency} đã xác nhận trước đó — {name}, {time}. Không cần xác nhận lại.",
    "ack_already_phone": (
        "ℹ️ {agency} đã xác nhận trước đó (qua điện thoại/văn bản giấy, do {name} ghi nhận), "
        "{time}. Không cần xác nhận lại."
    ),
    "ack_refused": "⛔ Tài khoản này không thuộc đơn vị được gửi văn bản.",
    "ack_recalled": "⛔ Không cần xác nhận: {directive} đã bị thu hồi.",
    "notice_extended": (
        "⏰ <b>Gia hạn xác nhận</b> {directive} V/v {summary}.\n"
        "Thời hạn xác nhận mới: {deadline}."
    ),
    "notice_correction": "✏️ <b>Đính chính</b> {directive} V/v {summary}:\n\n{text}",
    "notice_recalled": (
        "⛔ <b>Thu hồi</b> {directive} V/v {summary}: văn bản đã bị thu hồi lúc {time}.\n"
        "Đề nghị không thực hiện và hủy bỏ văn bản đã nhận (kể cả tệp đã tải về)."
    ),
    # --- /broadcast conversation -----------------------------------------------------------
    "bc_ask_urgency": (
        "📢 <b>Gửi văn bản chỉ đạo</b>\nChọn <b>độ khẩn</b> (gõ /cancel để hủy bất cứ lúc nào):"
    ),
    "bc_ask_secrecy": "Chọn <b>độ mật</b> của văn bản:",
    "bc_secret_refused": (
        "⛔ Văn bản có độ mật “{secrecy}” <b>không được gửi qua Telegram</b>. Đề nghị chuyển "
        "văn bản theo quy định của pháp luật về bảo vệ bí mật nhà nước. Không có nội dung nào "
        "được lưu hay gửi đi."
    ),
    "bc_ask_number": (
        "Nhập <b>số, ký hiệu</b> văn bản, ví dụ <code>1556/UBND-KGVX</code> hoặc "
        "<code>248-KH/TU</code>:"
    ),
    "when_date_invalid": (
        "❌ “{text}” không phải ngày hợp lệ. Ví dụ: <code>30/8/2022</code>, <code>25/11</code>. "
        "Vui lòng nhập lại:"
    ),
    # A typed clock time that rolled over, echoed: "02:00 ngày mai, 01/12/2026".
    "when_next_day": "{clock} ngày mai, {date}",
    "when_previous_day": "{clock} hôm qua, {date}",
    "bc_number_invalid": (
        "❌ “{text}” không đúng dạng số, ký hiệu văn bản. Ví dụ hợp lệ: văn bản của cơ quan nhà "
        "nước <code>1556/UBND-KGVX</code>, <code>06/2009/CT-UBND</code>, <code>33/CĐ-TTg</code>; "
        "văn bản của cơ quan Đảng <code>248-KH/TU</code>, <code>35-CT/TW</code>. "
        "Vui lòng nhập lại:"
    ),
    "bc_ask_issued": (
        "Nhập <b>ngày ban hành</b> ghi trên văn bản, ví dụ <code>30/8/2022</code>, hoặc bấm "
        "“Hôm nay”:"
    ),
    "bc_btn_issued_today": "Hôm nay ({date})",
    "bc_issued_set": "📅 Ngày ban hành: <b>{date}</b>.",
    "bc_issued_invalid": (
        "❌ “{text}” không phải ngày hợp lệ. Vui lòng nhập ngày ban hành theo dạng ngày/tháng/năm, "
        "ví dụ <code>30/8/2022</code>, hoặc bấm “Hôm nay”:"
    ),
    "bc_issued_future": (
        "❌ Ngày ban hành “{text}” là một ngày trong tương lai. Vui lòng nhập ngày ghi trên văn "
        "bản (hôm nay hoặc trước đó), ví dụ <code>30/8/2022</code>:"
    ),
    "bc_issued_too_old": (
        "❌ Ngày ban hành “{text}” trước năm {year}. Vui lòng kiểm tra lại ngày ghi trên văn "
        "bản, ví dụ <code>30/8/2022</code>:"
    ),
    "bc_ask_issuer": "Nhập <b>cơ quan ban hành</b>, ví dụ “UBND tỉnh An Giang”:",
    "bc_issuer_invalid": "❌ Tên cơ quan ban hành cần từ 1 đến {max_len} ký tự. Vui lòng nhập lại:",
    "bc_ask_summary": (
        "Nhập <b>trích yếu</b> nội dung văn bản, ví dụ “tăng cường bảo đảm an toàn thông tin mạng "
        "dịp nghỉ lễ Quốc khánh”:"
    ),
    "bc_summary_invalid": "❌ Trích yếu cần từ 1 đến {max_len} ký tự. Vui lòng nhập lại:",
    "bc_head_too_long": (
        "❌ {field} quá dài: phần đầu văn bản (số, ký hiệu, cơ quan ban hành, trích yếu) không "
        "được vượt quá {max_len} ký tự. "
        "Vui lòng nhập {field_lower} ngắn hơn:"
    ),
    "bc_ask_body": (
        "Gửi <b>nội dung</b> văn bản (tin nhắn chữ) và/hoặc <b>tệp</b> văn bản ({accepted}; "
        "không quá {limit} MB; có thể chuyển tiếp từ nơi khác). Bấm “Tiếp tục” khi xong."
    ),
    "bc_body_got_text": (
        "✅ Đã nhận nội dung ({chars} ký tự). Gửi thêm nội dung hoặc tệp đính kèm nếu có, hoặc bấm "
        "“Tiếp tục”."
    ),
    "bc_body_got_file": (
        "✅ Đã nhận tệp “{name}”. Gửi thêm nội dung văn bản nếu cần, hoặc bấm “Tiếp tục”."
    ),
    "bc_body_missing": (
        "❌ Chưa có nội dung hoặc tệp văn bản. Vui lòng gửi nội dung hoặc tệp trước khi bấm “Tiếp "
        "tục”."
    ),
    "bc_body_too_long": (
        "❌ Nội dung vượt quá {max_len} ký tự. Vui lòng rút gọn, hoặc gửi văn bản dưới dạng tệp."
    ),
    "bc_file_unsupported": (
        "❌ Tệp “{name}” không thuộc loại được nhận. Các loại tệp được nhận: {accepted}. "
        "Vui lòng gửi tệp thuộc một trong các loại trên, hoặc gửi nội dung văn bản dưới dạng "
        "tin nhắn chữ."
    ),
    "bc_file_too_big": (
        "❌ Tệp “{name}” vượt quá dung lượng tối đa {limit} MB. Vui lòng gửi bản có dung lượng "
        "nhỏ hơn (ví dụ bản quét ở độ phân giải thấp hơn), hoặc gửi nội dung văn bản dưới dạng "
        "tin nhắn chữ. Các loại tệp được nhận: {accepted}."
    ),
    "bc_file_photo": "ảnh",
    "bc_file_unnamed": "tệp không tên",
    # The accepted kinds, listed in this order wherever a text names them (bot/domain/files.py).
    "file_kind_pdf": "PDF (ưu tiên bản có chữ ký số)",
    "file_kind_word": "văn bản Word",
    "file_kind_excel": "bảng tính Excel",
    "file_kind_opendocument": "tệp OpenDocument",
    "file_kind_image": "ảnh",
    "file_kind_text": "tệp .txt",
    "bc_ask_recipients": (
        "Chọn <b>nơi nhận</b>: bấm vào nhóm hoặc từng đơn vị để chọn/bỏ chọn; gõ một phần tên để "
        "lọc danh sách đơn vị.\n"
        "\n"
        "Đã chọn: <b>{agencies}</b> đơn vị · <b>{people}</b> người nhận{filter}"
    ),
    "bc_filter_line": "\nĐang lọc: “{text}” ({count} đơn vị)",
    "bc_filter_empty": (
        "Không có đơn vị nào khớp với “{text}”. Vui lòng gõ tên khác, hoặc bấm “Bỏ lọc”."
    ),
    "bc_no_recipients": (
        "❌ Chưa chọn nơi nhận (hoặc các đơn vị đã chọn không còn hoạt động). Vui lòng chọn ít nhất "
        "một nhóm hoặc một đơn vị."
    ),
    "bc_btn_all": "Tất cả",
    "bc_btn_done": "✔️ Xong",
    "bc_btn_clear_filter": "✖️ Bỏ lọc",
    "bc_btn_continue": "Tiếp tục ▶️",
    "bc_btn_cancel": "Hủy",
    "bc_btn_default_deadline": "Mặc định: {deadline}",
    # Quick choices beside a typed time; each label is also what it means when typed.
    "qt_now": "Bây giờ",
    "qt_h1": "+1 giờ",
    "qt_h2": "+2 giờ",
    "qt_t17": "17:00 hôm nay",
    "qt_m0730": "07:30 ngày mai",
    "qt_stale": "Nút này thuộc một lần hỏi đã qua; không có gì thay đổi.",
    "bc_btn_no_report": "Không yêu cầu báo cáo",
    "bc_btn_send": "📤 Gửi",
    "bc_btn_edit": "✏️ Sửa",
    "bc_page": "Trang {page}/{pages}",
    "bc_ask_deadline": (
        "Nhập <b>thời hạn xác nhận</b>: giờ trong ngày (<code>17h</code>, <code>17:30</code>), "
        "giờ và ngày (<code>17:00 25/11</code>) hoặc khoảng thời gian (<code>45 phút</code>, "
        "<code>+2h</code>), hoặc bấm một nút bên dưới (mặc định cho {urgency}: {deadline})."
    ),
    "bc_deadline_invalid": (
        "❌ “{text}” không phải thời hạn hợp lệ. Ví dụ: <code>17h</code> (17:00; nếu đã qua thì "
        "17:00 ngày mai), <code>17:00 25/11</code>, <code>45 phút</code>, <code>+2h</code>. "
        "Vui lòng nhập lại:"
    ),
    "bc_deadline_past": (
        "❌ Thời hạn “{text}” đã qua. Vui lòng nhập một thời điểm sắp tới, ví dụ <code>17h</code>, "
        "<code>17:00 25/11</code>, <code>45 phút</code> hoặc <code>+2h</code>:"
    ),
    "bc_deadline_too_far": (
        "❌ Thời hạn “{text}” quá xa: tối đa {days} ngày kể từ bây giờ. Vui lòng nhập một "
        "thời điểm gần hơn, ví dụ <code>17h</code>, <code>17:00 25/11</code> hoặc <code>+2h</code>:"
    ),
    "bc_deadline_set": "⏰ Thời hạn xác nhận: <b>{deadline}</b>.",
    "bc_report_deadline_set": "📝 Thời hạn báo cáo kết quả thực hiện: <b>{deadline}</b>.",
    "bc_report_deadline_past": (
        "❌ Thời hạn báo cáo kết quả thực hiện ({deadline}) đã qua. Vui lòng nhập thời hạn mới, "
        "ví dụ <code>17h</code>, <code>17:00 25/11</code> hoặc <code>+2h</code>:"
    ),
    "bc_report_before_ack": (
        "❌ Thời hạn báo cáo kết quả thực hiện ({report}) sớm hơn thời hạn xác nhận ({deadline}). Vui lòng "
        "nhập thời hạn báo cáo từ {deadline} trở đi:"
    ),
    "bc_ask_report": (
        "Có yêu cầu <b>báo cáo kết quả thực hiện</b> không? Nhập thời hạn báo cáo (ví dụ "
        "<code>17h</code>, <code>17:00 30/11</code>, <code>30/11</code> — 17:00 ngày đó — hoặc "
        "<code>+2 tiếng</code>) hoặc bấm một nút bên dưới; không yêu cầu thì bấm “Không yêu "
        "cầu báo cáo”."
    ),
    "bc_preview_header": "👁 <b>Xem trước</b> — người nhận sẽ thấy đúng như sau:",
    "bc_preview_summary": (
        "📋 <b>Tóm tắt trước khi gửi</b>\n"
        "Độ khẩn: {urgency}\n"
        "Nơi nhận: <b>{agencies}</b> đơn vị, <b>{people}</b> người nhận\n"
        "{unreachable}\n"
        "{drill}"
        "\n"
        "Bấm “Gửi” để gửi ngay, “Sửa” để sửa một mục, “Hủy” để hủy văn bản đang soạn."
    ),
    "bc_preview_unreachable": (
        "⚠️ <b>{count}</b> đơn vị chưa có cán bộ đầu mối liên lạc được (sẽ được đánh dấu “không "
        "liên lạc được” ngay khi gửi): {names}"
    ),
    "bc_preview_all_reachable": "✅ Mọi đơn vị đã chọn đều có cán bộ đầu mối liên lạc được.",
    "bc_preview_button": "Đây là bản xem trước; các nút chỉ có tác dụng trên văn bản đã gửi.",
    "bc_edit_menu": (
        "Bấm “Gửi” để gửi lại, “Sửa” để sửa một mục, hoặc “Hủy” để hủy văn bản đang soạn."
    ),
    "bc_field_urgency": "Độ khẩn",
    "bc_field_secrecy": "Độ mật",
    "bc_field_number": "Số, ký hiệu",
    "bc_field_issued": "Ngày ban hành",
    "bc_field_issuer": "Cơ quan ban hành",
    "bc_field_summary": "Trích yếu",
    "bc_field_body": "Nội dung, tệp",
    "bc_field_recipients": "Nơi nhận",
    "bc_field_deadline": "Thời hạn xác nhận",
    "bc_field_report": "Thời hạn báo cáo kết quả",
    "bc_step_preview": "Xem trước và gửi",
    "bc_sent": (
        "📤 Đang gửi {directive} tới <b>{people}</b> người nhận của <b>{agencies}</b> đơn vị. Tình "
        "hình gửi và xác nhận được cập nhật ở tin nhắn dưới đây."
    ),
    "bc_no_liaison_head": (
        "⚠️ <b>{count} đơn vị chưa có cán bộ đầu mối liên lạc được</b> qua Telegram nên chưa "
        "nhận được {directive}. Đề nghị gọi điện thông báo văn bản cho các đơn vị này và mời cán "
        "bộ đầu mối tham gia (/invite):"
    ),
    "bc_no_liaison_line": "• <b>{agency}</b> — ☎️ {phone}",
    "bc_no_liaison_no_phone": "chưa có số điện thoại",
    "bc_no_liaison_paged": (
        "📞 Đã thông báo Đội ứng cứu sự cố ({names}) để gọi điện cho các đơn vị này."
    ),
    "bc_no_liaison_paged_nobody": (
        "⚠️ Chưa thông báo được thành viên nào của Đội ứng cứu sự cố: người đang trực và Đội "
        "trưởng chưa liên lạc được qua Telegram. Đề nghị gọi điện trực tiếp cho người đang "
        "trực (/duty)."
    ),
    "bc_no_liaison_not_paged": (
        "ℹ️ Với độ khẩn này, thành viên Đội ứng cứu sự cố đang trực không được thông báo ngay; "
        "đơn vị nào chưa xác nhận sẽ được đôn đốc khi đến thời hạn xác nhận."
    ),
    "bc_cancelled": "Đã hủy; văn bản đang soạn không được lưu và không được gửi đi.",
    "bc_incomplete": "❌ Văn bản chưa đủ thông tin. Vui lòng soạn lại bằng lệnh /broadcast.",
    "bc_already_recalled": "❌ Không thể thực hiện: {directive} đã bị thu hồi.",
    "bc_expect_button": "Vui lòng chọn bằng các nút bên trên, hoặc gõ /cancel để hủy.",
    "bc_expect_text": "Vui lòng trả lời bằng chữ, hoặc gõ /cancel để hủy.",
    "bc_stale_button": "Nút này thuộc một bước đã qua.",
    "cancel_nothing": "Không có thao tác nào đang diễn ra.",
    "conv_busy": (
        "Việc {what} chưa hoàn tất. Vui lòng hoàn tất, hoặc gõ /cancel để hủy, trước khi bắt đầu "
        "thao tác mới."
    ),
    "conv_edited": (
        "✏️ Tin nhắn đã sửa không được ghi nhận. Vui lòng gửi nội dung mới thành một tin "
        "nhắn riêng, hoặc gõ /cancel để hủy."
    ),
    "conv_resumed": (
        "↩️ Hệ thống vừa khởi động lại. Tiếp tục {what} từ bước “{step}”; các nội dung đã nhập "
        "được giữ nguyên."
    ),
    "conv_expired": (
        "⌛ Đã hủy việc {what} chưa hoàn tất do quá {minutes} phút không có trả lời; nội dung đã "
        "nhập không được lưu."
    ),
    "conv_broadcast": "soạn văn bản chỉ đạo (/broadcast)",
    "conv_admin": "gia hạn, đính chính hoặc thu hồi một văn bản",
    "conv_results": "báo cáo kết quả",
    "conv_duty": "sửa lịch trực",
    "cmd_broadcast": "Gửi văn bản chỉ đạo",
    "cmd_status": "Tình hình các văn bản đã gửi",
    "cmd_pending": "Văn bản đơn vị chưa xác nhận",
    "cmd_cancel": "Hủy thao tác đang làm",
    # --- results: a directive's result report ------------------------------------------------
    "res_ask": (
        "📝 <b>Báo cáo kết quả thực hiện</b> {directive} V/v {summary}\n"
        "Đơn vị báo cáo: {agency}.{supplement}\n"
        "Đề nghị gửi nội dung báo cáo (tin nhắn chữ) và tệp đính kèm nếu có, rồi bấm “Gửi báo "
        "cáo”. Gõ /cancel để hủy."
    ),
    "res_got": "✅ Đã ghi nhận ({chars} ký tự, {files} tệp). Gửi thêm, hoặc bấm “Gửi báo cáo”.",
    "res_empty": (
        "❌ Báo cáo chưa có nội dung hoặc tệp đính kèm. Vui lòng gửi nội dung báo cáo trước khi bấm "
        "“Gửi báo cáo”."
    ),
    "res_too_long": (
        "❌ Báo cáo vượt quá {max_len} ký tự. Vui lòng gửi phần dài dưới dạng tệp đính kèm."
    ),
    "res_too_many_files": "❌ Mỗi báo cáo có tối đa {max_files} tệp đính kèm.",
    "res_sent": (
        "✅ Đã lưu báo cáo kết quả thực hiện {directive} của {agency} và chuyển tới quản trị viên."
    ),
    "res_sent_supplement": (
        "✅ Đã lưu báo cáo bổ sung kết quả thực hiện {directive} của {agency} và chuyển tới quản "
        "trị viên."
    ),
    "res_ask_supplement": (
        "\nℹ️ Đơn vị đã gửi báo cáo kết quả; báo cáo này được ghi là <b>báo cáo bổ sung</b>."
    ),
    "res_sent_acked": "✅ Báo cáo đồng thời ghi nhận {agency} đã nhận văn bản.",
    "res_cancelled": "Đã hủy báo cáo; không có nội dung nào được lưu.",
    "res_refused": (
        "⛔ Tài khoản này không thuộc đơn vị được gửi văn bản, nên không gửi được báo cáo kết quả."
    ),
    "res_recalled": "⛔ Không cần báo cáo kết quả: {directive} đã bị thu hồi.",
    "res_not_due": "ℹ️ Không yêu cầu báo cáo kết quả thực hiện đối với {directive}.",
    "res_notice": (
        "📝 <b>Báo cáo kết quả thực hiện</b> {directive} — {agency} ({name}){late}:\n"
        "\n"
        "{text}"
    ),
    "res_notice_late": " — <b>quá hạn</b>",
    "res_notice_supplement": (
        "📝 <b>Báo cáo bổ sung</b>{nth} kết quả thực hiện {directive} — {agency} ({name}):\n"
        "\n"
        "{text}"
    ),
    "res_nth": " (lần {number})",
    "res_caption_supplement": "{agency} — {number} — báo cáo bổ sung",
    "res_button_send": "📤 Gửi báo cáo",
    "res_step_collect": "Nội dung và tệp báo cáo",
    "res_no_text": "(không có nội dung chữ; xem tệp đính kèm)",
    # --- escalation ---------------------------------------------------------------------------
    "esc_reminder": (
        "⏰ <b>Nhắc hạn</b>: {agency} chưa xác nhận đã nhận {directive} V/v {summary}. Thời hạn xác "
        "nhận: {deadline}{when}. Đề nghị bấm “✅ Đã nhận văn bản” để xác nhận."
    ),
    "esc_reminder_report": (
        "📝 <b>Nhắc hạn</b>: {agency} chưa gửi báo cáo kết quả thực hiện {directive} V/v {summary}. "
        "Thời hạn báo cáo kết quả: {deadline}{when}. Đề nghị bấm “📝 Báo cáo kết quả” để gửi báo cáo."
    ),
    # What an earlier reminder says once it is no longer due (edited under its text).
    "esc_reminder_acked": "✅ <b>Đã xác nhận lúc {time}</b> — {name}",
    "esc_reminder_acked_phone": (
        "✅ <b>Đã xác nhận lúc {time}</b> — qua điện thoại/văn bản giấy, do {name} ghi nhận"
    ),
    "esc_reminder_reported": "📝 <b>Đã báo cáo kết quả lúc {time}</b> — {name}",
    "esc_reminder_recalled": "⛔ <b>Văn bản đã bị thu hồi</b> lúc {time}: không cần xác nhận.",
    "esc_reminder_extended": "⏰ <b>Đã gia hạn xác nhận</b>: thời hạn xác nhận mới {deadline}.",
    "esc_before": " (còn {left})",
    "esc_overdue": " — <b>đã quá hạn {late}</b>",
    "esc_overdue_just": " — <b>vừa quá hạn</b>",
    "esc_digest_head": (
        "🚨 <b>{title}</b> xác nhận {directive}\n"
        "V/v {summary}\n"
        "Thời hạn xác nhận: {deadline}. <b>{count}</b> đơn vị chưa xác nhận:"
    ),
    "esc_digest_head_report": (
        "🚨 <b>{title}</b> báo cáo kết quả thực hiện {directive}\n"
        "V/v {summary}\n"
        "Thời hạn báo cáo kết quả: {deadline}. <b>{count}</b> đơn vị chưa báo cáo:"
    ),
    "esc_digest_head_no_liaison": (
        "☎️ <b>Chưa có đầu mối liên lạc được, đề nghị gọi điện</b>: {directive}\n"
        "V/v {summary}\n"
        "<b>{count}</b> đơn vị chưa có cán bộ đầu mối nào nhận được văn bản qua Telegram. "
        "Thời hạn xác nhận: {deadline}."
    ),
    # A digest drawn again after it was sent: on top, then the agencies no longer awaited.
    "esc_digest_recalled": "⛔ <b>Đã thu hồi</b> văn bản lúc {time}: không cần liên hệ các đơn vị.",
    "esc_digest_extended": (
        "⏰ <b>Đã gia hạn xác nhận đến {deadline}</b>: chưa cần liên hệ các đơn vị."
    ),
    "esc_digest_all_acked": "✅ <b>Tất cả đơn vị đã xác nhận.</b>",
    "esc_digest_all_reported": "✅ <b>Tất cả đơn vị đã báo cáo.</b>",
    "esc_line_acked": "• <s>{agency}</s> — đã xác nhận lúc {time} ({name})",
    "esc_line_acked_phone": (
        "• <s>{agency}</s> — đã xác nhận lúc {time} (qua điện thoại, do {name} ghi nhận)"
    ),
    "esc_line_reported": "• <s>{agency}</s> — đã báo cáo lúc {time} ({name})",
    "esc_round": "Đôn đốc (lần {number}/{total})",
    "esc_round_none": "Đôn đốc",
    "esc_digest_line": "• <b>{agency}</b> — {state}{contacts}",
    "esc_state_overdue": "quá hạn {late}",
    "esc_state_just_overdue": "vừa quá hạn",
    "esc_state_unreachable": "không liên lạc được",
    "esc_state_before": "còn {left}",
    "esc_contacts": " · ☎️ {people}{phone}",
    "esc_no_contact": " · ☎️ chưa có đầu mối{phone}",
    "esc_agency_phone": " ({phone})",
    "esc_late_note": (
        "\n"
        "⏱ Thông báo này gửi chậm {late} so với lịch (hệ thống tạm ngừng hoạt động); đã gộp "
        "{collapsed} lần thông báo bị lỡ."
    ),
    "esc_late_note_plain": "\n⏱ Thông báo này gửi chậm {late} so với lịch.",
    "esc_nobody_on_duty": (
        "\n⚠️ Hiện không có thành viên nào đang trực: thông báo gửi Đội trưởng và quản trị "
        "viên."
    ),
    "esc_on_duty_unreachable": (
        "\n⚠️ Thành viên đang trực ({names}) không liên lạc được qua Telegram: thông báo gửi "
        "Đội trưởng và quản trị viên. Đề nghị gọi điện trực tiếp."
    ),
    "esc_footer_responder": "\nBấm “Tôi sẽ liên hệ” để nhận việc gọi điện cho đơn vị.",
    "esc_button_all": "📞 Tôi sẽ liên hệ tất cả",
    "esc_button_one": "📞 {agency}",
    "esc_button_previous": "◀️ Trang trước",
    "esc_button_next": "Trang tiếp ▶️",
    "esc_handled_line": "\n\n📞 <b>{name}</b> sẽ liên hệ: {agencies}",
    "esc_handled_more": " … và {count} đơn vị khác",
    "esc_handled_others": "\n\n📞 {count} cán bộ khác cũng đã nhận liên hệ.",
    "esc_claimed": "Đã ghi nhận: Anh/Chị nhận liên hệ {agencies}.",
    "alerts_none": "✅ Không có đôn đốc nào đang mở.",
    "alerts_header": "🚨 <b>Đôn đốc đang mở</b> ({count} mục)",
    "alerts_ack": "\n<b>{title}</b> xác nhận {directive}\nchờ xác nhận {count} đơn vị · thời hạn {deadline}",
    # No round yet: agencies nobody could reach, paged at sending (not overdue).
    "alerts_no_liaison": (
        "\n☎️ <b>Chưa có đầu mối liên lạc được</b>: {directive}\nchờ xác nhận {count} đơn vị · "
        "thời hạn {deadline}"
    ),
    "alerts_report": (
        "\n<b>{title}</b> báo cáo kết quả thực hiện {directive}\nchờ báo cáo {count} đơn vị · thời "
        "hạn {deadline}"
    ),
    "alerts_agency": "• {agency} — {state} · {who}",
    "alerts_calling": "📞 {name} đang liên hệ",
    "alerts_nobody_calling": "chưa có ai nhận liên hệ",
    "alerts_more_agencies": "• … và {count} đơn vị khác",
    "alerts_more": "\n… và {count} mục khác.",
    "alerts_refused": "⛔ Lệnh /alerts dành cho thành viên Đội ứng cứu sự cố và quản trị viên.",
    "ovd_refused": "⛔ Lệnh /overdue dành cho thành viên Đội ứng cứu sự cố và quản trị viên.",
    "ovd_none": "✅ Không có việc quá hạn (lúc {time}).",
    "ovd_header": "⏰ <b>Việc quá hạn</b> lúc {time}: {count} mục",
    "ovd_group_ack": "\n<b>Đơn vị chưa xác nhận văn bản</b> ({count})",
    "ovd_group_report": "\n<b>Đơn vị chưa báo cáo kết quả</b> ({count})",
    "ovd_group_untaken": "\n<b>Sự cố chưa được tiếp nhận</b> ({count})",
    "ovd_group_no_progress": "\n<b>Sự cố chưa cập nhật tiến độ</b> ({count})",
    "ovd_directive": "• {agency} — {state} · {directive}{who}",
    "ovd_incident": "• {code} · {agency} — {state}{who}",
    "ovd_call": "\n  ☎️ {people}{phone}",
    "ovd_nobody": "\n  ☎️ chưa có cán bộ đầu mối liên lạc được{phone}",
    "esc_claimed_none": "Các đơn vị này đã có cán bộ nhận liên hệ.",
    "esc_claim_done": "Đơn vị đã xác nhận văn bản (hoặc văn bản đã bị thu hồi); không cần liên hệ.",
    "esc_claim_extended": (
        "Thời hạn xác nhận đã được gia hạn: không cần liên hệ lúc này. Nếu đến thời hạn mới "
        "đơn vị vẫn chưa xác nhận, thông báo đôn đốc mới sẽ được gửi."
    ),
    "esc_claim_refused": (
        "⛔ Chỉ thành viên Đội ứng cứu sự cố đã nhận thông báo đôn đốc này mới nhận liên hệ được."
    ),
    "duty_header": "🛡 <b>Lịch trực Đội ứng cứu sự cố</b>",
    "duty_now": "Đang trực: {people}",
    "duty_next": "Ca tiếp theo (từ {start}): {person}",
    "duty_nobody": (
        "Hiện không có thành viên nào đang trực. Thông báo đôn đốc sẽ được gửi Đội trưởng "
        "và quản trị viên."
    ),
    "duty_no_next": "Chưa có ca trực tiếp theo trong 14 ngày tới.",
    "duty_unreachable": (
        "⚠️ {names} {why} nên không nhận được thông báo qua Telegram. "
    ),
    "duty_unreachable_not_joined": "chưa tham gia bot",
    "duty_unreachable_blocked": "đã chặn bot hoặc không nhận được tin nhắn",
    "duty_unreachable_inactive": "đã ngừng tham gia",
    "duty_alerts_to_lead": (
        "Thông báo đôn đốc sẽ được gửi Đội trưởng{leads} và quản trị viên; đề nghị gọi điện "
        "trực tiếp cho người đang trực."
    ),
    "duty_alerts_only_to": "Thông báo đôn đốc chỉ gửi {names}.",
    "duty_person": "{name} ({phone}) đến {end}",
    "duty_hotline": "Đường dây nóng của {focal_name}: {hotline}",
    "duty_shift_start": (
        "🛡 <b>Bắt đầu ca trực</b>: từ {start} đến {end}. Trong ca trực, thông báo đôn đốc và "
        "thông báo sự cố mới sẽ được gửi đến tại đây."
    ),
    "cmd_duty": "Lịch trực: đang trực và ca tiếp theo",
    "cmd_alerts": "Đôn đốc đang mở; ai đang liên hệ đơn vị nào",
    "ovd_cmd_overdue": "Mọi việc đang quá hạn và người cần liên hệ",
    "cmd_duty_set": "Phân công trực (một thành viên, một khoảng thời gian)",
    "cmd_duty_swap": "Đổi ca trực giữa hai thành viên",
    "duty_when_invalid": (
        "❌ “{text}” không phải thời điểm hợp lệ. Ví dụ: <code>bây giờ</code>, <code>07:30</code> "
        "(lúc 07:30 sắp tới), <code>mai 07:30</code>, <code>07:30 24/11</code>, "
        "<code>19h ngày 24/11</code>, <code>+2h</code>. "
        "Vui lòng nhập lại:"
    ),
    "duty_end_before_start": "❌ Thời điểm kết thúc phải sau {start}. Vui lòng nhập lại:",
    "duty_end_past": "❌ Thời điểm kết thúc đã qua. Vui lòng nhập lại:",
    "duty_start_past": (
        "❌ “{text}” đã qua. Vui lòng bấm một nút khác hoặc nhập thời điểm bắt đầu trực:"
    ),
    "duty_shift_label": "{start} → {end}",
    "duty_shift_label_override": "{start} → {end} (phân công)",
    "duty_pick_person": "Chọn thành viên Đội ứng cứu sự cố:",
    "duty_step_person": "Chọn thành viên",
    "duty_step_from": "Thời điểm bắt đầu trực",
    "duty_step_to": "Thời điểm kết thúc trực",
    "duty_step_shift": "Chọn ca trực",
    "duty_step_person_b": "Chọn thành viên đổi ca",
    "duty_step_confirm": "Xác nhận",
    "duty_pick_second": "Chọn thành viên thứ hai để đổi ca trực với {name}:",
    "duty_no_responders": "Chưa có thành viên Đội ứng cứu sự cố nào đang hoạt động.",
    "duty_ask_from": (
        "Nhập <b>thời điểm bắt đầu trực</b>: <code>bây giờ</code>, giờ (<code>07:30</code> là "
        "07:30 sắp tới), <code>mai 07:30</code> hoặc giờ và ngày (<code>07:30 24/11</code>); "
        "hoặc bấm một nút bên dưới:"
    ),
    "duty_ask_to": (
        "Nhập <b>thời điểm kết thúc trực</b> (bắt đầu {start}): giờ (<code>19h</code> là 19:00 "
        "đầu tiên sau giờ bắt đầu), <code>mai 07:30</code>, giờ và ngày (<code>19:00 24/11</code>) "
        "hoặc độ dài tính từ giờ bắt đầu (<code>12 tiếng</code>, <code>+2 giờ</code>); hoặc bấm "
        "một nút bên dưới:"
    ),
    "duty_confirm_set": "Xác nhận phân công <b>{name}</b> trực từ {start} đến {end}?",
    "duty_done_set": "✅ Đã phân công {name} trực từ {start} đến {end}.",
    "duty_pick_shift": "Chọn ca trực của {name}:",
    "duty_no_shifts": (
        "{name} không có ca trực nào sắp tới (theo lịch trực luân phiên hoặc phân công trực) để "
        "đổi. Vui lòng chọn thành viên khác, hoặc bấm “Hủy”."
    ),
    "duty_swap_nothing": (
        "Chưa có ca trực nào sắp tới để đổi: chưa có lịch trực luân phiên và chưa có phân công "
        "trực nào. Dùng /duty_set để phân công trực."
    ),
    "duty_no_other": (
        "Không có thành viên nào khác có ca trực sắp tới để đổi với {name}. Bấm “Quay lại” để "
        "chọn ca khác, hoặc “Hủy”."
    ),
    "duty_btn_back": "◀️ Quay lại",
    "duty_confirm_swap": (
        "Xác nhận đổi ca trực: <b>{a}</b> trực ca bắt đầu {b_shift}; <b>{b}</b> trực ca bắt đầu "
        "{a_shift}?"
    ),
    "duty_done_swap": "✅ Đã đổi ca trực giữa {a} và {b}.",
    "duty_assigned": "🛡 Anh/Chị được phân công trực từ {start} đến {end}.",
    "duty_swapped": (
        "🛡 Đổi ca trực với {other}: Anh/Chị được phân công trực từ {start} đến {end}, thay cho "
        "ca từ {old_start} đến {old_end} ({other} trực ca đó)."
    ),
    "duty_cancelled": "Đã hủy; lịch trực không thay đổi.",
    "duty_same_person": "Vui lòng chọn một thành viên khác.",
    "duty_not_responder": (
        "❌ Cán bộ được chọn không phải là thành viên Đội ứng cứu sự cố đang hoạt động."
        " Lịch trực không thay đổi."
    ),
    "duty_not_their_shift": (
        "❌ Ca trực được chọn không phải là ca trực sắp tới của {name}. Lịch trực không thay đổi."
    ),
    "duty_swap_same_person": (
        "❌ Thành viên thứ hai phải khác {name}. Lịch trực không thay đổi."
    ),
    # --- directives: sender's status ---------------------------------------------------------
    "status_title": "📊 <b>Tình hình {directive}</b>\nV/v {summary}",
    "status_people": (
        "👤 Người nhận: đã gửi {sent}/{total}{queued}{failed}{blocked}"
    ),
    "status_queued": " · đang gửi {count}",
    "status_failed": " · gửi lỗi {count}",
    "status_blocked": " · không liên lạc được {count}",
    "status_agencies": (
        "🏢 Đơn vị: đã xác nhận {acked}/{total}{late} · chưa xác nhận {pending} "
        "· không liên lạc được {unreachable}"
    ),
    "status_acked_late": " (quá hạn {count})",
    "status_deadline": "⏰ Thời hạn xác nhận: {deadline}{overdue}",
    "status_overdue": " — <b>đã quá hạn</b>",
    "status_recalled": "⛔ Đã thu hồi lúc {time}.",
    "status_pending_header": "<b>Chưa xác nhận ({count}):</b>",
    "status_pending_line": "• {agency} — {contact}{level}",
    "status_phone_header": "<b>Xác nhận qua điện thoại/văn bản giấy ({count}):</b>",
    "status_phone_line": (
        "• {agency} — đã xác nhận (qua điện thoại/văn bản giấy, do {name} ghi nhận), {time}"
    ),
    "status_pick_agency": (
        "☎️ Chọn một đơn vị chưa xác nhận để xem chi tiết hoặc ghi nhận đã nhận qua điện thoại/văn "
        "bản giấy."
    ),
    # The status message: counts, then whom to call; the longer lists behind its buttons.
    "status_reports": "📝 Báo cáo kết quả: đã báo cáo {reported}/{total}{supplements}{overdue}",
    "status_supplements": " · {count} báo cáo bổ sung",
    "status_unreached": "⚠️ {count} đơn vị chưa có đầu mối trên bot",
    "status_more_waiting": "… và {count} đơn vị khác (nút “☎️ Đơn vị chưa xác nhận”)",
    "status_more_phone": "… và {count} đơn vị khác",
    "status_as_of": "🕒 Số liệu lúc {time}",
    "fig_ack_line": "📊 Đã xác nhận {acked}/{total} đơn vị ({percent} %) · trung vị {median}"
                    " · 90 % trong {p90}",
    # --- issue 13 item 3: figures over a period in /status, and /chart ---
    "fig_period_recent": "📈 <b>Số liệu {days} ngày qua</b> (không tính diễn tập)",
    "fig_period_range": "📈 <b>Số liệu từ {since} đến {until}</b> (không tính diễn tập)",
    "fig_directives": "📨 {count} văn bản · đã xác nhận {acked}/{total} lượt đơn vị"
                      " ({percent} %){times}",
    "fig_times": " · trung vị {median} · 90 % trong {p90}",
    "fig_no_directives": "📨 Không có văn bản nào được gửi trong thời gian này.",
    "fig_slowest_header": ("⏱ Đơn vị xác nhận chậm nhất (tỷ lệ xác nhận thấp nhất, rồi thời gian"
                           " lâu nhất):"),
    "fig_slowest_line": "• {agency}: {acked}/{total} văn bản ({percent} %){median}",
    "fig_slowest_median": " · trung vị {median}",
    "fig_incidents": "🚨 {count} sự cố được báo cáo",
    "fig_no_incidents": "🚨 Không có sự cố nào được báo cáo trong thời gian này.",
    "fig_take": "• Tiếp nhận: trung vị {median} · 90 % trong {p90} ({count} sự cố)",
    "fig_take_none": "• Tiếp nhận: chưa có sự cố nào được tiếp nhận",
    "fig_resolve": "• Khắc phục: trung vị {median} · 90 % trong {p90} ({count} sự cố)",
    "fig_resolve_none": "• Khắc phục: chưa có sự cố nào được khắc phục",
    "fig_bad_date": "❌ “{text}” không phải ngày hợp lệ. Vui lòng nhập theo dạng"
                    " /status 01/06/2026 30/06/2026.",
    "fig_bad_year": "❌ Năm phải từ {oldest} đến {latest}. Vui lòng nhập theo dạng"
                    " /status 01/06/2026 30/06/2026.",
    "fig_reversed": "❌ Ngày bắt đầu {since} sau ngày kết thúc {until}. Vui lòng nhập ngày"
                    " bắt đầu trước.",
    "chart_cmd": "Biểu đồ thời gian xác nhận của một văn bản",
    "chart_usage": "Vui lòng nhập số văn bản, ví dụ: /chart 1556/UBND-KGVX",
    "chart_not_found": "❌ Không tìm thấy văn bản số “{number}”.",
    "chart_nobody": "Văn bản số {number} chưa có đơn vị nào xác nhận nên chưa có số liệu để"
                    " vẽ biểu đồ. Đề nghị xem /status {number}.",
    "chart_nobody_responder": "Văn bản số {number} chưa có đơn vị nào xác nhận nên chưa có số"
                              " liệu để vẽ biểu đồ. Khi quá thời hạn xác nhận, các đơn vị chưa"
                              " xác nhận được liệt kê trong /overdue.",
    "chart_refused": "⛔ Lệnh /chart dành cho thành viên Đội ứng cứu sự cố và quản trị viên.",
    "chart_caption": "📊 Thời gian xác nhận văn bản số {number}: đã xác nhận {acked}/{total}"
                     " đơn vị.",
    # Plain text drawn in the picture (not HTML).
    "chart_title": "Văn bản số {number}: {summary}",
    "chart_drill": "DIỄN TẬP",
    "chart_axis": "Thời gian xác nhận (phút, tính từ lúc gửi)",
    "chart_legend_acked": "Đã xác nhận",
    "chart_legend_pending": "Chưa xác nhận (tính đến lúc vẽ)",
    "chart_legend_deadline": "Thời hạn xác nhận ({minutes} phút)",
    "chart_pending_tag": "chưa xác nhận",
    "chart_hidden": "… và {count} đơn vị khác xác nhận nhanh hơn (không thể hiện trên biểu đồ).",
    # --- end of issue 13 item 3 ---
    "status_refreshed": "Đã cập nhật.",
    "status_unchanged": "Chưa có thay đổi mới.",
    "button_status_unreached": "Xem {count} đơn vị chưa có đầu mối",
    "button_status_waiting": "☎️ Đơn vị chưa xác nhận ({count})",
    "button_status_reports": "Xem báo cáo kết quả ({reported}/{total})",
    "button_page_prev": "◀️ Trang trước",
    "button_page_next": "Trang tiếp ▶️",
    "sl_unreached_head": (
        "⚠️ <b>Chưa có đầu mối trên bot ({count} đơn vị)</b> — {directive}\n"
        "Đề nghị gọi điện trực tiếp cho đơn vị."
    ),
    "sl_waiting_head": "☎️ <b>Chưa xác nhận ({count} đơn vị)</b> — {directive}",
    "sl_line": "• {agency} — {contact}{level}",
    "sl_agency_phone": "ĐT đơn vị: {phone}",
    "sl_no_phone": "chưa có số điện thoại",
    "sl_pick": (
        "Chọn một đơn vị để xem chi tiết hoặc ghi nhận đã nhận qua điện thoại/văn bản giấy."
    ),
    "sl_page": "Trang {page}/{pages}",
    "sl_empty": "✅ Không còn đơn vị nào trong danh sách này.",
    "rp_head": (
        "📝 <b>Báo cáo kết quả thực hiện</b> {directive}: đã báo cáo {reported}/{total}{supplements}"
    ),
    "rp_line": "• {agency} — {name}, {time}{late}: {text}",
    "rp_supplement": "\n   ➕ Báo cáo bổ sung ({count}), gần nhất {time}",
    "rp_not_yet": "• {agency} — chưa báo cáo",
    "ph_card": "<b>{agency}</b> — {directive}\nTrạng thái: {state}\nCán bộ đầu mối: {contacts}",
    "ph_state_pending": "chưa xác nhận",
    "ph_state_acked": "đã xác nhận — {name}, {time}",
    "ph_state_phone": "đã xác nhận (qua điện thoại/văn bản giấy, do {name} ghi nhận), {time}",
    "ph_state_recalled": "văn bản đã bị thu hồi",
    "button_phone_ack": "Ghi nhận đã nhận qua điện thoại",
    "ph_btn_cancel": "Hủy",
    "ph_confirm": (
        "Đồng ý ghi nhận <b>{agency}</b> đã nhận {directive} qua điện thoại hoặc văn bản giấy? "
        "Việc ghi nhận được lưu vào nhật ký; việc nhắc hạn và đôn đốc đối với đơn vị này sẽ dừng."
    ),
    "ph_done": (
        "✅ Đã ghi nhận: {agency} đã nhận {directive} (qua điện thoại/văn bản giấy, do {name} ghi "
        "nhận). Đã dừng nhắc hạn, đôn đốc đối với đơn vị này và cập nhật các bản đã gửi cho đơn vị."
    ),
    "ph_already": "ℹ️ {agency} đã xác nhận trước đó: {state}. Không cần ghi nhận thêm.",
    "ph_cancelled": "Đã hủy; chưa ghi nhận gì.",
    "ph_refused": "⛔ Yêu cầu không hợp lệ: văn bản không được gửi tới đơn vị này.",
    "ph_recalled": "⛔ Không cần ghi nhận: {directive} đã bị thu hồi.",
    "status_level": "\n   🚨 {level}",
    "status_escalated": "🚨 Đang đôn đốc {count} đơn vị",
    "level_text": "đôn đốc lần {number}/{total}: đã báo {who}{handled}",
    "level_reminded": "đã nhắc hạn {who}{handled}",
    "level_handled": " · đã có người nhận liên hệ",
    "target_agency_liaisons": "cán bộ đầu mối",
    "target_on_duty": "cán bộ đang trực",
    "target_responders": "Đội ứng cứu sự cố",
    "target_team_lead": "Đội trưởng",
    "target_admins": "quản trị viên",
    "status_no_liaison": "chưa có cán bộ đầu mối",
    "status_contact": "{name} ({phone})",
    "status_contact_no_phone": "{name}",
    # After the liaisons the bot reaches: the agency's own phone (imported with the agency).
    "agency_phone_suffix": " · ĐT đơn vị: {phone}",
    "status_none": "Chưa có văn bản nào được gửi.",
    "status_recent_header": "<b>Văn bản gần đây</b> — chọn một văn bản để xem chi tiết:",
    "status_recent_label": "{urgency} · {number} · xác nhận {acked}/{total}",
    "status_recent_label_recalled": "⛔ {urgency} · {number} · đã thu hồi · xác nhận {acked}/{total}",
    "status_not_found": "❌ Không tìm thấy văn bản số “{number}”.",
    "directive_not_found": "❌ Không tìm thấy văn bản.",
    "pending_none": (
        "✅ Đơn vị không còn văn bản nào chưa xác nhận hoặc chưa báo cáo kết quả thực hiện."
    ),
    "pending_header": "<b>Văn bản chờ {agency} xác nhận ({number}/{count})</b>",
    "pending_line": "• {directive} V/v {summary} — thời hạn xác nhận {deadline}{overdue}",
    "pending_report_header": (
        "<b>Văn bản {agency} đã xác nhận, chưa báo cáo kết quả thực hiện ({number}/{count})</b>"
    ),
    "pending_report_line": "• {directive} V/v {summary} — thời hạn báo cáo kết quả {deadline}{overdue}",
    "pending_more": (
        "… và {count} văn bản khác. Đề nghị xử lý các văn bản trên, sau đó gửi lại /pending để "
        "xem tiếp."
    ),
    "pending_not_liaison": "⛔ Lệnh /pending dành cho cán bộ đầu mối của một đơn vị.",
    "adm_ask_deadline": (
        "⏰ Gia hạn xác nhận {directive} (thời hạn hiện tại: {deadline}): nhập thời hạn xác "
        "nhận mới (<code>17h</code>, <code>17:00 25/11</code>, <code>45 phút</code>, "
        "<code>+2h</code>) hoặc bấm một nút bên dưới; gõ /cancel hoặc bấm “Hủy” để hủy."
    ),
    "adm_ask_correction": (
        "✏️ Đính chính {directive}: nhập nội dung đính chính (sẽ gửi tới mọi người đã nhận văn "
        "bản), hoặc gõ /cancel để hủy."
    ),
    "adm_step_ask": "Nhập thời hạn mới hoặc nội dung đính chính",
    "adm_step_confirm": "Xác nhận",
    "adm_confirm_extend": (
        "Đồng ý gia hạn thời hạn xác nhận {directive} đến <b>{deadline}</b> và thông báo tới mọi "
        "người nhận?"
    ),
    "adm_confirm_correct": (
        "Đồng ý gửi nội dung đính chính sau tới mọi người nhận {directive}?\n"
        "\n"
        "{text}"
    ),
    "adm_confirm_recall": (
        "⚠️ Đồng ý <b>thu hồi</b> {directive}? Mọi người nhận sẽ được thông báo văn bản bị thu hồi "
        "và đề nghị hủy bỏ văn bản đã nhận; nút xác nhận được gỡ, việc nhắc hạn và đôn đốc dừng "
        "lại. Không thể hoàn tác."
    ),
    "adm_done_extend": (
        "✅ Đã gia hạn thời hạn xác nhận {directive} đến {deadline}; đang thông báo tới người nhận."
    ),
    "adm_done_correct": "✅ Đang gửi nội dung đính chính {directive} tới mọi người nhận.",
    "adm_done_recall": "✅ Đã thu hồi {directive}; đang thông báo tới người nhận.",
    "adm_aborted": "Đã hủy; không có thay đổi nào.",
    "adm_stale": "Nút xác nhận này thuộc một thao tác cũ; không có gì được thực hiện.",
    "adm_extend_earlier": (
        "❌ Thời hạn mới phải sau thời hạn hiện tại ({deadline}). Vui lòng nhập lại:"
    ),
    "adm_extend_after_report": (
        "❌ Thời hạn xác nhận mới ({deadline}) muộn hơn thời hạn báo cáo kết quả thực hiện "
        "({report}). Vui lòng nhập thời hạn xác nhận không muộn hơn {report}:"
    ),
    "adm_correction_invalid": "❌ Nội dung đính chính cần từ 1 đến {max_len} ký tự. Vui lòng nhập lại:",
    "button_confirm": "✅ Xác nhận",
    "button_abort": "Hủy",
    "button_extend": "⏰ Gia hạn",
    "button_correct": "✏️ Đính chính",
    "button_recall": "⛔ Thu hồi",
    "button_refresh": "🔄 Cập nhật",
    # --- general -------------------------------------------------------------------------
    "error_generic": (
        "⚠️ Có lỗi khi xử lý yêu cầu. Lỗi đã được ghi nhận; vui lòng thử lại sau "
        "ít phút.{hotline_hint}"
    ),
    "hotline_hint": " Trường hợp khẩn cấp, đề nghị gọi đường dây nóng {hotline}.",
    "flt2_busy": (
        "⏳ Hệ thống đang bận nên chưa ghi nhận được thao tác vừa rồi, vui lòng thử lại "
        "sau giây lát.{hotline_hint}"
    ),
    "unknown_command": "Không có lệnh {command}. Gõ /help để xem danh sách lệnh.",
    "button_unknown": "Nút này không còn hiệu lực. Gõ /help để xem danh sách lệnh.",
    "unexpected_message": "Tin nhắn này chưa được hỗ trợ ở đây. Gõ /help để xem danh sách lệnh.",
    "group_refused": (
        "Hệ thống chỉ làm việc qua tin nhắn riêng, để văn bản, thông tin sự cố và số điện thoại "
        "không bị chia sẻ trong nhóm, và sẽ tự rời khỏi nhóm này."
    ),
    "not_found": "❌ Không tìm thấy.",
    "invalid_input": "❌ Dữ liệu không hợp lệ.",
    # --- incidents (issue 11) ------------------------------------------------------------
    "inc_status_reported": "Mới",
    "inc_status_taken": "Đã tiếp nhận",
    "inc_status_in_progress": "Đang xử lý",
    "inc_status_resolved": "Đã khắc phục",
    "inc_status_closed": "Đã kết thúc ứng phó",
    "inc_priority_thap": "Thấp",
    "inc_priority_trung_binh": "Trung bình",
    "inc_priority_cao": "Cao",
    "inc_priority_nghiem_trong": "Nghiêm trọng",
    "inc_button_take": "Tiếp nhận",
    "inc_button_view": "Xem chi tiết",
    "inc_report_refused": (
        "❌ Chỉ cán bộ đầu mối của đơn vị, thành viên Đội ứng cứu sự cố và quản trị viên "
        "được báo cáo sự cố."
    ),
    "inc_too_many_files": "❌ Mỗi báo cáo đính kèm tối đa {max_files} tệp.",
    "inc_detected_future": (
        "❌ Thời điểm phát hiện không thể ở tương lai. Vui lòng nhập lại, ví dụ: "
        "<code>25/11/2026 14:30</code>, <code>14:30</code> hoặc <code>hôm qua 22:00</code>."
    ),
    "inc_agency_gone": "❌ Đơn vị này không còn trong danh sách. Vui lòng chọn lại đơn vị.",
    "adv2_agency_inactive": (
        "⛔ Đơn vị “{agency}” đã ngừng hoạt động trên hệ thống nên chưa gửi được báo cáo sự cố. "
        "Đề nghị liên hệ {focal_name}{focal_contact} để kích hoạt lại đơn vị; trường hợp khẩn "
        "cấp, đề nghị gọi điện trực tiếp cho Đội ứng cứu sự cố."
    ),
    "adv2_report_kept": (
        "Nội dung báo cáo đã nhập vẫn được giữ lại: khi đơn vị được kích hoạt lại, "
        "bấm “Gửi” để gửi báo cáo."
    ),
    "inc_missing": "❌ Còn thiếu “{label}”. Vui lòng bổ sung trước khi gửi.",
    "inc_bad_answer": "❌ Nội dung “{label}” không hợp lệ. Vui lòng nhập lại.",
    # --- incident views: /incidents, /incident, /myreports (issue 11, part D) ------------
    "incv_cmd_incidents": "Sự cố đang mở, theo mức ưu tiên",
    "incv_cmd_incident": "Chi tiết và diễn biến một sự cố: /incident SC-2026-007",
    "incv_cmd_myreports": "Sự cố đơn vị đã báo cáo và trạng thái",
    "incv_list_refused": (
        "⛔ Lệnh /incidents dành cho thành viên Đội ứng cứu sự cố và quản trị viên. "
        "Cán bộ đầu mối xem sự cố của đơn vị bằng lệnh /myreports."
    ),
    "incv_myreports_refused": (
        "⛔ Lệnh /myreports dành cho cán bộ đầu mối của đơn vị. "
        "Thành viên Đội ứng cứu sự cố và quản trị viên dùng lệnh /incidents."
    ),
    "incv_usage": (
        "Đề nghị ghi mã sự cố sau lệnh, ví dụ: <code>/incident SC-2026-007</code>."
    ),
    "incv_not_found": (
        "❌ Không tìm thấy sự cố “{code}”. Vui lòng kiểm tra lại mã sự cố, "
        "ví dụ: <code>SC-2026-007</code>."
    ),
    "incv_gone": "❌ Không tìm thấy sự cố này.",
    "incv_list_none": "✅ Không có sự cố nào đang mở.",
    "incv_list_header": "<b>Sự cố đang mở: {count}</b> (lúc {time})",
    "incv_list_page": "Trang {page}/{pages}",
    "incv_group": "<b>{icon} Mức ưu tiên {priority}</b>",
    "incv_line": "{code} · {agency} · {status} · {assignee} · {age}{marks}",
    "incv_nobody": "chưa có người tiếp nhận",
    "incv_mark_late": " · ⏰ báo cáo quá hạn",
    "incv_mark_confidential": " · 🔒",
    "incv_button_open": "{code} · {agency}",
    "incv_mine_none": "Đơn vị {agency} chưa báo cáo sự cố nào.",
    "incv_mine_header": "<b>Sự cố của {agency}: {count}</b>",
    "incv_mine_line": "{code} · {status} · báo cáo lúc {time}{marks}",
    "incv_title": "<b>Sự cố {code}</b>{mark}",
    "incv_status": "Trạng thái: <b>{status}</b> · Mức ưu tiên: <b>{priority}</b>",
    "incv_agency": "Đơn vị báo cáo: {agency}",
    "incv_reporter": "Người báo cáo: {name}",
    "incv_reporter_phone": "Ghi nhận qua điện thoại: {name}",
    "incv_times": "Phát hiện lúc {detected}; báo cáo lúc {reported}",
    "incv_late": "⏰ Báo cáo quá hạn: sau hơn {within} kể từ khi phát hiện.",
    "incv_confidential": (
        "🔒 Giữ bí mật: chỉ đơn vị báo cáo, Đội ứng cứu sự cố và quản trị viên xem được."
    ),
    "incv_assignee": "Người tiếp nhận: {name}",
    "incv_no_assignee": "Người tiếp nhận: chưa có",
    "incv_false_alarm": "Kết luận: không phải sự cố.",
    "incv_initial": "<b>Báo cáo ban đầu</b>",
    "incv_closing": "<b>Báo cáo kết thúc ứng phó</b>",
    "incv_answer": "<b>{label}</b>: {value}",
    "incv_timeline": "<b>Diễn biến</b>",
    "incv_event": "• {time} — {who}: {what}",
    "incv_bot": "hệ thống",
    "incv_ev_reported": "báo cáo sự cố",
    "incv_ev_reported_phone": "ghi nhận sự cố báo qua điện thoại",
    "incv_ev_taken": "tiếp nhận",
    "incv_ev_started": "bắt đầu xử lý",
    "incv_ev_released": "trả lại, lý do: “{text}”",
    "incv_ev_reassigned": "giao xử lý cho {name}",
    "incv_ev_reassigned_plain": "giao người khác",
    "incv_ev_resolved": "đã khắc phục, gửi báo cáo kết thúc ứng phó",
    "incv_ev_reopened": "mở lại, lý do: “{text}”",
    "incv_ev_closed": "kết thúc ứng phó",
    "incv_ev_false_alarm": "kết thúc ứng phó: không phải sự cố, lý do: “{text}”",
    "incv_ev_false_alarm_plain": "kết thúc ứng phó: không phải sự cố",
    "incv_ev_progress": "báo cáo diễn biến: “{text}”",
    "incv_ev_progress_plain": "báo cáo diễn biến",
    "incv_ev_priority": "đổi mức ưu tiên từ {old} thành {new}",
    "incv_ev_priority_plain": "đổi mức ưu tiên",
    "incv_ev_escalated": "đôn đốc",
    "incv_ev_escalated_round": "đôn đốc (lần {number}/{total}): {who}",
    "incv_ev_no_progress": "nhắc: chưa có diễn biến mới ({who})",
    "incv_ev_with_files": " (kèm {count} tệp)",
    "incv_button_files": "Tệp đính kèm ({count})",
    "incv_files_none": "Sự cố {code} không có tệp đính kèm.",
    "incv_files_header": "Tệp đính kèm của sự cố {code}: {count} tệp.",
    "incv_move_take": "Tiếp nhận",
    "incv_move_start": "Bắt đầu xử lý",
    "incv_move_release": "Trả lại",
    "incv_move_reassign": "Giao người khác",
    "incv_move_resolve": "Đã khắc phục",
    "incv_move_reopen": "Mở lại",
    "incv_move_close": "Kết thúc ứng phó",
    "incv_move_false_alarm": "Không phải sự cố",
    "incv_move_priority": "Đổi mức ưu tiên",
    "incv_move_progress": "Báo cáo diễn biến",
    # --- incidents: the lifecycle moves, progress and closing reports (part C) ----------
    "inl_conv": "cập nhật sự cố",
    "inl_step_reason": "Lý do",
    "inl_step_closing": "Báo cáo kết thúc ứng phó",
    "inl_step_summary": "Xem lại báo cáo kết thúc ứng phó",
    "inl_step_progress": "Báo cáo diễn biến",
    "inl_step_pick": "Chọn người tiếp nhận",
    "inl_step_confirm": "Xác nhận",
    "inl_btn_send": "Gửi",
    "inl_btn_cancel": "Hủy",
    "inl_btn_skip": "Bỏ qua",
    "inl_btn_confirm": "✅ Xác nhận",
    "inl_cancelled": "Đã hủy; sự cố không thay đổi.",
    "inl_old_button": "Nút này thuộc một bước đã qua.",
    "inl_refused": "⛔ Anh/Chị không có quyền thực hiện thao tác này đối với sự cố.",
    "inl_refused_now": (
        "⛔ Anh/Chị không có quyền thực hiện thao tác này đối với sự cố {code} (hiện ở trạng "
        "thái “{status}”)."
    ),
    "inl_stale": (
        "ℹ️ Sự cố {code} hiện ở trạng thái “{status}”; thao tác này không còn thực hiện được."
    ),
    "inl_not_responder": (
        "❌ Người được chọn không còn là thành viên Đội ứng cứu sự cố. Vui lòng chọn người khác."
    ),
    "inl_same_assignee": "❌ {name} đang xử lý sự cố này. Vui lòng chọn người khác.",
    "inl_reason_empty": "❌ Chưa có lý do. Vui lòng nhập lý do bằng chữ.",
    "inl_reason_too_long": (
        "❌ Lý do quá dài (tối đa {max_len} ký tự). Vui lòng nhập ngắn gọn hơn."
    ),
    "inl_closing_missing": "❌ Còn thiếu “{label}”. Vui lòng bổ sung.",
    "inl_answer_empty": "❌ “{label}” là nội dung bắt buộc. Vui lòng nhập nội dung.",
    "inl_answer_too_long": (
        "❌ Nội dung “{label}” quá dài (tối đa {max_len} ký tự). Vui lòng nhập ngắn gọn hơn."
    ),
    "inl_progress_empty": (
        "❌ Báo cáo diễn biến chưa có nội dung. Vui lòng nhập nội dung hoặc gửi tệp."
    ),
    "inl_progress_too_long": (
        "❌ Báo cáo diễn biến tối đa {max_len} ký tự. Vui lòng rút gọn, hoặc gửi kèm tệp."
    ),
    "inl_progress_too_many_files": "❌ Mỗi báo cáo diễn biến có tối đa {max_files} tệp.",
    "inl_ask_reason_release": (
        "↩️ Trả lại sự cố <b>{code}</b>: sự cố trở về trạng thái “Mới” để tiếp nhận lại.\n"
        "Đề nghị nhập lý do (tối đa {max_len} ký tự), hoặc bấm “Hủy”."
    ),
    "inl_ask_reason_reopen": (
        "🔁 Mở lại sự cố <b>{code}</b>: sự cố trở về trạng thái “Đang xử lý”.\n"
        "Đề nghị nhập lý do (tối đa {max_len} ký tự), hoặc bấm “Hủy”."
    ),
    "inl_ask_reason_false_alarm": (
        "🏁 Xác định <b>{code}</b> không phải sự cố: kết thúc ứng phó.\n"
        "Đề nghị nhập lý do (tối đa {max_len} ký tự), hoặc bấm “Hủy”."
    ),
    "inl_ask_closing": (
        "📋 <b>Báo cáo kết thúc ứng phó</b> sự cố <b>{code}</b> ({index}/{total})\n\n"
        "Đề nghị nhập <b>{label}</b>{optional}.{help}"
    ),
    "inl_optional": " (không bắt buộc; có thể bấm “Bỏ qua”)",
    "inl_closing_summary": (
        "📋 <b>Báo cáo kết thúc ứng phó</b> sự cố <b>{code}</b>\n\n{lines}\n\n"
        "Bấm “Gửi” để chuyển sự cố sang trạng thái “Đã khắc phục”, hoặc “Hủy”."
    ),
    "inl_ask_progress": (
        "📝 <b>Báo cáo diễn biến</b> sự cố <b>{code}</b>\n"
        "Đề nghị nhập nội dung và/hoặc gửi tệp (ảnh, nhật ký, tài liệu), sau đó bấm “Gửi”."
    ),
    "inl_progress_got": (
        "✅ Đã ghi nhận ({chars} ký tự, {files} tệp), chưa gửi. Gửi thêm, hoặc bấm “Gửi” để gửi "
        "báo cáo diễn biến."
    ),
    "inl_ask_assignee": "👤 Giao sự cố <b>{code}</b> cho thành viên Đội ứng cứu sự cố nào?",
    "inl_lead_mark": " (Đội trưởng)",
    "inl_no_responders": "ℹ️ Không có thành viên Đội ứng cứu sự cố nào khác để giao.",
    "inl_confirm_reassign": "Xác nhận giao sự cố <b>{code}</b> cho <b>{name}</b> xử lý?",
    "inl_confirm_close": (
        "Xác nhận kết thúc ứng phó sự cố <b>{code}</b> (trạng thái “Đã kết thúc ứng phó”)? "
        "Sau khi kết thúc, sự cố không thể mở lại."
    ),
    "inl_confirm_false_alarm": (
        "Xác nhận <b>{code}</b> không phải sự cố và kết thúc ứng phó?\nLý do: {reason}\n"
        "Sau khi kết thúc, sự cố không thể mở lại."
    ),
    "inl_done": "✅ Sự cố <b>{code}</b>: “{before}” → “{status}” ({by}).",
    "inl_done_reassign": (
        "✅ Sự cố <b>{code}</b> đã được giao cho {assignee}; trạng thái “{status}” ({by})."
    ),
    "inl_done_progress": "✅ Đã gửi báo cáo diễn biến sự cố <b>{code}</b> ({files} tệp).",
    # What the reporter side is told of each change.
    "inl_note_start": (
        "🔧 Sự cố <b>{code}</b> ({agency}) chuyển sang trạng thái “Đang xử lý”.\n"
        "Người tiếp nhận: {by}, lúc {at}."
    ),
    "inl_note_release": (
        "↩️ Sự cố <b>{code}</b> ({agency}) trở về trạng thái “Mới”, chờ tiếp nhận lại: {by} "
        "trả lại lúc {at}.\nLý do: {reason}"
    ),
    "inl_note_reassign": (
        "👤 Sự cố <b>{code}</b> ({agency}) được giao cho {assignee} xử lý ({by} phân công lúc "
        "{at}); trạng thái “{status}”."
    ),
    "inl_note_resolve": (
        "✅ Sự cố <b>{code}</b> ({agency}) chuyển sang trạng thái “Đã khắc phục” ({by}, lúc "
        "{at}).\n\n<b>Báo cáo kết thúc ứng phó</b>\n{closing}"
    ),
    "inl_note_reopen": (
        "🔁 Sự cố <b>{code}</b> ({agency}) được mở lại, trở về trạng thái “Đang xử lý” ({by}, "
        "lúc {at}).\nLý do: {reason}"
    ),
    "inl_note_close": (
        "🏁 Sự cố <b>{code}</b> ({agency}) chuyển sang trạng thái “Đã kết thúc ứng phó” ({by}, "
        "lúc {at})."
    ),
    "inl_note_false_alarm": (
        "🏁 Sự cố <b>{code}</b> ({agency}) được xác định không phải sự cố; trạng thái “Đã kết "
        "thúc ứng phó” ({by}, lúc {at}).\nLý do: {reason}"
    ),
    # What the team is told.
    "inl_assigned_you": (
        "📌 Anh/Chị được giao xử lý sự cố <b>{code}</b> ({agency}); {by} phân công lúc {at}. "
        "Trạng thái: “{status}”."
    ),
    "inl_unassigned_release": (
        "ℹ️ Sự cố <b>{code}</b> ({agency}) không còn do Anh/Chị xử lý: {by} trả sự cố về "
        "trạng thái “Mới” lúc {at}.\nLý do: {reason}"
    ),
    "inl_unassigned_reassign": (
        "ℹ️ Sự cố <b>{code}</b> ({agency}) không còn do Anh/Chị xử lý: {by} giao cho "
        "{assignee} lúc {at}."
    ),
    "inl_team_resolve": (
        "✅ Sự cố <b>{code}</b> ({agency}) đã được {by} khắc phục lúc {at}; trạng thái “Đã "
        "khắc phục”.\n\n<b>Báo cáo kết thúc ứng phó</b>\n{closing}\n\n"
        "Đề nghị Đội trưởng hoặc quản trị viên xem xét, kết thúc ứng phó sự cố."
    ),
    "inl_team_reopen": (
        "🔁 Sự cố <b>{code}</b> ({agency}) được {by} mở lại lúc {at}; trạng thái “Đang xử "
        "lý”.\nLý do: {reason}"
    ),
    "inl_team_close": (
        "🏁 Sự cố <b>{code}</b> ({agency}): {by} kết thúc ứng phó lúc {at}."
    ),
    "inl_team_false_alarm": (
        "🏁 Sự cố <b>{code}</b> ({agency}): {by} xác định không phải sự cố, kết thúc ứng phó "
        "lúc {at}.\nLý do: {reason}"
    ),
    "inl_progress": (
        "📝 <b>Báo cáo diễn biến</b> sự cố <b>{code}</b> ({agency}) — {by}, lúc {at}; trạng "
        "thái “{status}”.\n\n{text}{files}"
    ),
    "inl_progress_no_text": "(không có nội dung chữ; xem tệp đính kèm)",
    "inl_progress_files": "\n📎 Kèm {count} tệp.",
    "inl_progress_caption": "{code} — báo cáo diễn biến",
    "inl_step_priority": "Chọn mức ưu tiên",
    "inl_unsent": "{what} chưa gửi. Đề nghị bấm “Gửi” để gửi hoặc “Hủy” để bỏ trước khi làm thao tác khác.",
    "inl_unsent_progress": "Báo cáo diễn biến sự cố {code}",
    "inl_unsent_resolve": "Báo cáo kết thúc ứng phó sự cố {code}",
    "inl_unsent_move": "Nội dung đang nhập cho sự cố {code}",
    "inl_ask_priority": (
        "Chọn mức ưu tiên mới cho sự cố <b>{code}</b> (hiện tại: {current}). Việc đôn "
        "đốc tiếp nhận sẽ được lập lại theo mức mới."
    ),
    "inl_confirm_priority": (
        "Đổi mức ưu tiên của sự cố <b>{code}</b> từ “{old}” thành “{new}”? Bấm "
        "“✅ Xác nhận” để thực hiện."
    ),
    "inl_done_priority": (
        "✅ Đã đổi mức ưu tiên của sự cố <b>{code}</b>: “{old}” → “{new}”."
    ),
    "inl_priority_same": "Mức ưu tiên của sự cố <b>{code}</b> vẫn là “{priority}”.",
    # --- incidents: notification, «Tiếp nhận», escalations (part A) ----------------------
    "inc_n_report_head": "🚨 <b>Báo cáo ban đầu sự cố {code}</b>{secret}",
    "inc_n_secret": " 🔒 <b>Giữ bí mật</b>",
    "inc_n_priority": "Mức ưu tiên: <b>{priority}</b>",
    "inc_n_agency": "Đơn vị báo cáo: <b>{agency}</b>",
    "inc_n_reporter": "Người báo cáo: {name}{phone}",
    "inc_n_reporter_call": "Người báo cáo: {name}{phone} — qua điện thoại, do {logger} ghi nhận",
    "inc_n_phone": " ({phone})",
    "inc_n_reported_at": "Thời điểm báo cáo: {time}",
    "inc_n_late": "⚠️ <b>Báo cáo sau thời hạn {within} kể từ khi phát hiện.</b>",
    "inc_n_files": "📎 {count} tệp đính kèm, gửi ngay sau tin nhắn này.",
    "inc_n_file_caption": "{code} — tệp {number}/{total}{name}",
    "inc_n_taken_line": "✅ <b>Đã được {name} tiếp nhận lúc {time}.</b>",
    "inc_n_digest_head": (
        "🚨 <b>{title}</b> tiếp nhận sự cố {code}{secret}\n"
        "Mức ưu tiên: <b>{priority}</b> · {agency}\n"
        "Báo cáo lúc {reported} ({age} trước): <b>chưa có ai tiếp nhận</b>."
    ),
    "inc_n_digest_taken_head": (
        "🚨 <b>{title}</b> tiếp nhận sự cố {code}{secret}\n"
        "Mức ưu tiên: <b>{priority}</b> · {agency}\n"
        "Báo cáo lúc {reported}."
    ),
    "inc_n_callers": "☎️ Liên hệ đơn vị: {people}{phone}",
    "inc_n_no_callers": "☎️ Chưa có số điện thoại người báo cáo{phone}",
    "inc_n_stale_head": (
        "⏰ <b>{title}</b> cập nhật diễn biến sự cố {code}{secret}\n"
        "Mức ưu tiên: <b>{priority}</b> · {agency} · {status}\n"
        "Người tiếp nhận: {assignee} — chưa có báo cáo diễn biến từ {since} ({age}).\n"
        "{ask}"
    ),
    "inc_n_stale_ask": "Đề nghị gửi báo cáo diễn biến xử lý sự cố.",
    "inc_n_stale_ask_left": (
        "Đề nghị giao sự cố cho người khác (“Giao người khác” trong "
        "<code>/incident {code}</code>)."
    ),
    "inc_n_assignee_left": " (tài khoản đã ngừng hoạt động)",
    "inc_n_taken": "Đã ghi nhận: Anh/Chị tiếp nhận sự cố {code} lúc {time}.",
    "inc_n_already": "Sự cố {code} đã được {name} tiếp nhận lúc {time}.",
    "inc_n_already_self": "Anh/Chị đã tiếp nhận sự cố {code} lúc {time}.",
    "inc_n_take_closed": "Sự cố {code} không còn chờ tiếp nhận (trạng thái: {status}).",
    "inc_n_take_refused": "⛔ Chỉ thành viên Đội ứng cứu sự cố được tiếp nhận sự cố.",
    "inc_n_reporter_taken": (
        "✅ <b>Sự cố {code} đã được tiếp nhận</b> lúc {time}.\n"
        "Người tiếp nhận: <b>{name}</b>{phone}, Đội ứng cứu sự cố."
    ),
    "inc_n_priority_refused": (
        "⛔ Chỉ thành viên Đội ứng cứu sự cố và quản trị viên được đổi mức ưu tiên."
    ),
    "inc_n_priority_closed": "Sự cố {code} đã kết thúc ứng phó: không đổi mức ưu tiên được.",
    "target_assignee": "người tiếp nhận sự cố",
    # --- /report: the initial report conversation (part B) ------------------------------
    "ir_cmd_report": "Báo cáo sự cố",
    "ir_btn_report": "🚨 Báo cáo sự cố",
    "ir_conv_title": "báo cáo sự cố (/report)",
    "ir_step_agency": "chọn đơn vị báo cáo",
    "ir_step_prefill": "xác nhận thông tin đơn vị báo cáo",
    "ir_step_ask": "trả lời câu hỏi đang dở",
    "ir_step_details": "thông tin bổ sung về hệ thống",
    "ir_step_summary": "kiểm tra và gửi báo cáo",
    "wk_report_resumed": (
        "↩️ Đang có báo cáo sự cố dở dang; các nội dung đã nhập được giữ nguyên. Tiếp tục từ "
        "câu hỏi dưới đây, hoặc gõ /cancel để hủy báo cáo này và bắt đầu lại."
    ),
    "ir_cancelled": "Đã hủy báo cáo sự cố. Không có thông tin nào được gửi đi.",
    "ir_ask_agency": (
        "🚨 <b>Báo cáo sự cố tiếp nhận qua điện thoại, thư điện tử</b>\n"
        "Đề nghị chọn đơn vị đã báo sự cố, hoặc gõ một phần tên đơn vị để tìm.{filter}"
    ),
    "ir_agency_picked": "Đơn vị báo cáo: <b>{agency}</b>.",
    "ir_prefill": (
        "🚨 <b>Báo cáo sự cố</b>\nĐề nghị kiểm tra thông tin đơn vị báo cáo và người liên hệ:"
        "\n\n{lines}\n\nBấm “Đúng” nếu thông tin chính xác, “Sửa” để thay đổi một mục."
    ),
    "ir_pick_field": "Đề nghị chọn mục cần sửa:",
    "ir_btn_ok": "Đúng",
    "ir_btn_fix": "Sửa",
    "ir_btn_send": "Gửi",
    "ir_btn_edit": "Sửa",
    "ir_btn_cancel": "Hủy",
    "ir_btn_skip": "Bỏ qua",
    "ir_btn_done": "Xong",
    "ir_btn_more": "Thêm chi tiết",
    "ir_btn_now": "Vừa xong",
    "ir_btn_h1": "1 giờ trước",
    "ir_btn_yes": "Có",
    "ir_btn_no": "Không",
    "ir_ask": "<i>{group}</i>\n❓ <b>{label}</b>{optional}{help}\n{hint}",
    "ir_optional": " (không bắt buộc)",
    "ir_hint_text": "Vui lòng nhập nội dung (tối đa {max_len} ký tự).",
    "ir_hint_text_optional": (
        "Vui lòng nhập nội dung (tối đa {max_len} ký tự), hoặc bấm “Bỏ qua”."
    ),
    "ir_hint_choice": "Vui lòng chọn bằng nút bên dưới.",
    "ir_hint_datetime": (
        "Vui lòng nhập ngày, giờ phát hiện (ví dụ: <code>25/11/2026 14:30</code>, "
        "<code>14:30</code> hoặc <code>hôm qua 22:00</code>), hoặc bấm “Vừa xong”, "
        "“1 giờ trước”."
    ),
    "ir_hint_files": (
        "Vui lòng gửi ảnh hoặc tệp (có thể gửi nhiều tệp, tối đa {max_files} tệp); bấm “Xong” "
        "khi đã gửi đủ, hoặc khi không có tệp đính kèm."
    ),
    "ir_empty": "❌ “{label}” không được để trống. Vui lòng nhập nội dung.",
    "ir_empty_optional": (
        "❌ Nội dung trống không được ghi nhận. Vui lòng nhập nội dung, hoặc bấm “Bỏ qua”."
    ),
    "ir_too_long": (
        "❌ Nội dung quá dài ({length} ký tự): “{label}” tối đa {max_len} ký tự. "
        "Vui lòng rút gọn và gửi lại."
    ),
    "ir_required": "❌ “{label}” là mục bắt buộc, không thể bỏ qua. Vui lòng trả lời.",
    "ir_expect_button": "❌ Vui lòng chọn bằng nút bên dưới.",
    "ir_expect_text": "❌ Vui lòng trả lời bằng tin nhắn văn bản.",
    "ir_expect_file": "❌ Vui lòng gửi ảnh hoặc tệp, hoặc bấm “Xong”.",
    "ir_expect_other": (
        "❌ Nội dung này không được ghi nhận (chỉ nhận văn bản, ảnh hoặc tệp). "
        "Vui lòng trả lời câu hỏi dưới đây."
    ),
    "ir_stale": "Nút này thuộc một bước đã qua; không có gì thay đổi.",
    "ir_detected_invalid": (
        "❌ Không đọc được thời điểm “{text}”. Vui lòng nhập lại, ví dụ: "
        "<code>25/11/2026 14:30</code>, <code>14:30</code> (hôm nay) hoặc "
        "<code>hôm qua 22:00</code>."
    ),
    "ir_detected_set": "Thời điểm phát hiện: <b>{when}</b>.",
    "ir_late_note": (
        "ℹ️ Sự cố được phát hiện đã quá thời hạn báo cáo ({within} kể từ khi phát hiện). "
        "Báo cáo vẫn được tiếp nhận và được ghi nhận là báo cáo quá hạn."
    ),
    "ir_files_got": "📎 Đã nhận {count} tệp. Gửi thêm, hoặc bấm “Xong” khi đã gửi đủ.",
    "ir_details_ask": (
        "<i>{title}</i>\nCó thể bổ sung: {fields}.\n"
        "Bấm “Thêm chi tiết” để điền, hoặc “Bỏ qua” để tiếp tục."
    ),
    "ir_summary_head": "📋 <b>Báo cáo sự cố — đề nghị kiểm tra trước khi gửi</b>",
    "ir_summary_foot": (
        "<b>Tệp đính kèm</b>: {files}\n<b>Mức ưu tiên</b> (xác định theo thông tin báo cáo): "
        "{priority}{late}\n\nBấm “Gửi” để gửi báo cáo, “Sửa” để thay đổi một mục, "
        "“Hủy” để hủy báo cáo."
    ),
    "ir_summary_files": "{count} tệp",
    "ir_summary_no_files": "không có",
    "ir_summary_late": "\n⚠️ Báo cáo quá hạn ({within} kể từ khi phát hiện).",
    "ir_sent": (
        "✅ Đã gửi báo cáo sự cố <code>{code}</code> (mức ưu tiên: {priority}).{late}\n"
        "Đội ứng cứu sự cố sẽ tiếp nhận và xử lý; mọi thay đổi về tình trạng xử lý sự cố "
        "sẽ được thông báo tại đây."
    ),
    "ir_sent_late": "\nBáo cáo được ghi nhận là báo cáo quá hạn.",
    # --- the daily database backup (issue 12, part F6): to the super-admins -----------------
    "bk_failed": (
        "⚠️ <b>Sao lưu cơ sở dữ liệu hằng ngày không thực hiện được</b> (lúc {at}).\n"
        "Chi tiết: <code>{reason}</code>\n"
        "Bản sao lưu gần nhất: <code>{last}</code>.\n\n"
        "Hệ thống vẫn hoạt động bình thường và sẽ tự thử lại sau {retry} phút. Đề nghị quản "
        "trị viên kiểm tra thư mục sao lưu (HOATOC_BACKUP_DIR: <code>{folder}</code>): quyền "
        "ghi và dung lượng ổ đĩa."
    ),
    "bk_failed_first": (
        "⚠️ <b>Sao lưu cơ sở dữ liệu hằng ngày không thực hiện được</b> (lúc {at}).\n"
        "Chi tiết: <code>{reason}</code>\n"
        "Chưa có bản sao lưu nào.\n\n"
        "Hệ thống vẫn hoạt động bình thường và sẽ tự thử lại sau {retry} phút. Đề nghị quản "
        "trị viên kiểm tra thư mục sao lưu (HOATOC_BACKUP_DIR: <code>{folder}</code>): quyền "
        "ghi và dung lượng ổ đĩa."
    ),
    "bk_recovered": (
        "✅ Sao lưu cơ sở dữ liệu hằng ngày đã thực hiện lại được (lúc {at}): "
        "<code>{file}</code>."
    ),
    # --- the half-year / annual incident summary reminder (bot/services/summary_reminders.py)
    "sum_reminder_h1": (
        "📅 <b>Nhắc việc: báo cáo tổng hợp sự cố 6 tháng đầu năm {year}</b> (Mẫu 05)\n"
        "Kỳ báo cáo: từ ngày {start} đến ngày {end}.\n"
        "Hạn gửi báo cáo: trước ngày {due}.\n"
        "Số sự cố đã được báo cáo trong kỳ (tính đến {now}): <b>{count}</b>.\n\n"
        "Để lập báo cáo, đề nghị gửi lệnh <code>/summary {year}H1</code>: hệ thống gửi tệp "
        "Excel theo mẫu báo cáo tổng hợp (số liệu tạm tính khi kỳ báo cáo chưa kết thúc). "
        "Trường hợp cần hướng dẫn, đề nghị liên hệ {focal_name}."
    ),
    "sum_reminder_year": (
        "📅 <b>Nhắc việc: báo cáo tổng hợp sự cố năm {year}</b> (Mẫu 05)\n"
        "Kỳ báo cáo: từ ngày {start} đến ngày {end}.\n"
        "Hạn gửi báo cáo: trước ngày {due}.\n"
        "Số sự cố đã được báo cáo trong kỳ (tính đến {now}): <b>{count}</b>.\n\n"
        "Để lập báo cáo, đề nghị gửi lệnh <code>/summary {year}</code>: hệ thống gửi tệp "
        "Excel theo mẫu báo cáo tổng hợp (số liệu tạm tính khi kỳ báo cáo chưa kết thúc). "
        "Trường hợp cần hướng dẫn, đề nghị liên hệ {focal_name}."
    ),
    # --- /summary: the half-year / annual incident summary (bot/services/summaries.py) ----
    "sum_cmd": "Báo cáo tổng hợp sự cố (Mẫu 05)",
    "sum_usage": (
        "❌ Kỳ báo cáo chưa đúng. Cú pháp:\n"
        "• <code>/summary</code> — 6 tháng hiện tại, tính đến nay\n"
        "• <code>/summary 2026H1</code> — 6 tháng đầu năm (01/01–30/06/2026)\n"
        "• <code>/summary 2026H2</code> — 6 tháng cuối năm (01/07–31/12/2026)\n"
        "• <code>/summary 2026</code> — cả năm 2026\n"
        "• <code>/summary 01/01/2026 15/06/2026</code> — từ ngày đến ngày (tính cả hai ngày)"
    ),
    "sum_bad_year": (
        "❌ Năm phải từ {oldest} đến {latest}.\n\n"
        "Ví dụ: <code>/summary {latest}H1</code>, <code>/summary {latest}</code>, "
        "<code>/summary 01/01/{latest} 15/06/{latest}</code>."
    ),
    "sum_bad_date": (
        "❌ Ngày “{text}” không có trong lịch. Vui lòng nhập ngày theo dạng dd/mm/yyyy, "
        "ví dụ: <code>/summary 01/01/2026 15/06/2026</code>."
    ),
    "sum_bad_reversed": (
        "❌ Ngày bắt đầu ({start}) sau ngày kết thúc ({end}). Vui lòng nhập ngày bắt đầu "
        "trước, ví dụ: <code>/summary 01/01/2026 15/06/2026</code>."
    ),
    "sum_not_started": (
        "❌ Kỳ báo cáo bắt đầu từ ngày {start}, chưa đến. Vui lòng chọn kỳ đã bắt đầu, ví dụ: "
        "<code>/summary</code> (6 tháng hiện tại)."
    ),
    "sum_send_failed": (
        "❌ Đã lập tệp báo cáo tổng hợp từ ngày {start} đến ngày {end} nhưng chưa gửi được qua "
        "Telegram (lỗi đã được ghi nhận). Đề nghị gửi lại lệnh /summary sau ít phút."
    ),
    "sum_failed": (
        "❌ Không lập được tệp báo cáo tổng hợp do lỗi hệ thống (đã ghi nhận). Vui lòng thử "
        "lại sau ít phút; nếu vẫn lỗi, đề nghị liên hệ quản trị viên hệ thống."
    ),
    "sum_caption": (
        "📊 Báo cáo tổng hợp sự cố từ ngày {start} đến ngày {end}: <b>{total}</b> sự cố "
        "(đã xử lý {handled}, chưa xử lý {unhandled}){false_alarms}.{provisional}"
    ),
    "sum_caption_false_alarms": "; không tính {count} báo cáo không phải sự cố",
    "sum_caption_provisional": "\n⚠️ Số liệu tạm tính, kỳ báo cáo chưa kết thúc.",
    # The workbook (plain text: label(), not t()).
    "sum_file_provisional": (
        "Số liệu tạm tính đến {time} ngày {date}; kỳ báo cáo chưa kết thúc."
    ),
    "sum_file_title": "BÁO CÁO TỔNG HỢP TÌNH HÌNH SỰ CỐ AN TOÀN THÔNG TIN MẠNG",
    "sum_file_period": "Kỳ báo cáo: từ ngày {start} đến ngày {end}",
    "sum_file_made": "Đơn vị lập: {team}; lập lúc {time} ngày {date}",
    "sum_file_note": (
        "Ghi chú: tính các sự cố được báo cáo trong kỳ (theo thời điểm báo cáo), kể cả sự cố "
        "mật (chỉ thống kê số lượng); không tính {false_alarms} báo cáo đã xác định không "
        "phải sự cố. “Đã xử lý”: đã khắc phục hoặc đã kết thúc ứng phó tại thời điểm lập "
        "báo cáo."
    ),
    "sum_sheet_category": "Theo loại sự cố",
    "sum_sheet_agency": "Theo đơn vị",
    "sum_table_category": "I. SỐ LƯỢNG SỰ CỐ THEO LOẠI",
    "sum_table_agency": "II. SỐ LƯỢNG SỰ CỐ THEO ĐƠN VỊ",
    "sum_col_no": "STT",
    "sum_col_category": "Loại sự cố",
    "sum_col_count": "Số lượng",
    "sum_col_handled": "Đã xử lý",
    "sum_col_unhandled": "Chưa xử lý",
    "sum_col_agency": "Đơn vị",
    "sum_col_total": "Tổng số",
    "sum_total": "Tổng cộng",
    "sum_unlisted": "Chưa phân loại (loại không còn trong danh mục)",
    # --- make demo (bot/demo.py): the transcript's own words, plain text on a terminal --------
    "demo_intro": (
        "Chạy thử (make demo): bot thật, Telegram giả lập trên máy này (127.0.0.1), "
        "không cần token, không cần mạng.\nDữ liệu: examples/province.yaml (tên người, số điện "
        "thoại là giả định). Đồng hồ được tua nhanh: mỗi phút trong kịch bản chỉ mất một phần "
        "giây.\nKý hiệu: 👤 người dùng gửi hoặc bấm; 🤖 bot gửi; ✏️ bot sửa tin nhắn đã gửi; 💬 "
        "thông báo nhanh khi bấm nút; [Nút] nút bấm dưới tin nhắn."
    ),
    "demo_seeded": (
        "Đã nhập {agencies} đơn vị, {groups} nhóm, {people} cán bộ từ tệp mẫu; thêm {added} cán "
        "bộ đầu mối giả định cho các đơn vị chưa có, để mọi đơn vị đều nhận được văn bản."
    ),
    "demo_scene_broadcast": "16:30 — Quản trị viên soạn văn bản HỎA TỐC gửi tất cả các đơn vị",
    "demo_scene_delivered": "Văn bản đến cán bộ đầu mối của từng đơn vị",
    "demo_scene_acks": "Các đơn vị xác nhận đã nhận văn bản; hai đơn vị chưa xác nhận",
    "demo_scene_reminder": "16:45 — Nhắc hạn: còn 15 phút, bot nhắc các đơn vị chưa xác nhận",
    "demo_scene_deadline": "17:00 — Quá hạn: bot báo cán bộ đang trực của Đội ứng cứu sự cố",
    "demo_scene_late_acks": "Cán bộ trực gọi điện; hai đơn vị xác nhận (quá hạn)",
    "demo_scene_report": "17:20 — Cán bộ đầu mối báo cáo sự cố mã hóa dữ liệu (ransomware)",
    "demo_scene_handled": "Đội ứng cứu sự cố tiếp nhận, xử lý và kết thúc ứng phó sự cố {code}",
    "demo_scene_figures": "Kết quả",
    "demo_role_admin": "quản trị viên",
    "demo_role_lead": "Đội trưởng Đội ứng cứu sự cố",
    "demo_role_responder": "thành viên Đội ứng cứu sự cố",
    "demo_role_on_duty": "thành viên Đội ứng cứu sự cố, đang trực",
    "demo_role_liaison": "cán bộ đầu mối, {agency}",
    "demo_writes": "gửi: “{text}”",
    "demo_sends_photo": "gửi ảnh chụp màn hình, chú thích: “{caption}”",
    "demo_presses": "bấm [{button}]",
    "demo_answer": "Thông báo nhanh: {text}",
    "demo_photo": "ảnh",
    "demo_others": "{n} người khác",
    "demo_edited": "tin nhắn gửi lúc {at} được sửa thành:",
    "demo_added": "tin nhắn gửi lúc {at} được bổ sung:",
    "demo_same_as": "(cùng nội dung tin nhắn gửi {who} lúc {at})",
    "demo_new_buttons": "các nút bấm của tin nhắn gửi lúc {at} đổi thành:",
    "demo_acked_batch": "{n} đơn vị bấm “✅ Đã nhận văn bản”: {names} và {more} đơn vị khác",
    "demo_fig_directive": (
        "📄 Văn bản {number} (HỎA TỐC)\n"
        "   • Gửi: {agencies} đơn vị, {sent}/{copies} bản đã đến cán bộ đầu mối\n"
        "   • Xác nhận: {acked}/{agencies} đơn vị, trong đó {late} đơn vị quá hạn\n"
        "   • Nhắc hạn, đôn đốc: {rounds} lượt"
    ),
    "demo_fig_incident": (
        "🚨 Sự cố {code}\n"
        "   • Báo cáo {reported} → tiếp nhận {taken} → bắt đầu xử lý {started} → đã khắc phục "
        "{resolved} → kết thúc ứng phó {closed}"
    ),
    "demo_failed": "Chạy thử dừng giữa chừng (bot không trả lời như kịch bản)",
    "demo_done": "Chạy thử kết thúc sau {seconds} giây. Cơ sở dữ liệu tạm đã được xóa.",
    # --- r6: make demo stopped by Ctrl+C or `kill` --------------------------------------------
    "adv3_demo_interrupted": (
        "Chạy thử đã bị dừng giữa chừng ({signal}). Cơ sở dữ liệu tạm đã được xóa."
    ),
    # --- i13: /audit, the latest audited actions ----------------------------------------
    "aud_cmd_audit": "Nhật ký thao tác gần nhất",
    "aud_usage": (
        "Cú pháp: /audit [số dòng] — số dòng từ 1 đến 200, mặc định 20. "
        "Ví dụ: <code>/audit 50</code>."
    ),
    "aud_empty": "Nhật ký thao tác chưa có mục nào.",
    "aud_header": "<b>Nhật ký thao tác</b> — {count} mục gần nhất, mới nhất trước:",
    "aud_line": "{at} · {who} · {what}{subject}",
    "aud_system": "Hệ thống",
    "aud_who_name": "{name}",
    "aud_who_id": "mã Telegram <code>{user_id}</code>",
    "aud_subject": " — {subject}",
    "aud_act_unknown": "<code>{action}</code>",
    "aud_act_access_denied": "Từ chối truy cập",
    "aud_act_access_flood": "Chặn gửi dồn dập",
    "aud_act_ack_phone_refused": "Từ chối xác nhận qua điện thoại",
    "aud_act_ack_recorded": "Ghi nhận đã nhận văn bản",
    "aud_act_ack_refused": "Từ chối xác nhận đã nhận",
    "aud_act_agency_unreachable": "Đơn vị không liên lạc được",
    "aud_act_directive_corrected": "Đính chính văn bản",
    "aud_act_directive_extended": "Gia hạn xác nhận văn bản",
    "aud_act_directive_late_delivery": "Gửi bổ sung văn bản",
    "aud_act_directive_recalled": "Thu hồi văn bản",
    "aud_act_directive_sent": "Gửi văn bản chỉ đạo",
    "aud_act_duty_assigned": "Phân công trực",
    "aud_act_duty_refused": "Từ chối thao tác lịch trực",
    "aud_act_duty_swapped": "Đổi ca trực",
    "aud_act_escalation_claim_refused": "Từ chối nhận liên hệ đôn đốc",
    "aud_act_escalation_claimed": "Nhận liên hệ đơn vị quá hạn",
    "aud_act_escalation_nobody": "Không có người nhận đôn đốc",
    "aud_act_escalation_notice": "Gửi thông báo đôn đốc",
    "aud_act_incident_move_refused": "Từ chối chuyển trạng thái sự cố",
    "aud_act_incident_priority": "Đặt mức ưu tiên sự cố",
    "aud_act_incident_priority_refused": "Từ chối đặt mức ưu tiên",
    "aud_act_incident_progress": "Cập nhật xử lý sự cố",
    "aud_act_incident_report_refused": "Từ chối báo cáo sự cố",
    "aud_act_incident_reported": "Báo cáo sự cố",
    "aud_act_incident_take_refused": "Từ chối tiếp nhận sự cố",
    "aud_act_incident_taken": "Tiếp nhận sự cố",
    "aud_act_incident_view_refused": "Từ chối xem sự cố",
    "aud_act_invite_create_refused": "Từ chối tạo lời mời",
    "aud_act_invite_created": "Tạo lời mời",
    "aud_act_invite_redeemed": "Dùng lời mời",
    "aud_act_invite_rejected": "Từ chối đường dẫn mời",
    "aud_act_invite_revoked": "Thu hồi lời mời",
    "aud_act_person_phone": "Cập nhật số điện thoại",
    "aud_act_person_reachable": "Cán bộ liên lạc lại được",
    "aud_act_person_super_admin": "Cấp quyền quản trị viên cấp cao",
    "aud_act_person_unreachable": "Cán bộ không liên lạc được",
    "aud_act_report_refused": "Từ chối báo cáo kết quả",
    "aud_act_report_submitted": "Gửi báo cáo kết quả",
    "aud_act_summary_made": "Lập báo cáo tổng hợp sự cố",
    # --- drills (diễn tập), issue 13 item 6 -------------------------------------------------
    # The banner: the first line of every message about a drill directive.
    "dr_banner": "🎯 <b>DIỄN TẬP — KHÔNG PHẢI TÌNH HUỐNG THỰC TẾ</b>",
    "bc_agencies_left": (
        "⚠️ {count} đơn vị đã ngừng hoạt động sau bản xem trước này nên không nhận văn bản: "
        "{names}. Văn bản chưa gửi. Đề nghị kiểm tra bản xem trước mới dưới đây rồi bấm “Gửi”."
    ),
    "dr_changed": (
        "⚠️ Văn bản đã thay đổi (chế độ diễn tập) sau bản xem trước này; chưa gửi. Đề nghị "
        "kiểm tra bản xem trước mới dưới đây rồi bấm “Gửi”."
    ),
    "dr_btn_off": "🎯 Diễn tập: Không",
    "dr_btn_on": "🎯 Diễn tập: Có",
    "dr_preview_line": (
        "🎯 <b>Gửi văn bản DIỄN TẬP tới {agencies} đơn vị?</b> Mọi tin nhắn về văn bản này "
        "mang dòng “DIỄN TẬP”; số liệu được thống kê riêng, không tính vào số liệu thực. "
        "Bấm “🎯 Diễn tập: Có” để bỏ đánh dấu.\n"
    ),
    "dr_sent": (
        "🎯 Đang gửi <b>văn bản DIỄN TẬP</b> {directive} tới <b>{people}</b> người nhận của "
        "<b>{agencies}</b> đơn vị. Tình hình gửi và xác nhận được cập nhật ở tin nhắn dưới đây."
    ),
    "dr_cite": "{cited} [🎯 DIỄN TẬP]",
    "dr_audit_suffix": " (diễn tập)",
    "dr_unknown_argument": (
        "❌ Lệnh /broadcast không nhận tham số này. Gửi văn bản thật: /broadcast. Gửi văn bản "
        "diễn tập: /broadcast dientap."
    ),
    "dr_label_prefix": "🎯 Diễn tập · ",
    # --- i13 item 5: management in chat (/agency, /group, /person) ----------------------------
    "aud_act_manage_person_off": "Ngừng hoạt động tài khoản cán bộ",
    "aud_act_manage_person_primary": "Đưa cán bộ đầu mối dự phòng lên làm đầu mối chính",
    "aud_act_manage_agency_add": "Thêm đơn vị",
    "aud_act_manage_agency_rename": "Đổi tên đơn vị",
    "aud_act_manage_agency_off": "Ngừng hoạt động đơn vị",
    "aud_act_manage_agency_on": "Hoạt động lại đơn vị",
    "aud_act_manage_group_add": "Thêm đơn vị vào nhóm",
    "aud_act_manage_group_remove": "Bỏ đơn vị khỏi nhóm",
    "aud_act_manage_refused": "Từ chối xác nhận thay đổi",
    "mg_cmd_agency": "Xem, thêm, đổi tên, ngừng hoạt động đơn vị",
    "mg_cmd_group": "Nhóm đơn vị nhận văn bản",
    "mg_cmd_person": "Ngừng hoạt động tài khoản cán bộ; đổi đầu mối chính",
    "mg_help": (
        "<b>Quản lý đơn vị, nhóm, cán bộ</b> (mỗi thay đổi đều được xem trước và chỉ thực hiện "
        "khi bấm “✅ Xác nhận”):\n"
        "• <code>/agency MÃ</code>: đơn vị và cán bộ của đơn vị\n"
        "• <code>/agency add MÃ [loại] Tên</code>, <code>/agency rename MÃ Tên mới</code>, "
        "<code>/agency off MÃ</code>, <code>/agency on MÃ</code>\n"
        "• <code>/group</code>, <code>/group add NHÓM MÃ</code>, <code>/group remove NHÓM MÃ</code>\n"
        "• <code>/person off MÃ|tên</code>, <code>/person primary MÃ|tên</code>"
    ),
    "mg_agency_usage": (
        "Cú pháp:\n"
        "• <code>/agency MÃ</code> — xem đơn vị và cán bộ của đơn vị\n"
        "• <code>/agency add MÃ [loại] Tên đơn vị</code> — thêm đơn vị; loại (không bắt buộc): "
        "department (sở, ban, ngành), committee (UBND), telecom (doanh nghiệp viễn thông), "
        "centre (trung tâm), other (khác, mặc định)\n"
        "• <code>/agency rename MÃ Tên mới</code> — đổi tên\n"
        "• <code>/agency off MÃ</code> / <code>/agency on MÃ</code> — ngừng / hoạt động lại\n"
        "Ví dụ: <code>/agency add XA_AN_BINH committee UBND xã An Bình</code>"
    ),
    "mg_group_usage": (
        "Cú pháp:\n"
        "• <code>/group</code> — các nhóm và số đơn vị\n"
        "• <code>/group add NHÓM MÃ_ĐƠN_VỊ</code> — thêm đơn vị vào nhóm\n"
        "• <code>/group remove NHÓM MÃ_ĐƠN_VỊ</code> — bỏ đơn vị khỏi nhóm\n"
        "Ví dụ: <code>/group add UBND_XA XA_AN_BINH</code>"
    ),
    "mg_person_usage": (
        "Cú pháp:\n"
        "• <code>/person off MÃ hoặc tên</code> — ngừng hoạt động tài khoản của cán bộ đã nghỉ "
        "việc, chuyển công tác\n"
        "• <code>/person primary MÃ hoặc tên</code> — đưa cán bộ đầu mối dự phòng lên làm "
        "đầu mối chính\n"
        "Ví dụ: <code>/person off P900</code>, <code>/person primary Lê Thị Ở</code>"
    ),
    "mg_code_invalid": (
        "❌ Mã “{code}” không hợp lệ: mã gồm 1–32 ký tự A–Z, 0–9, “_” hoặc “-”. "
        "Ví dụ: <code>XA_AN_BINH</code>."
    ),
    "mg_name_missing": (
        "❌ Thiếu tên. Vui lòng nhập tên sau mã, ví dụ: "
        "<code>/agency rename XA_AN_BINH UBND xã An Bình</code>."
    ),
    "mg_name_too_long": "❌ Tên dài {length} ký tự, vượt quá {limit} ký tự. Vui lòng rút gọn.",
    "mg_name_markup": (
        "❌ Tên không được chứa ký tự “&lt;”, “&gt;”, ký tự điều khiển hay ký tự ẩn. "
        "Vui lòng nhập lại."
    ),
    "mg_person_missing": (
        "❌ Vui lòng nhập mã hoặc tên cán bộ, ví dụ: <code>/person off P900</code>."
    ),
    "mg_person_not_found": (
        "❌ Không tìm thấy cán bộ có mã hoặc tên “{query}”. Vui lòng kiểm tra lại; danh sách "
        "cán bộ của đơn vị: <code>/agency MÃ</code>."
    ),
    "mg_person_ambiguous": (
        "❌ Có nhiều cán bộ ứng với “{query}”. Vui lòng gõ lại lệnh với mã cán bộ:\n{candidates}"
    ),
    "mg_candidate": "• {name} — mã <code>{code}</code>{where}",
    "mg_candidate_state": " ({state})",
    "mg_candidate_command": "<code>{command}</code>",
    "mg_where_liaison": ", cán bộ đầu mối {rank} của {agency}",
    "mg_changed": (
        "⚠️ Tình hình của {name} đã thay đổi sau khi xem trước; chưa thực hiện. Đề nghị "
        "xem lại: /person off {command}"
    ),
    "mg_person_super_admin": (
        "❌ {name} là quản trị viên được khai báo trong tệp cấu hình của hệ thống; không thể "
        "ngừng hoạt động bằng lệnh. Đề nghị người vận hành sửa cấu hình (HOATOC_ADMIN_IDS)."
    ),
    "mg_person_already_off": "ℹ️ Tài khoản của {name} đã ngừng hoạt động trước đó; không có gì thay đổi.",
    "mg_person_self": (
        "❌ Quản trị viên không thể tự ngừng hoạt động tài khoản của mình. Đề nghị một quản trị "
        "viên khác thực hiện."
    ),
    "mg_person_not_liaison": "❌ {name} không phải cán bộ đầu mối của đơn vị nào.",
    "mg_person_already_primary": "ℹ️ {name} đã là cán bộ đầu mối chính; không có gì thay đổi.",
    "mg_agency_exists": (
        "❌ Đã có đơn vị mã “{code}”. Để đổi tên: <code>/agency rename {code} Tên mới</code>."
    ),
    "mg_agency_name_taken": (
        "❌ Đã có đơn vị mang tên “{name}” (mã {code}). Đề nghị chọn tên khác để các đơn vị "
        "không bị nhầm lẫn khi gửi văn bản."
    ),
    "mg_agency_same_name": "ℹ️ Đơn vị đã mang tên “{name}”; không có gì thay đổi.",
    "mg_agency_already_off": "ℹ️ {agency} đã ngừng hoạt động trước đó; không có gì thay đổi.",
    "mg_agency_already_on": "ℹ️ {agency} đang hoạt động; không có gì thay đổi.",
    "mg_group_not_found": (
        "❌ Không tìm thấy nhóm có mã “{code}”. Xem các nhóm: <code>/group</code>."
    ),
    "mg_group_already_in": "ℹ️ {agency} đã thuộc nhóm “{group}”; không có gì thay đổi.",
    "mg_group_not_in": "ℹ️ {agency} không thuộc nhóm “{group}”; không có gì thay đổi.",
    "mg_stale": "Nút này không còn hiệu lực; không có gì được thực hiện.",
    "mg_done_already": (
        "Thay đổi này đã được xác nhận hoặc hủy trước đó; nút không còn hiệu lực, không có gì "
        "được thực hiện thêm."
    ),
    "mg_expired": (
        "Bản xem trước đã quá 30 phút nên nút không còn hiệu lực; không có gì được thực hiện. "
        "Vui lòng gõ lại lệnh để xem thông tin mới nhất."
    ),
    "mg_confirm_hint": "Bấm “✅ Xác nhận” để thực hiện hoặc “Hủy” để bỏ qua.",
    "mg_cancelled": "Đã hủy; không có gì thay đổi.",
    "mg_preview_person_off": (
        "<b>Ngừng hoạt động tài khoản cán bộ</b> {name} (mã {code}){where}.\n"
        "Sau khi xác nhận: cán bộ không nhận thêm bất kỳ tin nào (văn bản mới, nhắc hạn, đôn đốc, "
        "lịch trực, thông báo sự cố), không dùng được lệnh nào; lời mời chưa dùng bị thu hồi "
        "({invites}); tin còn chờ gửi bị hủy ({queued}). Các xác nhận đã ghi nhận trước đây được "
        "giữ nguyên."
    ),
    "mg_warn_sole_primary": (
        "⚠️ Đây là cán bộ đầu mối chính duy nhất của {agency}. {suggest}"
    ),
    "mg_suggest_backup": "Đề nghị đưa cán bộ dự phòng lên làm đầu mối chính: {commands}.",
    "mg_suggest_invite": (
        "Đơn vị không còn cán bộ dự phòng; đề nghị mời cán bộ mới: "
        "<code>/invite dau_moi {code}</code>."
    ),
    "mg_warn_assigned": (
        "⚠️ Cán bộ đang được giao xử lý sự cố {codes}: sau khi ngừng hoạt động, nhắc cập nhật "
        "diễn biến chuyển tới Đội trưởng. Đề nghị giao lại cho người khác (“Giao người khác” "
        "trong <code>/incident {first}</code>)."
    ),
    "mg_warn_on_duty": (
        "⚠️ Cán bộ đang trong ca trực: sau khi ngừng hoạt động, đôn đốc không gửi cho cán bộ này "
        "mà chuyển Đội trưởng và quản trị viên. Đề nghị phân công người trực thay: "
        "<code>/duty_set</code>."
    ),
    "mg_done_person_off": (
        "✅ Đã ngừng hoạt động tài khoản cán bộ {name}. Đã thu hồi {revoked} lời mời, hủy {dropped} tin "
        "chờ gửi."
    ),
    "mg_preview_person_primary": (
        "<b>Đổi cán bộ đầu mối chính</b> của {agency}: {name} (mã {code}) lên làm đầu mối "
        "chính.{former}"
    ),
    "mg_former_primary": " Đầu mối chính hiện nay ({names}) chuyển thành đầu mối dự phòng.",
    "mg_done_person_primary": "✅ {name} là cán bộ đầu mối chính của {agency}.{former}",
    "mg_preview_agency_add": (
        "<b>Thêm đơn vị</b> {name} (mã {code}, loại: {kind}). Sau khi thêm, đơn vị có "
        "thể được chọn làm nơi nhận văn bản; mời cán bộ đầu mối: <code>/invite dau_moi {code}</code>."
    ),
    "mg_done_agency_add": (
        "✅ Đã thêm đơn vị {name} (mã {code}). Mời cán bộ đầu mối: "
        "<code>/invite dau_moi {code}</code>."
    ),
    "mg_preview_agency_rename": "<b>Đổi tên đơn vị</b> mã {code}: “{old}” → “{new}”.",
    "mg_done_agency_rename": "✅ Đã đổi tên đơn vị mã {code} thành “{new}”.",
    "mg_preview_agency_off": (
        "<b>Ngừng hoạt động đơn vị</b> {name} (mã {code}).\n"
        "Sau khi xác nhận: đơn vị không còn được chọn khi gửi văn bản và không nhận văn bản mới "
        "(kể cả khi gửi theo nhóm); lời mời cán bộ đầu mối chưa dùng bị thu hồi ({invites}). "
        "{waiting} văn bản đang chờ đơn vị xác nhận vẫn giữ nguyên: cán bộ vẫn xác nhận được, việc "
        "đôn đốc tiếp tục; nếu cần dừng, đề nghị thu hồi văn bản trong /status."
    ),
    "mg_done_agency_off": "✅ Đã ngừng hoạt động đơn vị {name}. Đã thu hồi {revoked} lời mời.",
    "mg_preview_agency_on": (
        "<b>Hoạt động lại đơn vị</b> {name} (mã {code}): đơn vị lại được chọn khi gửi văn bản. "
        "Văn bản gửi trong thời gian ngừng hoạt động không được gửi bù."
    ),
    "mg_done_agency_on": "✅ Đơn vị {name} hoạt động trở lại.",
    "mg_preview_group_add": (
        "<b>Thêm đơn vị</b> {agency} vào nhóm “{group}” (mã {code}); nhóm sẽ có {count} đơn vị. "
        "Văn bản gửi theo nhóm từ nay đến cả đơn vị này."
    ),
    "mg_done_group_add": "✅ Đã thêm {agency} vào nhóm “{group}” ({count} đơn vị).",
    "mg_preview_group_remove": (
        "<b>Bỏ đơn vị</b> {agency} khỏi nhóm “{group}” (mã {code}); nhóm còn {count} đơn vị. "
        "Văn bản đã gửi không thay đổi."
    ),
    "mg_done_group_remove": "✅ Đã bỏ {agency} khỏi nhóm “{group}” ({count} đơn vị).",
    "mg_agency_head": "<b>{name}</b> (mã {code}, loại: {kind}){state}",
    "mg_agency_inactive": " — ⛔ đã ngừng hoạt động",
    "mg_agency_groups": "Nhóm: {groups}",
    "mg_agency_no_groups": "Nhóm: chưa thuộc nhóm nào",
    "mg_agency_people": "<b>Cán bộ</b> ({count}):",
    "mg_agency_nobody": "Đơn vị chưa có cán bộ nào. Mời cán bộ đầu mối: <code>/invite dau_moi {code}</code>.",
    "mg_person_line": "• {name}{code} — {what}; {phone}; {state}",
    "mg_person_code": " (mã {code})",
    "mg_what_liaison": "đầu mối {rank}",
    "mg_no_phone": "chưa có số điện thoại",
    "mg_state_on_bot": "đang dùng bot",
    "mg_state_not_joined": "chưa dùng bot",
    "mg_state_blocked": "đã chặn bot, không liên lạc được",
    "mg_state_inactive": "đã ngừng hoạt động",
    "mg_groups_head": "<b>Nhóm đơn vị nhận văn bản</b> ({count}):",
    "mg_group_line": "• {name} (mã <code>{code}</code>) — {count} đơn vị{inactive}",
    "mg_group_inactive": ", trong đó {count} đã ngừng hoạt động",
    "mg_groups_none": "Chưa có nhóm nào (nhóm được tạo bằng <code>hoatoc import</code>).",
    "mg_kind_department": "sở, ban, ngành",
    "mg_kind_committee": "Ủy ban nhân dân",
    "mg_kind_telecom": "doanh nghiệp viễn thông",
    "mg_kind_centre": "trung tâm",
    "mg_kind_other": "khác",
    # --- i13: /export, the oversight workbook ----------------------------------------------
    "exp_cmd_export": "Xuất tệp Excel số liệu văn bản, sự cố",
    "exp_usage": (
        "Cú pháp:\n"
        "• <code>/export</code> — 30 ngày gần nhất;\n"
        "• <code>/export 1556/UBND-KGVX</code> — một văn bản (theo số/ký hiệu);\n"
        "• <code>/export 01/01/2026 30/06/2026</code> — một khoảng thời gian (tính cả hai ngày).\n"
        "Thêm <code>csv</code> để nhận tệp CSV (nén .zip) thay cho Excel, ví dụ "
        "<code>/export csv 01/11/2026 30/11/2026</code>."
    ),
    "exp_bad_period": "❌ Ngày bắt đầu phải trước hoặc trùng ngày kết thúc.\n\n{usage}",
    "exp_bad_year": "❌ Năm phải từ {oldest} đến {latest}.\n\n{usage}",
    "exp_not_found": "❌ Không tìm thấy văn bản số “{number}”.",
    "exp_started": "⏳ Đang lập tệp số liệu {what}…",
    "exp_busy": "⏳ Đang lập tệp, vui lòng chờ.",
    "exp_too_long": (
        "❌ Tệp số liệu ({what}) chưa lập xong sau {minutes} phút nên đã dừng. Đề nghị xuất "
        "một khoảng thời gian ngắn hơn (ví dụ <code>/export 01/06/2026 15/06/2026</code>) "
        "hoặc từng văn bản (<code>/export 1556/UBND-KGVX</code>); lỗi đã được ghi nhận."
    ),
    "exp_failed": (
        "❌ Không lập hoặc gửi được tệp số liệu ({what}). Đề nghị thử lại sau ít phút; "
        "lỗi đã được ghi nhận."
    ),
    "exp_what_period": "từ ngày {start} đến ngày {end}",
    "exp_what_directive": "văn bản số {number}",
    "exp_caption": (
        "Số liệu {what}: {directives} dòng văn bản, {incidents} sự cố, {events} sự kiện; "
        "diễn tập: {drills} dòng."
    ),
    "exp_sheet_directives": "Văn bản",
    "exp_sheet_incidents": "Sự cố",
    "exp_sheet_timeline": "Diễn biến sự cố",
    "exp_sheet_figures": "Số liệu",
    "exp_sheet_drill_directives": "Diễn tập – văn bản",
    "exp_sheet_drill_figures": "Diễn tập – số liệu",
    "exp_h_number": "Số, ký hiệu",
    "exp_h_summary": "Trích yếu",
    "exp_h_urgency": "Độ khẩn",
    "exp_h_agency": "Đơn vị",
    "exp_h_groups": "Nhóm",
    "exp_h_liaisons": "Cán bộ đầu mối (điện thoại)",
    "exp_h_sent_at": "Gửi lúc",
    "exp_h_deadline": "Thời hạn xác nhận",
    "exp_h_acked_at": "Xác nhận lúc",
    "exp_h_acked_by": "Người xác nhận",
    "exp_h_via": "Hình thức xác nhận",
    "exp_h_late": "Quá hạn",
    "exp_h_escalation": "Mức đôn đốc",
    "exp_h_report_at": "Báo cáo kết quả lúc",
    "exp_h_report_by": "Người báo cáo",
    "exp_h_reports": "Số lần báo cáo",
    "exp_h_code": "Mã sự cố",
    "exp_h_category": "Loại sự cố",
    "exp_h_priority": "Mức ưu tiên",
    "exp_h_system_level": "Cấp độ hệ thống",
    "exp_h_detected_at": "Phát hiện lúc",
    "exp_h_reported_at": "Báo cáo lúc",
    "exp_h_late_report": "Báo cáo quá hạn",
    "exp_h_taken_at": "Tiếp nhận lúc",
    "exp_h_resolved_at": "Khắc phục lúc",
    "exp_h_assignee": "Người xử lý",
    "exp_h_support": "Đề xuất hỗ trợ",
    "exp_h_status": "Trạng thái",
    "exp_h_at": "Thời điểm",
    "exp_h_who": "Người thực hiện",
    "exp_h_what": "Nội dung",
    "exp_h_text": "Ghi chú",
    "exp_h_details": "Chi tiết",
    "exp_h_received": "Văn bản nhận",
    "exp_h_acked": "Đã xác nhận",
    "exp_h_rate": "Tỷ lệ (%)",
    "exp_h_median": "Trung vị xác nhận (phút)",
    "exp_h_p90": "90 % xác nhận trong (phút)",
    "exp_h_incidents": "Số sự cố",
    "exp_h_take_median": "Trung vị tiếp nhận (phút)",
    "exp_h_take_p90": "90 % tiếp nhận trong (phút)",
    "exp_h_resolve_median": "Trung vị khắc phục (phút)",
    "exp_h_resolve_p90": "90 % khắc phục trong (phút)",
    "exp_yes": "Có",
    "exp_no": "Không",
    "exp_no_report": "Chưa báo cáo",
    "exp_report_not_asked": "Không yêu cầu",
    "exp_bot": "Hệ thống",
    "exp_total": "Tổng cộng",
    "exp_via_telegram": "Telegram (bấm nút)",
    "exp_via_phone": "Điện thoại",
    "exp_via_report": "Báo cáo kết quả",
    "exp_status_false_alarm": "Không phải sự cố",
    "exp_ev_released": "trả lại",
    "exp_ev_reopened": "mở lại",
    "aud_act_export_made": "Xuất tệp số liệu",
}


def t(key: str, **params: object) -> Safe:
    """The text for `key`, every parameter HTML-escaped unless it is `Safe` (as t's own are)."""
    template = TEXTS[key]
    escaped = {
        name: value if isinstance(value, Safe) else html.escape(str(value), quote=False)
        for name, value in params.items()
    }
    return Safe(template.format(**escaped))


def label(key: str, **params: object) -> str:
    """A button label or other plain-text field: Telegram shows it as is, so nothing is escaped."""
    return TEXTS[key].format(**params)


def join(parts: list[Safe], sep: str = "\n") -> Safe:
    """Join already-rendered texts (the separator is plain text, so safe)."""
    return Safe(html.escape(sep, quote=False).join(parts))


def focal_contact(hotline: str, email: str) -> str:
    """' (đường dây nóng 0296…, thư điện tử …)', or '' when neither is set."""
    parts = []
    if hotline:
        parts.append(f"đường dây nóng {hotline}")
    if email:
        parts.append(f"thư điện tử {email}")
    return f" ({', '.join(parts)})" if parts else ""
