"""Legacy Vietnamese encodings (TCVN3, VNI) detected and converted to Unicode. Pure: no Django.

Before Unicode, Vietnamese was typed in 8-bit fonts: TCVN3 (TCVN 5712:1993, the ABC keyboard with the
".VnTime" fonts) and VNI-Windows ("VNI-Times"). A spreadsheet typed that way stores, for each keystroke, the
Windows-1252 character of the font's byte: "Nguyễn" is "NguyÔn" in TCVN3 and "Nguyeãn" in VNI.

Sources the tables were checked against:
- TCVN3: the TCVN-5712 table of libX11 / libiconv (`lcUniConv/tcvn.h`, byte -> code point, e.g. as vendored
  in fcitx/xcb-imdkit `src/xlibi18n/lcUniConv/tcvn.h`) and the TCVN table of the xvnkb keyboard
  (lamdao/xvnkb `tcvn.h`). We keep the ".VnTime" (VN3) subset: 0xA1-0xA7 the upper-case Ă Â Ê Ô Ơ Ư Đ,
  0xA8-0xAE the lower-case ă â ê ô ơ ư đ and the 60 lower-case toned vowels in 0xB5-0xFE. The full
  standard also puts upper-case toned vowels at 0x01-0x17 and 0x80-0x9F, but in Windows-1252 text those
  bytes are control characters and punctuation (– “ ” …); .VnTime users typed capitals with the ".VnTimeH"
  font, which shows the lower-case bytes as capitals (`to_upper` for cells in such a font).
- VNI-Windows: the VNI table of xvnkb (lamdao/xvnkb `vni.h`): a base letter followed by one byte for the
  circumflex/breve and tone (a+â = â, a+ê = ă, a+ù = á, e+ã = ễ…), one byte for ơ (ô), ư (ö), đ (ñ), ỵ (î)
  and the toned i (í ì æ ó ò).
Both were cross-checked by the round-trip tests in tests/test_legacy_vn.py.

Detection is deliberately conservative: a text is converted only when it is pure Windows-1252 (any other
character means it is already Unicode), every word the conversion changes becomes a well-formed Vietnamese
syllable, and at least one changed word was NOT a Vietnamese word before. "Hoà", "Tú", "café" are left alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

TCVN3 = "TCVN3"
VNI = "VNI"

# --- TCVN3 (.VnTime) ----------------------------------------------------------------------------------------
# byte -> Unicode, for the bytes the .VnTime fonts use (TCVN 5712:1993, VN3).
_TCVN3_BYTES: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip
# The same table keyed by the character a Windows-1252 reader shows for each byte ("¸" for 0xB8).
TCVN3_TO_UNICODE: dict[str, str] = {bytes([b]).decode("cp1252"): u for b, u in _TCVN3_BYTES.items()}
UNICODE_TO_TCVN3: dict[str, str] = {u: c for c, u in TCVN3_TO_UNICODE.items()}
_TCVN3_TABLE = str.maketrans(TCVN3_TO_UNICODE)

# --- VNI-Windows ---------------------------------------------------------------------------------------------
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_TONES = (_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT)
# The byte typed after a vowel: (vowel modifier, tone). Lower-case form; the upper-case form is the same mark.
_VNI_MARKS: dict[str, tuple[str, str]] = {
    "â": (_CIRCUMFLEX, ""), "á": (_CIRCUMFLEX, _ACUTE), "à": (_CIRCUMFLEX, _GRAVE),
    "å": (_CIRCUMFLEX, _HOOK), "ã": (_CIRCUMFLEX, _TILDE), "ä": (_CIRCUMFLEX, _DOT),
    "ê": (_BREVE, ""), "é": (_BREVE, _ACUTE), "è": (_BREVE, _GRAVE),
    "ú": (_BREVE, _HOOK), "ü": (_BREVE, _TILDE), "ë": (_BREVE, _DOT),
    "ù": ("", _ACUTE), "ø": ("", _GRAVE), "û": ("", _HOOK), "õ": ("", _TILDE), "ï": ("", _DOT),
}  # fmt: skip
# Bytes that stand for a whole letter.
_VNI_LETTERS: dict[str, str] = {
    "ô": "ơ", "ö": "ư", "ñ": "đ", "î": "ỵ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị",
}  # fmt: skip
_VNI_ALL_MARKS = {**_VNI_MARKS, **{k.upper(): v for k, v in _VNI_MARKS.items()}}
_VNI_ALL_LETTERS = {**_VNI_LETTERS, **{k.upper(): v.upper() for k, v in _VNI_LETTERS.items()}}
_VNI_CIRCUMFLEX_BASES = set("aeoAEO")
_VNI_BREVE_BASES = set("aA")
_VNI_TONE_BASES = set("aeouyAEOUYơưƠƯ")

# --- Vietnamese syllables ---------------------------------------------------------------------------------
_INITIALS = "ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|b|c|d|đ|g|h|k|l|m|n|p|q|r|s|t|v|x"
_NUCLEI = (
    "uyê|uyu|uya|uây|uôi|ươi|ươu|iêu|yêu|oai|oay|oao|oeo|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|ua|uâ|uê|ui|uô|uơ|ươ|ưa|ưi|ưu|uy|yê|"
    "a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
)
_FINALS = "ng|nh|ch|c|m|n|p|t"
_SYLLABLE = re.compile(f"(?:{_INITIALS})?(?:{_NUCLEI})(?:{_FINALS})?")
_TONE_SET = set(_TONES)
# A "word" for the checks: a run of anything but spaces, digits and ASCII punctuation, so that the Latin-1
# symbols TCVN3 uses as letters (¸ µ ® ­ …) stay inside their word.
_WORD = re.compile(r"[^\s\x00-\x40\x5b-\x60\x7b-\x7f]+")
# Characters outside this set mean the text is already Unicode (Windows-1252 has no ă, ơ, ư, đ, ễ…).
_CP1252_HIGH = frozenset(bytes(range(0x80, 0x100)).decode("cp1252", errors="ignore"))


def is_syllable(word: str) -> bool:
    """True when `word` has the shape of one Vietnamese syllable: initial, vowels, final, at most one tone."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in decomposed if ch in _TONE_SET)
    if tones > 1:
        return False
    toneless = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_SET))
    return _SYLLABLE.fullmatch(toneless) is not None


def is_vietnamese(text: str) -> bool:
    """True when every word with a non-ASCII letter is a Vietnamese syllable or a capitals abbreviation."""
    for word in _WORD.findall(unicodedata.normalize("NFC", text)):
        if not word.isascii() and not (_is_word(word) or (word.isalpha() and _is_abbreviation(word))):
            return False
    return True


def tcvn3_to_unicode(text: str) -> str:
    # .VnTime has no toned capitals, so "§¶NG" (ĐảNG) was meant as ĐẢNG: a word whose other letters are
    # capitals is put in capitals.
    return _WORD.sub(_capitalise_shouting, text.translate(_TCVN3_TABLE))


def _capitalise_shouting(match: re.Match[str]) -> str:
    word = match.group(0)
    cased = [ch for ch in word if ch.isascii() and ch.isalpha()]
    if len(cased) >= 2 and all(ch.isupper() for ch in cased):
        return word.upper()
    return word


def vni_to_unicode(text: str) -> str:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        letter = _VNI_ALL_LETTERS.get(ch, ch)
        nxt = text[i + 1] if i + 1 < n else ""
        mark = _VNI_ALL_MARKS.get(nxt) if letter in _VNI_TONE_BASES else None
        if mark is not None:
            modifier, tone = mark
            allowed = (
                not modifier
                or (modifier == _CIRCUMFLEX and letter in _VNI_CIRCUMFLEX_BASES)
                or (modifier == _BREVE and letter in _VNI_BREVE_BASES)
            )
            if allowed:
                out.append(unicodedata.normalize("NFC", letter + modifier + tone))
                i += 2
                continue
        out.append(letter)
        i += 1
    return "".join(out)


def unicode_to_tcvn3(text: str) -> str:
    """The inverse table (for tests and fixtures); characters .VnTime cannot show are kept as they are."""
    return "".join(UNICODE_TO_TCVN3.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def unicode_to_vni(text: str) -> str:
    """The inverse of `vni_to_unicode` (for tests and fixtures)."""
    inverse_marks = {v: k for k, v in _VNI_MARKS.items()}
    inverse_letters = {v: k for k, v in _VNI_LETTERS.items() if k not in "íì"}
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        upper = ch != ch.lower()
        low = ch.lower()
        if low in inverse_letters:
            code = inverse_letters[low]
            out.append(code.upper() if upper else code)
            continue
        parts = unicodedata.normalize("NFD", low)
        base, marks = parts[0], parts[1:]
        if base == "i" or not marks or not base.isascii():
            out.append(ch)
            continue
        modifier = next((m for m in marks if m in (_CIRCUMFLEX, _BREVE, _HORN)), "")
        tone = next((m for m in marks if m in _TONE_SET), "")
        if modifier == _HORN:
            base, modifier = {"o": "ô", "u": "ö"}[base], ""
        code = inverse_marks[(modifier, tone)] if (modifier or tone) else ""
        out.append((base + code).upper() if upper else base + code)
    return "".join(out)


def to_upper(text: str) -> str:
    """Text typed in a ".VnTimeH"-style font shows in capitals whatever the bytes; convert, then call this."""
    return text.upper()


def detect_and_convert(text: str) -> tuple[str, str | None]:
    """Return (Unicode text, "TCVN3" | "VNI" | None); None when the text is left alone (Unicode, ASCII, doubt)."""
    if text.isascii() or any(ch > "\x7f" and ch not in _CP1252_HIGH for ch in text):
        return text, None
    best: tuple[int, str, str] | None = None
    tie = False
    for encoding, convert in ((TCVN3, tcvn3_to_unicode), (VNI, vni_to_unicode)):
        score = _plausibility(text, convert)
        if score <= 0:
            continue
        converted = unicodedata.normalize("NFC", convert(text))
        if best is None or score > best[0]:
            best, tie = (score, converted, encoding), False
        elif score == best[0] and converted != best[1]:
            tie = True
    if best is None or tie:
        return text, None
    return best[1], best[2]


def _plausibility(original: str, convert: Callable[[str], str]) -> int:
    """How many words the conversion repairs; 0 when any non-ASCII word is not Vietnamese afterwards."""
    repaired = 0
    for old in _WORD.findall(original):
        if old.isascii():
            continue  # "Nguyen", "TU", "ABC": no legacy byte, nothing to judge
        new = unicodedata.normalize("NFC", convert(old))
        if not (new.isalpha() and (_is_word(new) or _is_abbreviation(new))):
            return 0
        if new != old and not _is_word(old):
            repaired += 1
    return repaired


def _is_word(word: str) -> bool:
    return word.isalpha() and is_syllable(word) and _plain_case(word)


def _is_abbreviation(word: str) -> bool:
    """ "QĐ", "HĐND", "ĐU": capitals without tones."""
    return 2 <= len(word) <= 8 and word.isupper() and all(ch.isascii() or ch in "ĐĂÂÊÔƠƯ" for ch in word)


def _plain_case(word: str) -> bool:
    """lower, UPPER or Title case; a lower-case toned letter among capitals is allowed (no capital in .VnTime)."""
    letters = [ch for ch in word if ch.isalpha()]
    if not letters:
        return False
    rest = letters[1:]
    if all(ch.islower() for ch in rest):
        return True
    ascii_rest = [ch for ch in rest if ch.isascii() or ch in "ĂÂÊÔƠƯĐ"]
    return all(ch.isupper() for ch in ascii_rest)
