"""An operator registers an appeal that came by phone, e-mail or letter (SPEC §1)."""

from __future__ import annotations

import pytest

from priemnaya.appeals.models import Appeal
from priemnaya.appeals.states import EventType
from tests.factories import CALL_FORM, signed_in


def test_operator_registers_a_call_and_lands_on_its_page(operator):
    client = signed_in(operator)
    form = client.get("/console/new/")
    assert form.status_code == 200
    assert "Регистрация обращения" in form.content.decode()
    # when
    response = client.post("/console/new/", {**CALL_FORM, "client_token": "call-1"})
    # then
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/appeals/{appeal.number}/"
    assert (appeal.channel, appeal.applicant_id, appeal.applicant_name) == (
        "phone",
        None,
        "Сидоров Пётр Ильич",
    )
    assert appeal.contact_phone == "+79161234567"
    assert appeal.department.code == "support"
    event = appeal.events.get()
    assert (event.type, event.actor) == (EventType.REGISTERED, operator)
    page = client.get(response["Location"]).content.decode()
    assert "Сидоров Пётр Ильич" in page
    assert "Телефон" in page
    # a double submit of the same form makes no second appeal
    client.post("/console/new/", {**CALL_FORM, "client_token": "call-1"})
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"applicant_name": ""}, "Укажите ФИО заявителя."),
        ({"channel": "portal"}, "Выберите корректный вариант"),
        ({"contact_phone": "12345"}, "телефон"),
    ],
)
def test_bad_intake_is_refused_with_the_field_named(operator, override, message):
    response = signed_in(operator).post("/console/new/", {**CALL_FORM, **override})
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert CALL_FORM["text"] in page
    assert Appeal.objects.count() == 0


def test_citizens_and_auditors_do_not_register_for_others(citizen, auditor):
    for user in (citizen, auditor):
        assert signed_in(user).get("/console/new/").status_code == 403
        assert signed_in(user).post("/console/new/", CALL_FORM).status_code == 403
    assert Appeal.objects.count() == 0


def test_the_intake_form_never_autofills_the_operators_own_details(operator):
    page = signed_in(operator).get("/console/new/").content.decode()
    for name in ("applicant_name", "contact_email", "contact_phone", "contact_address"):
        at = page.index(f'name="{name}"')
        tag = page[page.rindex("<", 0, at) : page.index(">", at)]
        assert 'autocomplete="off"' in tag, name
