"""Database counters (priemnaya.core.sequences.sequence_next)."""

from __future__ import annotations

import pytest

from priemnaya.core.models import NumberSequence
from priemnaya.core.sequences import sequence_next

pytestmark = pytest.mark.django_db


def test_a_new_scope_starts_at_one():
    assert sequence_next(scope="appeal-2031") == 1
    assert NumberSequence.objects.get(scope="appeal-2031").last_value == 1


def test_values_are_consecutive_and_distinct():
    # when
    values = [sequence_next(scope="appeal-2031") for _ in range(25)]
    # then
    assert values == list(range(1, 26))


def test_scopes_count_independently():
    # given
    for _ in range(3):
        sequence_next(scope="appeal-2031")
    # when
    other = sequence_next(scope="appeal-2032")
    again = sequence_next(scope="appeal-2031")
    # then
    assert other == 1
    assert again == 4


def test_an_existing_counter_continues_from_its_stored_value():
    # given a counter restored from a backup
    NumberSequence.objects.create(scope="appeal-2031", last_value=41)
    # when / then
    assert sequence_next(scope="appeal-2031") == 42
