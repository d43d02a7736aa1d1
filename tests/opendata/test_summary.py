"""The public summary: API contract, 422s, suppression in every output, no personal data,
the setting, the cache."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from priemnaya.opendata.summary import COUNTS, build_summary, default_period, period_parse
from tests import factories
from tests.opendata.factories_opendata import PEOPLE, citizens, file_many, moment, settle

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def march(catalog):
    """March 2026: 6 login appeals (Moscow, 5 answered), 2 SMS ones (Moscow region), 7 upload
    ones (St Petersburg)."""
    people = citizens()
    operator = factories.make_operator()
    file_many(
        5,
        moment(2026, 3, 10),
        people,
        theme="tech-login",
        region="77",
        answer="resolved",
        staff=operator,
    )
    file_many(1, moment(2026, 3, 11), people, theme="tech-login", region="77")
    file_many(2, moment(2026, 3, 12), people, theme="tech-sms", region="50")
    file_many(7, moment(2026, 3, 13), people, theme="tech-upload", region="78")
    settle()
    return people


def _row(rows, code):
    return next(r for r in rows if r["code"] == code)


def _all_counts(data):
    rows = [data["total"], *data["by_theme"], *data["by_region"], *data["by_month"]]
    return [(r, c) for r in rows for c in COUNTS]


def test_api_contract_and_suppression(march):
    response = Client().get("/api/v1/open-data/summary", MARCH)
    assert response.status_code == 200
    data = response.json()
    assert data["period"] == {"from": "2026-03-01", "to": "2026-03-31"}
    assert data["min_cell"] == 5
    assert data["total"]["appeals"] == 15
    assert data["total"]["answered"] == 5
    login, sms, upload = (
        _row(data["by_theme"], c) for c in ("tech-login", "tech-sms", "tech-upload")
    )
    assert sms["appeals"] is None
    assert sms["appeals_suppressed"] is True
    # Alone, the withheld 2 would be 15 − 7 − 6: the smaller other cell is withheld with it.
    assert login["appeals"] is None
    assert login["appeals_suppressed"] is True
    assert upload["appeals"] == 7
    assert upload["appeals_suppressed"] is False
    assert login["answered"] == 5
    assert login["overdue_share"] is None
    assert login["overdue_share_suppressed"] is True
    # Every unanswered March appeal is overdue by now: 1 + 2 + 7. The 1 and the 2 are small and
    # their sum 3 too, so the 7 is withheld beside them; the total 10 stays.
    assert (login["overdue"], sms["overdue"], upload["overdue"]) == (None, None, None)
    assert data["total"]["overdue"] == 10
    assert upload["overdue_share"] is None
    assert upload["overdue_share_suppressed"] is True
    assert login["deadline_kept_share"] == 100.0
    assert (
        _row(data["by_region"], "78")["name"] == "г. Санкт-Петербург"
        or _row(data["by_region"], "78")["name"]
    )
    assert [m["code"] for m in data["by_month"]] == ["2026-03"]
    assert data["by_month"][0]["appeals"] == 15
    for row, column in _all_counts(data):
        value = row[column]
        assert value is None or value == 0 or value >= 5, (row, column)
        assert row[f"{column}_suppressed"] == (value is None)


def test_no_small_cell_and_no_personal_data_in_page_json_csv(march):
    client = Client()
    page = client.get("/open-data/", MARCH)
    js = client.get("/open-data/summary.json", MARCH)
    table = client.get("/open-data/summary.csv", MARCH)
    api = client.get("/api/v1/open-data/summary", MARCH)
    assert {r.status_code for r in (page, js, table, api)} == {200}
    outputs = [r.content.decode() for r in (page, js, table, api)]
    for text in outputs:
        for name, phone, email in PEOPLE:
            for part in name.split():
                assert part not in text
            assert phone not in text
            assert phone[2:] not in text
            assert email not in text
        assert "26-000" not in text  # no appeal number
    assert json.loads(outputs[1]) == api.json()
    rows = list(csv.DictReader(io.StringIO(outputs[2])))
    for row in rows:
        for column in COUNTS:
            value = row[column]
            assert value == "" or int(value) == 0 or int(value) >= 5, row
            assert row[f"{column}_suppressed"] == ("true" if value == "" else "false")
    sms = next(r for r in rows if r["dimension"] == "theme" and r["code"] == "tech-sms")
    assert sms["appeals"] == ""
    assert sms["appeals_suppressed"] == "true"
    html = outputs[0]
    assert "скрыто" in html
    assert "<caption" in html
    assert 'scope="col"' in html
    assert 'scope="row"' in html
    assert 'role="img"' in html
    assert "<svg" in html


def test_the_schema_describes_every_csv_column(march):
    client = Client()
    schema = client.get("/open-data/schema.json").json()
    header = client.get("/open-data/summary.csv", MARCH).content.decode().splitlines()[0]
    assert [f["name"] for f in schema["fields"]] == header.split(",")
    assert schema["missingValues"] == [""]
    assert schema["x-suppression"]["min_cell"] == 5


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"to": "вчера"}, "to"),
        ({"from": "2026-05-01", "to": "2026-03-31"}, "from"),
        ({"from": "2019-01-01", "to": "2026-03-31"}, "to"),
        ({"to": "0001-01-31"}, "to"),
        ({"from": "1999-12-31"}, "from"),
    ],
)
def test_bad_periods_are_422_naming_the_field(catalog, query, field):
    response = Client().get("/api/v1/open-data/summary", query)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert Client().get("/open-data/summary.json", query).status_code == 422
    assert Client().get("/open-data/summary.csv", query).json()["errors"][0]["field"] == field
    page = Client().get("/open-data/", query)
    assert page.status_code == 422
    assert "Период не принят" in page.content.decode()


def test_defaults_are_the_last_twelve_full_months(catalog):
    period = default_period()
    assert period.date_from.day == 1
    assert (period.date_to.year - period.date_from.year) * 12 + (
        period.date_to.month - period.date_from.month
    ) == 11
    data = Client().get("/api/v1/open-data/summary").json()
    assert data["period"] == {"from": str(period.date_from), "to": str(period.date_to)}
    # Partial months widen to whole ones.
    assert period_parse("2026-03-15", "2026-04-02").date_to.isoformat() == "2026-04-30"


def test_off_means_404_everywhere(catalog, settings):
    settings.PRIEMNAYA_OPEN_DATA = False
    client = Client()
    for path in (
        "/open-data/",
        "/open-data/summary.csv",
        "/open-data/summary.json",
        "/open-data/schema.json",
        "/open-data/answers/",
        "/open-data/answers/1/",
        "/api/v1/open-data/summary",
    ):
        assert client.get(path).status_code == 404, path


def test_a_burst_reads_the_database_once(march, django_assert_max_num_queries):
    client = Client()
    with CaptureQueriesContext(connection) as first:
        assert client.get("/api/v1/open-data/summary", MARCH).status_code == 200
    assert len(first) >= 4  # the three groupings, the themes' names, the data version
    # Later requests: only the data version (the journal's last id), one query each.
    with django_assert_max_num_queries(5):
        for _ in range(5):
            assert client.get("/api/v1/open-data/summary", MARCH).status_code == 200


def test_a_new_appeal_changes_the_data_version(march):
    client = Client()
    before = client.get("/api/v1/open-data/summary", MARCH).json()["by_month"][0]["appeals"]
    file_many(1, moment(2026, 3, 20), march, theme="tech-upload", region="78")
    settle()
    after = client.get("/api/v1/open-data/summary", MARCH).json()["by_month"][0]["appeals"]
    assert (before, after) == (15, 16)


def test_a_small_month_hides_the_period_count_against_differencing(catalog):
    people = citizens()
    file_many(6, moment(2026, 3, 10), people, theme="tech-login", region="77")
    file_many(2, moment(2026, 4, 10), people, theme="tech-login", region="77")
    file_many(9, moment(2026, 4, 10), people, theme="tech-upload", region="77")
    file_many(8, moment(2026, 3, 10), people, theme="tech-upload", region="77")
    settle()
    both = build_summary(period_parse("2026-03-01", "2026-04-30"), min_cell=5)
    march_only = build_summary(period_parse("2026-03-01", "2026-03-31"), min_cell=5)
    assert _row(march_only["by_theme"], "tech-login")["appeals"] == 6
    # 8 for March–April minus 6 for March would give April's 2: March–April withholds it.
    assert _row(both["by_theme"], "tech-login")["appeals"] is None
    assert _row(both["by_theme"], "tech-upload")["appeals"] is None
    assert both["total"]["appeals"] == 25
