"""LEGAL.md §6 rule 7: a 59-FZ kind from the portal needs a confirmed identity first."""

from __future__ import annotations

import pytest

from priemnaya.accounts.models import User
from priemnaya.appeals import services
from priemnaya.appeals.models import Appeal
from priemnaya.core.errors import ValidationFailed
from tests.factories import (
    APPEAL_BODY,
    APPEAL_FORM,
    CALL_FORM,
    api,
    appeal_input,
    make_citizen,
    save_draft,
    signed_in,
)

COMPLAINT = {"kind": "complaint", "theme": "tech-login"}


@pytest.fixture
def unconfirmed(catalog):
    user = make_citizen(phone="+79161234567")
    User.objects.filter(pk=user.pk).update(phone_confirmed_at=None)
    user.refresh_from_db()
    return user


def test_the_service_refuses_a_59fz_kind_on_field_kind(unconfirmed):
    with pytest.raises(ValidationFailed) as refused:
        services.appeal_submit(actor=unconfirmed, data=appeal_input(**COMPLAINT))
    assert list(refused.value.errors) == ["kind"]
    assert "59-ФЗ" in refused.value.message
    assert "Подтверждение контактов" in refused.value.message
    assert not Appeal.objects.exists()


def test_other_mistakes_are_shown_with_it(unconfirmed):
    with pytest.raises(ValidationFailed) as refused:
        services.appeal_submit(actor=unconfirmed, data=appeal_input(**COMPLAINT, subject=" "))
    assert set(refused.value.errors) == {"kind", "subject"}


def test_a_message_kind_stays_open_to_unconfirmed_accounts(unconfirmed):
    appeal = services.appeal_submit(actor=unconfirmed, data=appeal_input(kind="support"))
    assert appeal.number


def test_a_confirmed_citizen_files_a_complaint(citizen):
    appeal = services.appeal_submit(actor=citizen, data=appeal_input(**COMPLAINT))
    assert appeal.regime == "fz59"


def test_a_draft_of_a_complaint_is_kept_but_not_submitted(unconfirmed):
    draft = save_draft(unconfirmed, **COMPLAINT)
    with pytest.raises(ValidationFailed) as refused:
        services.appeal_submit_draft(actor=unconfirmed, draft=draft, data=appeal_input(**COMPLAINT))
    assert list(refused.value.errors) == ["kind"]
    draft.refresh_from_db()
    assert draft.number is None or draft.number == ""


def test_the_cabinet_page_shows_the_refusal_on_the_kind_field(unconfirmed):
    client = signed_in(unconfirmed)
    response = client.post("/cabinet/new/", {**APPEAL_FORM, **COMPLAINT})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_kind_error"' in html
    assert "после подтверждения личности" in html
    assert 'href="/accounts/contacts/"' in html
    assert not Appeal.objects.exists()


def test_the_api_refuses_with_422_on_field_kind(unconfirmed):
    response = api(unconfirmed)("post", "/appeals", {**APPEAL_BODY, "kind": "complaint"})
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["kind"]
    assert not Appeal.objects.exists()
    assert api(unconfirmed)("post", "/appeals", APPEAL_BODY).status_code == 201


def test_staff_register_a_complaint_by_phone_without_the_check(operator):
    response = signed_in(operator).post("/console/new/", {**CALL_FORM, **COMPLAINT})
    assert response.status_code == 302
    assert Appeal.objects.get().kind.code == "complaint"
