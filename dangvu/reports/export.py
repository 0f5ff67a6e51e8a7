"""The rating report as files: CSV (one row per organisation) and XLSX (openpyxl), from the report dict."""

from __future__ import annotations

import csv
import io
from typing import Any

from dangvu.reports.paragraph import rating_paragraph
from dangvu.reports.report import BLOCKS, level_label

BLOCK_PREFIX = {"grassroots_orgs": "tccs", "attached_cells": "chi_bo_tt", "members": "dang_vien"}
BLOCK_TITLES = {"grassroots_orgs": "Tổ chức cơ sở đảng", "attached_cells": "Chi bộ trực thuộc", "members": "Đảng viên"}


def _columns(report: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(machine header, Vietnamese header, getter) per column: code, name, then per block total, rated,
    each level count and percent, each not-rated reason."""
    columns: list[tuple[str, str, Any]] = [
        ("code", "Mã", lambda row: row["code"]),
        ("name", "Tên tổ chức", lambda row: row["name"]),
    ]
    for name in BLOCKS:
        prefix, title = BLOCK_PREFIX[name], BLOCK_TITLES[name]
        block = report[name]
        subject = "member" if name == "members" else "org"
        columns.append((f"{prefix}_total", f"{title}: tổng số", lambda row, n=name: row[n]["total"]))
        columns.append((f"{prefix}_rated", f"{title}: được xếp loại", lambda row, n=name: row[n]["rated"]))
        for code in block["levels"]:
            label = level_label(report, subject, code)  # type: ignore[arg-type]
            columns.append(
                (f"{prefix}_{code}", f"{title}: {label}", lambda row, n=name, c=code: row[n]["levels"].get(c, 0))
            )
            columns.append(
                (
                    f"{prefix}_{code}_pct",
                    f"{title}: {label} (%)",
                    lambda row, n=name, c=code: row[n]["percent"].get(c, 0.0),
                )
            )
        for reason in block["not_rated"]:
            columns.append(
                (
                    f"{prefix}_not_rated_{reason}",
                    f"{title}: không xếp loại ({reason})",
                    lambda row, n=name, r=reason: row[n]["not_rated"].get(r, 0),
                )
            )
    return columns


def _rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [report, *report["children"]]


def report_csv(report: dict[str, Any]) -> str:
    """One header line of stable machine names, then the organisation and each direct child."""
    columns = _columns(report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([key for key, _, _ in columns])
    for row in _rows(report):
        writer.writerow([get(row) for _, _, get in columns])
    return out.getvalue()


def report_xlsx(report: dict[str, Any]) -> bytes:
    """A workbook: "Xếp loại" (Vietnamese headers, one row per organisation), "Loại hình", "Qua các năm",
    "Cảnh báo" and "Đoạn văn"."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    columns = _columns(report)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Xếp loại"
    sheet.append([f"{report['name']} — {report['period']['label']} — {report['regime']['name']}"])
    sheet.append([report["rounding"]])
    sheet.append([title for _, title, _ in columns])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in _rows(report):
        sheet.append([get(row) for _, _, get in columns])
    sheet.freeze_panes = "C4"
    sectors = book.create_sheet("Loại hình")
    sectors.append(["Loại hình", *[title for _, title, _ in columns[2:]]])
    for row in report["sectors"]:
        sectors.append([row["name"], *[get(row) for _, _, get in columns[2:]]])
    years = book.create_sheet("Qua các năm")
    years.append(["Năm", "Quy định", "TCCS được xếp loại", "Đảng viên được xếp loại", "Đảng viên theo mức"])
    for entry in report["years"]:
        levels = "; ".join(f"{c}: {n}" for c, n in entry["members"]["levels"].items())
        years.append(
            [entry["year"], entry["regime"], entry["grassroots_orgs"]["rated"], entry["members"]["rated"], levels]
        )
    warnings = book.create_sheet("Cảnh báo")
    warnings.append(["Mã", "Tổ chức", "Nội dung"])
    for warning in report["warnings"]:
        warnings.append([warning["code"], warning["org"], warning["message"]])
    text = book.create_sheet("Đoạn văn")
    text.append([rating_paragraph(report)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
