"""The console's queues with counts (SPEC §12; issue 7 items 6 and 8): «Скоро срок»,
«Просрочено», «Нераспределённые» — pages and `GET /api/v1/staff/appeals?queue=…`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from priemnaya.appeals import sweeps
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.selectors import staff_queue_counts
from priemnaya.appeals.states import Status
from priemnaya.catalog.models import Policy
from priemnaya.core import clock
from tests import factories
from tests.factories import api, signed_in

NOW = clock.now().replace(microsecond=0)


@pytest.fixture
def queues(citizen, operator, submit):
    """Support appeals due in 2 hours, 2 days ago, in 5 days, and one paused long ago."""
    soon, late, later, paused = (submit(citizen) for _ in range(4))
    factories.bring_to(paused, Status.NEEDS_INFO, applicant=citizen, staff=operator)
    for appeal, due in (
        (soon, NOW + timedelta(hours=2)),
        (late, NOW - timedelta(days=2)),
        (later, NOW + timedelta(days=5)),
        (paused, NOW - timedelta(days=3)),
    ):
        Appeal.objects.filter(pk=appeal.pk).update(due_at=due)
    return {"soon": soon, "late": late, "later": later, "paused": paused}


def numbers(response) -> set[str]:
    return {item["number"] for item in response.json()["items"]}


def test_the_api_filters_by_queue(queues, operator):
    with clock.travel_to(NOW):
        caller = api(operator)
        soon = caller("get", "/staff/appeals?queue=due_soon")
        late = caller("get", "/staff/appeals?queue=overdue")
        everything = caller("get", "/staff/appeals")
        counts = caller("get", "/staff/appeals/queues").json()
    assert numbers(soon) == {queues["soon"].display_number}
    assert numbers(late) == {queues["late"].display_number}
    assert len(numbers(everything)) == 4
    # the support department is not first line: no «Нераспределённые» for its operator
    assert counts == {"open": 4, "due_soon": 1, "overdue": 1, "unrouted": None}


def test_the_due_soon_queue_follows_the_policy_window(queues, operator):
    Policy.objects.filter(code="support").update(warn_before_hours=1)
    with clock.travel_to(NOW):
        assert numbers(api(operator)("get", "/staff/appeals?queue=due_soon")) == set()


def test_an_unknown_queue_is_refused_naming_the_parameter(catalog, operator):
    response = api(operator)("get", "/staff/appeals?queue=someday")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "queue"


def test_the_unrouted_queue_is_for_the_first_line_and_supervisors(catalog, citizen, submit):
    # given an appeal no rule could route: it waits at the first line («citizens»)
    appeal = submit(citizen)
    Appeal.objects.filter(pk=appeal.pk).update(
        unrouted=True, department=factories.Department.objects.get(code="citizens")
    )
    first_line = factories.make_operator(departments=("citizens",))
    supervisor = factories.make_supervisor()
    other = factories.make_operator()
    # when / then
    for who in (first_line, supervisor):
        caller = api(who)
        assert numbers(caller("get", "/staff/appeals?queue=unrouted")) == {appeal.display_number}
        assert caller("get", "/staff/appeals/queues").json()["unrouted"] == 1
    refused = api(other)("get", "/staff/appeals?queue=unrouted")
    assert refused.status_code == 403
    # and a person's redirect takes it out of the queue
    from priemnaya.appeals import services

    services.appeal_redirect(
        appeal=appeal, actor=first_line, department_code="support", reason="Техподдержка."
    )
    assert numbers(api(supervisor)("get", "/staff/appeals?queue=unrouted")) == set()


def test_the_console_shows_the_tabs_with_counts(queues, operator):
    client = signed_in(operator)
    with clock.travel_to(NOW):
        sweeps.sweep_due_soon()  # the assignee was warned: the row says so
        page = client.get("/console/").content.decode()
        overdue = client.get("/console/?queue=overdue").content.decode()
    assert 'data-queue="open">Все открытые <span class="tabs__count">4</span>' in page
    assert 'data-queue="due_soon">Скоро срок <span class="tabs__count">1</span>' in page
    assert "Просрочено" in page
    assert page.count('class="badge badge--soon">скоро срок') == 1
    assert 'data-queue="unrouted"' not in page
    assert queues["late"].display_number in overdue
    assert queues["soon"].display_number not in overdue
    assert 'aria-current="page" data-queue="overdue"' in overdue


def test_the_counts_are_one_aggregate_whatever_the_number_of_appeals(citizen, operator, submit):
    counts = []
    for total in (3, 30):
        while Appeal.objects.count() < total:
            submit(citizen)
        fresh = type(operator).objects.get(pk=operator.pk)  # no cached departments
        with CaptureQueriesContext(connection) as queries:
            staff_queue_counts(user=fresh)
        counts.append(len(queries))
        aggregates = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
        assert len(aggregates) == 1
    assert counts[0] == counts[1]
