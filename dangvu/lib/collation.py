"""Vietnamese collation through ICU.

Names sort by the given name (the last word), then by the rest, in Vietnamese alphabet order
(a ă â b c d đ e ê …, tones after the letter). The key is computed once when a record is saved and
stored as bytes, so the database can sort and paginate by it without knowing Vietnamese.
"""

from __future__ import annotations

from functools import lru_cache

import icu

from dangvu.lib.text import clean, split_name


@lru_cache(maxsize=1)
def _collator() -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale("vi_VN"))


def sort_key(text: str) -> bytes:
    """ICU sort key of a text in Vietnamese order."""
    return bytes(_collator().getSortKey(clean(text)))


def name_sort_key(full_name: str) -> bytes:
    """Key that orders people by given name, then family and middle names.

    The two keys are concatenated: each ICU key ends with a 0x00 byte, lower than any weight, so a
    shorter given name ("An") sorts before a longer one ("Anh") whatever the family name.
    """
    given, rest = split_name(full_name)
    return sort_key(given) + sort_key(rest)


def sorted_vi(items: list[str]) -> list[str]:
    return sorted(items, key=sort_key)
