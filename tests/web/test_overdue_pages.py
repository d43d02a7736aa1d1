"""What the applicant and staff see once a deadline passed (issue 7 item 6): pages and API.

Before the fix an overdue appeal's page still promised «Ответ будет дан до 09.11.2026» on 26.11
and the citizen's list had no mark.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from priemnaya.appeals import sweeps
from priemnaya.appeals.states import Status
from priemnaya.core import clock
from tests import factories
from tests.factories import api, signed_in

MINUTE = timedelta(minutes=1)


@pytest.fixture
def complaint_in_work(catalog, citizen, submit):
    """A 59-FZ complaint in work at «services» (policy fz59: escalate on breach)."""
    specialist = factories.make_specialist()
    appeal = submit(citizen, kind="complaint", theme="services-refusal")
    return factories.bring_to(appeal, Status.IN_PROGRESS, applicant=citizen, staff=specialist)


def day(appeal) -> str:
    return f"{timezone.localdate(appeal.due_at):%d.%m.%Y}"


def test_the_cabinet_says_the_deadline_passed_and_what_happens_now(complaint_in_work, citizen):
    # given the sweep flagged and escalated the complaint after its deadline
    late = complaint_in_work.due_at + MINUTE
    with clock.travel_to(late):
        sweeps.sweep_deadlines()
    client = signed_in(citizen)
    # when the applicant opens the appeal and the list two days later
    with clock.travel_to(late + timedelta(days=2)):
        detail = client.get(f"/cabinet/appeals/{complaint_in_work.number}/").content.decode()
        listing = client.get("/cabinet/").content.decode()
    # then no stale promise; the deadline, the reason and what happens now instead
    assert f"Ответ будет дан до {day(complaint_in_work)}" not in detail
    assert f"Срок ответа — до {day(complaint_in_work)} — истёк" in detail
    assert "ответ ещё не подготовлен" in detail
    assert "передано на контроль руководителю" in detail
    assert "Срок ответа истёк" in detail  # the timeline entry
    # and the list marks it
    assert f"срок истёк {day(complaint_in_work)}" in listing
    assert f"ответ до {day(complaint_in_work)}" not in listing


def test_before_the_deadline_the_cabinet_promises_the_date(complaint_in_work, citizen):
    client = signed_in(citizen)
    with clock.travel_to(complaint_in_work.due_at - MINUTE):
        detail = client.get(f"/cabinet/appeals/{complaint_in_work.number}/").content.decode()
        listing = client.get("/cabinet/").content.decode()
    assert f"Ответ будет дан до {day(complaint_in_work)}" in detail
    assert "срок истёк" not in listing
    assert f"ответ до {day(complaint_in_work)}" in listing


def test_the_api_marks_an_overdue_appeal(complaint_in_work, citizen):
    late = complaint_in_work.due_at + MINUTE
    with clock.travel_to(late):
        sweeps.sweep_deadlines()
        caller = api(citizen)
        before_sweep_list = caller("get", "/appeals").json()["items"]
        detail = caller("get", f"/appeals/{complaint_in_work.number}").json()
        events = caller("get", f"/appeals/{complaint_in_work.number}/events").json()
    due = timezone.localdate(complaint_in_work.due_at).isoformat()
    [item] = [i for i in before_sweep_list if i["number"] == complaint_in_work.display_number]
    assert (item["overdue"], item["overdue_since"]) == (True, due)
    assert (detail["overdue"], detail["overdue_since"]) == (True, due)
    assert "Ответ будет дан до" not in detail["next_step"]
    assert "в кратчайший срок" in detail["next_step"]
    [overdue] = [e for e in events if e["type"] == "overdue"]
    assert overdue["data"]["escalated"] is True
    assert overdue["data"]["due_date"] == due
    assert "assignee_name" not in overdue["data"] or overdue["data"]["assignee_name"] is None
    assert overdue["title"] == "Срок ответа истёк"


def test_the_api_shows_no_overdue_mark_in_time(complaint_in_work, citizen):
    with clock.travel_to(complaint_in_work.due_at - MINUTE):
        detail = api(citizen)("get", f"/appeals/{complaint_in_work.number}").json()
    assert (detail["overdue"], detail["overdue_since"]) == (False, None)


def test_staff_see_the_breach_in_the_queue_and_the_journal(complaint_in_work):
    supervisor = factories.make_supervisor()
    late = complaint_in_work.due_at + MINUTE
    with clock.travel_to(late):
        sweeps.sweep_deadlines()
        queue = signed_in(supervisor).get("/console/?overdue=on").content.decode()
        events = api(supervisor)("get", f"/appeals/{complaint_in_work.number}/events")
    assert complaint_in_work.display_number in queue
    assert 'class="is-overdue"' in queue
    data = {e["type"]: e for e in events.json()}
    assert data["overdue"]["data"]["escalated"] is True
    assert "Заявителю сообщено о нарушении срока" in data["overdue"]["details"]


def test_the_status_page_says_the_deadline_passed(complaint_in_work, citizen):
    client = signed_in(citizen)
    late = complaint_in_work.due_at + MINUTE
    url = f"/status/?number={complaint_in_work.display_number}"
    # before the sweep handled the breach: no claim about who was told
    with clock.travel_to(late):
        unswept = client.get(url).content.decode()
        sweeps.sweep_deadlines()
        swept = client.get(url).content.decode()
    assert f"Срок ответа — до {day(complaint_in_work)} — истёк" in unswept
    assert "руководител" not in unswept
    assert "Ответ будет дан в кратчайший срок." in unswept
    assert "передано на контроль руководителю" in swept
    assert "Ответ будет дан до" not in swept
