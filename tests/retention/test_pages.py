"""The retention console: who reads it, what administrators change there, the act's files."""

from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader

from priemnaya.audit.models import AuditEntry
from priemnaya.core import clock
from priemnaya.core.numbering import format_number
from priemnaya.retention.models import DestructionAct, LegalHold, RetentionPolicy
from priemnaya.retention.services import retention_run
from tests import factories
from tests.retention.factories_retention import NOW, closed_on, years_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def act(citizen, operator):
    appeals = [closed_on(years_ago(11), applicant=citizen, staff=operator) for _ in range(2)]
    with clock.travel_to(NOW):
        retention_run()
    return DestructionAct.objects.get(), appeals


@pytest.mark.parametrize("role", ["administrator", "auditor"])
def test_administrators_and_auditors_read_the_page(catalog, role, act):
    page = factories.signed_in(factories.make_user(role)).get("/console/retention/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"№ {act[0].number}" in text
    assert "Сроки хранения по видам обращений" in text
    assert ("Установить запрет" in text) is (role == "administrator")


@pytest.mark.parametrize("role", ["citizen", "operator", "specialist", "supervisor"])
def test_everyone_else_gets_404(catalog, role):
    user = factories.make_user(role)
    assert factories.signed_in(user).get("/console/retention/").status_code == 404


def test_the_act_downloads_as_pdf_and_csv_and_each_download_is_audited(catalog, act):
    record, appeals = act
    client = factories.signed_in(factories.make_auditor())
    pdf = client.get(f"/console/retention/acts/{record.pk}.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert f"Акт № {record.number}" in text
    assert record.audit_head_hash[:16] in text.replace("\n", "")
    for appeal in appeals:
        assert format_number(appeal.number) in text
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/console/retention/acts/{record.pk}.csv").content.decode("utf-8-sig")
            )
        )
    )
    assert rows[0][0] == "number"
    assert sorted(r[0] for r in rows[1:]) == sorted(format_number(a.number) for a in appeals)
    downloads = AuditEntry.objects.filter(action="retention.act_downloaded")
    assert sorted(downloads.values_list("details__format", flat=True)) == ["csv", "pdf"]


def test_an_administrator_signs_the_act(catalog, act):
    record, _ = act
    admin = factories.make_user("administrator")
    client = factories.signed_in(admin)
    response = client.post(f"/console/retention/acts/{record.pk}/sign/")
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.signed_by == admin
    page = client.get(f"/console/retention/acts/{record.pk}/")
    assert admin.full_name in page.content.decode()
    auditor_try = factories.signed_in(factories.make_auditor()).post(
        f"/console/retention/acts/{record.pk}/sign/"
    )
    assert auditor_try.status_code == 403


def test_the_policy_form_names_the_field_at_fault(catalog):
    client = factories.signed_in(factories.make_user("administrator"))
    response = client.post(
        "/console/retention/policy/",
        {"kind": "support", "archive_after_years": "6", "destroy_after_years": "3"},
    )
    assert response.status_code == 400
    assert "«Обезличить через, лет» не может быть меньше" in response.content.decode()
    response = client.post(
        "/console/retention/policy/",
        {"kind": "support", "archive_after_years": "3", "destroy_after_years": "7", "basis": "X"},
    )
    assert response.status_code == 302
    policy = RetentionPolicy.objects.get(kind__code="support")
    assert (policy.archive_after_years, policy.destroy_after_years) == (3, 7)
    assert AuditEntry.objects.filter(action="retention.policy_changed").exists()


def test_a_hold_from_the_console_appeal_page(catalog, citizen, operator):
    appeal = closed_on(years_ago(11), applicant=citizen, staff=operator)
    client = factories.signed_in(factories.make_user("administrator"))
    page = client.get(f"/console/appeals/{appeal.number}/")
    assert 'data-testid="legal-hold"' in page.content.decode()
    # no reason: refused, the field named
    response = client.post(
        "/console/retention/holds/", {"number": appeal.number, "reason": "", "back": "appeal"}
    )
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert "«Основание»" in follow.content.decode()
    assert not LegalHold.objects.exists()
    # with a reason: placed, shown on the appeal's page
    client.post(
        "/console/retention/holds/",
        {"number": appeal.number, "reason": "Запрос суда № 2-15", "back": "appeal"},
    )
    hold = LegalHold.objects.get()
    page = client.get(f"/console/appeals/{appeal.number}/").content.decode()
    assert "Действует запрет уничтожения" in page
    response = client.post(f"/console/retention/holds/{hold.pk}/lift/", {"lift_reason": "Снят"})
    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_at is not None


def test_the_retention_page_names_an_unknown_number(catalog):
    client = factories.signed_in(factories.make_user("administrator"))
    response = client.post("/console/retention/holds/", {"number": "99-9999999-9", "reason": "X"})
    assert response.status_code == 400
    assert "Обращение с таким номером не найдено." in response.content.decode()


def test_the_console_shows_archived_appeals_only_under_the_archive_filter(
    catalog, citizen, operator, supervisor
):
    archived = closed_on(years_ago(6), applicant=citizen, staff=operator)
    live = closed_on(years_ago(1), applicant=citizen, staff=operator)
    with clock.travel_to(NOW):
        retention_run()
    client = factories.signed_in(supervisor)
    closed = client.get("/console/?status=closed").content.decode()
    assert live.display_number in closed
    assert archived.display_number not in closed
    archive = client.get("/console/?archived=on").content.decode()
    assert archived.display_number in archive
    assert live.display_number not in archive
    assert "В архиве" in archive
    # and no queue tab claims to be the page shown: the archive is not «Все открытые»
    assert 'aria-current="page" data-queue' not in archive
    assert 'aria-current="page" data-queue="open"' in client.get("/console/").content.decode()
