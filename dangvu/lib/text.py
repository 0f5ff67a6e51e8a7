"""Vietnamese text helpers: Unicode normalisation and accent folding for search."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def clean(value: str) -> str:
    """NFC-normalise and collapse runs of whitespace; what every stored text goes through."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def fold(value: str) -> str:
    """Accent-free lower-case form used for search: "Nguyễn Văn Đức" -> "nguyen van duc"."""
    decomposed = unicodedata.normalize("NFD", value.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def split_name(full_name: str) -> tuple[str, str]:
    """Split a Vietnamese full name into (given name, the rest): "Nguyễn Văn An" -> ("An", "Nguyễn Văn")."""
    parts = clean(full_name).split(" ")
    if len(parts) == 1:
        return parts[0], ""
    return parts[-1], " ".join(parts[:-1])
