"""The query paths behind the member list and search at national scale, checked at small scale against
plain Python: "in the subtree of a path" (a range on SQLite, `LIKE 'prefix%'` on PostgreSQL), the
scope filter dropped when the org lies within the scope, and SQLite's FTS5 trigram table on the folded
name (kept by triggers). Every expected value is computed from the rows with `str.startswith` / `in`."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.core.paginator import Paginator
from django.db import connection

from dangvu.lib.text import fold
from dangvu.members import name_index
from dangvu.members.lifecycle import EventKind
from dangvu.members.models import Member
from dangvu.members.queries import MemberSearch, member_search
from dangvu.members.services import event_add, member_update
from dangvu.orgs.kinds import OrgKind
from dangvu.orgs.models import Org
from dangvu.orgs.paths import check_path, in_subtree, subtree_upper_bound
from dangvu.orgs.services import org_move
from tests.factories import World, make_member

pytestmark = pytest.mark.django_db

# Ids chosen so that paths share prefixes as strings: /1/2/ and /1/20/, /1/2/21/ and /1/21/, /1/3/.
TREE = {1: None, 2: 1, 20: 1, 21: 1, 3: 1, 22: 2, 200: 20, 201: 2}


def _path(pk: int) -> str:
    chain = [pk]
    while (parent := TREE[chain[-1]]) is not None:
        chain.append(parent)
    return "/" + "/".join(str(i) for i in reversed(chain)) + "/"


def _raw_tree() -> dict[int, Org]:
    """Org rows written directly with the given ids (the paths are what the services would store)."""
    orgs = {}
    for pk in sorted(TREE, key=lambda i: _path(i).count("/")):
        path = _path(pk)
        orgs[pk] = Org.objects.create(
            pk=pk,
            code=f"O{pk}",
            name=f"Tổ chức {pk}",
            kind=OrgKind.CELL if pk >= 20 else OrgKind.UPPER,
            parent_id=TREE[pk],
            path=path,
            depth=path.count("/") - 2,
        )
    return orgs


def test_upper_bound_is_the_path_with_the_closing_slash_raised() -> None:
    assert subtree_upper_bound("/1/2/") == "/1/20"
    assert "/1/2/" < "/1/2/21/" < subtree_upper_bound("/1/2/") <= "/1/20/"


@pytest.mark.parametrize("bad", ["", "/", "/1/2", "1/2/", "/1/%/", "/1//", "/1/a/", None])
def test_only_well_formed_paths_are_accepted(bad: object) -> None:
    with pytest.raises(ValueError):
        check_path(bad)


def test_in_subtree_matches_startswith_exactly_for_every_node() -> None:
    orgs = _raw_tree()
    for node in orgs.values():
        expected = {pk for pk, org in orgs.items() if org.path.startswith(node.path)}
        assert set(Org.objects.filter(in_subtree("path", node.path)).values_list("pk", flat=True)) == expected
        assert set(Org.objects.subtree(node).values_list("pk", flat=True)) == expected
    # The sibling whose id starts with the same digits stays out: /1/20/ is not under /1/2/.
    assert set(Org.objects.subtree(orgs[2]).values_list("pk", flat=True)) == {2, 22, 201}


def test_no_module_queries_a_subtree_with_startswith() -> None:
    """Every subtree condition goes through `in_subtree` (an index range on SQLite too); Django's
    `__startswith` on a path is a `LIKE … ESCAPE` SQLite cannot answer from its index. The one exception
    (the time-travel probe of `reports.report`, which wants SQLite NOT to start from the path) says so."""
    root = Path(__file__).resolve().parent.parent / "dangvu"
    found = [
        f"{source.relative_to(root)}:{number}"
        for source in root.rglob("*.py")
        if "migrations" not in source.parts
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"path__startswith|\}__startswith", line) and "startswith on purpose" not in line
    ]
    assert found == []


def test_members_in_subtree_by_their_cell() -> None:
    orgs = _raw_tree()
    members = {pk: make_member(orgs[pk], f"Nguyễn Văn Số {pk}") for pk in (20, 21, 22, 200, 201)}
    for node in orgs.values():
        expected = {m.pk for pk, m in members.items() if orgs[pk].path.startswith(node.path)}
        assert set(Member.objects.in_subtree(node.path).values_list("pk", flat=True)) == expected


PERSONAS = ["sysadmin", "province_staff", "commune_staff", "secretary", "viewer", "member", "outsider"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_in_is_visible_to_within_the_org(world: World, persona: str) -> None:
    user = getattr(world, persona)
    visible = set(Member.objects.visible_to(user).values_list("pk", flat=True))
    for org in Org.objects.all():
        cells = {m.pk: m.current_org for m in Member.objects.select_related("current_org")}
        inside = {pk for pk, cell in cells.items() if cell is not None and cell.path.startswith(org.path)}
        assert set(Member.objects.visible_in(user, org).values_list("pk", flat=True)) == visible & inside, org.code


NAMES = [
    "Nguyễn Thị Thuỷ",
    "Nguyễn Thị Thúy",
    "Trần Văn Thuyên",
    "Lê Thị Thu",
    "Nguyễn Thuỳ Dương",
    "Phạm Văn Huy",
    "Đỗ An",
    "Hoàng Văn Ân",
    "Nguyễn Văn Thụy An",
    "Bùi Thị Tuyết",
]
QUERIES = ["thuy", "nguyen thuy", "Nguyễn Thị Thuỷ", "an", "thu an", "huy", "THUY", "uye", "van an", "xyz", "d"]


def _has(name: str, word: str) -> bool:
    """A word of three letters or more anywhere in the folded name; a shorter one at the start of a word."""
    if len(word) >= 3:
        return word in name
    return any(part.startswith(word) for part in name.split(" "))


def _expected(query: str, members: list[Member]) -> list[int]:
    words = fold(query).split(" ")
    found = [m for m in members if all(_has(m.name_search, word) for word in words)]
    return [m.pk for m in sorted(found, key=lambda m: (bytes(m.name_sort_key), m.pk))]


@pytest.mark.parametrize("query", QUERIES)
def test_name_search_finds_every_name_containing_each_word(world: World, query: str) -> None:
    made = [make_member(world.economy_cell if i % 2 else world.other_cell, name) for i, name in enumerate(NAMES)]
    everyone = list(Member.objects.all())
    assert made  # the fixed world's members are searched too
    for user, org in (
        (world.sysadmin, None),
        (world.province_staff, world.province),
        (world.commune_staff, None),  # below the root: on PostgreSQL the area narrows the index
        (world.commune_staff, world.economy_cell),
        (world.outsider, None),
    ):
        visible = {
            m.pk
            for m in Member.objects.visible_to(user).select_related("current_org")
            if org is None or (m.current_org is not None and m.current_org.path.startswith(org.path))
        }
        expected = [pk for pk in _expected(query, everyone) if pk in visible]
        found = member_search(user, MemberSearch(q=query, org=org.pk if org else None, status="all"), org=org)
        assert [m.pk for m in found] == expected, (user.username, org)
        assert found.count() == len(expected)
        last = max(1, -(-len(expected) // 3))  # get_page of a page past the end gives the last one
        page = Paginator(found, 3).get_page(2)
        assert [m.pk for m in page.object_list] == expected[3 * (min(2, last) - 1) :][:3]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 table; PostgreSQL has its trigram index")
def test_the_fts_table_follows_every_change_of_the_names(world: World) -> None:
    def indexed() -> dict[int, str]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid, name_search FROM {name_index.TABLE}")
            return dict(cursor.fetchall())

    def names() -> dict[int, str]:
        return dict(Member.objects.values_list("pk", "name_search"))

    member = make_member(world.economy_cell, "Nguyễn Thị Thuỷ")
    assert indexed() == names()
    member_update(actor=None, member=member, data={"full_name": "Trần Thị Tuyết"})
    assert indexed() == names()
    assert [m.pk for m in member_search(world.sysadmin, MemberSearch(q="tuyet"))] == [member.pk]
    assert list(member_search(world.sysadmin, MemberSearch(q="thuy"))) == []
    Member.objects.filter(pk=member.pk).delete()
    assert indexed() == names()

    # A table rebuild by a later migration drops the triggers: after `migrate` they are back, refilled.
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER member_name_fts_update")
    Member.objects.filter(pk=world.an.pk).update(name_search="khong con la an")
    assert indexed() != names()
    name_index.ensure_after_migrate(using="default")
    assert indexed() == names()
    Member.objects.filter(pk=world.an.pk).update(name_search=fold(world.an.full_name))
    assert indexed() == names()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's area column; SQLite has its FTS5 table")
def test_the_area_follows_every_change_of_cell_and_of_the_tree(world: World) -> None:
    """`area_id` is the second id of the member's cell's path, whoever writes: the services, a move of a
    subtree under another area, a raw UPDATE of the column, a raw INSERT."""

    def stored() -> dict[int, int | None]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {name_index.AREA_COLUMN} FROM members_member")
            return dict(cursor.fetchall())

    def expected() -> dict[int, int | None]:
        return {
            m.pk: name_index.area_of(m.current_org.path) if m.current_org else None
            for m in Member.objects.select_related("current_org")
        }

    assert name_index.area_of("/1/") is None
    assert name_index.area_of("/1/7/42/") == 7
    assert stored() == expected()
    assert set(stored().values()) == {world.commune.pk, world.other_commune.pk}
    thuy = make_member(world.economy_cell, "Nguyễn Thị Thuỷ")
    assert stored()[thuy.pk] == world.commune.pk

    # A transfer to a cell of the other commune.
    event_add(
        actor=None,
        member=thuy,
        values={"kind": EventKind.TRANSFER_OUT, "on": date(2026, 1, 5), "org": world.other_cell},
    )
    assert stored()[thuy.pk] == world.other_commune.pk
    assert stored() == expected()
    staff = world.outsider  # staff of the other commune: finds her there now, the commune's staff no longer
    assert [m.pk for m in member_search(staff, MemberSearch(q="thuy"))] == [thuy.pk]
    assert list(member_search(world.commune_staff, MemberSearch(q="thuy"))) == []
    # The area is written into a search below the root (so the index narrows on it), not into the root's.
    area = f"{name_index.AREA_COLUMN} = {world.other_commune.pk}"
    assert area in str(member_search(staff, MemberSearch(q="thuy")).query)
    assert name_index.AREA_COLUMN not in str(member_search(world.province_staff, MemberSearch(q="thuy")).query)

    # A grassroots committee with its cells moved under the other commune: its members change area.
    org_move(actor=None, org=world.agency, new_parent=world.other_commune, effective_on=date(2026, 2, 1))
    assert stored() == expected()
    moved = set(
        Member.objects.filter(current_org__in=[world.office_cell, world.economy_cell]).values_list("pk", flat=True)
    )
    assert moved and all(stored()[pk] == world.other_commune.pk for pk in moved)
    assert {m.pk for m in member_search(staff, MemberSearch(q="", status="all"))} >= moved

    # Written behind the triggers' back, the column is computed again.
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE members_member SET {name_index.AREA_COLUMN} = 999999")
    assert stored() == expected()


def test_a_short_word_finds_the_names_with_a_word_starting_with_it(world: World) -> None:
    for name in ("Hoàng Văn Ân", "Nguyễn Thị Lan", "Trần An Nhiên", "Lê Văn Hoan"):
        make_member(world.economy_cell, name)
    found = {m.full_name for m in member_search(world.sysadmin, MemberSearch(q="an", status="all"))}
    assert {"Hoàng Văn Ân", "Trần An Nhiên", "Nguyễn Văn An"} <= found
    assert not found & {"Nguyễn Thị Lan", "Lê Văn Hoan"}  # "an" inside a word: not a name starting so
    found = {m.full_name for m in member_search(world.sysadmin, MemberSearch(q="hoan", status="all"))}
    assert found == {"Hoàng Văn Ân", "Lê Văn Hoan", "Hoàng Đức"}  # three letters and more: anywhere


def test_search_of_a_word_of_three_letters_and_more_and_of_shorter_ones(world: World) -> None:
    """Words shorter than three letters are not in the FTS query; the condition on the name stays."""
    assert name_index.match_expression(["nguyen", "an", "thuy", "nguyen"]) == '"nguyen" AND "thuy"'
    assert name_index.match_expression(["an", "d"]) is None
    make_member(world.economy_cell, "Nguyễn Văn Dân", birth_date=date(1990, 1, 1))
    everyone = list(Member.objects.all())
    found = member_search(world.sysadmin, MemberSearch(q="an nguyen", status="all"))
    assert [m.pk for m in found] == _expected("an nguyen", everyone)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_the_paths_have_fine_statistics_so_a_small_subtree_is_estimated_small(world: World) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute WHERE attrelid = 'orgs_org'::regclass AND attname = 'path'"
        )
        assert cursor.fetchone()[0] == 10000


def test_a_list_below_an_area_is_in_name_order_like_any_other(world: World) -> None:
    for name in ("Trần Văn Bảo", "Lê Thị Ánh", "Nguyễn Văn Ất"):
        make_member(world.economy_cell, name)
    everyone = list(Member.objects.on_roll())
    for org in (world.province, world.commune, world.agency, world.economy_cell):
        expected = sorted(
            (m for m in everyone if m.current_org is not None and m.current_org.path.startswith(org.path)),
            key=lambda m: (bytes(m.name_sort_key), m.pk),
        )
        found = member_search(world.sysadmin, MemberSearch(org=org.pk), org=org)
        assert [m.pk for m in found] == [m.pk for m in expected], org.code
