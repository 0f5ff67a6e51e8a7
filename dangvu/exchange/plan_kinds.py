"""The import kinds of what a committee plans and records during the year, kept in Excel today: inspection
and supervision plan items (kế hoạch kiểm tra, giám sát), emulation registrations (đăng ký thi đua, cam
kết tu dưỡng rèn luyện, mô hình mới / cách làm sáng tạo) and cell meetings with their attendance (sinh
hoạt chi bộ, điểm danh). Columns and row schemas only, as in `kinds.py`; the rules that need the database
are in `plan_handlers.py`.
"""

from __future__ import annotations

from datetime import date

from dangvu.accounts.models import MEMBER_EDITORS, ORG_EDITORS
from dangvu.exchange.kinds import Column, KindDef, RowReader, _choices
from dangvu.exchange.models import Kind
from dangvu.meetings.models import MeetingKind, Presence
from dangvu.plans.models import Assessment, InitiativeLevel, InspectionKind, RegistrationKind

ERR_QUARTER = "Quý phải từ 1 đến 4."
ERR_YEAR = "Năm phải từ 2000 đến {max}."
ERR_SUBJECT = "Ghi một trong hai: mã tổ chức, hoặc số thẻ đảng viên / số CCCD (không ghi cả hai)."
ERR_FOLLOW_UP_DUE = "Có hạn khắc phục thì cần ghi “Yêu cầu khắc phục”."
ERR_LEVEL_ONLY_INITIATIVE = "Cấp công nhận, sản phẩm cụ thể chỉ ghi với mô hình mới, cách làm sáng tạo."


def _year(r: RowReader) -> int | None:
    year = r.integer("year", required=True)
    last = date.today().year + 1
    if year is not None and not (2000 <= year <= last):
        r.parsed.error("year", ERR_YEAR.format(max=last))
    return year


def _subject(r: RowReader, org_key: str) -> None:
    """An organisation code or a member (card number or CCCD), exactly one."""
    org = r.text(org_key, upper=True, max_length=32)
    card = r.ident("card_number", "Số thẻ đảng viên")
    cccd = r.ident("citizen_id", "Số CCCD", digits=12)
    failed = any(key in (org_key, "card_number", "citizen_id") for key, _ in r.parsed.errors)
    if not failed and bool(org) == bool(card or cccd):
        r.parsed.error(org_key, ERR_SUBJECT)


CARD = Column(
    "card_number",
    "Số thẻ đảng viên",
    ("Số thẻ", "Số thẻ ĐV"),
    False,
    "Với đảng viên: số thẻ (hoặc số CCCD); để trống nếu là tổ chức.",
    "",
)
CCCD = Column("citizen_id", "Số CCCD", ("CCCD", "Số căn cước"), False, "Dùng khi không có số thẻ.", "")


# --- inspection and supervision plan items -------------------------------------------------------------------

INSPECTION_COLUMNS = (
    Column("year", "Năm", ("Năm kế hoạch",), True, "Năm của kế hoạch kiểm tra, giám sát.", 2026),
    Column(
        "committee_code",
        "Mã cấp ủy",
        ("Mã cấp ủy lập kế hoạch", "Cấp ủy"),
        True,
        "Mã của cấp ủy có kế hoạch (trong phạm vi của bạn).",
        "X01",
    ),
    Column(
        "org_code",
        "Mã tổ chức được kiểm tra",
        ("Mã tổ chức", "Tổ chức được kiểm tra, giám sát"),
        False,
        "Với tổ chức đảng: mã tổ chức trực thuộc cấp ủy; để trống nếu là đảng viên.",
        "X01-01",
    ),
    CARD,
    CCCD,
    Column("subject", "Nội dung", ("Nội dung kiểm tra, giám sát",), True, "", "Việc chấp hành Điều lệ Đảng"),
    Column(
        "kind",
        "Hình thức",
        ("Kiểm tra/Giám sát",),
        True,
        "Kiểm tra hoặc Giám sát.",
        str(InspectionKind.INSPECTION.label),
        _choices(InspectionKind),
    ),
    Column("by_whom", "Chủ thể", ("Chủ thể kiểm tra, giám sát", "Đơn vị thực hiện"), True, "", "Ủy ban Kiểm tra"),
    Column("quarter", "Quý", ("Thời gian (quý)",), True, "1–4: quý dự kiến thực hiện.", 2),
    Column("done_on", "Ngày thực hiện", (), False, "Khi đã thực hiện.", ""),
    Column("findings", "Kết quả, phát hiện", ("Phát hiện",), False, "", ""),
    Column("conclusion", "Kết luận", (), False, "", ""),
    Column("follow_up", "Yêu cầu khắc phục", (), False, "", ""),
    Column("follow_up_due", "Hạn khắc phục", (), False, "Hiện trên “Việc cần làm” khi đến hạn.", ""),
    Column("follow_up_done_on", "Đã khắc phục ngày", (), False, "", ""),
)


def _parse_inspection(r: RowReader) -> None:
    _year(r)
    r.text("committee_code", required=True, upper=True, max_length=32)
    _subject(r, "org_code")
    r.text("subject", required=True)
    r.choice("kind", _choices(InspectionKind), required=True)
    r.text("by_whom", required=True, max_length=120)
    quarter = r.integer("quarter", required=True)
    if quarter is not None and not 1 <= quarter <= 4:
        r.parsed.error("quarter", ERR_QUARTER)
    r.day("done_on")
    r.text("findings", max_length=5000)
    r.text("conclusion", max_length=5000)
    r.text("follow_up")
    due = r.day("follow_up_due")
    r.day("follow_up_done_on")
    if due is not None and "follow_up" not in r.parsed.values:
        r.parsed.error("follow_up", ERR_FOLLOW_UP_DUE)


# --- emulation registrations ---------------------------------------------------------------------------------

ASSESSMENTS = _choices(Assessment, skip_empty=True)
LEVELS = _choices(InitiativeLevel, skip_empty=True)

REGISTRATION_COLUMNS = (
    Column("year", "Năm", (), True, "Năm đăng ký.", 2026),
    Column(
        "kind",
        "Loại đăng ký",
        ("Loại",),
        True,
        "Danh hiệu thi đua, cam kết tu dưỡng rèn luyện, hoặc mô hình mới / cách làm sáng tạo.",
        str(RegistrationKind.COMMITMENT.label),
        _choices(RegistrationKind),
    ),
    Column(
        "org_code",
        "Mã tổ chức",
        ("Mã tổ chức đăng ký",),
        False,
        "Với tổ chức đảng đăng ký: mã tổ chức; để trống nếu là đảng viên.",
        "",
    ),
    Column(
        "card_number",
        "Số thẻ đảng viên",
        ("Số thẻ", "Số thẻ ĐV"),
        False,
        "Với đảng viên đăng ký: số thẻ (hoặc số CCCD).",
        "10000001",
    ),
    CCCD,
    Column(
        "text",
        "Nội dung đăng ký",
        ("Nội dung", "Danh hiệu", "Nội dung cam kết"),
        True,
        "Danh hiệu, nội dung cam kết hoặc tên mô hình (khóa để cập nhật cùng năm, loại, đối tượng).",
        "Thực hiện tốt nhiệm vụ được giao",
    ),
    Column("registered_on", "Ngày đăng ký", (), True, "Ngày/tháng/năm.", date(2026, 1, 15)),
    Column(
        "assessment",
        "Kết quả",
        ("Kết quả đánh giá", "Đánh giá cuối năm"),
        False,
        "Cuối năm: Hoàn thành hoặc Không hoàn thành; để trống nếu chưa đánh giá.",
        "",
        ASSESSMENTS,
    ),
    Column("level", "Cấp công nhận", (), False, "Chỉ với mô hình mới, cách làm sáng tạo được công nhận.", "", LEVELS),
    Column(
        "has_product",
        "Có sản phẩm cụ thể",
        ("Sản phẩm cụ thể",),
        False,
        "“Có” nếu mô hình có sản phẩm cụ thể.",
        "",
        {"1": "Có", "0": "Không"},
    ),
)


def _parse_registration(r: RowReader) -> None:
    _year(r)
    kind = r.choice("kind", _choices(RegistrationKind), required=True)
    _subject(r, "org_code")
    r.text("text", required=True, max_length=500)
    r.day("registered_on", required=True)
    r.choice("assessment", ASSESSMENTS)
    level = r.choice("level", LEVELS)
    product = r.flag("has_product")
    if kind is not None and kind != RegistrationKind.INITIATIVE and (level or product):
        r.parsed.error("level" if level else "has_product", ERR_LEVEL_ONLY_INITIATIVE)


# --- cell meetings and attendance ----------------------------------------------------------------------------

MEETING_KINDS = {MeetingKind.REGULAR.value: "Thường kỳ", MeetingKind.THEMATIC.value: "Chuyên đề"}

MEETING_COLUMNS = (
    Column("cell_code", "Mã chi bộ", ("Mã chi bộ sinh hoạt",), True, "Chi bộ họp (trong phạm vi của bạn).", "X01-02"),
    Column("held_on", "Ngày sinh hoạt", ("Ngày họp", "Ngày"), True, "Ngày/tháng/năm.", date(2026, 3, 5)),
    Column(
        "kind",
        "Loại buổi sinh hoạt",
        ("Loại sinh hoạt", "Loại"),
        False,
        "Thường kỳ (hằng tháng) hoặc Chuyên đề; để trống: thường kỳ.",
        MEETING_KINDS[MeetingKind.REGULAR],
        MEETING_KINDS,
    ),
    Column("theme", "Chủ đề", (), False, "Ghi một lần cho mỗi buổi (ở bất kỳ dòng nào của buổi đó).", ""),
    Column("upper_cadre", "Cán bộ cấp trên dự", (), False, "", ""),
    Column("resolutions", "Nghị quyết, kết luận", ("Nghị quyết",), False, "", ""),
    Column(
        "card_number",
        "Số thẻ đảng viên",
        ("Số thẻ", "Số thẻ ĐV"),
        False,
        "Mỗi dòng một đảng viên của chi bộ (số thẻ hoặc số CCCD); để trống nếu dòng chỉ ghi buổi họp.",
        "10000001",
    ),
    CCCD,
    Column("full_name", "Họ và tên", ("Họ tên",), False, "Để đối chiếu; không đổi hồ sơ.", ""),
    Column(
        "presence",
        "Điểm danh",
        ("Tình trạng", "Có mặt/Vắng"),
        False,
        "Có mặt, Vắng có lý do hoặc Vắng không lý do (để trống: có mặt).",
        str(Presence.PRESENT.label),
        _choices(Presence),
    ),
)


def _parse_meeting(r: RowReader) -> None:
    r.text("cell_code", required=True, upper=True, max_length=32)
    r.day("held_on", required=True)
    r.choice("kind", MEETING_KINDS)
    r.text("theme")
    r.text("upper_cadre")
    r.text("resolutions", max_length=5000)
    r.ident("card_number", "Số thẻ đảng viên")
    r.ident("citizen_id", "Số CCCD", digits=12)
    r.text("full_name", max_length=120)
    r.choice("presence", _choices(Presence))
    values = r.parsed.values
    values.setdefault("kind", MeetingKind.REGULAR.value)
    if "presence" in values and not (values.get("card_number") or values.get("citizen_id")):
        r.parsed.error("card_number", "Có điểm danh thì cần số thẻ đảng viên hoặc số CCCD.")
    if values.get("card_number") or values.get("citizen_id"):
        values.setdefault("presence", Presence.PRESENT.value)


PLAN_KINDS: dict[str, KindDef] = {
    Kind.INSPECTIONS: KindDef(
        Kind.INSPECTIONS,
        str(Kind.INSPECTIONS.label),
        INSPECTION_COLUMNS,
        _parse_inspection,
        intro=(
            "Mỗi dòng một nội dung kiểm tra hoặc giám sát trong kế hoạch năm của một cấp ủy: một tổ chức trực thuộc "
            "(mã tổ chức) hoặc một đảng viên (số thẻ / CCCD). Nhận ra theo năm, cấp ủy, đối tượng, hình thức và "
            "nội dung: nhập lại tệp có thêm ngày thực hiện, kết luận thì cập nhật dòng đã có."
        ),
        editors=ORG_EDITORS,
    ),
    Kind.REGISTRATIONS: KindDef(
        Kind.REGISTRATIONS,
        str(Kind.REGISTRATIONS.label),
        REGISTRATION_COLUMNS,
        _parse_registration,
        intro=(
            "Mỗi dòng một đăng ký đầu năm của một tổ chức (mã tổ chức) hoặc một đảng viên (số thẻ / CCCD). "
            "Nhận ra theo năm, loại, đối tượng và nội dung: cuối năm nhập lại tệp có cột “Kết quả” để đánh giá."
        ),
        editors=MEMBER_EDITORS,
    ),
    Kind.MEETINGS: KindDef(
        Kind.MEETINGS,
        str(Kind.MEETINGS.label),
        MEETING_COLUMNS,
        _parse_meeting,
        intro=(
            "Mỗi dòng một đảng viên có trong điểm danh một buổi sinh hoạt (chi bộ, ngày, loại buổi); các dòng "
            "cùng buổi ghi chung chủ đề, nghị quyết. Đảng viên phải sinh hoạt ở chi bộ đó vào ngày họp."
        ),
        editors=MEMBER_EDITORS,
    ),
}
