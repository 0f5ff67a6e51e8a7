"""The cell-meeting figures as a table (one row per cell), for the page's download and the command."""

from __future__ import annotations

from dangvu.exchange.exports import Column, Kind, Table
from dangvu.meetings.queries import CellYear, SubtreeYear


def _month_column(month: int) -> Column:
    def get(row: CellYear) -> int:
        return row.regular_by_month.get(month, 0)

    return Column(f"T{month}", get, Kind.INT, 5)


def missed_text(row: CellYear) -> str:
    return ", ".join(map(str, row.missed))


COLUMNS = [
    Column("Mã", lambda r: r.cell.code, Kind.ID, 14),
    Column("Chi bộ", lambda r: r.cell.name, Kind.TEXT, 36),
    *[_month_column(m) for m in range(1, 13)],
    Column("Chuyên đề", lambda r: r.thematic, Kind.INT, 10),
    Column("Số buổi", lambda r: r.held, Kind.INT, 8),
    Column("Có mặt", lambda r: r.present, Kind.INT, 8),
    Column("Lượt điểm danh", lambda r: r.total, Kind.INT, 10),
    Column("Tỷ lệ dự", lambda r: r.rate, Kind.TEXT, 10),
    Column("Tháng thiếu", missed_text, Kind.TEXT, 20),
]


def stats_table(stats: SubtreeYear) -> Table:
    return Table(f"sinh-hoat-{stats.org.code}-{stats.year}", "Sinh hoạt chi bộ", COLUMNS, stats.cells)
