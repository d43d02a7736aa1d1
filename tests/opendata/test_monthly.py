"""The monthly report: numbers equal a direct count, XLSX and PDF contents, access, audit."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.test import Client
from openpyxl import load_workbook

from priemnaya.appeals.models import Appeal
from priemnaya.audit.models import AuditEntry
from tests import factories
from tests.opendata.factories_opendata import citizens, file_many, moment, settle

URL = "/console/analytics/monthly/"
MARCH = {"month": "2026-03"}


@pytest.fixture
def march(catalog):
    people = citizens()
    operator = factories.make_operator()
    file_many(3, moment(2026, 3, 3), people, theme="tech-login", answer="resolved", staff=operator)
    file_many(2, moment(2026, 3, 4), people, theme="tech-login", answer="rejected", staff=operator)
    file_many(1, moment(2026, 3, 5), people, theme="tech-login")
    file_many(4, moment(2026, 3, 6), people, theme="tech-sms", answer="resolved", staff=operator)
    # Outside the month: not counted.
    file_many(2, moment(2026, 4, 2), people, theme="tech-sms")
    file_many(1, moment(2026, 2, 27), people, theme="tech-sms")
    settle()
    return people


def _direct(theme: str) -> dict[str, int]:
    """A direct count over the appeals table, independent of the report's code."""
    qs = Appeal.objects.filter(
        theme__code=theme,
        registered_at__gte=moment(2026, 3, 1, 0),
        registered_at__lt=moment(2026, 4, 1, 0),
    )
    current = {"answers__superseded_at__isnull": True}
    return {
        "appeals": qs.count(),
        "answered": qs.filter(answered_at__isnull=False).count(),
        "outcome_resolved": qs.filter(answers__outcome="resolved", **current).count(),
        "outcome_rejected": qs.filter(answers__outcome="rejected", **current).count(),
        "in_work": qs.filter(status__in=["registered", "in_progress", "needs_info"]).count(),
    }


def test_the_page_xlsx_and_pdf_equal_a_direct_count(march, supervisor):
    client = factories.signed_in(supervisor)
    page = client.get(URL, MARCH)
    assert page.status_code == 200
    report = page.context["report"]
    login = next(r for r in report.rows if r.theme == "Вход и авторизация")
    sms = next(r for r in report.rows if r.theme == "Подтверждение по SMS")
    for row, code in ((login, "tech-login"), (sms, "tech-sms")):
        expected = _direct(code)
        assert {k: row.values[k] for k in expected} == expected
    assert login.values["appeals"] == 6
    assert sms.values["appeals"] == 4
    assert report.total["appeals"] == 10
    assert report.total["outcome_resolved"] == 7

    xlsx = client.get("/console/analytics/monthly.xlsx", MARCH)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if r and r[0] == "Тема")
    by_theme = {r[0]: dict(zip(header, r, strict=False)) for r in rows if r and r[0]}
    assert by_theme["Вход и авторизация"]["Поступило"] == _direct("tech-login")["appeals"]
    assert by_theme["Вход и авторизация"]["Поддержано"] == 3
    assert by_theme["Вход и авторизация"]["Не поддержано"] == 2
    assert by_theme["Вход и авторизация"]["На рассмотрении"] == 1
    assert by_theme["Подтверждение по SMS"]["Дан ответ"] == 4
    assert by_theme["Итого"]["Поступило"] == 10
    assert rows[0][0] == "Информация о результатах рассмотрения обращений граждан"

    pdf = client.get("/console/analytics/monthly.pdf", MARCH)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None, "poppler-utils (pdftotext) is needed"
    text = subprocess.run(  # noqa: S603 — a fixed program and arguments, the PDF on stdin
        [pdftotext, "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Информация о результатах рассмотрения обращений граждан" in text
    assert "март 2026" in text
    assert "Поступило" in text
    total_line = next(line for line in text.splitlines() if line.strip().startswith("Итого"))
    assert total_line.split()[1:] == [str(report.total[k]) for k in report.total]
    actions = list(
        AuditEntry.objects.filter(action="monthly_report.downloaded").values_list(
            "details", flat=True
        )
    )
    assert [d["format"] for d in actions] == ["xlsx", "pdf"]


def test_heads_see_their_departments_others_404(march, head, operator, citizen):
    mine = factories.signed_in(head).get(URL, MARCH)
    assert mine.status_code == 200
    assert [d.code for d in mine.context["departments"]] == ["support"]
    # The one left unanswered was escalated to quality control when it went overdue.
    in_support = Appeal.objects.filter(
        department__code="support",
        registered_at__gte=moment(2026, 3, 1, 0),
        registered_at__lt=moment(2026, 4, 1, 0),
    ).count()
    assert in_support == 9
    assert mine.context["report"].total["appeals"] == in_support
    services = factories.make_head("services")
    theirs = factories.signed_in(services).get(URL, MARCH)
    assert theirs.context["report"].total["appeals"] == 0
    support_id = mine.context["departments"][0].pk
    refused = factories.signed_in(services).get(URL, {**MARCH, "department": support_id})
    assert refused.status_code == 422
    assert "Выберите отдел из списка" in refused.content.decode()
    assert factories.signed_in(operator).get(URL).status_code == 404
    assert factories.signed_in(operator).get("/console/analytics/monthly.xlsx").status_code == 404
    assert factories.signed_in(citizen).get(URL).status_code == 403
    assert Client().get(URL).status_code == 302


@pytest.mark.parametrize("month", ["2026-13", "март", "2999-01"])
def test_a_bad_month_is_named(catalog, supervisor, month):
    response = factories.signed_in(supervisor).get(URL, {"month": month})
    assert response.status_code == 422
    assert "Месяц:" in response.content.decode()
    download = factories.signed_in(supervisor).get(
        "/console/analytics/monthly.pdf", {"month": month}
    )
    assert download.status_code == 422
