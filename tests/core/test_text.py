"""Free text rules of SPEC §3: 1–5,000 characters after trimming, no control characters."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from priemnaya.core.text import BIDI_CONTROLS, clean_text, has_unstorable, text_problem

LIMIT = 5000

# Printable text of any script: everything but control, surrogate, unassigned and private-use
# characters and the bidi embeddings/overrides/isolates that can disguise what a text says.
printable = st.text(
    alphabet=st.characters(
        exclude_categories=["Cc", "Cs", "Cn", "Co"], exclude_characters=BIDI_CONTROLS
    ),
    min_size=1,
    max_size=300,
)


def test_clean_text_trims_and_makes_windows_line_breaks_plain():
    assert clean_text("  Строка 1\r\nСтрока 2 \n\n") == "Строка 1\nСтрока 2"


def test_clean_text_composes_decomposed_letters():
    # given «й» typed as «и» + combining breve
    decomposed = "Мои\u0306 вопрос"
    # when / then
    assert clean_text(decomposed) == "Мой вопрос"


def test_clean_text_of_none_is_empty():
    assert clean_text(None) == ""


@pytest.mark.parametrize("value", ["", clean_text("   \n\t  ")])
def test_required_text_must_not_be_empty(value):
    assert text_problem(value, max_length=LIMIT) == "Заполните это поле."


def test_optional_text_may_be_empty():
    assert text_problem("", max_length=LIMIT, required=False) is None


def test_text_of_exactly_the_limit_is_accepted():
    assert text_problem("ж" * LIMIT, max_length=LIMIT) is None


def test_text_over_the_limit_is_refused_with_the_limit_and_length():
    problem = text_problem("ж" * (LIMIT + 1), max_length=LIMIT)
    assert problem == "Не больше 5000 символов (сейчас 5001)."


def test_length_is_counted_after_trimming():
    assert text_problem(clean_text("  " + "ж" * LIMIT + "\n\n  "), max_length=LIMIT) is None


@pytest.mark.parametrize(
    "text",
    [
        "Прошу разъяснить «порядок» оплаты № 5 — сумма 1 500 ₽.",
        "Первая строка\nвторая строка\r\nтретья",
        "Ελληνικά, 中文, العربية, ქართული, Қазақша, Українська",
        "Цитата: „так“ ‘и’ “так” … © ® ™ § ° ± × ÷ € £ 😊",
        "Дробь ½, индекс ², стрелка →, галочка ✓",
    ],
)
def test_typographic_signs_line_breaks_and_any_script_are_accepted(text):
    assert text_problem(clean_text(text), max_length=LIMIT) is None


@pytest.mark.parametrize(
    "char",
    ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\t"],
    ids=["NUL", "BEL", "BS", "VT", "FF", "ESC", "DEL", "NEL", "TAB"],
)
def test_control_characters_are_refused(char):
    problem = text_problem(f"Текст{char}обращения", max_length=LIMIT)
    assert problem == "Текст содержит недопустимые управляющие символы."


@pytest.mark.parametrize("char", [chr(0xD800), chr(0xDFFF), "\uffff", "\ufffe", "\U0001ffff"])
def test_invalid_unicode_is_refused(char):
    problem = text_problem(f"Текст{char}обращения", max_length=LIMIT)
    assert problem == "Текст содержит недопустимые символы Юникода."


@given(text=printable)
def test_any_printable_text_within_the_limit_is_accepted(text):
    cleaned = clean_text(text)
    if cleaned:
        assert text_problem(cleaned, max_length=LIMIT) is None


@given(
    before=printable,
    after=printable,
    control=st.characters(categories=["Cc"]).filter(lambda c: c not in "\n\r"),
)
def test_any_control_character_inside_the_text_is_refused(before, after, control):
    # given a control character that trimming cannot remove (it sits between letters)
    text = f"ж{before}{control}{after}ж"
    assert unicodedata.category(control) == "Cc"
    # then
    assert text_problem(clean_text(text), max_length=10 * LIMIT) is not None


@pytest.mark.parametrize(
    "char",
    ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"],
    ids=["LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"],
)
def test_bidi_embeddings_overrides_and_isolates_are_refused(char):
    # given a text whose visible order a right-to-left override would disguise
    problem = text_problem(f"Сумма 100{char}001 ₽", max_length=LIMIT)
    # then
    assert problem == "Текст содержит символы, меняющие направление письма."


def test_right_to_left_text_with_direction_marks_is_accepted():
    # Arabic and Hebrew text legitimately carries the invisible marks RLM/LRM/ALM.
    text = "مرحبا\u200f 123 \u200eשלום\u061c"
    assert text_problem(text, max_length=LIMIT) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("обычный текст\n\tс табуляцией", False),
        ("a\x00b", True),
        (f"a{chr(0xD800)}b", True),
        (f"a{chr(0xDFFF)}b", True),
        ("😊", False),
        ("\x07\u202e", False),
    ],
    ids=["plain", "NUL", "high-surrogate", "low-surrogate", "emoji", "other-controls"],
)
def test_unstorable_means_nul_or_lone_surrogate(value, expected):
    # Only what no database or encoder accepts; other unwanted characters are text_problem's job.
    assert has_unstorable(value) is expected


@given(before=printable, after=printable, bidi=st.sampled_from(sorted(BIDI_CONTROLS)))
def test_any_bidi_control_inside_the_text_is_refused(before, after, bidi):
    text = f"ж{before}{bidi}{after}ж"
    assert text_problem(clean_text(text), max_length=10 * LIMIT) is not None
