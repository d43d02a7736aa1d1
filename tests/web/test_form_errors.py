"""Defect 6: every mistake in a form is shown at once, with a summary that takes focus."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.appeals.models import Appeal
from tests.factories import APPEAL_FORM, CALL_FORM, signed_in

SITE_JS = Path(__file__).resolve().parents[2] / "src/priemnaya/web/static/web/site.js"
SUMMARY = re.compile(
    r'<div class="error-summary" role="alert" tabindex="-1"[^>]*>(.*?)</div>', re.S
)


def future() -> str:
    return (timezone.localdate() + timedelta(days=3)).isoformat()


def four_mistakes() -> dict:
    return {
        **APPEAL_FORM,
        "subject": "",
        "text": "я" * 5001,
        "incident_date": future(),
        "contact_email": "",
    }


def summary_links(html: str) -> list[tuple[str, str]]:
    """Return the (target, message) pairs of the error summary, asserting it is well formed."""
    found = SUMMARY.findall(html)
    assert len(found) == 1, html
    assert "Исправьте ошибки" in re.search(r"<h2[^>]*>(.*?)</h2>", found[0], re.S).group(1)
    return re.findall(r'<a href="#([\w-]+)">(.*?)</a>', found[0])


def errors_of(html: str) -> dict[str, list[str]]:
    """Return the messages shown beside each field, keyed by the field's id."""
    blocks = re.findall(r'<div class="error" id="([\w-]+)_error">(.*?)</div>', html, re.S)
    return {field_id: re.findall(r"<p>(.*?)</p>", block) for field_id, block in blocks}


def test_four_mistakes_are_all_shown_after_one_submit(citizen):
    # when
    response = signed_in(citizen).post("/cabinet/new/", four_mistakes())
    # then
    html = response.content.decode()
    assert response.status_code == 400
    expected = {
        "id_subject": ["Укажите, о чём обращение."],
        "id_text": ["Не больше 5000 символов (сейчас 5001)."],
        "id_incident_date": ["Дата события не может быть в будущем."],
        "id_contact_email": ["Укажите хотя бы один способ связи: e-mail, телефон или адрес."],
    }
    assert errors_of(html) == expected
    assert summary_links(html) == [(k, v[0]) for k, v in expected.items()]
    assert Appeal.objects.count() == 0


def test_the_summary_comes_first_in_the_form(citizen):
    html = signed_in(citizen).post("/cabinet/new/", four_mistakes()).content.decode()
    form = html[html.index('<form method="post" novalidate id="appeal-form"') :]
    first_visible = re.search(r"<(div|fieldset|label|p)\b[^>]*>", form)
    assert first_visible.group(0).startswith('<div class="error-summary"')


def test_a_shape_error_and_a_rule_on_the_same_field_are_not_doubled(citizen):
    # an unknown theme is refused by the form; the service would say it differently
    response = signed_in(citizen).post(
        "/cabinet/new/", {**APPEAL_FORM, "theme": "nope", "subject": ""}
    )
    shown = errors_of(response.content.decode())
    assert len(shown["id_theme"]) == 1
    assert len(shown["id_subject"]) == 1


def test_a_draft_with_shape_errors_also_shows_the_typed_mistakes(citizen):
    response = signed_in(citizen).post(
        "/cabinet/new/",
        {**APPEAL_FORM, "kind": "", "contact_phone": "12", "save_draft": "1"},
    )
    shown = errors_of(response.content.decode())
    assert set(shown) == {"id_kind", "id_contact_phone"}
    assert Appeal.objects.count() == 0


def test_edit_shows_every_mistake_at_once(citizen, submit):
    appeal = submit(citizen)
    data = {k: v for k, v in four_mistakes().items() if k not in {"kind", "theme"}}
    response = signed_in(citizen).post(f"/cabinet/appeals/{appeal.number}/edit/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert set(errors_of(html)) == {"id_subject", "id_text", "id_incident_date", "id_contact_email"}
    assert len(summary_links(html)) == 4


def test_staff_intake_shows_every_mistake_at_once(operator):
    call = {**CALL_FORM, "applicant_name": "", "contact_phone": "", "incident_date": future()}
    response = signed_in(operator).post("/console/new/", call)
    html = response.content.decode()
    assert response.status_code == 400
    assert set(errors_of(html)) == {"id_applicant_name", "id_incident_date", "id_contact_email"}
    assert len(summary_links(html)) == 3


def test_registration_shows_every_mistake_at_once(catalog, client):
    # when: no name, a bad phone, a weak password typed twice differently, no consent
    response = client.post(
        "/accounts/register/",
        {"full_name": "", "phone": "12345", "password": "short", "password2": "other"},
    )
    # then
    html = response.content.decode()
    shown = errors_of(html)
    assert set(shown) == {"id_full_name", "id_phone", "id_password", "id_password2", "id_consent"}
    assert any("Пароль должен содержать" in m for m in shown["id_password"])
    assert len(shown["id_password"]) > 1
    assert html.count('id="id_password_error"') == 1  # one element the field's aria points to
    assert "+7XXXXXXXXXX" in shown["id_phone"][0]
    links = summary_links(html)
    assert {target for target, _ in links} == set(shown)
    assert len(links) == sum(len(m) for m in shown.values())
    assert not User.objects.exists()


def test_login_errors_have_the_summary_too(catalog, client):
    html = client.post("/accounts/login/", {"login": "", "password": ""}).content.decode()
    assert summary_links(html) == [
        ("id_login", "Заполните это поле."),
        ("id_password", "Введите пароль."),
    ]
    wrong = client.post("/accounts/login/", {"login": "a@b.ru", "password": "x"}).content.decode()
    assert "Неверный логин или пароль." in SUMMARY.search(wrong).group(1)


@pytest.mark.parametrize("path", ["/cabinet/new/", "/accounts/register/", "/accounts/login/"])
def test_no_summary_before_anything_is_sent(citizen, client, path):
    if path.startswith("/cabinet"):
        client = signed_in(citizen)
    assert "error-summary" not in client.get(path).content.decode()


def test_the_summary_takes_focus_when_the_page_loads():
    script = SITE_JS.read_text(encoding="utf-8")
    assert re.search(r'querySelector\("\.error-summary"\)', script)
    assert ".focus()" in script
