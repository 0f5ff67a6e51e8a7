"""Downloadable .xlsx templates, one per kind: the canonical Vietnamese headers, one sample row,
drop-down lists (data validation) on the coded columns, text format on the identifier columns (so
Excel keeps leading zeros and never writes 1,23E+11), and a "Hướng dẫn" sheet explaining each column."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dangvu.exchange.kinds import KINDS
from dangvu.exchange.plan_kinds import PLAN_KINDS

DATA_ROWS = 5000  # the drop-downs cover this many rows
TEXT_KEYS = {"card_number", "citizen_id", "phone", "code", "parent_code", "cell_code", "org_code", "committee_code"}
HEADER_FILL = PatternFill("solid", fgColor="FDE9D9")


def template_workbook(kind: str) -> bytes:
    definition = KINDS[kind] if kind in KINDS else PLAN_KINDS[kind]
    book = Workbook()
    sheet = book.active
    sheet.title = "Dữ liệu"
    lists = book.create_sheet("Danh mục")
    for index, column in enumerate(definition.columns, start=1):
        letter = get_column_letter(index)
        head = sheet.cell(row=1, column=index, value=column.header)
        head.font, head.fill = Font(bold=True), HEADER_FILL
        sample = column.sample
        if column.choices and sample == "":
            sample = ""
        cell = sheet.cell(row=2, column=index, value=sample if sample != "" else None)
        if isinstance(sample, date):
            cell.number_format = "DD/MM/YYYY"
        if column.key in TEXT_KEYS:
            for row in range(2, 2 + DATA_ROWS):
                sheet.cell(row=row, column=index).number_format = "@"
        sheet.column_dimensions[letter].width = max(14, len(column.header) + 4)
        if column.choices:
            # Long lists live on a sheet of their own: a literal list is limited to 255 characters.
            labels = list(column.choices.values())
            for offset, label in enumerate(labels, start=1):
                lists.cell(row=offset, column=index, value=label)
            lists.cell(row=1, column=index).comment = None
            source = f"='Danh mục'!${letter}$1:${letter}${len(labels)}"
            validation = DataValidation(type="list", formula1=source, allow_blank=True)
            validation.error = f"Chọn một giá trị trong danh sách “{column.header}”."
            validation.errorTitle = column.header
            validation.showErrorMessage = column.key not in {"level"}  # a level may also be typed as its code
            validation.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    lists.sheet_state = "hidden"

    guide = book.create_sheet("Hướng dẫn")
    guide.append([f"Mẫu nhập {definition.label.lower()}"])
    guide["A1"].font = Font(bold=True, size=13)
    guide.append([definition.intro])
    guide.append(
        [
            "Dòng tiêu đề có thể nằm dưới vài dòng tên đơn vị; ngày ghi dd/mm/yyyy hoặc ô ngày của Excel; "
            "chữ gõ bằng TCVN3 (.VnTime) hay VNI được tự chuyển sang Unicode."
        ]
    )
    guide.append([])
    guide.append(["Cột", "Bắt buộc", "Giải thích", "Giá trị hợp lệ"])
    for cell in guide[5]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for column in definition.columns:
        required = "Có" if column.required else ("Một trong hai" if column.key in definition.one_of else "")
        names = ", ".join(column.choices.values()) if column.choices else ""
        aliases = f" (hoặc: {', '.join(column.aliases)})" if column.aliases else ""
        guide.append([column.header + aliases, required, column.help, names])
    for letter, width in zip("ABCD", (34, 14, 70, 60), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=6):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = BytesIO()
    book.save(out)
    return out.getvalue()
