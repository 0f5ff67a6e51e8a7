"""The rules of cell meetings, as plain values.

Striking off (xóa tên): Điều lệ Đảng and QĐ 294-QĐ/TW name the ground "bỏ sinh hoạt đảng … ba tháng
trong năm" without reason; the months are counted in one calendar year.

How often a cell must hold its regular meeting is UNCONFIRMED (Chỉ thị 50-CT/TW, HD 42-HD/BTCTW are
read as "hằng tháng"): the setting `MEETINGS_REGULAR_MONTHS` (default: every month 1–12) lists the
months a regular meeting is expected in, so a committee with another rhythm changes a setting.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings

STRIKE_OFF_MONTHS = 3
STRIKE_OFF_GROUND = "Điều lệ Đảng, QĐ 294-QĐ/TW: “bỏ sinh hoạt đảng … ba tháng trong năm” không có lý do chính đáng"


def expected_months() -> tuple[int, ...]:
    return tuple(getattr(settings, "MEETINGS_REGULAR_MONTHS", range(1, 13)))


def months_due(year: int, today: date) -> tuple[int, ...]:
    """The months of `year` whose regular meeting should already have been held by `today` (a month
    counts once it is over)."""
    if year < today.year:
        last = 12
    elif year == today.year:
        last = today.month - 1
    else:
        last = 0
    return tuple(m for m in expected_months() if m <= last)


def rate_text(present: int, total: int) -> str:
    """ "87,5%" — one decimal, Vietnamese comma; "—" when nobody was on the list."""
    if not total:
        return "—"
    return f"{present * 100 / total:.1f}%".replace(".", ",")
