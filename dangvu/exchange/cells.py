"""Per-cell readers for the import pipeline: one typed value out of one messy cell, or a Vietnamese refusal.

Pure (no ORM). Cells arrive as `reading.SheetRow.values` give them: str (NFC, trimmed), int/float, date/datetime,
bool or None. Every helper returns None (or "" / False) for an empty cell and raises `CellError` with a message
that shows what was read, so the user can find and fix the cell.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from dangvu.lib.text import clean, fold

# Excel's 1900 date system counts 1900-02-29, a day that never was (Lotus 1-2-3 compatibility): serial 60 is
# that day, serials after it are one too high.
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31

_DMY = re.compile(r"(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{2,4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?\s*[eE]\s*[+-]?\d+")
_INTEGER = re.compile(r"[+-]?\d+")
_PLAIN_DMY = re.compile(r"(\d\d)/(\d\d)/(\d\d\d\d)", re.ASCII)

TRUE_WORDS = frozenset({"x", "co", "1", "true", "yes", "dung", "c"})
FALSE_WORDS = frozenset({"", "khong", "0", "false", "no", "sai", "k"})

NOT_A_DATE = "“{value}” không phải ngày hợp lệ; hãy ghi theo dạng ngày/tháng/năm, ví dụ 05/09/1985."
IMPOSSIBLE_DATE = "Ngày “{value}” không tồn tại (ngày {day}, tháng {month}, năm {year})."
SHORT_YEAR = "Ngày “{value}” ghi năm bằng 2 chữ số nên không rõ thế kỷ; hãy ghi đủ 4 chữ số."
MONTH_FIRST = "Ngày “{value}” có vẻ ghi tháng trước ngày (kiểu Mỹ); hãy ghi theo dạng ngày/tháng/năm."
YEAR_ONLY = "“{value}” chỉ là năm, không đủ ngày/tháng/năm."
FAKE_LEAP_DAY = "Số ngày Excel 60 là ngày 29/02/1900, một ngày không có thật."
BAD_SERIAL = "Số {value} không phải một ngày Excel hợp lệ."
SCIENTIFIC_ID = (
    "{label} “{value}” đã bị Excel đổi sang dạng số mũ nên mất chữ số. Hãy định dạng cột là Văn bản (Text) "
    "rồi nhập lại đủ các chữ số."
)
NUMERIC_ID = (
    "{label} “{value}” được lưu dạng số nên có thể đã mất số 0 ở đầu. Hãy định dạng cột là Văn bản (Text) rồi nhập lại."
)
WRONG_ID_LENGTH = "{label} “{value}” phải gồm đúng {digits} chữ số."
BAD_ID = "{label} “{value}” chỉ được gồm chữ số."
NOT_AN_INTEGER = "“{value}” không phải số nguyên."
NOT_A_NUMBER = "“{value}” không phải số; ví dụ hợp lệ: 92,5 hoặc 92.5."
NOT_A_BOOL = "“{value}” không hiểu là có hay không; hãy ghi “x” (có) hoặc để trống (không)."
NOT_A_CHOICE = "“{value}” không phải giá trị hợp lệ; chọn một trong: {choices}."
NOT_TEXT = "Ô này phải là chữ, không phải “{value}”."


class CellError(ValueError):
    """A cell that cannot be read; `message` is Vietnamese and shows what was read."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: object) -> str:
    """A cell as the message shows it: numbers without a useless ".0", dates as dd/mm/yyyy."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def as_text(value: object) -> str:
    """Any cell as clean text; "" for an empty cell. Integral floats lose their ".0", dates become dd/mm/yyyy."""
    if _is_blank(value):
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e15:
        raise CellError(NOT_TEXT.format(value=value))
    return clean(_shown(value))


def as_date(value: object, number_format: str | None = None) -> datetime.date | None:
    """A date from a date cell, an Excel serial number or text (dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy,
    yyyy-mm-dd). Two-digit years, month-first dates and days that do not exist are refused."""
    if isinstance(value, str) and (plain := _PLAIN_DMY.fullmatch(value)):
        # The common "05/09/1985": what the general path below gives whenever it is a real day.
        day, month, year = int(plain.group(1)), int(plain.group(2)), int(plain.group(3))
        if month <= 12:
            try:
                return datetime.date(year, month, day)
            except ValueError:
                pass  # the general path words the refusal
    if _is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise CellError(NOT_A_DATE.format(value=_shown(value)))
    if isinstance(value, int | float):
        return _from_serial(value)
    text = clean(str(value))
    if match := _YMD.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
        return _make_date(text, day, month, year)
    if match := _DMY.fullmatch(text):
        day, month, year_text = int(match.group(1)), int(match.group(3)), match.group(4)
        if len(year_text) != 4:
            raise CellError(SHORT_YEAR.format(value=text))
        year = int(year_text)
        if month > 12 and day <= 12:
            raise CellError(MONTH_FIRST.format(value=text))
        return _make_date(text, day, month, year)
    if re.fullmatch(r"\d{4}", text):
        raise CellError(YEAR_ONLY.format(value=text))
    raise CellError(NOT_A_DATE.format(value=text))


def _from_serial(value: float) -> datetime.date:
    shown = _shown(value)
    if float(value).is_integer() and 1900 <= value <= 2100:
        raise CellError(YEAR_ONLY.format(value=shown))
    if not 1 <= value <= _EXCEL_MAX_SERIAL:
        raise CellError(BAD_SERIAL.format(value=shown))
    days = int(value)  # the fraction is the time of day
    if days == _EXCEL_FAKE_LEAP_DAY:
        raise CellError(FAKE_LEAP_DAY)
    if days < _EXCEL_FAKE_LEAP_DAY:
        days += 1
    return _EXCEL_EPOCH + datetime.timedelta(days=days)


def _make_date(text: str, day: int, month: int, year: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(IMPOSSIBLE_DATE.format(value=text, day=day, month=month, year=year)) from None


def as_id(value: object, *, digits: int | None = None, label: str, number_format: str | None = None) -> str | None:
    """An identifier (card number, CCCD) as text, leading zeros kept.

    Text in scientific notation ("1.23E+11", "1,23E+11") is refused: Excel already lost digits. A numeric cell
    is refused too (a leading zero may be gone), with one exception: when `digits` is given, an integral number
    with exactly that many digits and a non-scientific number format is exact, so it is accepted as text.
    `number_format` is the cell's Excel format (`SheetRow.number_formats`); unknown counts as non-scientific.
    Spaces inside the text are dropped ("0123 4567" -> "01234567").
    """
    if isinstance(value, str) and value.isascii() and value.isdigit() and (digits is None or len(value) == digits):
        return value  # plain ASCII digits: clean already, no scientific notation, nothing to drop
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(BAD_ID.format(label=label, value=_shown(value)))
    if isinstance(value, int | float):
        shown = _shown(value)
        scientific = number_format is not None and "E" in number_format.upper()
        if (
            digits is not None
            and float(value).is_integer()
            and len(shown) == digits
            and shown.isdigit()
            and not scientific
        ):
            return shown
        raise CellError(NUMERIC_ID.format(label=label, value=shown))
    text = clean(str(value))
    if _SCIENTIFIC.fullmatch(text):
        raise CellError(SCIENTIFIC_ID.format(label=label, value=text))
    compact = text.replace(" ", "")
    if digits is not None:
        if not compact.isdigit():
            raise CellError(BAD_ID.format(label=label, value=text))
        if len(compact) != digits:
            raise CellError(WRONG_ID_LENGTH.format(label=label, value=text, digits=digits))
    return compact


def as_int(value: object) -> int | None:
    """A whole number from a numeric cell or text ("12", " 12 "); "12.5" and "12,5" are refused."""
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(NOT_AN_INTEGER.format(value=_shown(value)))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(NOT_AN_INTEGER.format(value=_shown(value)))
    text = clean(str(value))
    if _INTEGER.fullmatch(text.replace(" ", "")):
        return int(text.replace(" ", ""))
    raise CellError(NOT_AN_INTEGER.format(value=text))


def as_decimal(value: object) -> Decimal | None:
    """A decimal number: numeric cells, "92,5" (Vietnamese) and "92.5"; with both separators the last one is
    the decimal mark ("1.234,5" and "1,234.5"), a repeated one groups thousands ("1.234.567")."""
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(NOT_A_NUMBER.format(value=_shown(value)))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = clean(str(value))
    number = text.replace(" ", "")
    if "," in number and "." in number:
        decimal_mark = "," if number.rfind(",") > number.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        whole, _, fraction = number.rpartition(decimal_mark)
        if not _grouped(whole, thousands):
            raise CellError(NOT_A_NUMBER.format(value=text))
        number = whole.replace(thousands, "") + "." + fraction
    elif number.count(",") == 1:
        number = number.replace(",", ".")
    elif number.count(",") > 1 or number.count(".") > 1:
        if not (_grouped(number, ",") or _grouped(number, ".")):
            raise CellError(NOT_A_NUMBER.format(value=text))
        number = number.replace(",", "").replace(".", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", number):
        raise CellError(NOT_A_NUMBER.format(value=text))
    try:
        return Decimal(number)
    except InvalidOperation:
        raise CellError(NOT_A_NUMBER.format(value=text)) from None


def _grouped(number: str, separator: str) -> bool:
    """ "1.234.567" with "." : thousands grouped by three."""
    return re.fullmatch(rf"[+-]?\d{{1,3}}(?:{re.escape(separator)}\d{{3}})+", number) is not None


def as_bool(value: object) -> bool:
    """Yes for "x", "có", "1", "true" (and numeric 1); no for an empty cell, "không", "0", "false"."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = fold(str(value))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(NOT_A_BOOL.format(value=_shown(value)))


def as_choice(value: object, choices: Mapping[str, str]) -> str | None:
    """The code of a choice, from its code or its label, ignoring case and accents: with
    {"female": "Nữ", "male": "Nam"}, "Nữ", "nu", "NỮ" and "female" all give "female"."""
    if _is_blank(value):
        return None
    wanted = fold(_shown(value))
    for code, label in choices.items():
        if wanted in (fold(code), fold(label)):
            return code
    listed = ", ".join(f"“{label}”" for label in choices.values())
    raise CellError(NOT_A_CHOICE.format(value=_shown(value), choices=listed))
