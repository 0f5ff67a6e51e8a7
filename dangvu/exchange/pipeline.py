"""The import pipeline: a file → streamed rows → a schema per row → rules → new / changed / unchanged /
rejected, with every problem tagged by row and column → all-or-nothing commit.

`run_import` is the only entry point; the web job runner and the `import` command both call it.

- A dry run (`commit=False`) reads the database and writes nothing.
- A commit (`commit=True`) runs the same checks again in ONE transaction and writes chunk by chunk;
  if any row has an error, the transaction is rolled back at the end and nothing is written.
- Rows are processed in chunks (one query per chunk to look up existing records), so memory stays
  flat whatever the file size; only the natural keys seen so far are kept, to report duplicate rows.
- Upsert by natural key: organisation code; member card number, else CCCD; event: member + kind +
  date; rating: subject + year + quarter. Values equal to the stored ones are "unchanged" and never
  written, so importing the same file twice writes nothing the second time.
- An empty cell never erases stored data: only the values present in the file are compared and written.

Audit (decision, measured by bench/import_members.py): one audit row per created or changed record,
written in bulk with the note "Nhập từ tệp … (job #id)", the actor, the time and the changes (a new member:
every stored field, as the services snapshot it). Kept per member rather than one row per chunk listing ids,
so a member's history page finds its creation like any other change; streamed with COPY it costs about a
fifth of the bulk writes of a commit (20,000 new members on PostgreSQL: 1.4 s of 6.3 s).

Members at scale (issue 8): rows are read and checked chunk by chunk (`CHUNK_ROWS`), one query per chunk
finds the existing members; the new ones, their events, their membership history (derived in memory with
`stints_of(derive_timeline(...))` from the same events, exactly what `rebuild_memberships` would write) and
the audit rows go to the database by COPY on PostgreSQL (`bulk.copy_rows`), `bulk_create` elsewhere
(`bulk.bulk_insert`). Memory holds two chunks plus a key and a digest per row seen (duplicate detection):
582 MB peak for a million rows.
`tests/test_import_bulk_equivalence.py` compares every row written with what the per-record services write.

Where the CPU went, and what was done (2026-12, measured on 200,000 new members, PostgreSQL): the rows are
parsed by a plan compiled once per file (`KindDef.row_parser`, `rowschema.py`) instead of a reader call per
cell; a new member's state and memberships come from one replay of its events (`derive_history`); the
cyclic garbage collector runs every 20,000 allocations instead of 700 during the run (`lib/collector.py`: it
was ~30 % of the CPU). On PostgreSQL the members are written one chunk behind (`MemberHandler`): the main
thread checks chunk N and builds its rows as tuples (`bulk.CopyTable`, keys drawn ahead by `bulk.IdPool`)
while a second thread on the same connection streams chunk N-1 with a binary COPY (`bulk.BackgroundWriter`,
`bulk.copy_rows`), its foreign keys checked at the end of each COPY rather than all at once at COMMIT. The
database's own work per new member is then the larger half (137–186 µs on a 2-vCPU AMD machine, 200 k to 5.6 M
members: the member row and its seven indexes, two events, two memberships, one audit row, their triggers, the
kept counts' sync; Python ~90–115 µs), so a single import runs at about 4,600–6,300 members a second there, one
database backend being the limit; `bench/README.md` ("Member import, third pass") has the figures.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from dangvu.accounts.models import MEMBER_EDITORS, ORG_EDITORS, Role, User
from dangvu.audit.models import Action, AuditRecord
from dangvu.audit.services import _plain
from dangvu.evaluations.models import MemberRating, OrgRating
from dangvu.evaluations.periods import YEAR, PeriodKey
from dangvu.evaluations.regimes.base import Regime, Subject
from dangvu.evaluations.services import ERR_QUARTER, RowInput, evaluate, regime_of, rule_overrides, subordinates_of
from dangvu.exchange.bulk import JSON_ENCODE, BackgroundWriter, CopyTable, IdPool, JsonText, bulk_insert, copy_rows
from dangvu.exchange.kinds import ERR_ONE_OF, KINDS, KindDef, ParsedRow
from dangvu.exchange.models import MAX_STORED_PROBLEMS, Kind
from dangvu.exchange.reading import ReadError, SheetRow, open_table
from dangvu.lib.collation import name_sort_key
from dangvu.lib.collector import fewer_collections
from dangvu.lib.text import fold
from dangvu.members.checks import RecordFacts, check_record
from dangvu.members.history import Stretch, stints_of
from dangvu.members.lifecycle import EventFact, EventKind, derive_history, derive_state
from dangvu.members.models import Member, MemberEvent, Membership
from dangvu.members.services import (
    DERIVED_FIELDS,
    ERR_CCCD_TAKEN,
    ERR_CELL_DISSOLVED,
    ERR_EVENT_FUTURE,
    ERR_NOT_A_CELL,
    OTHER_OUT_OF_SCOPE,
    PERSONAL_FIELDS,
    event_add,
    event_update,
)
from dangvu.orgs.kinds import CELL_KINDS, ROOT_KINDS, shape_error
from dangvu.orgs.models import Org
from dangvu.orgs.services import org_create, org_move, org_update
from dangvu.tallies.build import sync as tallies_sync

CHUNK_ROWS = 5000
NAME_KEYS_LIMIT = 100_000
NOTE = "Nhập từ tệp {filename} (job #{job})"

ERR_DUPLICATE = "Trùng khóa với dòng {row} nhưng khác nội dung; mỗi {what} chỉ được ghi một dòng."
WARN_DUPLICATE = "Dòng này trùng hoàn toàn với dòng {row}; bỏ qua."
ERR_UNKNOWN_ORG = "Không có tổ chức mã “{code}” trong hệ thống."
ERR_UNKNOWN_PARENT = "Không có tổ chức mã “{code}” trong hệ thống hay ở các dòng phía trên."
ERR_ORG_OUT_OF_SCOPE = "Tổ chức “{code}” nằm ngoài phạm vi của bạn; không được thêm hay sửa."
ERR_PARENT_REQUIRED = "Cần mã tổ chức cấp trên (chỉ Đảng bộ tỉnh mới không có cấp trên)."
ERR_PARENT_SELF = "Tổ chức không thể là cấp trên của chính nó."
ERR_ROOT_OUT_OF_SCOPE = "Chỉ quản trị hệ thống mới thêm được tổ chức gốc."
ERR_NEW_MEMBER_NEEDS = "Đảng viên mới cần “{header}”."
ERR_SAME_MEMBER = (
    "Đảng viên này đã được ghi ở dòng {row} (nhận ra qua số thẻ đảng viên hoặc số CCCD); mỗi đảng viên chỉ được"
    " ghi một dòng."
)
ERR_MEMBER_OUT_OF_SCOPE = "Đảng viên này thuộc chi bộ ngoài phạm vi của bạn; không được sửa."
ERR_NO_MEMBER = "Không có đảng viên có {what} {value} trong phạm vi của bạn."
ERR_NOT_CELL_EVENT = "“{code}” không phải là chi bộ."
ERR_LEVEL_UNKNOWN = "“{value}” không phải mức xếp loại của {regime}. Các mức: {levels}."
ERR_MEMBER_NO_CELL = "Đảng viên chưa có chi bộ; không xác định được nơi xếp loại."
ERR_RATE_ORG_SCOPE = "Xếp loại “{code}” là việc của cấp ủy cấp trên; tổ chức này không nằm dưới phạm vi của bạn."
ERR_SERVICE = "{message}"
WARN_MEMBER_CELL = (
    "Hồ sơ đang ở chi bộ {current}, tệp ghi {given}: chuyển sinh hoạt phải nhập bằng tệp sự kiện; không đổi."
)
WARN_MEMBER_DATE = "{header} trong tệp ({given}) khác hồ sơ ({current}): ngày này đổi bằng sự kiện; không đổi."

ProgressFn = Callable[[int, int | None], None]


# --- the report ---------------------------------------------------------------------------------------------


@dataclass
class Problem:
    row: int
    column: str
    message: str
    level: str = "error"  # "error" | "warning"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message, "level": self.level}


@dataclass
class Report:
    """What a run found. Problems beyond MAX_STORED_PROBLEMS are counted, not kept."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: int = 0
    warnings: int = 0
    errors: int = 0
    rows_done: int = 0
    rows_total: int | None = None
    problems: list[Problem] = field(default_factory=list)
    problems_more: int = 0
    file_error: str = ""
    committed: bool = False

    def add(self, problem: Problem) -> None:
        if problem.level == "error":
            self.errors += 1
        else:
            self.warnings += 1
        if len(self.problems) < MAX_STORED_PROBLEMS:
            self.problems.append(problem)
        else:
            self.problems_more += 1

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error


class _Rollback(Exception):
    pass


# --- context shared by the handlers -------------------------------------------------------------------------


@dataclass
class OrgInfo:
    """An organisation as the pipeline sees it: stored (pk set) or about to be created by a row above."""

    code: str
    name: str
    kind: str
    sector: str
    path: str
    parent_code: str | None
    dissolved: bool = False
    pk: int | None = None
    row: int | None = None


class Context:
    def __init__(self, *, kind: KindDef, user: User | None, commit: bool, note: str, report: Report):
        self.kind, self.user, self.commit, self.note, self.report = kind, user, commit, note, report
        self.today = timezone.localdate()
        # None: no scope limit (an admin, or the command line without --user).
        self.scope_path: str | None = None
        if user is not None and user.role != Role.ADMIN:
            self.scope_path = user.scope.path if user.scope is not None else "//nothing/"
        self._orgs: dict[str, OrgInfo] | None = None
        self._orgs_by_pk: dict[int, OrgInfo] = {}

    # Organisations: every code is loaded once (a province has a few thousand nodes).
    @property
    def orgs(self) -> dict[str, OrgInfo]:
        if self._orgs is None:
            rows = Org.objects.values_list(
                "pk", "code", "name", "kind", "sector", "path", "parent__code", "dissolved_on"
            )
            self._orgs = {}
            for pk, code, name, kind, sector, path, parent_code, dissolved_on in rows.iterator(chunk_size=5000):
                info = OrgInfo(code, name, kind, sector, path, parent_code, dissolved_on is not None, pk)
                self._orgs[code] = info
                self._orgs_by_pk[pk] = info
        return self._orgs

    def org_by_pk(self, pk: int | None) -> OrgInfo | None:
        self.orgs  # noqa: B018  (loads the index)
        return self._orgs_by_pk.get(pk) if pk is not None else None

    def remember_org(self, info: OrgInfo) -> None:
        self.orgs[info.code] = info
        if info.pk is not None:
            self._orgs_by_pk[info.pk] = info

    def in_scope(self, path: str) -> bool:
        return self.scope_path is None or path.startswith(self.scope_path)

    def problem(self, row: ParsedRow | int, key: str, message: str, level: str = "error") -> None:
        number = row if isinstance(row, int) else row.number
        self.report.add(Problem(number, self.kind.header(key) if key else "", message, level))

    def audit(self, action: str, target_type: str, obj: Any, changes: dict[str, Any]) -> AuditRecord:
        user = self.user
        return AuditRecord(
            actor=user if user is not None and user.pk else None,
            actor_name=user.username if user is not None else "hệ thống",
            action=action,
            target_type=target_type,
            target_id=obj.pk,
            target_repr=str(obj)[:255],
            changes=changes,
            note=self.note[:255],
        )


def _fmt(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)


def _fingerprint(values: dict[str, Any]) -> int:
    """A digest of a row's values, kept per key to tell an exact repeat from a conflicting one (an int: a
    million of them must fit in memory). Python's own 64-bit hash of the (name, value) pairs, whatever their
    order: it is compared only between rows of one file with the same key, so a collision (2**-64 a pair)
    is not a practical risk, and it costs a tenth of a cryptographic digest of the row's text, which is
    still used for a value Python cannot hash."""
    try:
        return hash(frozenset(values.items()))
    except TypeError:
        text = repr(sorted(zip(values, map(str, values.values()), strict=True)))  # [(key, str(value)), …]
        return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=12).digest())


class Handler:
    """Per kind: classify a chunk of parsed rows (and, on commit, write it)."""

    what = "bản ghi"

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.seen: dict[Any, tuple[int, int]] = {}

    def key(self, row: ParsedRow) -> Any:
        raise NotImplementedError

    def dedupe(self, rows: list[ParsedRow]) -> list[ParsedRow]:
        """Drop rows that repeat an earlier row exactly (a warning); refuse a same key with other values."""
        kept: list[ParsedRow] = []
        for row in rows:
            key = self.key(row) if not row.errors else None
            if key is None:
                kept.append(row)
                continue
            print_ = _fingerprint(row.values)
            earlier = self.seen.get(key)
            if earlier is None:
                self.seen[key] = (row.number, print_)
                kept.append(row)
            elif earlier[1] == print_:
                self.ctx.problem(row, "", WARN_DUPLICATE.format(row=earlier[0]), "warning")
                self.ctx.report.unchanged += 1
            else:
                row.error("", ERR_DUPLICATE.format(row=earlier[0], what=self.what))
                kept.append(row)
        return kept

    def process(self, rows: list[ParsedRow]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Called once after the last chunk (writes what was batched)."""

    def close(self) -> None:
        """Called once at the end of the run, after `finish` or on the way out of a failed one: lets go of
        what the run kept per row (a million keys and digests are ~0.3 GB the kept counts' sync can use)."""
        self.seen = {}


# --- organisations ------------------------------------------------------------------------------------------


class OrgHandler(Handler):
    what = "tổ chức"

    def key(self, row: ParsedRow) -> Any:
        return row.values.get("code")

    def process(self, rows: list[ParsedRow]) -> None:
        ctx = self.ctx
        for row in rows:
            if not row.errors:
                self._check(row)
            status = _flush(ctx, row)
            if status == "rejected" or not ctx.commit or ctx.report.errors:
                continue
            self._write(row, status)

    def _check(self, row: ParsedRow) -> None:
        ctx, v = self.ctx, row.values
        code, kind = v["code"], v["kind"]
        existing = ctx.orgs.get(code)
        parent_code = v.get("parent_code")
        if parent_code == code:
            row.error("parent_code", ERR_PARENT_SELF)
            return
        parent = ctx.orgs.get(parent_code) if parent_code else None
        if parent_code and parent is None:
            row.error("parent_code", ERR_UNKNOWN_PARENT.format(code=parent_code))
            return
        if parent is None and kind not in ROOT_KINDS and (existing is None or existing.parent_code is not None):
            row.error("parent_code", ERR_PARENT_REQUIRED)
            return
        if parent is not None and parent.dissolved:
            row.error("parent_code", f"“{parent.name}” đã giải thể, không thể đặt tổ chức trực thuộc.")
            return
        problem = shape_error(kind, parent.kind if parent else None, parent.name if parent else "")
        if problem:
            row.error("kind" if parent is None else "parent_code", problem)
            return
        if existing is not None and existing.row is None and not ctx.in_scope(existing.path):
            row.error("code", ERR_ORG_OUT_OF_SCOPE.format(code=code))
            return
        if parent is None and existing is None and ctx.scope_path is not None:
            row.error("parent_code", ERR_ROOT_OUT_OF_SCOPE)
            return
        if parent is not None and not ctx.in_scope(parent.path):
            row.error("parent_code", ERR_ORG_OUT_OF_SCOPE.format(code=parent.code))
            return
        if parent is not None and existing is not None and parent.path.startswith(existing.path):
            row.error(
                "parent_code", f"Không thể chuyển “{existing.name}” vào chính nó hoặc vào một tổ chức trực thuộc nó."
            )
            return
        sector = v.get("sector") or (existing.sector if existing else "other")
        v["sector"] = sector
        if existing is None:
            path = f"{parent.path if parent else '/'}new{row.number}/"
            ctx.remember_org(OrgInfo(code, v["name"], kind, sector, path, parent_code, row=row.number))
            row.values["_status"] = "new"
            return
        wanted_parent = parent_code if parent_code else existing.parent_code
        same = (existing.name, existing.kind, existing.sector, existing.parent_code) == (
            v["name"],
            kind,
            sector,
            wanted_parent,
        )
        row.values["_status"] = "unchanged" if same else "changed"
        existing.name, existing.kind, existing.sector, existing.parent_code = v["name"], kind, sector, wanted_parent

    def _write(self, row: ParsedRow, status: str) -> None:
        ctx, v = self.ctx, row.values
        try:
            if status == "new":
                parent = Org.objects.get(code=v["parent_code"]) if v.get("parent_code") else None
                org = org_create(
                    actor=ctx.user,
                    code=v["code"],
                    name=v["name"],
                    kind=v["kind"],
                    sector=v["sector"],
                    parent=parent,
                    reason=ctx.note,
                )
                info = ctx.orgs[v["code"]]
                info.pk, info.path, info.row = org.pk, org.path, None
                ctx.remember_org(info)
            elif status == "changed":
                org = Org.objects.select_related("parent").get(code=v["code"])
                if v.get("parent_code") and (org.parent is None or org.parent.code != v["parent_code"]):
                    org = org_move(
                        actor=ctx.user, org=org, new_parent=Org.objects.get(code=v["parent_code"]), reason=ctx.note
                    )
                org_update(
                    actor=ctx.user,
                    org=org,
                    code=v["code"],
                    name=v["name"],
                    kind=v["kind"],
                    sector=v["sector"],
                    founded_on=org.founded_on,
                    reason=ctx.note,
                )
        except ValidationError as error:
            _service_errors(ctx, row, error, {"parent": "parent_code", "code": "code", "name": "name", "kind": "kind"})


def _service_errors(ctx: Context, row: ParsedRow, error: ValidationError, keys: dict[str, str]) -> None:
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            for message in messages:
                ctx.problem(row, keys.get(name, ""), message)
    else:
        for message in error.messages:
            ctx.problem(row, "", message)
    ctx.report.rejected += 1


def _flush(ctx: Context, row: ParsedRow) -> str:
    """Report the row's problems and count it; returns its status."""
    for key, message in row.errors:
        ctx.problem(row, key, message)
    for key, message in row.warnings:
        ctx.problem(row, key, message, "warning")
    report = ctx.report
    if row.errors:
        report.rejected += 1
        return "rejected"
    status = row.values.get("_status", "unchanged")
    if status == "new":
        report.new += 1
    elif status == "changed":
        report.changed += 1
    else:
        report.unchanged += 1
    return str(status)


# --- members ------------------------------------------------------------------------------------------------

MEMBER_VALUE_FIELDS = [f for f in PERSONAL_FIELDS]
DATE_KEYS = ("admitted_on", "ceremony_on", "official_on")
SNAPSHOT_FIELDS = [name for name in PERSONAL_FIELDS + DERIVED_FIELDS if name != "current_org"]
CREATED_AUDIT_FIELDS = sorted([*SNAPSHOT_FIELDS, "current_org"])


# A str as JSON, non-ASCII kept (C; what `json.dumps(…, ensure_ascii=False)` writes for a str).
_encode_str: Callable[[str], str] = json.encoder.encode_basestring

# Values an audit snapshot keeps as they are (`_plain` returns them unchanged).
_AS_STORED = frozenset({str, bool, int})


def _as_plain(value: Any) -> Any:
    return date.isoformat(value) if value.__class__ is date else _plain(value)


def _members_by_keys(cards: set[str], ids: set[str]) -> Iterable[Member]:
    """The members with one of these card numbers or CCCDs (one query per chunk). On PostgreSQL the values go
    as two arrays (`= ANY(%s)`): thousands of IN placeholders cost more to build and parse than the query."""
    if not cards and not ids:
        return []
    if connection.vendor == "postgresql":
        condition = RawSQL(
            "(card_number = ANY(%s) OR citizen_id = ANY(%s))", (sorted(cards), sorted(ids)), output_field=BooleanField()
        )
        return Member.objects.filter(condition)
    return Member.objects.filter(Q(card_number__in=cards) | Q(citizen_id__in=ids))


# What a member import writes of each new member's events, memberships and audit rows, in this order (the
# tuples `_related` and `_audit` build; on PostgreSQL the columns of their COPY, the others take defaults).
EVENT_COLUMNS = ("member_id", "kind", "on", "org_id", "ceremony_on", "created_by_id", "note", "created_at")
STINT_COLUMNS = ("member_id", "org_id", "status", "is_probationary", "valid_from", "valid_to")
AUDIT_COLUMNS = (
    *("at", "actor_id", "actor_name", "action", "target_type", "target_id", "target_repr", "changes", "note"),
)


@dataclass
class _Prepared:
    """A chunk's writes as COPY rows, built in the import's main thread for the writer thread to stream."""

    members: list[tuple[Any, ...]]
    events: list[tuple[Any, ...]]
    stints: list[tuple[Any, ...]]
    audits: list[tuple[Any, ...]]
    changed: list[Member]
    fields: list[str]


class MemberHandler(Handler):
    """Members, written a chunk behind on PostgreSQL: `process(chunk N)` looks chunk N up (the connection is
    free), hands chunk N-1, already built, to the writer thread, then checks and builds chunk N while the
    database writes N-1. Python and PostgreSQL so work at the same time for the whole run rather than in
    turns; the foreign keys are checked at the end of each COPY (immediate), on the writer's side, instead
    of all at once at COMMIT (deferred, Django's default), and set back to deferred at the end.

    A file names each member once (`dedupe` for a repeated key, `cccd_seen` for a CCCD given with two card
    numbers, `_named_earlier` for a card in one row and the same member's CCCD alone in another), so what
    chunk N looks up never depends on what chunk N-1 has still to write."""

    what = "đảng viên"

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        self.cccd_seen: dict[str, tuple[int, str | None]] = {}
        # full name -> (name_search, name_sort_key): names repeat ("Nguyễn Văn Hùng"), the ICU key is not free.
        self.name_keys: dict[str, tuple[str, bytes]] = {}
        self.writer: BackgroundWriter | None = None
        self.ready: _Prepared | None = None
        if ctx.commit and connection.vendor == "postgresql":
            self.writer = BackgroundWriter()
            self.member_ids = IdPool(Member)
            self.members = CopyTable(Member, [f.attname for f in Member._meta.concrete_fields])
            self.events = CopyTable(MemberEvent, EVENT_COLUMNS)
            self.stints = CopyTable(Membership, STINT_COLUMNS)
            self.audits = CopyTable(AuditRecord, AUDIT_COLUMNS)
        self.keys_immediate = False

    def finish(self) -> None:
        if self.writer is None:
            return
        self.writer.wait()
        ready, self.ready = self.ready, None
        if ready is not None and not self.ctx.report.errors:
            self._store(ready)  # the last chunk: nothing left to overlap it with
        if self.keys_immediate:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are all INITIALLY DEFERRED

    def close(self) -> None:
        super().close()
        self.cccd_seen, self.name_keys, self.ready = {}, {}, None
        if self.writer is not None:
            writer, self.writer = self.writer, None
            writer.close()

    def key(self, row: ParsedRow) -> Any:
        # The card number itself (no tuple: one key per row of a file of a million rows), else ("cccd", …).
        v = row.values
        return v["card_number"] if v.get("card_number") else ("cccd", v.get("citizen_id"))

    def process(self, rows: list[ParsedRow]) -> None:
        ctx, writer = self.ctx, self.writer
        if writer is not None:
            writer.wait()  # the chunk before the last one is written: the connection is free
        cards = {r.values["card_number"] for r in rows if r.values.get("card_number")}
        ids = {r.values["citizen_id"] for r in rows if r.values.get("citizen_id")}
        found = list(_members_by_keys(cards, ids))  # read now, before the writer takes the connection again
        ready, self.ready = self.ready, None
        if writer is not None:
            if not self.keys_immediate:
                # Inside the import's transaction (the handler is made before it opens; outside one, PostgreSQL
                # would ignore it): until `finish`, each COPY's keys are checked at its end.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                self.keys_immediate = True
            self.member_ids.reserve(len(rows))  # at most one new member per row
            if ready is not None and not ctx.report.errors:  # after an error nothing will be kept
                writer.submit(self._store, ready)
        by_card: dict[str, Member] = {}
        by_cccd: dict[str, Member] = {}
        for member in found:
            if member.card_number:
                by_card[member.card_number] = member
            if member.citizen_id:
                by_cccd[member.citizen_id] = member
        new: list[ParsedRow] = []
        changed: list[tuple[Member, dict[str, Any]]] = []
        for row in rows:
            target = None if row.errors else self._check(row, by_card, by_cccd)
            status = _flush(ctx, row)
            if status == "new":
                new.append(row)
            elif status == "changed" and target is not None:
                changed.append((target, row.values["_changes"]))
        if ctx.commit and not ctx.report.errors:
            if writer is not None:
                self.ready = self._prepare(new, changed)
            else:
                self._write(new, changed)

    def _named(self, member: Member) -> str:
        info = self.ctx.org_by_pk(member.current_org_id)
        return member.full_name if info is None or self.ctx.in_scope(info.path) else OTHER_OUT_OF_SCOPE

    def _check(self, row: ParsedRow, by_card: dict[str, Member], by_cccd: dict[str, Member]) -> Member | None:
        _ctx, v = self.ctx, row.values
        card, cccd = v.get("card_number"), v.get("citizen_id")
        if cccd:
            earlier = self.cccd_seen.get(cccd)
            if earlier is not None and earlier[1] != card:
                row.error("citizen_id", f"Số CCCD {cccd} đã được ghi ở dòng {earlier[0]} cho một đảng viên khác.")
                return None
            self.cccd_seen[cccd] = (row.number, card)
        m_card = by_card.get(card) if card else None
        m_cccd = by_cccd.get(cccd) if cccd else None
        member = m_card
        if member is None and m_cccd is not None:
            if card and m_cccd.card_number and m_cccd.card_number != card:
                row.error("citizen_id", ERR_CCCD_TAKEN.format(value=cccd, name=self._named(m_cccd)))
                return None
            member = m_cccd
        elif member is not None and m_cccd is not None and m_cccd.pk != member.pk:
            row.error("citizen_id", ERR_CCCD_TAKEN.format(value=cccd, name=self._named(m_cccd)))
            return None
        if member is None:
            self._check_new(row)
            return None
        earlier_row = self._named_earlier(row, member)
        if earlier_row is not None:
            row.error("card_number" if card else "citizen_id", ERR_SAME_MEMBER.format(row=earlier_row))
            return None
        return self._check_existing(row, member)

    def _named_earlier(self, row: ParsedRow, member: Member) -> int | None:
        """An earlier row of the file that named the same member by its other key (its card number in one
        row, its CCCD alone in the other): two rows for one member, like two rows with one key, are refused.
        Every key of the file is in `seen` (`dedupe`), so this holds across chunks as well as within one."""
        own = self.key(row)
        for key in (member.card_number, ("cccd", member.citizen_id) if member.citizen_id else None):
            if key and key != own:
                seen = self.seen.get(key)
                if seen is not None and seen[0] < row.number:
                    return seen[0]
        return None

    def _cell(self, row: ParsedRow, key: str) -> OrgInfo | None:
        code = row.values.get(key)
        if not code:
            return None
        info = self.ctx.orgs.get(code)
        if info is None or info.row is not None:
            row.error(key, ERR_UNKNOWN_ORG.format(code=code))
        elif info.kind not in CELL_KINDS:
            row.error(key, ERR_NOT_A_CELL.format(org=info.name))
        elif info.dissolved:
            row.error(key, ERR_CELL_DISSOLVED.format(org=info.name))
        elif not self.ctx.in_scope(info.path):
            row.error(key, ERR_ORG_OUT_OF_SCOPE.format(code=code))
        else:
            return info
        return None

    def _check_new(self, row: ParsedRow) -> None:
        v, kind = row.values, self.ctx.kind
        for key in ("cell_code", "admitted_on"):
            if key not in v:
                row.error(key, ERR_NEW_MEMBER_NEEDS.format(header=kind.header(key)))
        cell = self._cell(row, "cell_code")
        if row.errors:
            return
        facts = RecordFacts(
            birth_date=v.get("birth_date"),
            citizen_id=v.get("citizen_id") or "",
            phone=v.get("phone", ""),
            admitted_on=v.get("admitted_on"),
            ceremony_on=v.get("ceremony_on"),
            official_on=v.get("official_on"),
        )
        self._record_checks(row, facts)
        v["_cell"] = cell
        v["_status"] = "new"

    def _record_checks(self, row: ParsedRow, facts: RecordFacts) -> None:
        result = check_record(facts, today=self.ctx.today)
        for name, messages in result.errors.items():
            for message in messages:
                row.error(name, message)
        for message in result.warnings:
            row.warn("", message)

    def _check_existing(self, row: ParsedRow, member: Member) -> Member | None:
        ctx, v = self.ctx, row.values
        info = ctx.org_by_pk(member.current_org_id)
        if ctx.scope_path is not None and (info is None or not ctx.in_scope(info.path)):
            row.error("card_number" if v.get("card_number") else "citizen_id", ERR_MEMBER_OUT_OF_SCOPE)
            return None
        changes = {
            name: [_plain(getattr(member, name)), _plain(v[name])]
            for name in MEMBER_VALUE_FIELDS
            if name in v and getattr(member, name) != v[name]
        }
        cell_code = v.get("cell_code")
        if cell_code and (info is None or info.code != cell_code):
            self._cell(row, "cell_code")
            row.warn("cell_code", WARN_MEMBER_CELL.format(current=info.code if info else "—", given=cell_code))
        for key in DATE_KEYS:
            if key in v and v[key] != getattr(member, key):
                row.warn(
                    key,
                    WARN_MEMBER_DATE.format(
                        header=ctx.kind.header(key),
                        given=_fmt(v[key]),
                        current=_fmt(getattr(member, key)) if getattr(member, key) else "trống",
                    ),
                )
        facts = RecordFacts(
            birth_date=v.get("birth_date", member.birth_date),
            citizen_id=v.get("citizen_id", member.citizen_id or ""),
            phone=v.get("phone", member.phone),
            admitted_on=member.admitted_on,
            ceremony_on=member.ceremony_on,
            official_on=member.official_on,
        )
        result = check_record(facts, today=ctx.today)
        for name, messages in result.errors.items():
            for message in messages:
                row.error(name, message)
        v["_status"] = "changed" if changes else "unchanged"
        v["_changes"] = changes
        return member

    def _build(self, row: ParsedRow, now: datetime) -> tuple[dict[str, Any], list[Stretch]]:
        """The stored values of a new member (by attribute name), derived as the services derive them, and
        its memberships as `rebuild_memberships` derives them from its events (the admission, and the
        confirmation if any: of two kinds, so their order does not depend on their ids)."""
        v = row.values
        values = {name: v[name] for name in MEMBER_VALUE_FIELDS if name in v}
        full_name = values["full_name"]
        names = self.name_keys.get(full_name)
        if names is None:
            if len(self.name_keys) >= NAME_KEYS_LIMIT:
                self.name_keys.clear()
            names = self.name_keys[full_name] = (fold(full_name), name_sort_key(full_name))
        values["name_search"], values["name_sort_key"] = names
        facts = [EventFact(EventKind.ADMITTED, v["admitted_on"], v["_cell"].pk, v.get("ceremony_on"), seq=1)]
        if v.get("official_on"):
            facts.append(EventFact(EventKind.CONFIRMED, v["official_on"], seq=2))
        state, timeline = derive_history(facts)
        values.update(
            status=state.status,
            is_probationary=state.is_probationary,
            current_org_id=state.org_id,
            admitted_on=state.admitted_on,
            ceremony_on=state.ceremony_on,
            official_on=state.official_on,
            status_since=state.status_since,
            created_at=now,
            updated_at=now,
        )
        return values, stints_of(timeline)

    def _write(self, new: list[ParsedRow], changed: list[tuple[Member, dict[str, Any]]]) -> None:
        """Write a chunk here and now (SQLite, or any database without the writer thread)."""
        now = timezone.now()
        built = [self._build(row, now) for row in new]
        member_ids = bulk_insert(Member, [values for values, _ in built])
        events, stints, audits = self._related(new, built, member_ids, now)
        bulk_insert(MemberEvent, [dict(zip(EVENT_COLUMNS, event, strict=True)) for event in events])
        bulk_insert(Membership, [dict(zip(STINT_COLUMNS, stint, strict=True)) for stint in stints])
        members, fields = self._apply(changed, audits, now)
        if members:
            Member.objects.bulk_update(members, fields)
        bulk_insert(AuditRecord, [dict(zip(AUDIT_COLUMNS, audit, strict=True)) for audit in audits])

    def _prepare(self, new: list[ParsedRow], changed: list[tuple[Member, dict[str, Any]]]) -> _Prepared:
        """A chunk's rows as the writer thread will COPY them (PostgreSQL), the new members' keys taken from
        the pool reserved while the connection was free."""
        now = timezone.now()
        built = [self._build(row, now) for row in new]
        member_ids = self.member_ids.take(len(new))
        for member_id, (values, _) in zip(member_ids, built, strict=True):
            values["id"] = member_id
        events, stints, audits = self._related(new, built, member_ids, now)
        members, fields = self._apply(changed, audits, now)
        event_row, stint_row, audit_row = self.events.row, self.stints.row, self.audits.row
        return _Prepared(
            members=[self.members.row_of(values) for values, _ in built],
            events=[event_row(event) for event in events],
            stints=[stint_row(stint) for stint in stints],
            audits=[audit_row(audit) for audit in audits],
            changed=members,
            fields=fields,
        )

    def _store(self, ready: _Prepared) -> None:
        """Stream a prepared chunk (the writer thread, or this one for the last chunk)."""
        copy_rows(self.members, ready.members)
        copy_rows(self.events, ready.events)
        copy_rows(self.stints, ready.stints)
        if ready.changed:
            Member.objects.bulk_update(ready.changed, ready.fields)
        copy_rows(self.audits, ready.audits)

    def _related(
        self,
        new: list[ParsedRow],
        built: list[tuple[dict[str, Any], list[Stretch]]],
        member_ids: list[int],
        now: datetime,
    ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """The new members' events (the admission, and the confirmation if any), memberships and audit rows,
        as tuples of EVENT_COLUMNS, STINT_COLUMNS and AUDIT_COLUMNS."""
        ctx = self.ctx
        creator_id = ctx.user.pk if ctx.user is not None and ctx.user.pk else None
        note = ctx.note[:500]
        admitted, confirmed = EventKind.ADMITTED.value, EventKind.CONFIRMED.value
        events: list[tuple[Any, ...]] = []
        append = events.append
        for member_id, row in zip(member_ids, new, strict=True):
            v = row.values
            append((member_id, admitted, v["admitted_on"], v["_cell"].pk, v.get("ceremony_on"), creator_id, note, now))
            official_on = v.get("official_on")
            if official_on:
                append((member_id, confirmed, official_on, None, None, creator_id, "", now))
        stints = [
            (member_id, *stint)
            for member_id, (_, member_stints) in zip(member_ids, built, strict=True)
            for stint in member_stints
        ]
        audit = self._audit
        created = self._created if self.writer is None else self._created_text  # ORM or COPY (PostgreSQL)
        audits = [
            audit(Action.CREATE, member_id, stored["full_name"], created(stored, row.values["_cell"].code), now)
            for member_id, (stored, _), row in zip(member_ids, built, new, strict=True)
        ]
        return events, stints, audits

    def _apply(
        self, changed: list[tuple[Member, dict[str, Any]]], audits: list[tuple[Any, ...]], now: datetime
    ) -> tuple[list[Member], list[str]]:
        """Set the changed members' new values (and add their audit rows); returns them and the fields to
        write."""
        if not changed:
            return [], []
        fields: set[str] = set()
        for member, changes in changed:
            for name, (_, after) in changes.items():
                setattr(member, name, after if name != "birth_date" else date.fromisoformat(after))
                fields.add(name)
            member.name_search, member.name_sort_key = fold(member.full_name), name_sort_key(member.full_name)
            member.updated_at = now
            audits.append(self._audit(Action.UPDATE, member.pk, str(member), changes, now))
        return [m for m, _ in changed], [*sorted(fields), "name_search", "name_sort_key", "updated_at"]

    def _audit(
        self, action: str, pk: int, text: str, changes: dict[str, Any] | JsonText, now: datetime
    ) -> tuple[Any, ...]:
        """An audit row (AUDIT_COLUMNS) of this import's user about a member."""
        return (now, *self.actor, action, "member", pk, text[:255], changes, self.ctx.note[:255])

    @functools.cached_property
    def actor(self) -> tuple[int | None, str]:
        user = self.ctx.user
        return (user.pk if user is not None and user.pk else None, user.username if user is not None else "hệ thống")

    def _created(self, stored: dict[str, Any], cell_code: str) -> dict[str, list[Any]]:
        """`diff({}, snapshot)` of a new member, the snapshot being its stored fields as `_plain` gives them and
        its cell's code; written out because it runs once per member of a file."""
        get = stored.get
        return {
            name: [None, value if value.__class__ in _AS_STORED else _as_plain(value)]
            for name, value in [
                (name, cell_code if name == "current_org" else get(name, default))
                for name, default in self.created_defaults
            ]
            if value is not None
        }

    def _created_text(self, stored: dict[str, Any], cell_code: str) -> JsonText:
        """`_created` as JSON text, written out field by field (PostgreSQL's COPY takes the text): building the
        dict and encoding it was a fifth of the import's main thread. `tests/test_import_chunk_pipeline.py`
        checks that both give the same value."""
        get, parts = stored.get, []
        for name, default, opening in self.created_plan:
            value: Any = cell_code if name == "current_org" else get(name, default)
            if value is None:
                continue
            cls = value.__class__
            if cls is str:  # most fields: the C string encoder, without the encoder's dispatch
                text = _encode_str(value)
            elif cls is date:
                text = '"' + value.isoformat() + '"'
            else:
                text = JSON_ENCODE(value if cls in _AS_STORED else _as_plain(value))
            parts.append(opening + text + "]")
        return JsonText("{" + ", ".join(parts) + "}")

    @functools.cached_property
    def created_defaults(self) -> list[tuple[str, Any]]:
        return [(name, self.defaults.get(name)) for name in CREATED_AUDIT_FIELDS]

    @functools.cached_property
    def created_plan(self) -> list[tuple[str, Any, str]]:
        """`created_defaults` with each field's JSON opening, `"name": [null, `."""
        return [(name, default, _encode_str(name) + ": [null, ") for name, default in self.created_defaults]

    @functools.cached_property
    def defaults(self) -> dict[str, Any]:
        return {f.name: f.get_default() for f in Member._meta.concrete_fields}


# --- member events ------------------------------------------------------------------------------------------

EVENT_VALUE_FIELDS = ("org", "external_org", "ceremony_on", "expected_end", "decision_no", "decided_by", "note")


class EventHandler(Handler):
    what = "sự kiện (đảng viên, loại, ngày)"

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        # member pk -> live events as facts (stored ones, then those of earlier rows), for the timeline.
        self.timelines: dict[int, list[EventFact]] = {}

    def key(self, row: ParsedRow) -> Any:
        v = row.values
        who = v.get("card_number") or v.get("citizen_id")
        return (who, v.get("kind"), v.get("on"))

    def process(self, rows: list[ParsedRow]) -> None:
        ctx = self.ctx
        cards = {r.values["card_number"] for r in rows if r.values.get("card_number")}
        ids = {r.values["citizen_id"] for r in rows if r.values.get("citizen_id") and not r.values.get("card_number")}
        members = list(Member.objects.filter(Q(card_number__in=cards) | Q(citizen_id__in=ids))) if cards or ids else []
        by_card = {m.card_number: m for m in members if m.card_number}
        by_cccd = {m.citizen_id: m for m in members if m.citizen_id}
        stored: dict[tuple[int, str, date], MemberEvent] = {}
        missing = [m.pk for m in members if m.pk not in self.timelines]
        for event in MemberEvent.objects.live().filter(member_id__in=[m.pk for m in members]).order_by("on", "pk"):
            stored[(event.member_id, event.kind, event.on)] = event
            if event.member_id in missing:
                self.timelines.setdefault(event.member_id, []).append(
                    EventFact(event.kind, event.on, event.org_id, event.ceremony_on, seq=event.pk)
                )
        for row in rows:
            plan = None if row.errors else self._check(row, by_card, by_cccd, stored)
            status = _flush(ctx, row)
            if plan is not None and status in ("new", "changed") and ctx.commit and not ctx.report.errors:
                self._write(row, status, *plan)

    def _check(
        self, row: ParsedRow, by_card: dict[str, Member], by_cccd: dict[str, Member], stored: dict[Any, MemberEvent]
    ) -> tuple[Member, MemberEvent | None, dict[str, Any]] | None:
        ctx, v = self.ctx, row.values
        card, cccd = v.get("card_number"), v.get("citizen_id")
        member = by_card.get(card) if card else by_cccd.get(cccd or "")
        info = ctx.org_by_pk(member.current_org_id) if member is not None else None
        if member is None or (ctx.scope_path is not None and (info is None or not ctx.in_scope(info.path))):
            key, what, value = ("card_number", "số thẻ", card) if card else ("citizen_id", "số CCCD", cccd)
            row.error(key, ERR_NO_MEMBER.format(what=what, value=value))
            return None
        if v["on"] > ctx.today:
            row.error("on", ERR_EVENT_FUTURE.format(day=_fmt(v["on"])))
        org = None
        if v.get("org_code"):
            org = ctx.orgs.get(v["org_code"])
            if org is None or org.row is not None:
                row.error("org_code", ERR_UNKNOWN_ORG.format(code=v["org_code"]))
            elif org.kind not in CELL_KINDS:
                row.error("org_code", ERR_NOT_CELL_EVENT.format(code=v["org_code"]))
            elif org.dissolved:
                row.error("org_code", ERR_CELL_DISSOLVED.format(org=org.name))
            elif not ctx.in_scope(org.path):
                row.error("org_code", ERR_ORG_OUT_OF_SCOPE.format(code=org.code))
        if row.errors:
            return None
        org_obj = Org.objects.get(pk=org.pk) if org is not None and org.pk else None
        existing = stored.get((member.pk, v["kind"], v["on"]))
        timeline = self.timelines.setdefault(member.pk, [])
        before = derive_state(timeline)
        values: dict[str, Any] = {}
        if existing is not None:
            if org_obj is not None and existing.org_id != org_obj.pk:
                values["org"] = org_obj
            for name in EVENT_VALUE_FIELDS[1:]:
                if name in v and getattr(existing, name) != v[name]:
                    values[name] = v[name]
            v["_status"] = "changed" if values else "unchanged"
            after_facts = [f for f in timeline if f.seq != existing.pk]
            after_facts.append(
                EventFact(
                    existing.kind,
                    existing.on,
                    org_obj.pk if org_obj is not None else existing.org_id,
                    v.get("ceremony_on", existing.ceremony_on),
                    seq=existing.pk,
                )
            )
        else:
            values = {name: v[name] for name in EVENT_VALUE_FIELDS[1:] if name in v}
            values["org"] = org_obj
            v["_status"] = "new"
            fact = EventFact(
                v["kind"], v["on"], org_obj.pk if org_obj else None, v.get("ceremony_on"), seq=10**12 + row.number
            )
            after_facts = [*timeline, fact]
        after = derive_state(after_facts)
        for message in after.errors:
            if message not in before.errors:
                row.error("kind", message)
        for message in after.warnings:
            if message not in before.warnings:
                row.warn("kind", message)
        if not row.errors:
            self.timelines[member.pk] = after_facts
        return member, existing, values

    def _write(
        self, row: ParsedRow, status: str, member: Member, existing: MemberEvent | None, values: dict[str, Any]
    ) -> None:
        ctx = self.ctx
        try:
            if existing is None:
                event_add(
                    actor=ctx.user, member=member, values={"kind": row.values["kind"], "on": row.values["on"], **values}
                )
            else:
                event_update(actor=ctx.user, event=existing, values=values)
        except ValidationError as error:
            _service_errors(ctx, row, error, {"on": "on", "org": "org_code"})


# --- ratings ------------------------------------------------------------------------------------------------


class RatingHandler(Handler):
    what = "kết quả xếp loại (đối tượng, năm, quý)"

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        self.overrides: dict[str, dict[str, Any]] = {}

    def key(self, row: ParsedRow) -> Any:
        v = row.values
        return (v.get("org_code"), v.get("card_number"), v.get("year"), v.get("quarter") or YEAR)

    def process(self, rows: list[ParsedRow]) -> None:
        ctx = self.ctx
        cards = {r.values["card_number"] for r in rows if r.values.get("card_number")}
        members: dict[str, Member] = {}
        for member in Member.objects.filter(card_number__in=cards) if cards else []:
            members[member.card_number or ""] = member
        org_pks = [
            pk for r in rows if r.values.get("org_code") in ctx.orgs and (pk := ctx.orgs[r.values["org_code"]].pk)
        ]
        m_ratings = {
            (r.member_id, r.year, r.quarter): r for r in MemberRating.objects.filter(member__in=members.values())
        }
        o_ratings = {(r.org_id, r.year, r.quarter): r for r in OrgRating.objects.filter(org_id__in=org_pks)}
        new: list[tuple[MemberRating | OrgRating, str]] = []
        changed: list[tuple[MemberRating | OrgRating, str, dict[str, Any]]] = []
        for row in rows:
            plan = None if row.errors else self._check(row, members, m_ratings, o_ratings)
            status = _flush(ctx, row)
            if plan is not None and status == "new":
                new.append((plan[0], plan[1]))
            elif plan is not None and status == "changed":
                changed.append(plan)
        if ctx.commit and not ctx.report.errors:
            self._write(new, changed)

    def _regime(self, row: ParsedRow, key: PeriodKey) -> Regime | None:
        try:
            regime = regime_of(key)
        except ValidationError as error:
            row.error("year", error.messages[0])
            return None
        if key.quarter != YEAR and not regime.quarterly:
            row.error("quarter", ERR_QUARTER.format(regime=regime.name))
            return None
        if regime.code not in self.overrides:
            self.overrides[regime.code] = rule_overrides(regime)
        return regime

    def _level(self, row: ParsedRow, regime: Regime, subject: Subject) -> str | None:
        typed = row.values["level"]
        for level in regime.levels(subject):
            if fold(typed) == fold(level.label) or typed.upper() == level.code:
                return level.code
        levels = "; ".join(f"{lv.label} ({lv.code})" for lv in regime.levels(subject))
        row.error("level", ERR_LEVEL_UNKNOWN.format(value=typed, regime=regime.name, levels=levels))
        return None

    def _check(
        self,
        row: ParsedRow,
        members: dict[str, Member],
        m_ratings: dict[Any, MemberRating],
        o_ratings: dict[Any, OrgRating],
    ) -> Any:
        ctx, v = self.ctx, row.values
        key = PeriodKey(v["year"], v.get("quarter") or YEAR)
        regime = self._regime(row, key)
        if regime is None:
            return None
        subject: Subject = "org" if v.get("org_code") else "member"
        rating: MemberRating | OrgRating | None
        if subject == "org":
            org = ctx.orgs.get(v["org_code"])
            if org is None or org.pk is None:
                row.error("org_code", ERR_UNKNOWN_ORG.format(code=v["org_code"]))
                return None
            allowed = (
                ctx.user is None
                or ctx.user.role == Role.ADMIN
                or (
                    ctx.user.role in ORG_EDITORS
                    and ctx.scope_path is not None
                    and org.path.startswith(ctx.scope_path)
                    and org.path != ctx.scope_path
                )
            )
            if not allowed:
                row.error("org_code", ERR_RATE_ORG_SCOPE.format(code=org.code))
                return None
            rating = o_ratings.get((org.pk, key.year, key.quarter))
            if rating is None:
                rating = OrgRating(org_id=org.pk, year=key.year, quarter=key.quarter)
            subordinates = subordinates_of(Org.objects.get(pk=org.pk), key)
        else:
            member = members.get(v["card_number"])
            info = ctx.org_by_pk(member.current_org_id) if member is not None else None
            if member is None or (ctx.scope_path is not None and (info is None or not ctx.in_scope(info.path))):
                row.error("card_number", ERR_NO_MEMBER.format(what="số thẻ", value=v["card_number"]))
                return None
            if member.current_org_id is None:
                row.error("card_number", ERR_MEMBER_NO_CELL)
                return None
            rating = m_ratings.get((member.pk, key.year, key.quarter))
            if rating is None:
                rating = MemberRating(member=member, org_id=member.current_org_id, year=key.year, quarter=key.quarter)
            subordinates = None
        level = self._level(row, regime, subject)
        if level is None:
            return None
        score = v.get("score")
        exemplary = bool(v.get("exemplary", rating.exemplary if rating.pk else False))
        result = evaluate(
            regime,
            subject,
            RowInput(subject_id=0, score=score, level=level, exemplary=exemplary),
            self.overrides[regime.code],
            subordinates,
        )
        for name, messages in result.errors.items():
            for message in messages:
                row.error(name if name in ("score", "level") else "", message)
        if row.errors:
            return None
        for finding in result.findings:
            row.warn("level", f"{finding['message']} ({finding['article']})")
        after = {"regime": regime.code, "level": level, "score": score, "exemplary": exemplary}
        if "score" not in v and rating.pk:
            after["score"] = rating.score
        before = {name: getattr(rating, name) for name in after} if rating.pk else {}
        norm = lambda x: x.normalize() if isinstance(x, Decimal) else x  # noqa: E731
        changes = {n: [_plain(before.get(n)), _plain(after[n])] for n in after if norm(before.get(n)) != norm(after[n])}
        if rating.pk and not changes:
            v["_status"] = "unchanged"
            return None
        v["_status"] = "changed" if rating.pk else "new"
        for name, value in after.items():
            setattr(rating, name, value)
        rating.allowed_level, rating.findings = result.allowed_level, result.findings
        rating.updated_by = ctx.user if ctx.user is not None and ctx.user.pk else None
        kind = "org_rating" if subject == "org" else "member_rating"
        return (rating, kind, changes) if rating.pk else (rating, kind)

    def _write(self, new: list[tuple[Any, str]], changed: list[tuple[Any, str, dict[str, Any]]]) -> None:
        ctx = self.ctx
        audits: list[AuditRecord] = []
        now = timezone.now()
        fields = ["regime", "level", "score", "exemplary", "allowed_level", "findings", "updated_by", "updated_at"]
        for rating, _, _ in changed:
            rating.updated_at = now
        member_new = MemberRating.objects.bulk_create([r for r, _ in new if isinstance(r, MemberRating)])
        org_new = OrgRating.objects.bulk_create([r for r, _ in new if isinstance(r, OrgRating)])
        for created, kind in ((member_new, "member_rating"), (org_new, "org_rating")):
            for rating in created:
                audits.append(ctx.audit(Action.CREATE, kind, rating, {"level": [None, rating.level]}))
        MemberRating.objects.bulk_update([r for r, _, _ in changed if isinstance(r, MemberRating)], fields)
        OrgRating.objects.bulk_update([r for r, _, _ in changed if isinstance(r, OrgRating)], fields)
        for rating, kind, changes in changed:
            audits.append(ctx.audit(Action.UPDATE, kind, rating, changes))
        AuditRecord.objects.bulk_create(audits)


HANDLERS: dict[str, type[Handler]] = {
    Kind.ORGS: OrgHandler,
    Kind.MEMBERS: MemberHandler,
    Kind.EVENTS: EventHandler,
    Kind.RATINGS: RatingHandler,
}


# --- the run ------------------------------------------------------------------------------------------------


def kind_and_handler(kind: str) -> tuple[KindDef, type[Handler]]:
    """The definition and the handler of an import kind: the four above, or the plans' kinds (inspection plan
    items, registrations, meetings), whose module builds on this one and is therefore imported here."""
    if kind in HANDLERS:
        return KINDS[kind], HANDLERS[kind]
    from dangvu.exchange import plan_handlers, plan_kinds

    return plan_kinds.PLAN_KINDS[kind], plan_handlers.HANDLERS[kind]


def _chunks(rows: Iterator[SheetRow], size: int) -> Iterable[list[SheetRow]]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def run_import(
    *,
    kind: str,
    path: Path,
    filename: str = "",
    user: User | None = None,
    commit: bool = False,
    job_id: int | None = None,
    progress: ProgressFn | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> Report:
    """Check (and on `commit`, write) one import file. Never raises for bad data: whole-file problems
    land in `report.file_error`, row problems in `report.problems`."""
    definition, handler_class = kind_and_handler(kind)
    report = Report()
    editors = definition.editors or (ORG_EDITORS if kind == Kind.ORGS else MEMBER_EDITORS)
    if user is not None and user.role not in editors:
        report.file_error = "Vai trò của bạn không được nhập loại dữ liệu này."
        return report
    try:
        table = open_table(path, definition.specs(), filename=filename)
    except ReadError as error:
        report.file_error = error.message
        return report
    if definition.one_of and not any(key in table.columns for key in definition.one_of):
        table.close()
        headers = ", ".join(f"“{definition.header(k)}”" for k in definition.one_of)
        report.file_error = ERR_ONE_OF.format(headers=headers)
        return report
    report.rows_total = table.total_rows
    ctx = Context(
        kind=definition,
        user=user,
        commit=commit,
        note=NOTE.format(filename=filename or path.name, job=job_id if job_id is not None else "—"),
        report=report,
    )
    handler = handler_class(ctx)

    parse = definition.row_parser(table.columns)  # cell readings memoised per column for the whole file

    def run() -> None:
        try:
            with fewer_collections():  # a chunk's many young objects made the collector ~30 % of the CPU
                for chunk in _chunks(table.rows, chunk_rows):
                    handler.process(handler.dedupe([parse(row) for row in chunk]))
                    report.rows_done += len(chunk)
                    if progress is not None:
                        progress(report.rows_done, report.rows_total)
                handler.finish()
        except ReadError as error:
            report.file_error = error.message
        finally:
            handler.close()
            table.close()

    if not commit:
        run()
        return report
    try:
        with transaction.atomic():
            last_audit = AuditRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            run()
            if not report.ok:
                raise _Rollback
            if kind in (Kind.ORGS, Kind.EVENTS):
                # The services (org_create, event_add, …) write their own audit rows; name the file on them.
                AuditRecord.objects.filter(
                    pk__gt=last_audit, note="", actor=user if user is not None and user.pk else None
                ).update(note=ctx.note[:255])
    except _Rollback:
        return report
    report.committed = True
    # The report's kept counts absorb the import now, in the import's job, not in the next report's request.
    with fewer_collections():
        tallies_sync()
    return report
