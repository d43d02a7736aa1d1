"""The dashboard page, its exports and who may see them."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook

from priemnaya.audit.models import AuditEntry
from priemnaya.catalog.models import Department
from priemnaya.core import clock
from tests.analytics.lifecycle import relay_all, story
from tests.factories import (
    api,
    make_citizen,
    make_head,
    make_operator,
    make_supervisor,
    signed_in,
)

pytestmark = pytest.mark.django_db

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
URL = "/console/analytics/"


@pytest.fixture
def told(catalog):
    made = story()
    relay_all()
    return made


def test_a_supervisor_sees_every_department(told):
    response = signed_in(make_supervisor()).get(URL, MARCH)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body
    assert "<caption>" in body
    assert 'scope="row"' in body
    data = response.context["data"]
    assert data.totals["appeals"] == 5
    assert {r.key for r in data.by_department} == {
        Department.objects.get(code="support").pk,
        Department.objects.get(code="services").pk,
    }
    assert "Аналитика" in body  # the nav link
    assert 'href="/console/analytics/monthly/"' in body  # the way to the monthly report


def test_a_head_sees_only_their_departments(told):
    head = make_head("support")
    client = signed_in(head)
    response = client.get(URL, MARCH)
    assert response.status_code == 200
    support = Department.objects.get(code="support").pk
    assert {r.key for r in response.context["data"].by_department} == {support}
    assert response.context["data"].totals["appeals"] == 4
    other = Department.objects.get(code="services").pk
    refused = client.get(URL, {**MARCH, "department": other})
    assert refused.status_code == 400
    assert "только ваших ведомств" in refused.content.decode()
    assert (
        client.get("/console/analytics/export.csv", {**MARCH, "department": other}).status_code
        == 400
    )


@pytest.mark.parametrize("maker", [make_operator, make_citizen])
def test_others_are_refused(told, maker):
    assert signed_in(maker()).get(URL).status_code == 403
    assert signed_in(maker()).get("/console/analytics/export.xlsx").status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "01.03.2026"}, "from", "ГГГГ-ММ-ДД"),
        ({"from": "2026-03-10", "to": "2026-03-01"}, "to", "раньше"),
        ({"department": "x"}, "department", "выберите из списка"),
        ({"department": "999999"}, "department", "выберите из списка"),
        ({"kind": "999999"}, "kind", "выберите из списка"),
        ({"channel": "pigeon"}, "channel", "выберите из списка"),
        ({"preset": "century"}, "preset", "выберите из списка"),
    ],
)
def test_bad_filters_are_named_in_russian(catalog, params, field, message):
    response = signed_in(make_supervisor()).get(URL, params)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])


def test_filters_narrow_the_numbers(told):
    client = signed_in(make_supervisor())
    by_channel = client.get(URL, {**MARCH, "channel": "phone"}).context["data"]
    assert by_channel.totals["appeals"] == 0
    preset = client.get(URL, {"preset": "last_month"})
    assert preset.status_code == 200
    assert preset.context["data"].filters.date_to < clock.today().replace(day=1)


def test_csv_export_has_the_same_numbers_and_is_audited(told):
    client = signed_in(make_supervisor())
    response = client.get("/console/analytics/export.csv", MARCH)
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Раздел", "Показатель", "Значение"]
    assert ["Итого", "Обращений", "5"] in rows
    assert AuditEntry.objects.filter(action="analytics.exported").count() == 1


def test_xlsx_export_opens_with_the_same_numbers(told):
    response = signed_in(make_supervisor()).get("/console/analytics/export.xlsx", MARCH)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert ("Итого", "Обращений", 5) in values
    assert any(row[0] == "По ведомствам" for row in values)
    assert AuditEntry.objects.filter(action="analytics.exported").count() == 1


def summary(user, params=None):
    return api(user)("get", "/staff/analytics/summary?" + urlencode(params or {}))


def test_the_api_gives_the_dashboard_numbers(told):
    response = summary(make_supervisor(), {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["from"] == "2026-03-01"
    assert body["totals"]["appeals"] == 5
    assert body["indicators"]["answered_on_time_share"] == 0.5
    assert {row["name"] for row in body["by_department"]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "вчера"}, "from"),
        ({"channel": "pigeon"}, "channel"),
        ({"department": "x"}, "department"),
    ],
)
def test_the_api_names_the_bad_field(catalog, params, field):
    response = summary(make_supervisor(), params)
    assert response.status_code == 422
    assert field in str(response.json())


def test_the_api_refuses_others(catalog):
    assert summary(make_operator()).status_code == 403
    assert summary(make_citizen()).status_code == 403
    services = Department.objects.get(code="services").pk
    refused = summary(make_head("support"), {"department": services})
    assert refused.status_code == 422
    assert "department" in str(refused.json())
