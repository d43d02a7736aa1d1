"""Keyset pages of the queue and the own list (appeals.paging), through the selectors, the API
and the pages of the site without JavaScript; the admin's appeal list at scale (issue 11)."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from priemnaya.accounts.roles import Role
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.paging import Cursor, cursor_decode, keyset_page
from priemnaya.appeals.selectors import AppealFilters, applicant_appeals, staff_queue
from priemnaya.core.errors import ValidationFailed
from priemnaya.core.numbering import format_number
from priemnaya.core.paginators import EstimatedCountPaginator, planner_rows
from tests.factories import api, make_user, signed_in
from tests.search.helpers import relay


@pytest.fixture
def queue_of_seven(citizen, submit):
    """Seven appeals of the operator's department: two due at the same moment, two without a
    due date (they come last), the rest a day apart."""
    appeals = [submit(citizen) for _ in range(7)]
    base = timezone.now() + timedelta(days=3)
    dues = [base, base, base + timedelta(days=1), None, base - timedelta(days=1), None, base]
    for appeal, due in zip(appeals, dues, strict=True):
        Appeal.objects.filter(pk=appeal.pk).update(due_at=due)
    return appeals


def walk(qs, order, size):
    """Every page by cursor; returns the pages' primary keys."""
    pages, after = [], ""
    while True:
        page = keyset_page(qs, order=order, after=after, size=size)
        pages.append([a.pk for a in page.rows])
        if not page.has_next:
            assert page.next_cursor == ""
            return pages
        after = page.next_cursor


def expected_queue_order(appeals):
    dated = sorted((a for a in appeals if a.due_at), key=lambda a: (a.due_at, a.pk))
    return [a.pk for a in dated] + sorted(a.pk for a in appeals if a.due_at is None)


@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_the_queue_pages_by_cursor_through_every_row_once_undated_last(
    queue_of_seven, operator, size
):
    # given the queue as the operator sees it
    qs = staff_queue(user=operator, filters=AppealFilters())
    fresh = list(Appeal.objects.filter(pk__in=[a.pk for a in queue_of_seven]))
    # when it is walked page by page
    pages = walk(qs, "due", size)
    # then the rows come once each, in due order with the undated ones last, across the pages
    assert [pk for page in pages for pk in page] == expected_queue_order(fresh)
    assert all(len(page) == size for page in pages[:-1])
    # and the first page of the ordinary queue is the same order (NULLS LAST on both databases)
    assert [a.pk for a in qs][:size] == pages[0]


def test_the_own_list_pages_by_cursor_newest_first(citizen, submit):
    appeals = [submit(citizen) for _ in range(5)]
    same_moment = timezone.now()
    Appeal.objects.filter(pk__in=[a.pk for a in appeals[:3]]).update(created_at=same_moment)
    qs = applicant_appeals(user=citizen, filters=AppealFilters())
    pages = walk(qs, "created", 2)
    assert [pk for page in pages for pk in page] == [a.pk for a in qs]
    assert sorted(pk for page in pages for pk in page) == sorted(a.pk for a in appeals)


def test_a_cursor_never_reaches_past_the_callers_departments(citizen, submit, operator):
    # given an appeal of another department and a cursor made from it
    mine = submit(citizen)
    elsewhere = submit(citizen, theme="services-refusal", kind="complaint")
    Appeal.objects.filter(pk=elsewhere.pk).update(due_at=mine.due_at - timedelta(days=30))
    elsewhere.refresh_from_db()
    forged = Cursor("due", elsewhere.due_at - timedelta(days=1), 1).encode()
    # when the operator pages after it
    page = keyset_page(
        staff_queue(user=operator, filters=AppealFilters()), order="due", after=forged, size=20
    )
    # then only their own department's appeal is there
    assert [a.pk for a in page.rows] == [mine.pk]


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "value",
    [
        "garbage!",
        "%%%",
        _b64("due"),
        _b64("due:2026-01-01T00:00:00+00:00"),
        _b64("due:2026-01-01T00:00:00:5"),  # naive date-time
        _b64("due:not-a-date:5"),
        _b64("due::-4"),
        _b64("created::5"),  # the own list's key is never empty
        _b64("created:2026-01-01T00:00:00+00:00:5"),  # the other list's cursor
        _b64("due:2026-01-01T00:00:00+00:00:99999999999999999999999"),
        _b64("due:0001-01-01T00:00:00+14:00:5"),  # before the first representable moment
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_a_forged_cursor_is_refused_naming_after(value):
    with pytest.raises(ValidationFailed) as caught:
        cursor_decode(value, "due")
    assert caught.value.field == "after"


def test_a_far_key_is_refused_when_the_database_cannot_hold_it(queue_of_seven, operator):
    # An id beyond 64 bits passes the decoder's int() but would overflow the query: refused.
    after = _b64("due:2026-01-01T00:00:00+00:00:99999999999999999999999")
    response = api(operator)("get", f"/staff/appeals?after={after}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "after"


# ---- the API ------------------------------------------------------------------------------------


def test_the_api_queue_hands_out_next_and_follows_it(queue_of_seven, operator, monkeypatch):
    monkeypatch.setattr("priemnaya.api.routers.appeals.PAGE_SIZE", 3)
    fresh = list(Appeal.objects.filter(pk__in=[a.pk for a in queue_of_seven]))
    numbers, url = [], "/staff/appeals"
    while True:
        body = api(operator)("get", url).json()
        numbers += [item["number"] for item in body["items"]]
        assert body["has_next"] is (body["next"] is not None)
        if not body["next"]:
            break
        assert body["page"] in (0, 1)
        url = f"/staff/appeals?after={body['next']}"
    by_pk = {a.pk: format_number(a.number) for a in fresh}
    assert numbers == [by_pk[pk] for pk in expected_queue_order(fresh)]


def test_the_api_own_list_follows_next(citizen, submit, monkeypatch):
    monkeypatch.setattr("priemnaya.api.routers.appeals.PAGE_SIZE", 2)
    made = [submit(citizen).number for _ in range(3)]
    first = api(citizen)("get", "/appeals").json()
    second = api(citizen)("get", f"/appeals?after={first['next']}").json()
    assert [i["number"] for i in first["items"] + second["items"]] == [
        format_number(n) for n in made[::-1]
    ]
    assert second["next"] is None
    assert second["page"] == 0


@pytest.mark.parametrize("path", ["/appeals", "/staff/appeals"])
def test_a_broken_cursor_is_422_naming_after(citizen, operator, path):
    user = citizen if path == "/appeals" else operator
    response = api(user)("get", f"{path}?after=not-a-cursor")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "after"


def test_a_staff_cursor_is_no_key_to_the_own_list(citizen, operator, submit):
    submit(citizen)
    staff_cursor = api(operator)("get", "/staff/appeals").json()
    forged = Cursor("due", timezone.now(), 1).encode()
    assert staff_cursor["next"] is None
    response = api(citizen)("get", f"/appeals?after={forged}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "after"


def test_the_queue_refuses_a_word_too_short_for_the_index(registered, operator):
    response = api(operator)("get", "/staff/appeals?q=ы")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "q"


def test_the_queue_finds_by_number_and_by_word(registered, operator):
    # The queue's q is the search index's (issue 12): whole numbers and words in any form.
    relay()
    client = api(operator)
    by_number = client("get", f"/staff/appeals?q={format_number(registered.number)}").json()
    by_word = client("get", "/staff/appeals?q=кабинета").json()  # «Не могу войти в кабинет»
    miss = client("get", "/staff/appeals?q=бегемот").json()
    assert [i["number"] for i in by_number["items"]] == [format_number(registered.number)]
    assert [i["number"] for i in by_word["items"]] == [format_number(registered.number)]
    assert miss["items"] == []


# ---- the pages of the site, without JavaScript --------------------------------------------------


def next_link(html: str) -> str | None:
    found = re.search(r'href="\?([^"]*)" rel="next"', html)
    return unescape(found.group(1)) if found else None


@pytest.mark.parametrize("face", ["console", "cabinet"])
def test_the_pages_go_on_by_a_plain_link(queue_of_seven, citizen, operator, face, monkeypatch):
    monkeypatch.setattr("priemnaya.web.views.cabinet.PAGE_SIZE", 3)
    user, path = (operator, "/console/") if face == "console" else (citizen, "/cabinet/")
    client = signed_in(user)
    seen, query = [], ""
    for _ in range(5):
        html = client.get(f"{path}?{query}").content.decode()
        seen += [a.number for a in queue_of_seven if format_number(a.number) in html]
        query = next_link(html)
        if query is None:
            break
        assert "after=" in query
        assert "page=" not in query
        assert 'rel="first"' in client.get(f"{path}?{query}").content.decode()
    assert query is None
    assert sorted(seen) == sorted(a.number for a in queue_of_seven)


def test_the_console_keeps_the_filters_in_the_next_link(queue_of_seven, operator, monkeypatch):
    monkeypatch.setattr("priemnaya.web.views.cabinet.PAGE_SIZE", 2)
    html = signed_in(operator).get("/console/?status=registered").content.decode()
    link = next_link(html)
    assert link is not None
    assert "status=registered" in link


@pytest.mark.parametrize("face", ["console", "cabinet"])
def test_a_broken_cursor_on_a_page_is_a_message_not_an_error(registered, citizen, operator, face):
    user, path = (operator, "/console/") if face == "console" else (citizen, "/cabinet/")
    response = signed_in(user).get(f"{path}?after=forged")
    assert response.status_code == 200
    assert "Курсор страницы повреждён" in response.content.decode()
    assert 'rel="first"' in response.content.decode()


# ---- the admin's appeal list --------------------------------------------------------------------


@pytest.fixture
def admin_client(catalog):
    return signed_in(make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))


def test_the_admin_list_renders_and_searches_by_number_and_word(admin_client, registered, submit):
    other = submit(registered.applicant, theme="services-refusal", kind="complaint")
    listing = admin_client.get("/admin/appeals/appeal/")
    by_number = admin_client.get("/admin/appeals/appeal/", {"q": format_number(registered.number)})
    by_prefix = admin_client.get("/admin/appeals/appeal/", {"q": registered.number[:5]})
    by_word = admin_client.get("/admin/appeals/appeal/", {"q": other.subject[:6]})
    too_short = admin_client.get("/admin/appeals/appeal/", {"q": "ы"})
    filtered = admin_client.get("/admin/appeals/appeal/", {"status__exact": "registered"})
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [other, registered]  # newest first
    assert list(by_number.context["cl"].result_list) == [registered]
    assert set(by_prefix.context["cl"].result_list) == {registered, other} & {
        a for a in (registered, other) if a.number.startswith(registered.number[:5])
    }
    assert other in by_word.context["cl"].result_list
    assert list(too_short.context["cl"].result_list) == []
    assert "не меньше 3 символов" in too_short.content.decode()
    assert filtered.status_code == 200
    assert registered in filtered.context["cl"].result_list


def test_the_admin_never_counts_the_whole_table(admin_client, registered):
    cl = admin_client.get("/admin/appeals/appeal/").context["cl"]
    assert cl.model_admin.show_full_result_count is False
    assert isinstance(cl.paginator, EstimatedCountPaginator)
    assert cl.paginator.count == 1  # a small result is counted exactly


def test_the_planner_estimate_is_there_on_postgresql_only(registered):
    from django.db import connection

    estimate = planner_rows(Appeal.objects.all())
    if connection.vendor == "postgresql":
        assert isinstance(estimate, int)
        assert estimate >= 1
    else:
        assert estimate is None
