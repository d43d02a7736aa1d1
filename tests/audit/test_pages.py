"""The auditor's pages: only the auditor; filters; the chain check; the CSV export, audited."""

import csv
import io
import re
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from priemnaya.audit.models import AuditEntry, AuditVerification
from priemnaya.audit.services import audit_record
from priemnaya.core import clock
from tests.audit.tamper import guards_off, raw_update
from tests.factories import PASSWORD, api, make_user, signed_in

pytestmark = pytest.mark.django_db


def local(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def seeded(auditor, operator):
    """Entries on three days, by two actors, on two kinds of target."""
    with clock.travel_to(local(2026, 11, 10, 12, 0)):
        audit_record(action="appeal.viewed", actor=operator, target_type="appeal", target_id=11)
    with clock.travel_to(local(2026, 11, 11, 9, 0)):
        audit_record(action="appeal.viewed", actor=operator, target_type="appeal", target_id=12)
        audit_record(action="signin.failed", details={"reason": "bad_password"})
    with clock.travel_to(local(2026, 11, 12, 23, 59)):
        audit_record(action="role.changed", actor=auditor, target_type="user", target_id=5)
    return operator


def page(client, **query):
    return client.get(reverse("web:audit"), query)


def shown(response) -> list[int]:
    """The entry ids on the page, in their order."""
    html = response.content.decode()
    return [int(n) for n in re.findall(r'data-entry="(\d+)"', html)]


# ---- who may come in ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/audit/", "/audit/export.csv"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    "role", ["citizen", "operator", "specialist", "supervisor", "administrator"]
)
def test_every_other_role_gets_403(catalog, role):
    client = signed_in(make_user(role, is_staff=role == "administrator"))
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403
    assert client.post("/audit/verify/").status_code == 403
    assert not AuditEntry.objects.filter(action="audit.exported").exists()
    assert not AuditVerification.objects.exists()


def test_the_auditor_lands_on_the_log_after_signing_in(auditor):
    client = signed_in(auditor, password=PASSWORD)
    response = client.post("/accounts/login/", {"login": auditor.email, "password": PASSWORD})
    assert response["Location"] == "/audit/"
    assert client.get("/audit/").status_code == 200


def test_the_auditor_has_the_log_in_the_menu_and_nothing_else(auditor, operator, registered):
    html = signed_in(auditor).get("/audit/").content.decode()
    assert 'href="/audit/"' in html
    assert "Журнал аудита" in html
    assert 'href="/console/"' not in html
    assert 'href="/cabinet/"' not in html
    assert "Журнал аудита" not in signed_in(operator).get("/console/").content.decode()


def test_the_auditor_sees_no_appeal(auditor, registered):
    client = signed_in(auditor)
    assert client.get("/console/").status_code == 403
    assert client.get(f"/console/appeals/{registered.number}/").status_code == 403
    assert client.get("/cabinet/").status_code == 403
    assert api(auditor)("get", f"/staff/appeals/{registered.number}").status_code in (403, 404)
    assert api(auditor)("get", "/staff/appeals").status_code in (403, 404)
    assert not AuditEntry.objects.filter(action="appeal.viewed").exists()


# ---- the list and its filters -------------------------------------------------------------------


def test_the_log_shows_every_entry_newest_first(auditor, seeded):
    response = page(signed_in(auditor))
    ids = list(AuditEntry.objects.order_by("-id").values_list("id", flat=True))
    assert shown(response) == ids
    html = response.content.decode()
    assert "appeal.viewed" in html
    assert "bad_password" in html


def test_filter_by_action(auditor, seeded):
    response = page(signed_in(auditor), action="appeal.viewed")
    assert shown(response) == list(
        AuditEntry.objects.filter(action="appeal.viewed")
        .order_by("-id")
        .values_list("id", flat=True)
    )
    assert len(shown(response)) == 2


def test_filter_by_actor_and_target(auditor, seeded):
    operator = seeded
    client = signed_in(auditor)
    by_actor = shown(page(client, actor_id=operator.pk))
    assert {AuditEntry.objects.get(pk=n).actor_id for n in by_actor} == {operator.pk}
    target = shown(page(client, target_type="appeal", target_id="12"))
    assert [AuditEntry.objects.get(pk=n).target_id for n in target] == ["12"]


def test_filter_by_period_counts_whole_local_days(auditor, seeded):
    client = signed_in(auditor)
    day = shown(page(client, date_from="2026-11-11", date_to="2026-11-11"))
    assert [AuditEntry.objects.get(pk=n).at.date().isoformat() for n in day] == ["2026-11-11"] * 2
    late = shown(page(client, date_from="2026-11-12", date_to="2026-11-12"))  # 23:59 local
    assert [AuditEntry.objects.get(pk=n).action for n in late] == ["role.changed"]
    assert len(shown(page(client, date_to="2026-11-10"))) == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "11/11/2026"}, "Дата «С даты» указана неверно"),
        (
            {"date_from": "2026-11-12", "date_to": "2026-11-11"},
            "Дата «По дату» раньше даты «С даты».",
        ),
        ({"actor_id": "abc"}, "Номер пользователя — целое число."),
        ({"actor_id": "-3"}, "Номер пользователя — целое число больше нуля."),
        ({"action": "no.such"}, "Действия «no.such» в журнале нет."),
    ],
)
def test_a_bad_filter_is_named_and_answered_400(auditor, seeded, query, message):
    response = page(signed_in(auditor), **query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert shown(response) == []


def test_the_log_is_paginated_by_50(auditor):
    for n in range(55):
        audit_record(action="test.n", target_type="appeal", target_id=n)
    client = signed_in(auditor)
    first = page(client, action="test.n")
    assert len(shown(first)) == 50
    assert "page=2" in first.content.decode()
    second = page(client, action="test.n", page=2)
    assert len(shown(second)) == 5
    assert set(shown(first)).isdisjoint(shown(second))
    assert "action=test.n&amp;page=2" in first.content.decode()


# ---- the chain check ----------------------------------------------------------------------------


def test_the_check_runs_on_demand_and_its_result_stays_on_the_page(auditor, seeded):
    client = signed_in(auditor)
    assert "Цепочка ещё не проверялась." in page(client).content.decode()
    response = client.post("/audit/verify/")
    assert response.status_code == 302
    assert response["Location"] == "/audit/"
    count = AuditEntry.objects.count()
    html = page(client).content.decode()
    assert f"Цепочка цела: {count} записей" in html
    assert AuditVerification.objects.get().ok


def test_a_broken_chain_shows_the_first_broken_link(auditor, seeded):
    guards_off()
    raw_update(2, target_id="99")
    client = signed_in(auditor)
    client.post("/audit/verify/")
    html = page(client).content.decode()
    assert "Нарушение цепочки: запись #2 — содержимое записи изменено" in html


def test_the_check_needs_post(auditor):
    assert signed_in(auditor).get("/audit/verify/").status_code == 405


# ---- the export ---------------------------------------------------------------------------------


def read_csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_the_export_is_a_csv_of_the_filtered_entries_and_is_audited(auditor, seeded):
    client = signed_in(auditor)
    response = client.get("/audit/export.csv", {"action": "appeal.viewed"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    rows = read_csv(response)
    stored = AuditEntry.objects.filter(action="appeal.viewed").order_by("id")
    assert [int(r["id"]) for r in rows] == [e.pk for e in stored]
    first = rows[0]
    entry = stored[0]
    assert (first["action"], first["target_type"], first["target_id"]) == (
        "appeal.viewed",
        "appeal",
        "11",
    )
    assert (first["prev_hash"], first["hash"]) == (entry.prev_hash, entry.hash)
    assert first["actor_id"] == str(entry.actor_id)
    exported = AuditEntry.objects.filter(action="audit.exported").get()
    assert (exported.actor_id, exported.actor_role) == (auditor.pk, "auditor")
    assert exported.details == {"format": "csv", "action": "appeal.viewed"}


def test_the_unfiltered_export_holds_everything_before_its_own_entry(auditor, seeded):
    before = AuditEntry.objects.count()
    rows = read_csv(signed_in(auditor).get("/audit/export.csv"))
    assert len(rows) == before
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.order_by("-id").first().action == "audit.exported"


def test_the_export_with_a_period_is_audited_with_the_period(auditor, seeded):
    client = signed_in(auditor)
    rows = read_csv(
        client.get("/audit/export.csv", {"date_from": "2026-11-11", "date_to": "2026-11-11"})
    )
    assert len(rows) == 2
    exported = AuditEntry.objects.get(action="audit.exported")
    assert exported.details == {"format": "csv", "from": "2026-11-11", "to": "2026-11-11"}


def test_a_bad_export_filter_answers_400_and_exports_nothing(auditor, seeded):
    response = signed_in(auditor).get("/audit/export.csv", {"actor_id": "x"})
    assert response.status_code == 400
    assert "Номер пользователя — целое число." in response.content.decode()
    assert not AuditEntry.objects.filter(action="audit.exported").exists()


# ---- not editable through admin or API ----------------------------------------------------------


def test_the_admin_shows_the_log_read_only(catalog):
    admin = make_user("administrator", is_staff=True, is_superuser=True)
    entry = audit_record(action="test.x")
    client = signed_in(admin)
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    assert (
        client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    change = client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"action": "test.y"})
    assert change.status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.x"
    assert client.get("/admin/audit/auditchainhead/").status_code == 404


def test_no_api_endpoint_touches_the_log():
    from priemnaya.api.urls import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    assert [path for path in schema["paths"] if "audit" in path] == []
