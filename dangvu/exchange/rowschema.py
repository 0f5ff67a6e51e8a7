"""A row schema declared cell by cell, and compiled once per file into one function that parses a row.

`kinds.RowReader` reads a row through one method call per cell (a closure, a memo lookup, the number format
looked up again): fine for a few hundred rows, most of the CPU of a million-row member import (issue 8).
A kind that declares its cells here (`KindDef.cells`) gets `compile_rows`: the plan of the file's columns is
built once (which cells exist, their pure readers, one memo per column), then each row is a single loop over
that plan. The same declarations drive `RowReader` (`Cell.apply`), and tests/test_import_rowschema.py checks
that both give the same values, errors and warnings, in the same order.

Pure (no ORM): readers are `cells.py`, functions of the raw value and its number format only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from dangvu.exchange import cells
from dangvu.exchange.cells import CellError
from dangvu.lib.text import clean

if TYPE_CHECKING:
    from dangvu.exchange.kinds import ParsedRow, RowReader
    from dangvu.exchange.reading import SheetRow

# A reading: (value, None) or (None, the Vietnamese refusal).
Reading = tuple[Any, str | None]


@dataclass(frozen=True)
class Cell:
    """One column of a row schema: how its raw value becomes a plain value."""

    key: str
    required: bool = False
    keep_empty: ClassVar[bool] = False  # "" is a value (choices), not an empty cell

    def parse(self, raw: Any, number_format: str | None) -> Any:
        """The value of a non-empty raw cell; raises `CellError`."""
        raise NotImplementedError

    def apply(self, r: RowReader) -> Any:
        """The same reading through `RowReader` (the per-cell path, kept for the kinds without a plan)."""
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Cell):
    upper: bool = False
    max_length: int = 255

    def parse(self, raw: Any, number_format: str | None) -> Any:
        value = clean(cells.as_text(raw))
        if len(value) > self.max_length:
            raise CellError(f"Dài quá {self.max_length} ký tự.")
        return (value.upper() if self.upper else value) or None

    def apply(self, r: RowReader) -> Any:
        return r.text(self.key, required=self.required, upper=self.upper, max_length=self.max_length)


@dataclass(frozen=True)
class Day(Cell):
    def parse(self, raw: Any, number_format: str | None) -> Any:
        return cells.as_date(raw, number_format)

    def apply(self, r: RowReader) -> Any:
        return r.day(self.key, required=self.required)


@dataclass(frozen=True)
class Ident(Cell):
    label: str = ""
    digits: int | None = None

    def parse(self, raw: Any, number_format: str | None) -> Any:
        return cells.as_id(raw, digits=self.digits, label=self.label, number_format=number_format)

    def apply(self, r: RowReader) -> Any:
        return r.ident(self.key, self.label, digits=self.digits, required=self.required)


@dataclass(frozen=True)
class Choice(Cell):
    choices: Mapping[str, str] | None = None
    keep_empty: ClassVar[bool] = True

    def parse(self, raw: Any, number_format: str | None) -> Any:
        assert self.choices is not None
        return cells.as_choice(raw, self.choices)

    def apply(self, r: RowReader) -> Any:
        assert self.choices is not None
        return r.choice(self.key, self.choices, required=self.required)


MEMO_LIMIT = 50_000


def _memoised(cell: Cell) -> Callable[[Any, str | None], Reading]:
    """`cell.parse` as a (value, refusal) reading, memoised for one file like `RowReader` memoises a column:
    bounded, and given up when the column's values do not repeat (`kinds.ColumnMemo`)."""
    from dangvu.exchange.kinds import ColumnMemo

    parse = cell.parse
    memo = ColumnMemo(MEMO_LIMIT)
    stored = memo.values

    def read(raw: Any, number_format: str | None) -> Reading:
        key = None
        if memo.on:
            key = (raw.__class__, raw, number_format)
            memo.lookups += 1
            found = stored.get(key)
            if found is not None:
                memo.hits += 1
                return found
        try:
            found = (parse(raw, number_format), None)
        except CellError as error:
            found = (None, str(error))
        if key is not None:
            memo.put(key, found)
        return found

    return read


def compile_rows(
    schema: Iterable[Cell],
    *,
    columns: Iterable[str] | None,
    after: Callable[[ParsedRow], None] | None,
    warn_conversions: Callable[[SheetRow, ParsedRow], None],
) -> Callable[[SheetRow], ParsedRow]:
    """One function for the rows of a file whose columns are `columns` (None: any): it gives what
    `for cell in schema: cell.apply(reader)` then `after(parsed)` gives, in the same order. A column the
    file lacks is left out of the plan, unless it is required (then every row gets its error)."""
    from dangvu.exchange.kinds import ERR_REQUIRED, ParsedRow

    present = None if columns is None else set(columns)
    plan = [
        (cell.key, cell.required, cell.keep_empty, _memoised(cell))
        for cell in schema
        if present is None or cell.key in present or cell.required
    ]

    def parse(row: SheetRow) -> ParsedRow:
        parsed = ParsedRow(row.number)
        if row.conversions:
            warn_conversions(row, parsed)
        raws, formats = row.values, row.number_formats
        values, errors = parsed.values, parsed.errors
        for key, required, keep_empty, read in plan:
            raw = raws.get(key)
            if raw is not None and not (isinstance(raw, str) and not raw.strip()):
                value, refusal = read(raw, formats.get(key) if formats else None)
                if refusal is not None:
                    errors.append((key, refusal))
                    continue
                if value is not None and (keep_empty or value != ""):
                    values[key] = value
                    continue
            if required:
                errors.append((key, ERR_REQUIRED))
        if after is not None:
            after(parsed)
        return parsed

    return parse
