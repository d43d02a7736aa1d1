"""The breach register (LEGAL.md §6 rule 25): 24 h and 72 h timers, alerts before and after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from priemnaya.audit.models import AuditEntry
from priemnaya.core import clock
from priemnaya.core.errors import Conflict, NotPermitted, ValidationFailed
from priemnaya.privacy.breaches import (
    breach_alerts_run,
    breach_alerts_send,
    breach_close,
    breach_notice_sent,
    breach_register,
    breach_timers,
)
from priemnaya.privacy.models import BreachAlert
from tests import factories

DETECTED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def officers(supervisor):
    admin = factories.make_user("administrator")
    return supervisor, admin


@pytest.fixture
def breach(officers):
    supervisor, _ = officers
    with clock.travel_to(DETECTED + timedelta(minutes=30)):
        return breach_register(
            actor=supervisor,
            detected_at=DETECTED,
            description="Выгрузка обращений оказалась в открытом доступе.",
            categories=["contacts", "appeals"],
            subjects_estimate=120,
        )


def test_deadlines_run_from_detection(breach):
    assert breach.notice_24h_due == DETECTED + timedelta(hours=24)
    assert breach.notice_72h_due == DETECTED + timedelta(hours=72)
    timers = breach_timers(breach, now=DETECTED + timedelta(hours=23))
    assert timers[0].soon
    assert timers[0].left_text == "осталось 1 ч 00 мин"
    late = breach_timers(breach, now=DETECTED + timedelta(hours=25, minutes=5))
    assert late[0].overdue
    assert late[0].left_text == "просрочено на 1 ч 05 мин"
    assert not late[1].overdue


def test_alerts_two_hours_before_and_after_each_deadline_once(breach, officers):
    supervisor, admin = officers
    mail.outbox.clear()

    with clock.travel_to(DETECTED + timedelta(hours=21)):
        assert breach_alerts_send() == 0  # 3 hours before: nothing yet
    with clock.travel_to(DETECTED + timedelta(hours=22, minutes=1)):
        assert breach_alerts_send() == 1
        assert breach_alerts_send() == 0  # not repeated
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {supervisor.email, admin.email}
    assert "через 2 часа" in mail.outbox[0].subject

    with clock.travel_to(DETECTED + timedelta(hours=24, minutes=1)):
        assert breach_alerts_send() == 1  # the 24-hour deadline passed
        assert breach_alerts_send() == 0
    assert "срок прошёл" in mail.outbox[-1].subject

    with clock.travel_to(DETECTED + timedelta(hours=26)):
        breach_notice_sent(actor=supervisor, breach_id=breach.pk, deadline="24h")
    with clock.travel_to(DETECTED + timedelta(hours=80)):
        # 72 h: both the «soon» and the «overdue» alert are due by now; the 24 h one is done.
        assert breach_alerts_send() == 1
        assert breach_alerts_send() == 0
    kinds = set(BreachAlert.objects.values_list("deadline", "kind"))
    assert kinds == {("24h", "soon"), ("24h", "overdue"), ("72h", "overdue")}
    assert AuditEntry.objects.filter(action="breach.alert_sent").count() == 3
    assert len(mail.outbox) == 3


def test_no_alerts_for_sent_notices_or_closed_breaches(breach, officers):
    supervisor, _ = officers
    with clock.travel_to(DETECTED + timedelta(hours=1)):
        breach_notice_sent(actor=supervisor, breach_id=breach.pk, deadline="24h")
        breach_notice_sent(actor=supervisor, breach_id=breach.pk, deadline="72h")
        breach_close(actor=supervisor, breach_id=breach.pk)
    with clock.travel_to(DETECTED + timedelta(hours=100)):
        assert breach_alerts_send() == 0


def test_the_periodic_task_runs_once_per_interval(breach):
    with clock.travel_to(DETECTED + timedelta(hours=25)):
        assert breach_alerts_run(every=300) == 1
        assert breach_alerts_run(every=300) is None  # another worker's run this interval


def test_close_needs_both_notices(breach, officers):
    supervisor, _ = officers
    with pytest.raises(Conflict):
        breach_close(actor=supervisor, breach_id=breach.pk)
    breach_notice_sent(actor=supervisor, breach_id=breach.pk, deadline="24h")
    with pytest.raises(Conflict):
        breach_notice_sent(actor=supervisor, breach_id=breach.pk, deadline="24h")


def test_register_names_bad_fields(officers):
    supervisor, _ = officers
    with pytest.raises(ValidationFailed) as refused:
        breach_register(
            actor=supervisor,
            detected_at=clock.now() + timedelta(days=1),
            description=" ",
            categories=["nope"],
            subjects_estimate=-1,
        )
    assert set(refused.value.errors) == {
        "detected_at",
        "description",
        "categories",
        "subjects_estimate",
    }


def test_only_officers_keep_the_register(operator, auditor, citizen):
    for actor in (operator, auditor, citizen):
        with pytest.raises(NotPermitted):
            breach_register(
                actor=actor,
                detected_at=clock.now(),
                description="x",
                categories=["other"],
                subjects_estimate=1,
            )


def test_pages_create_show_timers_and_mark_notices(officers):
    _, admin = officers
    client = factories.signed_in(admin)

    created = client.post(
        "/console/privacy/breaches/",
        {
            "detected_at": "2026-11-26T10:00",
            "description": "Письма ушли не тем адресатам.",
            "categories": ["contacts"],
            "subjects_estimate": "3",
        },
    )
    assert created.status_code == 302
    url = created["Location"]
    with clock.travel_to(datetime(2026, 11, 27, 6, 30, tzinfo=UTC)):  # 09:30 MSK, 23.5 h later
        page = client.get(url).content.decode()
        listing = client.get("/console/privacy/breaches/").content.decode()
    assert "осталось 0 ч 30 мин" in page
    assert "осталось 0 ч 30 мин" in listing
    assert client.post(url, {"action": "24h"}).status_code == 302
    refused = client.post(url, {"action": "close"})
    assert refused.status_code == 409
    assert "обоих уведомлений" in refused.content.decode()


def test_page_names_the_fields_of_a_bad_breach(officers):
    supervisor, _ = officers
    response = factories.signed_in(supervisor).post(
        "/console/privacy/breaches/", {"detected_at": "вчера", "subjects_estimate": "-2"}
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "ДД.ММ.ГГГГ ЧЧ:ММ" in body
    assert "Опишите, что произошло." in body
    assert "Отметьте хотя бы одну категорию данных." in body
    assert "не может быть отрицательным" in body
