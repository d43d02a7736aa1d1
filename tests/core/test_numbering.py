"""Appeal numbers: YY + seven-digit sequence + Damm check digit (priemnaya.core.numbering)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from priemnaya.core.numbering import (
    EXAMPLE_NUMBER,
    NUMBER_LENGTH,
    MalformedNumber,
    compose_number,
    damm_digit,
    format_number,
    is_valid,
    normalize_number,
)

# The valid number of sequence 1234 in 2026. (SPEC's illustration «26-0001234-7» carries a wrong
# check digit: both Damm and Verhoeff give 9 for 260001234, so the system must refuse it.)
VALID = "2600012349"

numbers = st.builds(
    compose_number,
    year=st.integers(min_value=2000, max_value=2099),
    sequence=st.integers(min_value=1, max_value=10**7 - 1),
)


@given(number=numbers)
def test_composed_numbers_are_ten_valid_digits(number):
    # then
    assert len(number) == NUMBER_LENGTH
    assert number.isdigit()
    assert is_valid(number)
    assert damm_digit(number[:-1]) == int(number[-1])


@given(number=numbers, position=st.integers(min_value=0, max_value=NUMBER_LENGTH - 1))
def test_every_single_digit_substitution_is_detected(number, position):
    for digit in "0123456789":
        if digit == number[position]:
            continue
        # given a number with one digit misheard
        typo = number[:position] + digit + number[position + 1 :]
        # then the check digit refuses it before any lookup
        assert not is_valid(typo), typo
        with pytest.raises(MalformedNumber):
            normalize_number(typo)


@given(number=numbers, position=st.integers(min_value=0, max_value=NUMBER_LENGTH - 2))
def test_every_adjacent_transposition_is_detected(number, position):
    a, b = number[position], number[position + 1]
    if a == b:
        return  # swapping equal digits changes nothing
    # given two neighbouring digits swapped
    swapped = number[:position] + b + a + number[position + 2 :]
    # then
    assert not is_valid(swapped), swapped
    with pytest.raises(MalformedNumber):
        normalize_number(swapped)


@given(number=numbers)
def test_formatted_number_reads_back_to_the_same_digits(number):
    # when
    shown = format_number(number)
    # then
    assert shown == f"{number[:2]}-{number[2:9]}-{number[9]}"
    assert normalize_number(shown) == number


def test_compose_number_uses_two_year_digits_and_zero_padded_sequence():
    assert compose_number(2026, 1234) == VALID
    assert compose_number(1999, 1)[:9] == "990000001"


@pytest.mark.parametrize("sequence", [0, -1, 10**7])
def test_compose_number_refuses_a_sequence_out_of_range(sequence):
    with pytest.raises(ValueError, match="out of range"):
        compose_number(2026, sequence)


@pytest.mark.parametrize(
    "typed",
    [
        "26-0001234-9",
        "2600012349",
        "26 0001234 9",
        " 26-0001234-9 ",
        "№ 26.0001234.9",
        "26–0001234—9",
    ],
)
def test_normalize_number_accepts_separators(typed):
    assert normalize_number(typed) == VALID


def test_format_number_groups_for_reading_aloud():
    assert format_number(VALID) == "26-0001234-9"


def test_format_number_leaves_other_lengths_alone():
    assert format_number("123") == "123"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Укажите номер"),
        ("  -  ", "Укажите номер"),
        ("26-0001234", "10 цифр"),  # too short
        ("26-00012349-1", "10 цифр"),  # too long
        ("26-OOO1234-9", "10 цифр"),  # letters O for zeros
        ("２６-0001234-9", "10 цифр"),  # full-width digits are not ASCII digits
        ("26-0001234-7", "ошибка"),  # SPEC's illustration: wrong check digit
        ("26-0001234-8", "ошибка"),
        ("62-0001234-9", "ошибка"),  # transposed year digits
    ],
)
def test_normalize_number_refuses_malformed_numbers(typed, message):
    with pytest.raises(MalformedNumber, match=message):
        normalize_number(typed)


def test_is_valid_refuses_non_digits():
    assert not is_valid("")
    assert not is_valid("26000123a9")
    assert not is_valid("２６０００１２３４９")


def test_the_example_number_passes_its_own_check():
    # Defect 11: the example shown in placeholders and messages must be a number we accept.
    assert normalize_number(EXAMPLE_NUMBER) == VALID
    assert format_number(normalize_number(EXAMPLE_NUMBER)) == EXAMPLE_NUMBER


def test_the_length_message_shows_the_valid_example():
    with pytest.raises(MalformedNumber) as caught:
        normalize_number("26-0001234")
    assert f"например {EXAMPLE_NUMBER}." in str(caught.value)
    example = str(caught.value).rsplit(" ", 1)[1].rstrip(".")
    assert normalize_number(example) == VALID


def test_no_invalid_example_number_is_left_in_the_code_or_docs():
    root = Path(__file__).resolve().parents[2]
    shown = re.compile(r"\b\d{2}-\d{7}-\d\b")
    offenders = []
    for path in [*(root / "src").rglob("*"), *(root / "docs").rglob("*"), root / "README.md"]:
        if path.suffix not in {".py", ".html", ".md", ".js", ".txt"}:
            continue
        for match in shown.finditer(path.read_text(encoding="utf-8")):
            try:
                normalize_number(match.group())
            except MalformedNumber:
                offenders.append(f"{path.relative_to(root)}: {match.group()}")
    assert offenders == []
