"""Defect 12: every form page labels its fields in Russian; hidden fields have no label."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from priemnaya.appeals.inputs import INPUT_FIELDS, SPECS, FieldKind
from priemnaya.web.forms import AppealEditForm, AppealForm, StaffIntakeForm
from tests.factories import signed_in

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
APPLICANT_FIELDS = [s.name for s in INPUT_FIELDS if not s.staff_only]
LABEL = re.compile(r"<(label|legend)\b[^>]*>(.*?)</\1>", re.S)


def form_html(html: str) -> str:
    return "".join(re.findall(r"<form method=\"post\".*?</form>", html, re.S))


def labels_of(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", text).strip() for _, text in LABEL.findall(form_html(html))]


@pytest.fixture
def form_pages(citizen, operator, submit):
    """Return (client, path) for every page whose form files or changes an appeal or an account."""
    appeal = submit(citizen)
    return [
        (signed_in(citizen), "/cabinet/new/"),
        (signed_in(citizen), f"/cabinet/appeals/{appeal.number}/edit/"),
        (signed_in(operator), "/console/new/"),
        (Client(), "/accounts/register/"),
        (Client(), "/accounts/login/"),
    ]


def test_every_label_on_the_form_pages_is_russian(form_pages):
    for client, path in form_pages:
        # when
        response = client.get(path)
        # then
        assert response.status_code == 200, path
        labels = labels_of(response.content.decode())
        assert labels, path
        english = [text for text in labels if not CYRILLIC.search(text)]
        assert english == [], (path, english)


def test_every_visible_field_has_a_russian_label_and_hidden_ones_none(form_pages):
    for client, path in form_pages:
        response = client.get(path)
        html = form_html(response.content.decode())
        form = response.context["form"]
        for field in form.visible_fields():
            assert CYRILLIC.search(str(field.label)), (path, field.name, field.label)
            assert f'for="{field.id_for_label}"' in html or "<legend>" in html, (path, field.name)
        for field in form.hidden_fields():
            assert f'for="{field.id_for_label}"' not in html, (path, field.name)


def test_the_edit_form_has_no_follow_up_or_token_fields(citizen, submit):
    appeal = submit(citizen)
    response = signed_in(citizen).get(f"/cabinet/appeals/{appeal.number}/edit/")
    html = response.content.decode()
    for name in ("follow_up", "source", "client_token"):
        assert f'name="{name}"' not in html
    assert "Follow up" not in html
    assert "Source" not in html


def test_the_forms_follow_the_spec(catalog):
    names = [SPECS[n].field_name for n in APPLICANT_FIELDS]
    assert [n for n in AppealForm().fields if n in names] == names
    assert list(AppealEditForm().fields) == names
    staff = StaffIntakeForm()
    assert list(staff.fields)[:3] == ["channel", "received_on", "applicant_name"]
    for spec in INPUT_FIELDS:
        field = staff.fields[spec.field_name]
        assert field.label == spec.label
        assert field.required == spec.required
        if spec.kind is FieldKind.TEXT:
            assert field.widget.attrs["maxlength"] == spec.max_length
