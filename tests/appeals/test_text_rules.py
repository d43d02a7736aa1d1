"""Comments and reasons follow the text rules like every other text: refused, never cut."""

from __future__ import annotations

import pytest

from priemnaya.appeals import services
from priemnaya.core.errors import ValidationFailed
from tests.appeals.helpers import refuse

RLO = "\u202e"
TOO_LONG = "я" * 2001


@pytest.mark.parametrize(
    ("text", "message_part"),
    [(TOO_LONG, "Не больше 2000"), (f"Отзываю {RLO}текст", "направление"), ("a\x07b", "управля")],
)
def test_a_withdraw_reason_is_checked_not_cut(registered, citizen, text, message_part):
    error = refuse(
        ValidationFailed, services.appeal_withdraw, appeal=registered, actor=citizen, reason=text
    )
    assert list(error.errors) == ["reason"]
    assert message_part in error.errors["reason"][0]


@pytest.mark.parametrize("text", [TOO_LONG, f"Хорошо {RLO}"])
def test_a_rating_comment_is_checked_not_cut(answered, citizen, text):
    error = refuse(
        ValidationFailed,
        services.appeal_rate,
        appeal=answered,
        actor=citizen,
        rating=5,
        comment=text,
    )
    assert list(error.errors) == ["comment"]


def test_a_confirm_comment_is_checked_not_cut(answered, citizen, supervisor):
    services.appeal_rate(appeal=answered, actor=citizen, rating=1, comment="Не помогло.")
    error = refuse(
        ValidationFailed,
        services.appeal_confirm,
        appeal=answered,
        actor=supervisor,
        comment=TOO_LONG,
    )
    assert list(error.errors) == ["comment"]


def test_an_accepted_reason_is_stored_whole(registered, citizen):
    reason = "р" * 2000
    appeal = services.appeal_withdraw(appeal=registered, actor=citizen, reason=reason)
    assert appeal.events.last().text == reason
