"""Console pages of the 59-FZ procedure: extension, redirect window, received date, regime."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from priemnaya.appeals.models import Appeal
from priemnaya.core import clock
from tests.factories import APPEAL_FORM, CALL_FORM, signed_in

MOSCOW = ZoneInfo("Europe/Moscow")


def test_the_extend_form_says_who_may_extend_and_how_far(registered, operator, head):
    # given the support policy: the head approves, 5 working days at most
    # when
    head_page = signed_in(head).get(f"/console/appeals/{registered.number}/").content.decode()
    operator_page = signed_in(operator).get(f"/console/appeals/{registered.number}/")
    # then the head gets the form with who and how far
    assert "Продлить срок" in head_page
    assert "Продлевает руководитель отдела (или вышестоящего) либо контроль качества." in head_page
    assert "Новый срок — не позже" in head_page
    # and the operator is not offered it, but told who may
    html = operator_page.content.decode()
    assert f"/console/appeals/{registered.number}/extend/" not in html
    assert "Продлить срок может руководитель отдела (или вышестоящего)" in html


def test_after_the_due_date_the_extend_form_is_gone(registered, head):
    # given the term has run out
    with clock.travel_to(registered.due_at + timedelta(seconds=1)):
        # when
        page = signed_in(head).get(f"/console/appeals/{registered.number}/").content.decode()
        response = signed_in(head).post(
            f"/console/appeals/{registered.number}/extend/",
            {
                "extend-due_date": (timezone.localdate(registered.due_at) + timedelta(days=1)),
                "extend-reason": "Поздно",
            },
        )
    # then
    assert f"/console/appeals/{registered.number}/extend/" not in page
    assert "Срок ответа уже истёк — продлить его нельзя." in page
    assert response.status_code == 400
    assert "Срок ответа уже истёк — продлить его нельзя." in response.content.decode()


def _letter(received_on: date, **extra) -> dict:
    return {
        **CALL_FORM,
        "channel": "letter",
        "kind": "complaint",
        "theme": "services-refusal",
        "received_on": received_on.isoformat(),
        "client_token": "letter-1",
        **extra,
    }


def test_a_letter_registered_late_is_marked_on_its_page(operator, specialist):
    # given a letter that came on Monday 16.11.2026, registered on Friday 20.11.2026
    with clock.travel_to(datetime(2026, 11, 20, 10, tzinfo=MOSCOW)):
        client = signed_in(operator)
        # when
        response = client.post("/console/new/", _letter(date(2026, 11, 16)))
    # then
    assert response.status_code == 302, response.content.decode()
    appeal = Appeal.objects.get()
    assert appeal.late_registration
    assert timezone.localdate(appeal.received_at) == date(2026, 11, 16)
    # the term still counts from registration (59-FZ art. 12): 20.11 + 30 = 20.12 (Sunday) → 18.12
    assert timezone.localdate(appeal.due_at) == date(2026, 12, 18)
    page = signed_in(specialist).get(response["Location"]).content.decode()
    assert "зарегистрировано с нарушением срока (поступило 16.11.2026)" in page


def test_a_received_date_in_the_future_is_refused_on_its_field(operator):
    with clock.travel_to(datetime(2026, 11, 20, 10, tzinfo=MOSCOW)):
        response = signed_in(operator).post("/console/new/", _letter(date(2026, 11, 21)))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Дата поступления не может быть в будущем." in html
    assert Appeal.objects.count() == 0


def test_the_intake_form_previews_the_due_date_and_keeps_every_input(operator):
    # given a half-filled form (no subject yet)
    form = _letter(date(2026, 11, 19), subject="")
    # when the operator asks for the term
    with clock.travel_to(datetime(2026, 11, 20, 10, tzinfo=MOSCOW)):
        response = signed_in(operator).post("/console/new/", {**form, "preview": "1"})
    # then the page shows the due date of a registration today and nothing is registered
    assert response.status_code == 200
    html = response.content.decode()
    assert "Срок ответа: до 18.12.2026 (политика «Обращение по 59-ФЗ: 30 календарных дней»)" in html
    assert Appeal.objects.count() == 0
    assert "Сидоров Пётр Ильич" in html
    assert 'value="2026-11-19"' in html
    assert 'value="letter-1"' in html
    assert "Укажите, о чём обращение." not in html  # a preview is not a refusal


def test_the_console_warns_until_when_a_complaint_may_be_redirected(complaint, specialist):
    registered_on = timezone.localdate(complaint.registered_at)
    last = registered_on + timedelta(days=7)
    url = f"/console/appeals/{complaint.number}/"
    # before the window closes: the date, and the form
    page = signed_in(specialist).get(url).content.decode()
    assert f"Переадресовать можно до {last:%d.%m.%Y}" in page
    assert f"{url}redirect/" in page
    # after: why not, and no form
    with clock.travel_to(complaint.registered_at + timedelta(days=9)):
        page = signed_in(specialist).get(url).content.decode()
    assert f"Переадресовать нельзя: 7 дней после регистрации истекли {last:%d.%m.%Y}" in page
    assert f"{url}redirect/" not in page


def test_a_citizen_names_the_body_a_complaint_is_about(citizen, specialist):
    # when
    response = signed_in(citizen).post(
        "/cabinet/new/",
        {
            **APPEAL_FORM,
            "kind": "complaint",
            "theme": "services-refusal",
            "complained_department": "esign",
        },
    )
    # then
    assert response.status_code == 302, response.content.decode()
    appeal = Appeal.objects.get()
    assert appeal.complained_department.code == "esign"
    for user, url in (
        (citizen, f"/cabinet/appeals/{appeal.number}/"),
        (specialist, f"/console/appeals/{appeal.number}/"),
    ):
        page = signed_in(user).get(url).content.decode()
        assert "На кого жалоба" in page
        assert "Удостоверяющий центр" in page


def test_quality_control_changes_the_regime_on_the_console(registered, supervisor, citizen):
    # when
    response = signed_in(supervisor).post(
        f"/console/appeals/{registered.number}/change-regime/",
        {"change-regime-regime": "fz59", "change-regime-reason": "Это обращение по 59-ФЗ."},
    )
    # then
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.regime == "fz59"
    page = signed_in(citizen).get(f"/cabinet/appeals/{registered.number}/").content.decode()
    assert "Изменён порядок рассмотрения" in page
    assert "Обращение рассматривается как обращение по 59-ФЗ, срок ответа до" in page
