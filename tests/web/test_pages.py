"""The server-rendered pages: public, accounts, cabinet and console, driven by the test client."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.appeals import services
from priemnaya.appeals.models import Appeal, Event
from priemnaya.core.numbering import EXAMPLE_NUMBER
from tests.factories import APPEAL_FORM, signed_in


def test_home_shows_kinds_and_theme_catalog(catalog, client):
    # when
    response = client.get("/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Жалоба", "Техническая поддержка", "Технические проблемы", "Вход и авторизация"):
        assert text in html
    assert 'href="/cabinet/new/?theme=tech-login"' in html


def test_registration_errors_are_russian_and_keep_input(catalog, client):
    # when
    response = client.post(
        "/accounts/register/",
        {"full_name": "Иванов Иван", "phone": "12345", "password": "short", "password2": "x"},
    )
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Пароли не совпадают." in html
    assert "Без согласия на обработку данных" in html
    assert 'value="Иванов Иван"' in html
    assert not User.objects.filter(full_name="Иванов Иван").exists()


def test_registration_asks_for_the_sms_code_then_signs_in(catalog, client, settings, tmp_path):
    # given
    settings.VAR_DIR = tmp_path
    data = {
        "full_name": "Иванов Иван Иванович",
        "phone": "8 916 123-45-67",
        "password": "Strong-pass-9",
        "password2": "Strong-pass-9",
        "consent": "on",
    }
    # when
    response = client.post("/accounts/register/", data)
    # then: the account exists, unconfirmed and not signed in, and a code was sent
    assert response.status_code == 302
    assert response["Location"] == "/accounts/register/confirm/"
    user = User.objects.get(phone="+79161234567")
    assert user.full_name == "Иванов Иван Иванович"
    assert user.phone_confirmed_at is None
    assert client.get("/cabinet/").status_code == 302
    sms = json.loads(next((tmp_path / "outbox" / "sms").glob("*.json")).read_text("utf-8"))
    code = re.search(r"\b(\d{6})\b", sms["text"]).group(1)
    # when the code is typed in
    confirmed = client.post("/accounts/register/confirm/", {"code": code, "confirm": ""})
    # then the person is in the cabinet, and the phone works as a login
    assert confirmed["Location"] == "/cabinet/"
    assert client.get("/cabinet/").status_code == 200
    fresh = Client()
    login = fresh.post(
        "/accounts/login/", {"login": "+7 916 123 45 67", "password": "Strong-pass-9"}
    )
    assert login.status_code == 302


def test_login_refuses_wrong_password_without_saying_which_part(citizen, client):
    response = client.post("/accounts/login/", {"login": citizen.email, "password": "nope"})
    assert response.status_code == 200
    assert "Неверный логин или пароль." in response.content.decode()


def test_cabinet_requires_sign_in(catalog, client):
    response = client.get("/cabinet/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/cabinet/")


def test_empty_submission_shows_errors_per_field(citizen):
    # when
    response = signed_in(citizen).post("/cabinet/new/", {"kind": "support", "client_token": "t"})
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert "Выберите тему обращения." in html
    assert "Укажите, о чём обращение." in html
    assert "Опишите ситуацию." in html
    assert 'aria-invalid="true"' in html
    assert Appeal.objects.count() == 0


@pytest.mark.parametrize(
    ("override", "field_error"),
    [
        ({"text": "я" * 5001}, "Не больше 5000 символов"),
        ({"contact_phone": "12-34", "contact_email": ""}, "+7XXXXXXXXXX"),
        ({"contact_email": "not-an-email"}, "name@example.ru"),
        ({"theme": "no-such-theme"}, "Выберите"),
        ({"incident_date": "2999-01-01"}, "Дата события не может быть в будущем."),
        ({"contact_email": ""}, "Укажите хотя бы один способ связи"),
        ({"subject": "   "}, "Укажите, о чём обращение."),
    ],
)
def test_bad_input_is_refused_with_message_and_input_kept(citizen, override, field_error):
    # when
    response = signed_in(citizen).post("/cabinet/new/", {**APPEAL_FORM, **override})
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert field_error in html
    assert "Страница входа обновляется после ввода пароля." in html or "text" in override
    assert Appeal.objects.count() == 0


def test_an_incident_before_1900_is_refused_and_the_earliest_one_renders(citizen, operator):
    client = signed_in(citizen)
    # when
    refused = client.post("/cabinet/new/", {**APPEAL_FORM, "incident_date": "0001-01-01"})
    client.post("/cabinet/new/", {**APPEAL_FORM, "incident_date": "1900-01-01"})
    # then
    assert refused.status_code == 400
    assert "Дата события — не раньше 01.01.1900." in refused.content.decode()
    appeal = Appeal.objects.get()
    staff = signed_in(operator)
    for response in (
        client.get("/cabinet/"),
        client.get(f"/cabinet/appeals/{appeal.number}/"),
        staff.get("/console/"),
        staff.get(f"/console/appeals/{appeal.number}/"),
    ):
        assert response.status_code == 200
    assert "01.01.1900" in client.get(f"/cabinet/appeals/{appeal.number}/").content.decode()


def test_submission_confirms_number_date_and_status(citizen):
    # when
    client = signed_in(citizen)
    response = client.post("/cabinet/new/", APPEAL_FORM)
    # then
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cabinet/appeals/{appeal.number}/submitted/"
    page = client.get(response["Location"]).content.decode()
    assert appeal.display_number in page
    assert "Получено" in page
    assert timezone.localtime(appeal.registered_at).strftime("%d.%m.%Y %H:%M") in page


def test_double_submit_makes_one_appeal(citizen):
    client = signed_in(citizen)
    first = client.post("/cabinet/new/", APPEAL_FORM)
    second = client.post("/cabinet/new/", APPEAL_FORM)
    assert Appeal.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_draft_saved_then_submitted(citizen):
    client = signed_in(citizen)
    response = client.post("/cabinet/new/", {**APPEAL_FORM, "text": "", "save_draft": "1"})
    draft = Appeal.objects.get()
    assert draft.status == "draft"
    assert draft.number is None
    assert response["Location"] == f"/cabinet/drafts/{draft.pk}/"
    response = client.post(f"/cabinet/drafts/{draft.pk}/", APPEAL_FORM)
    draft.refresh_from_db()
    assert draft.status == "registered"
    assert draft.number
    assert response["Location"] == f"/cabinet/appeals/{draft.number}/submitted/"


def test_citizen_gets_404_for_another_citizens_appeal(citizen, other_citizen, submit):
    appeal = submit(other_citizen)
    client = signed_in(citizen)
    assert client.get(f"/cabinet/appeals/{appeal.number}/").status_code == 404
    assert client.post(f"/cabinet/appeals/{appeal.number}/withdraw/").status_code == 404
    # Issue 13: the status page shows nothing of it and offers a code to the appeal's contact.
    status = client.get("/status/", {"number": appeal.display_number})
    assert status.status_code == 200
    assert "Получить код" in status.content.decode()
    assert appeal.subject not in status.content.decode()


def test_number_fields_show_a_valid_example(citizen, client):
    for path in ("/", "/status/"):
        html = client.get(path).content.decode()
        assert f'placeholder="{EXAMPLE_NUMBER}"' in html
    short = client.get("/status/", {"number": "26-0001"}).content.decode()
    assert f"например {EXAMPLE_NUMBER}." in short


def test_status_lookup_refuses_malformed_number_before_lookup(citizen, submit):
    appeal = submit(citizen)
    wrong = appeal.number[:-1] + str((int(appeal.number[-1]) + 1) % 10)
    client = signed_in(citizen)
    response = client.get("/status/", {"number": wrong})
    assert "В номере обращения ошибка" in response.content.decode()
    ok = client.get("/status/", {"number": appeal.display_number.replace("-", " ")})
    assert ok.status_code == 200
    assert "Получено" in ok.content.decode()


def test_edit_before_taken_then_not_after(citizen, operator, submit):
    appeal = submit(citizen)
    client = signed_in(citizen)
    data = {**APPEAL_FORM, "subject": "Новая формулировка"}
    response = client.post(f"/cabinet/appeals/{appeal.number}/edit/", data)
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.subject == "Новая формулировка"
    services.appeal_take(appeal=appeal, actor=operator)
    page = client.get(f"/cabinet/appeals/{appeal.number}/").content.decode()
    assert "Изменить обращение" not in page
    refused = client.post(f"/cabinet/appeals/{appeal.number}/edit/", {**data, "subject": "Ещё"})
    assert refused.status_code == 400
    assert "недоступно в статусе «В работе»" in refused.content.decode()


def test_citizen_withdraws_and_comment_form_is_kept_on_error(citizen, submit):
    appeal = submit(citizen)
    client = signed_in(citizen)
    bad = client.post(f"/cabinet/appeals/{appeal.number}/comment/", {"comment-text": "  "})
    assert bad.status_code == 400
    assert "Заполните это поле." in bad.content.decode()
    ok = client.post(f"/cabinet/appeals/{appeal.number}/withdraw/", {"withdraw-reason": "Решено"})
    assert ok.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == "withdrawn"


def test_console_round_trip_and_citizen_sees_answer(citizen, operator, submit):
    # given
    appeal = submit(citizen)
    staff = signed_in(operator)
    # when
    staff.post(f"/console/appeals/{appeal.number}/take/")
    staff.post(
        f"/console/appeals/{appeal.number}/answer/",
        {"answer-outcome": "resolved", "answer-text": "Доступ восстановлен."},
    )
    # then
    appeal.refresh_from_db()
    assert appeal.status == "answered"
    page = signed_in(citizen).get(f"/cabinet/appeals/{appeal.number}/").content.decode()
    assert "Доступ восстановлен." in page
    assert "Завершить — вопрос решён" in page


def test_console_refuses_transition_the_state_does_not_allow(citizen, operator, submit):
    appeal = submit(citizen)
    response = signed_in(operator).post(
        f"/console/appeals/{appeal.number}/answer/",
        {"answer-outcome": "resolved", "answer-text": "Ответ"},
    )
    assert response.status_code == 400
    assert "недоступно в статусе «Получено»" in response.content.decode()
    assert Event.objects.filter(appeal=appeal).count() == 1


def test_console_is_for_staff_and_queue_is_per_department(citizen, operator, specialist, submit):
    support_appeal = submit(citizen)
    services_appeal = submit(citizen, theme="services-status", kind="request")
    assert signed_in(citizen).get("/console/").status_code == 403
    html = signed_in(operator).get("/console/").content.decode()
    assert support_appeal.display_number in html
    assert services_appeal.display_number not in html
    other = signed_in(specialist).get(f"/console/appeals/{support_appeal.number}/")
    assert other.status_code == 404


def test_queue_filters_overdue(citizen, operator, submit):
    late = submit(citizen, subject="Просроченное")
    submit(citizen, subject="В срок")
    Appeal.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(days=1))
    html = signed_in(operator).get("/console/", {"overdue": "on"}).content.decode()
    assert "Просроченное" in html
    assert "В срок" not in html


def test_posts_without_csrf_token_are_refused(citizen, submit):
    appeal = submit(citizen)
    client = signed_in(citizen, enforce_csrf_checks=True)
    response = client.post(f"/cabinet/appeals/{appeal.number}/withdraw/", {})
    assert response.status_code == 403
    appeal.refresh_from_db()
    assert appeal.status == "registered"


@pytest.mark.parametrize("page", ["1" + "0" * 25, "abc", "-3"])
def test_cabinet_and_console_survive_odd_page_numbers(citizen, operator, submit, page):
    submit(citizen)
    for user, path in ((citizen, "/cabinet/"), (operator, "/console/")):
        response = signed_in(user).get(f"{path}?page={page}")
        assert response.status_code == 200
