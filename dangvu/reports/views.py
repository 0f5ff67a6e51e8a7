"""The rating report page and the list of organisations behind its figures.

The page reads `ratings_report` (the same dict the command line prints) and adds what only a page needs:
a link behind every figure (members → the member list with the rating filters; organisations → the
organisation list below), the charts, the selector. Readers: the roles that read the tree; out of scope
is a 404.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import quote_plus, urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from dangvu.accounts.models import TREE_READERS, User
from dangvu.evaluations.periods import YEAR, PeriodKey
from dangvu.evaluations.queries import NotRatedReason
from dangvu.evaluations.regimes.base import Subject
from dangvu.evaluations.services import regime_of, rule_overrides
from dangvu.members.queries import RATING_EXEMPLARY, RATING_NOT_YET, RATING_RATED
from dangvu.orgs.kinds import Sector
from dangvu.orgs.models import Org
from dangvu.orgs.queries import CACHED_DEPTH, breadcrumbs
from dangvu.reports.charts import Slice, bar_chart, colour_for, donut_chart
from dangvu.reports.paragraph import rating_paragraph
from dangvu.reports.report import (
    AS_IS,
    CELLS,
    GRASSROOTS,
    MEMBERS,
    ORG_EXEMPLARY,
    ORG_NOT_RATED,
    ORG_RATED,
    YEARS_BASES,
    orgs_behind,
    ratings_report,
    vn_percent,
)
from dangvu.tallies.cache import cached

FIRST_YEAR = 2008
BASIS_PARAM = "so_sanh"
ORGS_PER_PAGE = 100
REPORT_CACHE = "ratings-page"
ERR_READERS = "Báo cáo dành cho cán bộ theo phạm vi được giao."
BLOCK_TITLES = {
    GRASSROOTS: "Tổ chức cơ sở đảng",
    CELLS: "Chi bộ trực thuộc đảng bộ cơ sở",
    MEMBERS: "Đảng viên",
}
ORG_LIST_KINDS = {"grassroots": GRASSROOTS, "cells": CELLS}
REASON_LABELS = {r.value: str(r.label) for r in NotRatedReason}


@dataclass(frozen=True)
class Figure:
    value: int
    href: str
    share: str = ""


@dataclass
class Row:
    label: str
    code: str = ""
    href: str = ""  # this row's own report (children)
    total: Figure | None = None
    rated: Figure | None = None
    levels: list[Figure] = field(default_factory=list)
    exemplary: Figure | None = None
    not_rated: list[Figure] = field(default_factory=list)
    quota: dict[str, Any] | None = None
    own_level: str = ""


@dataclass
class BlockView:
    name: str
    title: str
    levels: list[tuple[str, str]]  # (code, label)
    reasons: list[tuple[str, str]]
    total: Row
    children: list[Row]
    sectors: list[Row]
    chart: str = ""
    donut: str = ""


def _user(request: HttpRequest) -> User:
    user = cast(User, request.user)
    if user.role not in TREE_READERS:
        raise PermissionDenied(ERR_READERS)
    return user


def _int(value: str | None, default: int, low: int, high: int) -> int:
    return int(value) if value and value.isdigit() and low <= int(value) <= high else default


def _org_and_period(request: HttpRequest, user: User) -> tuple[Org, PeriodKey]:
    visible = Org.objects.visible_to(user)
    raw = request.GET.get("org", "")
    if raw:
        if not raw.isdigit():
            raise Http404
        org = get_object_or_404(visible, pk=int(raw))
    elif user.scope is not None:
        org = user.scope
    else:
        root = visible.filter(parent__isnull=True).order_by("pk").first()
        if root is None:
            raise Http404
        org = root
    this_year = timezone.localdate().year
    year = _int(request.GET.get("nam"), this_year - 1, FIRST_YEAR, this_year)
    quarter = _int(request.GET.get("quy"), YEAR, 0, 4)
    return org, PeriodKey(year, quarter)


class Links:
    """The URLs behind the figures of one report."""

    def __init__(self, key: PeriodKey):
        self.key = key
        self.members_url = reverse("members:list")
        self.orgs_url = reverse("reports:orgs")
        self.report_url = reverse("reports:ratings")

    def _period(self, year: int | None = None) -> dict[str, Any]:
        return {"nam": year or self.key.year, "quy": self.key.quarter}

    # A province's page has ~2,000 of these links: the query strings are put together from their parts,
    # as `urlencode` would (same order, empty values left out), without building a dict for each.
    def _query(self, org_pk: int, year: int | None, middle: str, rating: str, sector: str) -> str:
        query = f"org={org_pk}&nam={year or self.key.year}&quy={self.key.quarter}&{middle}"
        if rating:
            query += f"&xep_loai={quote_plus(rating)}"
        if sector:
            query += f"&loai_hinh={quote_plus(sector)}"
        return query

    def members(self, org_pk: int, rating: str = "", sector: str = "", year: int | None = None) -> str:
        return f"{self.members_url}?{self._query(org_pk, year, 'status=all', rating, sector)}"

    def orgs(self, org_pk: int, block: str, rating: str = "", sector: str = "", year: int | None = None) -> str:
        kind = "grassroots" if block == GRASSROOTS else "cells"
        return f"{self.orgs_url}?{self._query(org_pk, year, f'loai={kind}', rating, sector)}"

    def report(self, org_pk: int) -> str:
        return f"{self.report_url}?{urlencode({'org': org_pk, **self._period()})}"

    def figure(self, block: str, org_pk: int, rating: str = "", sector: str = "", year: int | None = None) -> str:
        if block == MEMBERS:
            return self.members(org_pk, rating, sector, year)
        return self.orgs(org_pk, block, rating, sector, year)


def _row(links: Links, name: str, data: dict[str, Any], org_pk: int, label: str, sector: str = "") -> Row:
    block = data[name]
    member = name == MEMBERS
    rated_code = RATING_RATED if member else ORG_RATED
    return Row(
        label=label,
        total=Figure(block["total"], links.figure(name, org_pk, "", sector)),
        rated=Figure(block["rated"], links.figure(name, org_pk, rated_code, sector)),
        levels=[
            Figure(n, links.figure(name, org_pk, code, sector), vn_percent(block["percent"][code]))
            for code, n in block["levels"].items()
        ],
        exemplary=Figure(
            block["exemplary"], links.figure(name, org_pk, RATING_EXEMPLARY if member else ORG_EXEMPLARY, sector)
        ),
        not_rated=[
            Figure(
                n,
                links.figure(
                    name, org_pk, (RATING_NOT_YET if member else ORG_NOT_RATED) if r == "not_yet" else r, sector
                ),
            )
            for r, n in block["not_rated"].items()
        ],
    )


def _block_view(report: dict[str, Any], name: str, links: Links) -> BlockView:
    subject: Subject = "member" if name == MEMBERS else "org"
    labels = {lv["code"]: lv["label"] for lv in report["regime"][f"{subject}_levels"]}
    ranks = {lv["code"]: index + 1 for index, lv in enumerate(report["regime"][f"{subject}_levels"])}
    codes = list(report[name]["levels"])
    total = _row(links, name, report, report["pk"], report["name"])
    total.quota = report["quota"]["members" if name == MEMBERS else "orgs"]
    children = []
    for child in report["children"]:
        row = _row(links, name, child, child["pk"], child["name"])
        row.code, row.href, row.own_level = (
            child["code"],
            links.report(child["pk"]),
            labels.get(child["own_level"], child["own_level"]),
        )
        row.quota = child["quota"]["members" if name == MEMBERS else "orgs"]
        children.append(row)
    sectors = [_row(links, name, s, report["pk"], s["name"], s["code"]) for s in report["sectors"]]
    block = report[name]
    slices = [
        Slice(
            labels.get(code, code),
            block["levels"][code],
            colour_for(ranks.get(code)),
            vn_percent(block["percent"][code]),
            fig.href,
        )
        for code, fig in zip(codes, total.levels, strict=True)
    ]
    title = f"{BLOCK_TITLES[name]}: số được xếp loại theo mức, {report['period']['label'].lower()}"
    view = BlockView(
        name=name,
        title=BLOCK_TITLES[name],
        levels=[(code, labels.get(code, code)) for code in codes],
        reasons=[(r, REASON_LABELS[r]) for r in block["not_rated"]],
        total=total,
        children=children,
        sectors=sectors,
        chart=bar_chart(title, slices) if block["rated"] or block["total"] else "",
    )
    if name == MEMBERS and block["rated"]:
        view.donut = donut_chart(
            f"Cơ cấu xếp loại đảng viên, {report['period']['label'].lower()}",
            slices,
            centre=f"{block['rated']:,}".replace(",", "."),
        )
    return view


def _years_view(report: dict[str, Any], links: Links, *, linked: bool = True) -> list[dict[str, Any]]:
    """The years rows; their figures link to the lists behind them only when counted on today's tree
    (the lists are today's)."""
    if not linked:
        links = _Unlinked(links.key)
    rows = []
    for entry in report["years"]:
        row: dict[str, Any] = {"year": entry["year"], "regime": entry["regime"]}
        for name in (GRASSROOTS, MEMBERS):
            block = entry[name]
            row[name] = {
                "rated": Figure(
                    block["rated"],
                    links.figure(
                        name, report["pk"], RATING_RATED if name == MEMBERS else ORG_RATED, year=entry["year"]
                    ),
                ),
                "levels": [
                    (
                        code,
                        Figure(
                            n,
                            links.figure(name, report["pk"], code, year=entry["year"]),
                            vn_percent(block["percent"][code]),
                        ),
                    )
                    for code, n in block["levels"].items()
                ],
            }
        rows.append(row)
    return rows


class _Unlinked(Links):
    def figure(self, block: str, org_pk: int, rating: str = "", sector: str = "", year: int | None = None) -> str:
        return ""


def _selector(key: PeriodKey) -> dict[str, Any]:
    this_year = timezone.localdate().year
    return {
        "years": list(range(this_year, FIRST_YEAR - 1, -1)),
        "quarters": [(0, "Cả năm"), (1, "Quý I"), (2, "Quý II"), (3, "Quý III"), (4, "Quý IV")],
        "year": key.year,
        "quarter": key.quarter,
    }


def _report_blocks(org: Org, key: PeriodKey, basis: str) -> tuple[dict[str, Any], list[BlockView], str]:
    """The report, its three blocks and their HTML (the tables and charts: most of the page's time for a
    province's ~100 communes). Above `orgs.queries.CACHED_DEPTH` (the top of the tree and its children)
    kept in the cache under the tallies' generation (`tallies.cache`): any rating, membership or change
    of the tree makes them counted again. Also in the key: the period, the comparison basis, today (the
    report of the current period and the choice of tree depend on it) and the regime's rule settings
    (they set the quotas; read here, one query, and passed on). Nothing in them depends on who asks: the
    caller has checked that `org` is in the user's scope, and every link leads into its subtree. Raises
    ValidationError as `ratings_report` does (nothing is kept then)."""
    overrides = rule_overrides(regime_of(key))
    settings_key = hashlib.sha256(repr(sorted(overrides.items())).encode()).hexdigest()[:16]

    def compute() -> tuple[dict[str, Any], list[BlockView], str]:
        report = ratings_report(org, key, years_basis=basis, overrides=overrides)
        links = Links(key)
        blocks = [_block_view(report, name, links) for name in (GRASSROOTS, CELLS, MEMBERS)]
        return report, blocks, render_to_string("reports/_blocks.html", {"blocks": blocks})

    if org.depth >= CACHED_DEPTH:  # a commune's or a cell's report: tens of milliseconds, kept nowhere
        return compute()
    parts = (org.pk, org.path, key.year, key.quarter, basis, timezone.localdate().isoformat(), settings_key)
    return cached(REPORT_CACHE, parts, compute)


@login_required
def ratings(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    org, key = _org_and_period(request, user)
    context: dict[str, Any] = {
        "nav": "reports",
        "org": org,
        "key": key,
        "crumbs": breadcrumbs(org, user),
        "selector": _selector(key),
    }
    basis = request.GET.get(BASIS_PARAM, AS_IS)
    basis = basis if basis in YEARS_BASES else AS_IS
    context["years_bases"] = list(YEARS_BASES.items())
    try:
        report, blocks, blocks_html = _report_blocks(org, key, basis)
    except ValidationError as error:
        context["error"] = " ".join(error.messages)
        return render(request, "reports/ratings.html", context)
    links = Links(key)
    context.update(
        report=report,
        blocks=blocks,
        blocks_html=mark_safe(blocks_html),  # rendered by our template, escaped there
        years=_years_view(report, links, linked=basis == AS_IS and report["as_of"] is None),
        paragraph=rating_paragraph(report),
        json_url=f"{reverse('reports:ratings_json')}?{urlencode({'org': org.pk, 'nam': key.year, 'quy': key.quarter})}",
    )
    return render(request, "reports/ratings.html", context)


@login_required
def ratings_json(request: HttpRequest) -> HttpResponse:
    """The report dict as JSON (the same as `dangvu report ratings --format json`)."""
    from django.http import JsonResponse

    user = _user(request)
    org, key = _org_and_period(request, user)
    try:
        report = ratings_report(org, key)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse(report, json_dumps_params={"ensure_ascii": False, "indent": 2})


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    """The organisations behind a figure: ?org=&nam=&quy=&loai=grassroots|cells&xep_loai=&loai_hinh=."""
    user = _user(request)
    org, key = _org_and_period(request, user)
    kind = request.GET.get("loai", "grassroots")
    if kind not in ORG_LIST_KINDS:
        kind = "grassroots"
    block = ORG_LIST_KINDS[kind]
    rating = request.GET.get("xep_loai", "")[:16]
    sector = request.GET.get("loai_hinh", "")
    sector = sector if sector in Sector.values else ""
    try:
        regime = regime_of(key)
    except ValidationError as error:
        raise Http404(" ".join(error.messages)) from error
    labels = {lv.code: lv.label for lv in regime.levels("org")}
    if rating not in {"", ORG_RATED, ORG_NOT_RATED, ORG_EXEMPLARY, *labels}:
        rating = ""
    rating_labels = {
        "": "Tất cả (tồn tại cuối kỳ)",
        ORG_RATED: "Đã xếp loại",
        ORG_EXEMPLARY: "Tiêu biểu",
        ORG_NOT_RATED: "Chưa xếp loại",
        **labels,
    }
    page = Paginator(orgs_behind(org, key, block, rating, sector), ORGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/org_list.html",
        {
            "nav": "reports",
            "org": org,
            "key": key,
            "page": page,
            "total": page.paginator.count,
            "block_title": BLOCK_TITLES[block],
            "kind": kind,
            "rating": rating,
            "rating_label": rating_labels[rating],
            "rating_choices": list(rating_labels.items()),
            "sector": sector,
            "sector_label": str(Sector(sector).label) if sector else "",
            "labels": labels,
            "back": Links(key).report(org.pk),
            "crumbs": breadcrumbs(org, user),
        },
    )
