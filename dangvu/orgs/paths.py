""" "Is in the subtree of this path": one condition for every query on the materialised paths.

A subtree is every path starting with the node's path ("/1/7/" covers "/1/7/" and "/1/7/42/", not
"/1/70/"). `in_subtree("current_org__path", org.path)` builds that condition as the database can use
its index on the path:

- PostgreSQL: `path LIKE '/1/7/%'`, which the planner turns into the range `path ~>=~ '/1/7/' AND
  path ~<~ '/1/70'` on the `varchar_pattern_ops` index (whatever the database's collation);
- SQLite: the same range written out, `path >= '/1/7/' AND path < '/1/70'` (SQLite never uses an index
  for Django's `LIKE … ESCAPE '\\'`, and its default BINARY collation compares bytes).

The upper bound is the path with its last character, the closing "/", replaced by the next character
"0": every string that starts with the path sorts between the two, and nothing else does, because a
path is made of digits and "/" only.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import CharField, Lookup, Q

PATH_RE = re.compile(r"(/\d+)+/")


def subtree_upper_bound(path: str) -> str:
    """The smallest string greater than every string that starts with `path`."""
    return path[:-1] + chr(ord(path[-1]) + 1)


def check_path(path: object) -> str:
    if not isinstance(path, str) or not PATH_RE.fullmatch(path):
        raise ValueError(f"not an organisation path: {path!r}")
    return path


@CharField.register_lookup
class InSubtree(Lookup):
    """`<path field>__in_subtree=<path>`: the field starts with the given path (see the module)."""

    lookup_name = "in_subtree"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        path = check_path(self.rhs)
        if connection.vendor == "postgresql":
            # The path holds no LIKE wildcard (digits and "/"), so it needs no escaping.
            return f"{lhs}::text LIKE %s", [*lhs_params, f"{path}%"]
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, path, *lhs_params, subtree_upper_bound(path)]


def in_subtree(field: str, path: str) -> Q:
    """The rows whose `field` (a path, e.g. "current_org__path") lies in the subtree of `path`."""
    return Q(**{f"{field}__in_subtree": check_path(path)})


def area_of(path: str) -> int | None:
    """The id in the second place of a path ("/1/7/42/" -> 7): the root's child the node lies under (a
    province on a national tree, a commune on a province's own), the same for its whole subtree; None for
    the root, whose subtree spans every area."""
    parts = check_path(path).strip("/").split("/")
    return int(parts[1]) if len(parts) > 1 else None


def below_area(path: str) -> bool:
    """Deeper than an area: a commune, an organisation or a cell on a national tree (thousands of members
    at most), not the root or a province."""
    return check_path(path).count("/") > 3
