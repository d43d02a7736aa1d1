"""One-time codes: ten minutes, single use, limited attempts and resends, stored hashed."""

from datetime import timedelta

import pytest

from priemnaya.accounts.codes import MAX_ATTEMPTS, code_check, code_issue
from priemnaya.accounts.models import CodePurpose, OneTimeCode
from priemnaya.core import clock
from priemnaya.core.errors import TooManyRequests, ValidationFailed
from tests.factories import make_citizen

pytestmark = pytest.mark.django_db
PURPOSE = CodePurpose.CONFIRM_PHONE


def _issue(user):
    return code_issue(user=user, purpose=PURPOSE, channel="sms", destination="+79161234567")


def test_a_code_is_six_digits_stored_only_as_a_hash_and_works_once():
    user = make_citizen()
    code = _issue(user)
    assert len(code) == 6
    assert code.isdigit()
    assert code not in OneTimeCode.objects.get().code_hash
    assert code_check(user=user, purpose=PURPOSE, code=code).used_at is not None
    with pytest.raises(ValidationFailed, match="устарел или уже использован"):
        code_check(user=user, purpose=PURPOSE, code=code)


def test_a_code_dies_after_ten_minutes():
    user = make_citizen()
    start = clock.now()
    with clock.travel_to(start):
        code = _issue(user)
    with clock.travel_to(start + timedelta(minutes=10, seconds=1)), pytest.raises(ValidationFailed):
        code_check(user=user, purpose=PURPOSE, code=code)


def test_wrong_tries_are_counted_and_the_code_dies_after_the_limit():
    user = make_citizen()
    code = _issue(user)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(ValidationFailed):
            code_check(user=user, purpose=PURPOSE, code=wrong)
    assert OneTimeCode.objects.get().attempts == MAX_ATTEMPTS
    with pytest.raises(ValidationFailed, match="Слишком много"):
        code_check(user=user, purpose=PURPOSE, code=code)


def test_a_new_code_waits_a_minute_and_replaces_the_old_one():
    user = make_citizen()
    start = clock.now()
    with clock.travel_to(start):
        first = _issue(user)
        with pytest.raises(TooManyRequests) as refused:
            _issue(user)
    assert 1 <= refused.value.retry_after <= 61
    with clock.travel_to(start + timedelta(seconds=61)):
        second = _issue(user)
        if first != second:
            with pytest.raises(ValidationFailed):
                code_check(user=user, purpose=PURPOSE, code=first)
        assert code_check(user=user, purpose=PURPOSE, code=second)
