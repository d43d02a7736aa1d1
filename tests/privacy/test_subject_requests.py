"""Subjects' requests (LEGAL.md §6 rule 24): 10 working days, one +5 extension with a notice."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from priemnaya.accounts.models import Consent
from priemnaya.audit.models import AuditEntry
from priemnaya.core import clock
from priemnaya.core.errors import Conflict, NotPermitted, ValidationFailed
from priemnaya.notifications import devoutbox
from priemnaya.privacy.models import RequestState, SubjectRequest
from priemnaya.privacy.requests import (
    subject_request_answer,
    subject_request_extend,
    subject_request_file,
)
from tests import factories

MOSCOW = ZoneInfo("Europe/Moscow")


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=MOSCOW)


@pytest.mark.parametrize(
    ("filed", "due"),
    [
        # LEGAL.md §6 rule 19: +10 wd over the New Year holidays (Jan 1–8 and the Jan 9 transfer).
        (date(2025, 12, 30), date(2026, 1, 23)),
        # Over the May holidays: May 1 and the automatic transfer of May 11 (rule 19).
        (date(2026, 4, 30), date(2026, 5, 18)),
        # Over Unity Day, Wednesday 2026-11-04.
        (date(2026, 11, 2), date(2026, 11, 17)),
        # Filed on Saturday: the count starts on Monday.
        (date(2026, 11, 7), date(2026, 11, 20)),
    ],
)
def test_due_in_ten_working_days_of_the_production_calendar(citizen, filed, due):
    with clock.travel_to(at(filed)):
        request = subject_request_file(user=citizen, kind="access")
    assert request.due_on == due
    assert request.original_due_on == due


def test_one_extension_of_five_working_days_with_a_notice(
    citizen, supervisor, django_capture_on_commit_callbacks
):
    with clock.travel_to(at(date(2025, 12, 30))):
        request = subject_request_file(user=citizen, kind="rectify", text="Неверная фамилия.")
    mail.outbox.clear()

    with clock.travel_to(at(date(2026, 1, 20))), django_capture_on_commit_callbacks(execute=True):
        extended = subject_request_extend(
            actor=supervisor, request_id=request.pk, reason="Нужна проверка архива."
        )

    # 2026-01-23 + 5 working days = 2026-01-30
    assert extended.due_on == date(2026, 1, 30)
    assert extended.original_due_on == date(2026, 1, 23)
    assert extended.extension_notice == "email"
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == [citizen.email]
    assert "30.01.2026" in notice.body
    assert "Нужна проверка архива." in notice.body
    assert AuditEntry.objects.filter(action="subject_request.extended").count() == 1


def test_a_second_extension_is_refused(citizen, supervisor):
    request = subject_request_file(user=citizen, kind="access")
    subject_request_extend(actor=supervisor, request_id=request.pk, reason="Причина один.")
    due = SubjectRequest.objects.get(pk=request.pk).due_on

    with pytest.raises(Conflict) as refused:
        subject_request_extend(actor=supervisor, request_id=request.pk, reason="Ещё раз.")

    assert refused.value.code == "already_extended"
    assert "только одно продление" in refused.value.message
    assert SubjectRequest.objects.get(pk=request.pk).due_on == due


def test_extension_needs_a_reason_and_a_running_term(citizen, supervisor):
    with clock.travel_to(at(date(2026, 11, 2))):
        request = subject_request_file(user=citizen, kind="access")
        with pytest.raises(ValidationFailed) as no_reason:
            subject_request_extend(actor=supervisor, request_id=request.pk, reason="  ")
    assert no_reason.value.field == "reason"
    with clock.travel_to(at(date(2026, 11, 18))), pytest.raises(Conflict) as late:
        subject_request_extend(actor=supervisor, request_id=request.pk, reason="Поздно.")
    assert late.value.code == "term_expired"


def test_extension_notice_by_sms_without_a_confirmed_email(
    catalog, supervisor, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.VAR_DIR = tmp_path
    citizen = factories.make_citizen(
        email=None, phone="+79160000001", phone_confirmed_at=timezone.now()
    )
    request = subject_request_file(user=citizen, kind="access")

    with django_capture_on_commit_callbacks(execute=True):
        extended = subject_request_extend(
            actor=supervisor, request_id=request.pk, reason="Проверка."
        )

    assert extended.extension_notice == "sms"
    sent = [json.loads(p.read_text()) for p in devoutbox.outbox_dir("sms").glob("*.json")]
    assert [m["to"] for m in sent] == ["+79160000001"]
    assert "продлён" in sent[0]["text"]


def test_only_quality_control_and_administrators_extend_or_answer(citizen, operator, auditor):
    request = subject_request_file(user=citizen, kind="access")
    for actor in (operator, auditor, citizen):
        with pytest.raises(NotPermitted):
            subject_request_extend(actor=actor, request_id=request.pk, reason="Причина.")
        with pytest.raises(NotPermitted):
            subject_request_answer(actor=actor, request_id=request.pk, answer="Ответ.")


def test_answer_closes_the_request_and_tells_the_citizen(
    citizen, supervisor, django_capture_on_commit_callbacks
):
    request = subject_request_file(user=citizen, kind="access")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        answered = subject_request_answer(
            actor=supervisor, request_id=request.pk, answer="Ваши данные: см. выгрузку."
        )

    assert answered.state == RequestState.ANSWERED
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [citizen.email]
    with pytest.raises(Conflict):
        subject_request_answer(actor=supervisor, request_id=request.pk, answer="Ещё.")


def test_rectification_needs_an_explanation(citizen):
    with pytest.raises(ValidationFailed) as refused:
        subject_request_file(user=citizen, kind="rectify", text="")
    assert refused.value.field == "text"
    with pytest.raises(ValidationFailed) as bad_kind:
        subject_request_file(user=citizen, kind="forget-me", text="")
    assert bad_kind.value.field == "kind"


def test_withdrawal_of_consent_takes_effect_at_once(citizen):
    Consent.objects.create(user=citizen, text_version="2026-1")

    subject_request_file(user=citizen, kind="withdraw")

    assert Consent.objects.get(user=citizen).withdrawn_at is not None
    assert AuditEntry.objects.filter(action="consent.withdrawn", actor_id=citizen.pk).exists()


def test_citizen_files_and_sees_own_requests_on_the_page(citizen, other_citizen):
    subject_request_file(user=other_citizen, kind="erase", text="Чужой запрос про удаление.")
    client = factories.signed_in(citizen)

    response = client.post("/cabinet/privacy/requests/", {"kind": "access", "text": ""})
    assert response.status_code == 302
    page = client.get("/cabinet/privacy/").content.decode()

    assert "Доступ к персональным данным" in page
    assert "Чужой запрос" not in page
    assert SubjectRequest.objects.filter(user=citizen).count() == 1


def test_page_names_the_field_of_a_bad_request(citizen):
    response = factories.signed_in(citizen).post(
        "/cabinet/privacy/requests/", {"kind": "rectify", "text": ""}
    )
    assert response.status_code == 422
    assert "Заполните поле." in response.content.decode()


def test_console_lists_open_requests_with_overdue_marks(citizen, supervisor):
    with clock.travel_to(at(date(2026, 11, 2))):
        late = subject_request_file(user=citizen, kind="access")
    fresh = subject_request_file(user=citizen, kind="erase")

    with clock.travel_to(at(date(2026, 11, 18))):
        page = factories.signed_in(supervisor).get("/console/privacy/requests/")

    body = page.content.decode()
    assert page.status_code == 200
    assert f'href="/console/privacy/requests/{late.pk}/"' in body
    assert f'href="/console/privacy/requests/{fresh.pk}/"' in body
    assert body.count("просрочено") >= 1


def test_console_extends_once_and_shows_the_refusal(citizen, supervisor):
    request = subject_request_file(user=citizen, kind="access")
    client = factories.signed_in(supervisor)
    url = f"/console/privacy/requests/{request.pk}/"

    first = client.post(url, {"action": "extend", "reason": "Проверка архива."})
    second = client.post(url, {"action": "extend", "reason": "Ещё раз."})

    assert first.status_code == 302
    assert second.status_code == 422
    assert "только одно продление" in second.content.decode()
    assert AuditEntry.objects.filter(action="subject_request.viewed").exists()


@pytest.mark.parametrize("role", ["operator", "specialist", "auditor", "citizen"])
def test_console_pages_refuse_other_roles(role, request, citizen):
    user = request.getfixturevalue(role)
    filed = subject_request_file(user=citizen, kind="access")
    client = factories.signed_in(user)
    for url in (
        "/console/privacy/requests/",
        f"/console/privacy/requests/{filed.pk}/",
        "/console/privacy/breaches/",
        "/console/privacy/storage/",
    ):
        assert client.get(url).status_code == 403, url


def test_api_files_and_lists_requests(citizen):
    client = factories.api(citizen)

    filed = client("post", "/account/privacy-requests", {"kind": "access"})
    bad = client("post", "/account/privacy-requests", {"kind": "rectify", "text": ""})
    listed = client("get", "/account/privacy-requests")

    assert filed.status_code == 201, filed.content
    assert filed.json()["due_on"]
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "text"
    assert [r["id"] for r in listed.json()] == [filed.json()["id"]]
