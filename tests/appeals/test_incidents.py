"""Incidents: N similar support appeals within M minutes are one failure, answered once."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from priemnaya.appeals import outbox, services
from priemnaya.appeals.models import Appeal, Incident
from priemnaya.appeals.presenters import Audience, event_describe
from priemnaya.appeals.selectors import incident_get
from priemnaya.appeals.services.incidents import error_code
from priemnaya.appeals.states import EventType, Priority, Status
from priemnaya.core import clock
from priemnaya.core.errors import InvalidTransition, NotFound, NotPermitted
from tests.factories import api, make_citizen, make_operator, make_supervisor, signed_in

# A working Tuesday morning in Moscow: the incident policy's 30 working minutes end at 10:30.
MORNING = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))


def relay() -> None:
    for _ in range(50):
        if not outbox.relay_once() and not outbox.pending_count():
            return


def report(subject: str = "Не грузится страница входа", text: str = "Белый экран.", **extra):
    return services.appeal_submit(
        actor=make_citizen(),
        data=services.AppealInput(
            kind=extra.pop("kind", "support"),
            theme=extra.pop("theme", "tech-login"),
            subject=subject,
            text=text,
            contact_email="x@example.ru",
        ),
    )


@pytest.fixture
def outage(catalog):
    """Five reports of one failure, detected by the journal consumer."""
    with clock.travel_to(MORNING):
        appeals = [report() for _ in range(5)]
        relay()
    return appeals


def test_four_similar_reports_are_not_an_incident(catalog):
    with clock.travel_to(MORNING):
        for _ in range(4):
            report()
        relay()
    assert not Incident.objects.exists()


def test_the_fifth_similar_report_opens_an_incident_and_links_all(outage):
    incident = Incident.objects.get()
    assert incident.state == Incident.State.OPEN
    assert incident.policy.code == "incident"
    assert incident.department.code == "support"
    # 30 working minutes of the support department from the moment it opened
    assert incident.first_response_due_at == MORNING + timedelta(minutes=30)
    for appeal in outage:
        appeal.refresh_from_db()
        assert appeal.incident == incident
        assert appeal.priority == Priority.CRITICAL
        assert appeal.first_response_due_at == incident.first_response_due_at
        event = appeal.events.get(type=EventType.INCIDENT_LINKED)
        assert event.is_public
        applicant = event_describe(event, audience=Audience.APPLICANT)
        assert applicant.text == "Мы знаем о сбое и уже устраняем его."
        assert "incident" not in applicant.data


def test_reports_outside_the_window_do_not_add_up(catalog):
    for minutes in (0, 10, 20, 31, 45):
        with clock.travel_to(MORNING + timedelta(minutes=minutes)):
            report()
            relay()
    assert not Incident.objects.exists()


def test_the_window_and_threshold_come_from_settings(catalog, settings):
    settings.PRIEMNAYA = {**settings.PRIEMNAYA, "INCIDENT_THRESHOLD": 2}
    with clock.travel_to(MORNING):
        report()
        report()
        relay()
    assert Incident.objects.count() == 1


def test_the_same_error_code_groups_different_words(catalog):
    with clock.travel_to(MORNING):
        for subject in (
            "Ошибка 502 при входе",
            "Портал пишет: ошибка 502",
            "Не открывается кабинет",
            "Оплата пошлины",
            "Не приходит SMS",
        ):
            report(subject, text="На экране: код ошибки 502.")
        report("Другое", text="код ошибки E-1234")
        relay()
    incident = Incident.objects.get()
    assert incident.signature == "code:502"
    assert incident.appeals.count() == 5


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Выдаёт ошибку 500", "500"),
        ("код ошибки E-1234 на шаге оплаты", "E-1234"),
        ("net::ERR_CONNECTION_RESET в браузере", "ERR_CONNECTION_RESET"),
        ("Error 404", "404"),
        ("Не могу войти", ""),
    ],
)
def test_error_codes_are_recognised(text, code):
    assert error_code(text) == code


def test_a_later_similar_report_joins_the_open_incident(outage):
    with clock.travel_to(MORNING + timedelta(hours=2)):
        later = report("Страница входа не грузится")
        relay()
    later.refresh_from_db()
    assert later.incident == Incident.objects.get()
    assert Incident.objects.get().appeals.count() == 6


def test_other_kinds_and_different_subjects_stay_apart(catalog):
    with clock.travel_to(MORNING):
        for _ in range(5):
            report(kind="request", theme="general")
        for subject in ("Вход", "Оплата", "SMS", "Загрузка файла", "Подпись"):
            report(subject)
        relay()
    assert not Incident.objects.exists()


def test_one_answer_goes_to_every_linked_appeal(outage, operator):
    # given one appeal already in work
    services.appeal_take(appeal=outage[0], actor=operator)
    incident = Incident.objects.get()
    # when the operator answers everyone
    with clock.travel_to(MORNING + timedelta(minutes=40)):
        resolved = services.incident_resolve(
            incident=incident, actor=operator, text="Сбой устранён, войдите снова."
        )
    # then every appeal has the same answer and the incident is resolved
    assert resolved.state == Incident.State.RESOLVED
    assert resolved.resolved_by == operator
    for appeal in outage:
        appeal.refresh_from_db()
        assert appeal.status == Status.ANSWERED
        assert appeal.answers.get().text == "Сбой устранён, войдите снова."
    # and it cannot be resolved twice
    with pytest.raises(InvalidTransition):
        services.incident_resolve(incident=incident, actor=operator, text="Ещё раз.")


def test_only_staff_of_the_department_or_a_supervisor_may_resolve(outage):
    incident = Incident.objects.get()
    stranger = make_operator(departments=("services",))
    with pytest.raises(NotPermitted):
        services.incident_resolve(incident=incident, actor=stranger, text="Готово.")
    assert Appeal.objects.filter(status=Status.ANSWERED).count() == 0
    services.incident_resolve(incident=incident, actor=make_supervisor(), text="Готово.")
    assert Appeal.objects.filter(status=Status.ANSWERED).count() == 5


def test_the_api_lists_and_resolves_incidents(outage, operator):
    incident = Incident.objects.get()
    caller = api(operator)
    listed = caller("get", "/staff/incidents").json()
    assert [i["id"] for i in listed] == [incident.pk]
    assert listed[0]["appeal_count"] == 5
    # staff of another department do not see it
    assert api(make_operator(departments=("services",)))("get", "/staff/incidents").json() == []
    missing = caller("post", f"/staff/incidents/{incident.pk}/resolve", {"text": " "})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "text"
    done = caller("post", f"/staff/incidents/{incident.pk}/resolve", {"text": "Исправлено."})
    assert done.status_code == 200
    assert done.json()["state"] == "resolved"
    assert caller("get", "/staff/incidents").json()[0]["state"] == "resolved"


def test_the_console_shows_open_incidents_and_answers_all(outage, operator):
    client = signed_in(operator)
    incident = Incident.objects.get()
    queue = client.get("/console/").content.decode()
    assert "Открытые инциденты: 1" in queue
    assert f"/console/incidents/{incident.pk}/" in queue
    page = client.get(f"/console/incidents/{incident.pk}/").content.decode()
    assert "Ответить всем" in page
    assert outage[0].display_number in page
    done = client.post(f"/console/incidents/{incident.pk}/", {"text": "Исправлено."})
    assert done.status_code == 302
    assert Appeal.objects.filter(status=Status.ANSWERED).count() == 5
    assert "Открытые инциденты" not in client.get("/console/").content.decode()


def test_a_stranger_cannot_open_the_incident_page(outage):
    stranger = make_operator(departments=("services",))
    incident = Incident.objects.get()
    assert signed_in(stranger).get(f"/console/incidents/{incident.pk}/").status_code == 404
    with pytest.raises(NotFound):
        incident_get(user=stranger, incident_id=incident.pk)


def test_a_worker_catching_up_later_still_sees_the_burst(catalog):
    # given five reports registered while the worker was stopped
    with clock.travel_to(MORNING):
        for _ in range(5):
            report()
    # when it relays them two hours later
    with clock.travel_to(MORNING + timedelta(hours=2)):
        relay()
    # then they are one incident
    assert Incident.objects.get().appeals.count() == 5
