"""The appeal's input fields are defined once; the check, the API and the forms follow them."""

from __future__ import annotations

from dataclasses import fields
from datetime import timedelta

import pytest
from django.utils import timezone

from priemnaya.appeals import services
from priemnaya.appeals.inputs import (
    INPUT_FIELDS,
    SPECS,
    AppealInput,
    appeal_input_problems,
)
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.states import Channel
from priemnaya.catalog.models import Theme
from priemnaya.core.errors import ValidationFailed
from tests.appeals.helpers import refuse
from tests.factories import appeal_input


def test_every_input_field_has_a_spec_with_a_russian_label():
    assert [s.name for s in INPUT_FIELDS] == [f.name for f in fields(AppealInput)]
    for spec in INPUT_FIELDS:
        assert any("а" <= ch.lower() <= "я" for ch in spec.label), spec


def test_text_limits_are_the_models():
    limits = {s.name: s.max_length for s in INPUT_FIELDS if s.max_length}
    assert limits == {
        name: Appeal._meta.get_field(name).max_length
        for name in ("subject", "text", "service_code", "desired_result", "contact_address")
    } | {"applicant_name": 300}
    assert (limits["text"], limits["desired_result"]) == (5000, 2000)


def test_problems_are_listed_without_raising(citizen):
    # when
    problems = appeal_input_problems(
        appeal_input(
            subject="",
            text="я" * 5001,
            incident_at=timezone.localdate() + timedelta(days=1),
            contact_email="",
        )
    )
    # then
    assert problems == {
        "subject": ["Укажите, о чём обращение."],
        "text": ["Не больше 5000 символов (сейчас 5001)."],
        "incident_at": ["Дата события не может быть в будущем."],
        "contact_email": ["Укажите хотя бы один способ связи: e-mail, телефон или адрес."],
    }
    assert appeal_input_problems(appeal_input()) == {}


def test_partial_problems_check_only_what_was_typed(catalog):
    assert appeal_input_problems(AppealInput(), partial=True) == {}
    typed = AppealInput(contact_phone="12")
    assert list(appeal_input_problems(typed, partial=True)) == ["contact_phone"]


def test_staff_intake_requires_the_callers_name(catalog):
    assert "applicant_name" not in appeal_input_problems(appeal_input())
    assert appeal_input_problems(appeal_input(), staff_intake=True) == {
        "applicant_name": ["Укажите ФИО заявителя."]
    }


@pytest.mark.parametrize("name", ["contact_phone", "contact_address"])
def test_a_theme_may_require_any_input_field_and_names_it_in_russian(citizen, name):
    Theme.objects.filter(code="tech-login").update(required_fields=[name])
    error = refuse(ValidationFailed, services.appeal_submit, actor=citizen, data=appeal_input())
    assert error.errors[name] == [
        f"Для темы «Вход и авторизация» укажите {SPECS[name].accusative}."
    ]


def test_staff_intake_reports_the_channel_and_the_fields_together(operator):
    error = refuse(
        ValidationFailed,
        services.appeal_submit,
        actor=operator,
        data=appeal_input(subject=""),
        channel=Channel.PORTAL,
    )
    assert set(error.errors) == {"subject", "applicant_name", "channel"}
