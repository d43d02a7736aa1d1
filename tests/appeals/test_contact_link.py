"""Appeals registered by staff for a contact join the account that confirmed it (issue 13 item 1).

An operator registers a call, a letter or an e-mail with the caller's phone or address. When a
citizen's account has confirmed that contact — before the registration or later — the appeal
becomes theirs: it shows in «Мои обращения» with everything a portal appeal has.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from priemnaya.appeals import services
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.selectors import AppealFilters, applicant_appeals
from priemnaya.appeals.services.contact_link import LINK_WINDOW_DAYS, appeals_link_to_account
from priemnaya.appeals.states import Channel, EventType
from priemnaya.security.registration import _confirmed
from tests import factories
from tests.appeals.helpers import last_event_id, new_events

PHONE = "+79161234567"
EMAIL = "Maria.Ivanova@example.ru"


def register_call(operator, **overrides) -> Appeal:
    data = {"applicant_name": "Иванова Мария", "contact_phone": PHONE, **overrides}
    return services.appeal_submit(
        actor=operator, data=factories.appeal_input(**data), channel=Channel.PHONE
    )


def mine(user) -> list[Appeal]:
    return list(applicant_appeals(user=user, filters=AppealFilters()))


@pytest.fixture
def owner(catalog):
    """A citizen who confirmed both the phone and the e-mail the calls are registered with."""
    return factories.make_citizen(email=EMAIL, phone=PHONE)


# ---- at registration ----------------------------------------------------------------------------


def test_a_call_from_a_confirmed_phone_joins_that_account(operator, owner):
    appeal = register_call(operator)

    assert appeal.applicant == owner
    assert appeal.registered_by == operator
    assert mine(owner) == [appeal]


def test_a_letter_with_a_confirmed_email_joins_that_account_whatever_the_case(operator, owner):
    appeal = register_call(operator, contact_phone="", contact_email="maria.ivanova@example.ru")

    assert appeal.applicant == owner


def test_an_unconfirmed_phone_does_not_claim_a_call(operator, catalog):
    unconfirmed = factories.make_citizen(
        email="x@example.ru", phone=PHONE, email_confirmed_at=timezone.now()
    )
    assert unconfirmed.phone_confirmed_at is None

    appeal = register_call(operator)

    assert appeal.applicant is None
    assert mine(unconfirmed) == []


def test_a_staff_account_with_that_phone_never_becomes_the_applicant(operator, catalog):
    factories.make_specialist(phone=PHONE)

    assert register_call(operator).applicant is None


def test_an_anonymised_account_claims_nothing(operator, owner):
    owner.anonymised_at = timezone.now()
    owner.save(update_fields=["anonymised_at"])

    assert register_call(operator).applicant is None


def test_phone_and_email_of_two_different_accounts_link_to_neither(operator, owner, catalog):
    factories.make_citizen(email="other@example.ru", phone="+79169998877")

    appeal = register_call(operator, contact_email="other@example.ru")

    assert appeal.applicant is None


# ---- when the contact is confirmed later ------------------------------------------------------


def test_confirming_the_phone_later_brings_earlier_calls_into_the_cabinet(operator, catalog):
    first, second = register_call(operator), register_call(operator, subject="Снова нет SMS")
    citizen = factories.make_citizen(
        email="new@example.ru", phone=PHONE, email_confirmed_at=timezone.now()
    )
    assert mine(citizen) == []
    since = last_event_id()

    _confirmed(citizen, "phone")

    assert set(mine(citizen)) == {first, second}
    linked = new_events(since)
    assert [e.type for e in linked] == [EventType.APPLICANT_LINKED] * 2
    assert {e.appeal_id for e in linked} == {first.pk, second.pk}
    assert all(e.data["contact"] == "phone" for e in linked)


def test_linking_is_idempotent_and_skips_what_someone_already_owns(operator, owner, catalog):
    owned = register_call(operator)  # joins `owner` at registration
    Appeal.objects.filter(pk=owned.pk).update(applicant=None)
    other = factories.make_citizen(email="other@example.ru")
    someone_elses = factories.submit_appeal(other, contact_phone=PHONE)

    assert appeals_link_to_account(user=owner) == 1
    assert appeals_link_to_account(user=owner) == 0

    assert mine(owner) == [Appeal.objects.get(pk=owned.pk)]
    assert Appeal.objects.get(pk=someone_elses.pk).applicant == other


def test_calls_older_than_the_window_are_not_claimed(operator, catalog):
    # Phone numbers are reissued to new subscribers: an old call belongs to the old one.
    old = register_call(operator)
    Appeal.objects.filter(pk=old.pk).update(
        registered_at=timezone.now() - timedelta(days=LINK_WINDOW_DAYS + 1)
    )
    recent = register_call(operator)
    citizen = factories.make_citizen(email="new@example.ru", phone=PHONE)

    assert appeals_link_to_account(user=citizen) == 1
    assert mine(citizen) == [Appeal.objects.get(pk=recent.pk)]


def test_another_citizen_still_gets_404_for_a_linked_appeal(operator, owner, other_citizen):
    appeal = register_call(operator)

    response = factories.signed_in(other_citizen).get(f"/cabinet/appeals/{appeal.number}/")

    assert response.status_code == 404


def test_the_linked_appeal_opens_in_the_cabinet_with_its_journal(operator, catalog):
    appeal = register_call(operator)
    citizen = factories.make_citizen(email="new@example.ru", phone=PHONE)
    appeals_link_to_account(user=citizen)
    client = factories.signed_in(citizen)

    listing = client.get("/cabinet/")
    page = client.get(f"/cabinet/appeals/{appeal.number}/")

    assert appeal.display_number in listing.content.decode()
    assert page.status_code == 200
    assert "Обращение добавлено в личный кабинет" in page.content.decode()
