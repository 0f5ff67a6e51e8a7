"""The official public days off of Vietnam 2024–2027 (Bộ luật Lao động 2019, Điều 112, and the yearly
notices of the Ministry of Labour / Ministry of Home Affairs on Tết and swapped days). Data, editable with
`dangvu holidays add|remove`; 2027 is the expected schedule until its notice is published."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import migrations


def _span(first: date, last: date, name: str) -> list[tuple[date, str]]:
    days = (last - first).days
    return [(first + timedelta(days=i), name) for i in range(days + 1)]


TET = "Tết Nguyên đán"
GIO_TO = "Giỗ Tổ Hùng Vương (10/3 âm lịch)"
REUNIFICATION = "Ngày Giải phóng miền Nam, thống nhất đất nước (30/4)"
LABOUR = "Ngày Quốc tế Lao động (1/5)"
NATIONAL = "Quốc khánh (2/9)"
NEW_YEAR = "Tết Dương lịch"
SWAP = "nghỉ bù / hoán đổi ngày làm việc"

HOLIDAYS: list[tuple[date, str]] = [
    # 2024
    (date(2024, 1, 1), NEW_YEAR),
    *_span(date(2024, 2, 8), date(2024, 2, 14), TET),
    (date(2024, 4, 18), GIO_TO),
    (date(2024, 4, 29), f"{REUNIFICATION} — {SWAP}"),
    (date(2024, 4, 30), REUNIFICATION),
    (date(2024, 5, 1), LABOUR),
    (date(2024, 9, 2), NATIONAL),
    (date(2024, 9, 3), NATIONAL),
    # 2025
    (date(2025, 1, 1), NEW_YEAR),
    *_span(date(2025, 1, 25), date(2025, 2, 2), TET),
    (date(2025, 4, 7), GIO_TO),
    (date(2025, 4, 30), REUNIFICATION),
    (date(2025, 5, 1), LABOUR),
    (date(2025, 5, 2), f"{LABOUR} — {SWAP}"),
    (date(2025, 9, 1), NATIONAL),
    (date(2025, 9, 2), NATIONAL),
    # 2026
    (date(2026, 1, 1), NEW_YEAR),
    *_span(date(2026, 2, 14), date(2026, 2, 22), TET),
    (date(2026, 4, 27), f"{GIO_TO} — nghỉ bù (26/4 là Chủ nhật)"),
    (date(2026, 4, 30), REUNIFICATION),
    (date(2026, 5, 1), LABOUR),
    (date(2026, 9, 1), NATIONAL),
    (date(2026, 9, 2), NATIONAL),
    # 2027 (expected)
    (date(2027, 1, 1), NEW_YEAR),
    *_span(date(2027, 2, 5), date(2027, 2, 11), TET),
    (date(2027, 4, 16), GIO_TO),
    (date(2027, 4, 30), REUNIFICATION),
    (date(2027, 5, 3), f"{LABOUR} — nghỉ bù (1/5 là Thứ bảy)"),
    (date(2027, 9, 2), NATIONAL),
    (date(2027, 9, 3), NATIONAL),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Holiday = apps.get_model("lifecycle", "Holiday")
    for day, name in HOLIDAYS:
        Holiday.objects.get_or_create(day=day, defaults={"name": name, "note": "dự kiến" if day.year == 2027 else ""})


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("lifecycle", "Holiday").objects.filter(day__in=[d for d, _ in HOLIDAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
