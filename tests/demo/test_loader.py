"""Demo data: every state, the six accounts, idempotent, refused in production unless forced."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from priemnaya.accounts.models import User
from priemnaya.appeals.models import Appeal, Event
from priemnaya.appeals.states import Status
from priemnaya.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from priemnaya.demo.loader import load_demo

pytestmark = pytest.mark.django_db


def test_demo_covers_every_state_and_loads_once(catalog):
    # when
    first = load_demo()
    events = Event.objects.count()
    second = load_demo()
    # then
    assert first["appeals"] == 50
    assert second == {"appeals": 0}
    assert Event.objects.count() == events
    states = set(Appeal.objects.values_list("status", flat=True))
    assert states == set(Status.values) - {Status.DRAFT}
    assert Appeal.objects.filter(review_requested_at__isnull=False).exists()
    assert Appeal.objects.filter(contest_of__isnull=False, kind__code="contest").exists()
    assert Appeal.objects.filter(escalation_level__gt=0).exists()
    # every appeal has a number and a journal that starts with its registration
    assert not Appeal.objects.filter(number__isnull=True).exists()
    assert not Appeal.objects.filter(events__isnull=True).exists()


def test_demo_accounts_sign_in_with_the_printed_password(catalog):
    load_demo()
    for role, email, _name in DEMO_ACCOUNTS:
        user = User.objects.get(email=email)
        assert user.role == role
        assert user.check_password(DEMO_PASSWORD)


def test_demo_is_refused_when_debug_is_off_unless_forced(catalog, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo")
    assert not User.objects.filter(email=DEMO_ACCOUNTS[0][1]).exists()
    call_command("load_demo", "--force")
    assert User.objects.filter(email=DEMO_ACCOUNTS[0][1]).exists()
