"""`q` in the API and on the pages: own appeals only, staff within reach, bad input never a 500."""

from __future__ import annotations

import pytest

from tests import factories
from tests.factories import api, signed_in
from tests.search.helpers import relay


@pytest.fixture
def lifts(citizen, other_citizen, operator, catalog):
    """Appeals about a lift: two of `citizen`'s, one of another citizen's, one of another
    department's (an operator of «support» does not see it)."""
    mine_old = factories.submit_appeal(citizen, subject="Лифт не работает", text="Стоит.")
    mine_new = factories.submit_appeal(citizen, subject="Снова", text="Лифты опять стоят.")
    theirs = factories.submit_appeal(other_citizen, subject="Лифт застрял", text="Помогите.")
    elsewhere = factories.submit_appeal(
        other_citizen, kind="complaint", theme="services-refusal", subject="Лифт в МФЦ"
    )
    assert elsewhere.department.code != "support"
    relay()
    return {"mine_old": mine_old, "mine_new": mine_new, "theirs": theirs, "elsewhere": elsewhere}


def names(response, field: str) -> None:
    """Assert a 422 whose errors name ``field``."""
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["errors"]}


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


def test_citizen_q_finds_only_own_appeals(citizen, lifts):
    got = numbers(api(citizen)("get", "/appeals?q=лифты"))
    # the subject match first, then the text match
    assert got == [lifts["mine_old"].display_number, lifts["mine_new"].display_number]


def test_citizen_q_never_finds_anothers_appeal_by_its_number(citizen, lifts):
    assert numbers(api(citizen)("get", f"/appeals?q={lifts['theirs'].number}")) == []


def test_staff_q_is_within_reach_and_keeps_the_queue_filters(operator, lifts):
    client = api(operator)
    got = numbers(client("get", "/staff/appeals?q=лифт"))
    assert set(got) == {
        lifts[k].display_number for k in ("mine_old", "mine_new", "theirs")
    }  # not «elsewhere»: another department's
    assert numbers(client("get", "/staff/appeals?q=лифт&status=closed")) == []


def test_supervisor_q_spans_departments(supervisor, lifts):
    got = numbers(api(supervisor)("get", "/staff/appeals?q=МФЦ"))
    assert got == [lifts["elsewhere"].display_number]


def test_search_pages_by_rank_with_a_cursor(citizen, catalog):
    appeals = [factories.submit_appeal(citizen, subject=f"Лифт {i}") for i in range(25)]
    relay()
    client = api(citizen)
    first = client("get", "/appeals?q=лифт").json()
    assert first["has_next"] is True
    assert len(first["items"]) == 20
    second = client("get", f"/appeals?q=лифт&after={first['next']}").json()
    assert second["has_next"] is False
    shown = [i["number"] for i in first["items"] + second["items"]]
    assert shown == [a.display_number for a in reversed(appeals)]
    by_page = client("get", "/appeals?q=лифт&page=2").json()
    assert [i["number"] for i in by_page["items"]] == [i["number"] for i in second["items"]]


@pytest.mark.parametrize(
    "q",
    ["лифт", "NEAR", "лифт*", "%22лифт", "лифт:", "{head}:лифт", "abcабв", "x" * 400, "ё"],
)
@pytest.mark.parametrize("path", ["/appeals", "/staff/appeals"])
def test_odd_queries_are_answered(citizen, operator, lifts, path, q):
    user = citizen if path == "/appeals" else operator
    response = api(user)("get", f"{path}?q={q}")
    assert response.status_code in (200, 422), response.content
    if response.status_code == 422:
        names(response, "q")


@pytest.mark.parametrize("q", ["%22", "*", ":", "а", "x" * 10_000, "%20"])
@pytest.mark.parametrize("path", ["/appeals", "/staff/appeals"])
def test_nothing_to_search_is_422_naming_q_or_no_filter(citizen, operator, lifts, path, q):
    user = citizen if path == "/appeals" else operator
    response = api(user)("get", f"{path}?q={q}")
    if q == "%20":  # blank: no search at all
        assert response.status_code == 200
        return
    names(response, "q")


def test_broken_rank_cursor_is_422_naming_after(citizen, lifts):
    response = api(citizen)("get", "/appeals?q=лифт&after=bm9wZQ")
    names(response, "after")


def test_cabinet_page_searches_own_appeals(citizen, lifts):
    page = signed_in(citizen).get("/cabinet/", {"q": "лифты"})
    assert page.status_code == 200
    body = page.content.decode()
    assert lifts["mine_new"].display_number in body
    assert lifts["theirs"].display_number not in body


def test_console_page_searches_the_queue(operator, lifts):
    page = signed_in(operator).get("/console/", {"q": "застрял"})
    assert page.status_code == 200
    body = page.content.decode()
    assert lifts["theirs"].display_number in body
    assert lifts["mine_old"].display_number not in body


@pytest.mark.parametrize("q", ['"', "*", "а", "x" * 10_000])
def test_pages_show_the_message_for_a_bad_query(citizen, operator, lifts, q):
    for user, path in ((citizen, "/cabinet/"), (operator, "/console/")):
        page = signed_in(user).get(path, {"q": q})
        assert page.status_code == 200
        assert "Введите слово" in page.content.decode() or "длинный" in page.content.decode()
