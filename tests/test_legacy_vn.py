"""TCVN3 (.VnTime) and VNI text detected and converted to Unicode; Unicode, English and French left alone."""

from __future__ import annotations

import unicodedata

import pytest

from dangvu.lib.legacy_vn import (
    TCVN3,
    VNI,
    detect_and_convert,
    is_syllable,
    tcvn3_to_unicode,
    unicode_to_tcvn3,
    unicode_to_vni,
    vni_to_unicode,
)

SENTENCES = [
    "Nguyễn Văn Đức",
    "Đảng bộ xã Tân Hòa",
    "Chi bộ thôn Đông",
    "Trần Thị Thủy",
    "Quyết định số 12/QĐ-TU ngày 05/9/2023",
    "Hà Nội, ngày 5 tháng 3 năm 2024",
    "Ban Tổ chức Tỉnh ủy",
    "Trường Tiểu học Hoà Bình, ấp 3",
    "Hoàn thành xuất sắc nhiệm vụ",
    "Phường Nguyễn Trãi, quận Hà Đông",
    "Lương Thế Vinh",
    "Khuyết điểm",
]

BASES = "aăâeêioôơuưy"
TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")


def _letters(upper: bool) -> list[str]:
    """The 67 Vietnamese letters outside ASCII in one case: 60 toned vowels, ă â ê ô ơ ư, đ."""
    letters = [unicodedata.normalize("NFC", base + tone) for base in BASES for tone in TONES]
    letters = [letter for letter in letters if not letter.isascii()] + ["đ"]
    return [letter.upper() for letter in letters] if upper else letters


def test_there_are_134_vietnamese_letters_outside_ascii():
    assert len(_letters(False)) == 67
    assert len(set(_letters(False) + _letters(True))) == 134


def test_the_tcvn3_table_is_a_bijection_on_the_67_lower_case_letters_and_7_capitals():
    for letter in _letters(False) + list("ĂÂÊÔƠƯĐ"):
        encoded = unicode_to_tcvn3(letter)
        assert len(encoded) == 1 and encoded.encode("cp1252")
        assert tcvn3_to_unicode(encoded) == letter


@pytest.mark.parametrize(
    ("letter", "byte"),
    [("á", 0xB8), ("à", 0xB5), ("ả", 0xB6), ("ã", 0xB7), ("ạ", 0xB9), ("ă", 0xA8), ("â", 0xA9), ("đ", 0xAE),
     ("Đ", 0xA7), ("ư", 0xAD), ("ễ", 0xD4), ("ộ", 0xE9), ("ự", 0xF9), ("ỵ", 0xFE), ("ớ", 0xED), ("ĩ", 0xDC)],
)  # fmt: skip
def test_tcvn3_bytes_match_the_tcvn_5712_table(letter, byte):
    assert unicode_to_tcvn3(letter).encode("cp1252") == bytes([byte])


def test_the_vni_table_round_trips_all_134_letters():
    for letter in _letters(False) + _letters(True):
        encoded = unicode_to_vni(letter)
        assert encoded.encode("cp1252")
        assert vni_to_unicode(encoded) == letter, (letter, encoded)


@pytest.mark.parametrize(
    ("unicode", "vni"),
    [("Nguyễn", "Nguyeãn"), ("Việt", "Vieät"), ("Đức", "Ñöùc"), ("ơ", "ô"), ("ằ", "aè"), ("ỵ", "î"), ("ĩ", "ó")],
)
def test_vni_sequences_match_the_vni_windows_table(unicode, vni):
    assert unicode_to_vni(unicode) == vni


@pytest.mark.parametrize("sentence", SENTENCES)
def test_a_sentence_typed_in_tcvn3_comes_back_as_unicode(sentence):
    legacy = unicode_to_tcvn3(sentence)
    assert legacy != sentence
    assert detect_and_convert(legacy) == (sentence, TCVN3)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_a_sentence_typed_in_vni_comes_back_as_unicode(sentence):
    legacy = unicode_to_vni(sentence)
    assert legacy != sentence
    assert detect_and_convert(legacy) == (sentence, VNI)


def test_vni_in_capitals_is_converted():
    assert detect_and_convert(unicode_to_vni("NGUYỄN VĂN ĐỨC")) == ("NGUYỄN VĂN ĐỨC", VNI)


def test_tcvn3_capitals_typed_with_lower_case_tones_are_put_in_capitals():
    # .VnTime has no toned capitals: "ĐẢNG BỘ" typed with caps lock is "§¶NG Bé" (ĐảNG Bộ).
    assert detect_and_convert("§¶NG Bé X·") == ("ĐẢNG Bộ Xã", TCVN3)
    assert detect_and_convert("§¤NG") == ("ĐÔNG", TCVN3)


def test_tcvn3_text_typical_of_real_files_is_converted():
    assert detect_and_convert("NguyÔn V¨n §øc") == ("Nguyễn Văn Đức", TCVN3)
    assert detect_and_convert("Hµ Néi") == ("Hà Nội", TCVN3)


def test_the_brief_examples_of_vni_are_converted():
    assert detect_and_convert("Nguyeãn") == ("Nguyễn", VNI)
    assert detect_and_convert("Vieät") == ("Việt", VNI)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Nguyen Van Duc",
        "Nguyễn Văn Đức",
        "Hồ Chí Minh",
        "Đảng bộ xã Tân Hòa",
        # Unicode Vietnamese made only of Windows-1252 letters: also valid legacy text, so left alone.
        "Hoà",
        "Tú",
        "Hà Tú",
        "Tú Tài",
        "Khoá",
        "Có",
        # English, French, German, Portuguese.
        "café",
        "Crème brûlée",
        "Noël",
        "naïve",
        "résumé",
        "São Paulo",
        "Müller",
        "Hello – world “quoted”…",
        "25°C",
        "12/QĐ-TU",
    ],
)
def test_unicode_english_and_french_text_is_left_alone(text):
    assert detect_and_convert(text) == (text, None)


def test_text_mixing_a_legacy_word_and_a_foreign_word_is_left_alone():
    # "®Þnh" is TCVN3, not VNI; the VNI reading repairs "QuyÕt" but leaves "®Þnh" broken, so VNI is refused.
    assert detect_and_convert("QuyÕt ®Þnh")[1] == TCVN3
    assert detect_and_convert("Quyeát Müller") == ("Quyeát Müller", None)


@pytest.mark.parametrize("word", ["nguyễn", "Đức", "khuyết", "nghiêng", "giữa", "quốc", "ươu", "y", "ĐẢNG", "thuở"])
def test_vietnamese_syllables_are_recognised(word):
    assert is_syllable(word)


@pytest.mark.parametrize("word", ["café", "brûlée", "xyz", "nguyêón", "ab", "hello", "qđ"])
def test_non_syllables_are_refused(word):
    assert not is_syllable(word)
