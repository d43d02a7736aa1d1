"""The deadline sweeps (SPEC §5, issue 7 item 6): once per deadline, per policy and interval."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from priemnaya.appeals import services, sweeps
from priemnaya.appeals.lifecycle import Action
from priemnaya.appeals.models import Appeal, Event
from priemnaya.appeals.presenters import Audience, event_describe, next_step
from priemnaya.appeals.selectors import appeal_page
from priemnaya.appeals.states import EventType, Status
from priemnaya.appeals.tasks import appeals_sweep
from priemnaya.catalog.models import Department, Policy
from priemnaya.catalog.services import catalog_load_defaults
from priemnaya.core import clock
from priemnaya.core.leases import lease_claim, lease_release
from tests import factories

MINUTE = timedelta(minutes=1)


def fresh(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_related("department", "policy").get(pk=appeal.pk)


def journal(appeal: Appeal, type_: str) -> list[Event]:
    return list(Event.objects.filter(appeal=appeal, type=type_).order_by("id"))


def sweep_at(moment, **kwargs):
    with clock.travel_to(moment):
        return sweeps.sweep_deadlines(**kwargs)


# ---- due soon -----------------------------------------------------------------------------------


def test_due_soon_warns_the_assignee_once_per_deadline(in_progress, operator):
    # given an appeal in work two hours before its deadline (support policy: warn 24 h before)
    moment = in_progress.due_at - timedelta(hours=2)
    # when the sweep runs, and runs again
    first = sweep_at(moment)
    second = sweep_at(moment + MINUTE)
    # then one internal warning for the assignee, and the mark
    assert (first.due_soon, second.due_soon) == (1, 0)
    [event] = journal(in_progress, EventType.DUE_SOON)
    assert not event.is_public
    assert event.actor is None
    assert event.data["assignee_id"] == operator.pk
    assert fresh(in_progress).due_soon_warned_at == moment
    staff = event_describe(event, audience=Audience.STAFF)
    assert f"Кому: {operator.full_name}" in staff.details


def test_due_soon_warns_the_department_when_nobody_is_assigned(registered):
    # given a registered appeal nobody took, two hours before its deadline
    with clock.travel_to(registered.due_at - timedelta(hours=2)):
        # when only the due-soon pass runs
        assert sweeps.sweep_due_soon() == 1
    # then the department is the recipient
    [event] = journal(registered, EventType.DUE_SOON)
    assert event.data.get("assignee_id") is None
    assert event.data["department"] == "support"


def test_due_soon_waits_for_the_policy_window(in_progress):
    # given the support policy warns 24 hours before; set it to 48
    Policy.objects.filter(code="support").update(warn_before_hours=48)
    # when the sweep runs 30 hours before the deadline
    report = sweep_at(in_progress.due_at - timedelta(hours=30))
    # then the 48-hour window has started; with the default 24 it would not have
    assert report.due_soon == 1
    Policy.objects.filter(code="support").update(warn_before_hours=24)
    other = factories.bring_to(
        factories.submit_appeal(in_progress.applicant),
        Status.IN_PROGRESS,
        applicant=in_progress.applicant,
        staff=in_progress.assignee,
    )
    assert sweep_at(other.due_at - timedelta(hours=30)).due_soon == 0


def test_a_resumed_pause_moves_the_deadline_and_warns_again(in_progress, operator, citizen):
    # given a warning, then a question that pauses the clock for three days
    sweep_at(in_progress.due_at - timedelta(hours=2))
    with clock.travel_to(in_progress.due_at - timedelta(hours=1)):
        services.appeal_request_info(appeal=in_progress, actor=operator, question="Браузер?")
    with clock.travel_to(in_progress.due_at + timedelta(days=3)):
        # a paused appeal is neither warned nor late
        assert sweeps.sweep_deadlines().as_dict() == sweeps.SweepReport().as_dict()
        services.appeal_provide_info(appeal=in_progress, actor=citizen, text="Firefox.")
    moved = fresh(in_progress)
    assert moved.due_at > in_progress.due_at
    assert moved.due_soon_warned_at is None
    # when the sweep runs before the new deadline
    report = sweep_at(moved.due_at - timedelta(hours=1))
    # then the new deadline gets its own warning, and nothing is late
    assert (report.due_soon, report.overdue) == (1, 0)
    assert len(journal(in_progress, EventType.DUE_SOON)) == 2


def test_an_extension_resets_the_marks(catalog, citizen, submit):
    # given a 59-FZ complaint in work, warned before its deadline
    specialist = factories.make_specialist()
    head = factories.make_head("services")
    complaint = factories.bring_to(
        submit(citizen, kind="complaint", theme="services-refusal"),
        Status.IN_PROGRESS,
        applicant=citizen,
        staff=specialist,
    )
    sweep_at(complaint.due_at - timedelta(hours=2))
    assert fresh(complaint).due_soon_warned_at is not None
    # when the head extends it by ten days
    new_due = clock.today() + timedelta(days=40)
    services.appeal_extend(
        appeal=complaint, actor=head, due_date=new_due, reason="Запрос в другой орган."
    )
    # then the warning mark is cleared and the new deadline is warned about once
    extended = fresh(complaint)
    assert extended.due_soon_warned_at is None
    assert sweep_at(extended.due_at - timedelta(hours=2)).due_soon == 1
    assert sweep_at(extended.due_at - timedelta(hours=1)).due_soon == 0


# ---- first-response breach ----------------------------------------------------------------------


def test_a_missed_first_response_is_flagged_once_and_escalated_per_policy(registered):
    # given a support appeal (policy: first reaction in 24 working hours, escalate on breach)
    assert registered.first_response_due_at is not None
    moment = registered.first_response_due_at + MINUTE
    # when the sweep runs after the target, twice
    first = sweep_at(moment)
    second = sweep_at(moment + MINUTE)
    # then one internal flag and one automatic escalation to quality control
    assert (first.first_response_overdue, first.escalated) == (1, 1)
    assert (second.first_response_overdue, second.escalated) == (0, 0)
    [flag] = journal(registered, EventType.FIRST_RESPONSE_OVERDUE)
    assert not flag.is_public
    assert flag.data["escalate"] is True
    [escalation] = journal(registered, EventType.ESCALATED)
    assert escalation.actor is None
    assert escalation.data["by"] == "system"
    after = fresh(registered)
    assert after.first_response_breached_at == moment
    assert (after.escalation_level, after.department.code) == (1, "quality")
    assert after.status == Status.REGISTERED


def test_an_appeal_late_twice_in_one_pass_is_passed_up_once(registered):
    # given nobody reacted and the whole term passed while the worker was down
    moment = registered.due_at + MINUTE
    # when one pass sees both breaches
    report = sweep_at(moment)
    # then both are flagged, but the neglect is escalated one level, not two
    assert (report.first_response_overdue, report.overdue, report.escalated) == (1, 1, 1)
    assert len(journal(registered, EventType.ESCALATED)) == 1
    [overdue] = journal(registered, EventType.OVERDUE)
    assert overdue.data["escalate"] is True  # the applicant reads that it is under control
    assert fresh(registered).escalation_level == 1


def test_a_taken_appeal_has_no_first_response_breach(in_progress):
    report = sweep_at(in_progress.first_response_due_at + MINUTE)
    assert report.first_response_overdue == 0
    assert journal(in_progress, EventType.FIRST_RESPONSE_OVERDUE) == []


# ---- resolution breach --------------------------------------------------------------------------


@pytest.fixture
def complaint_in_work(catalog, citizen, submit):
    specialist = factories.make_specialist()
    appeal = submit(citizen, kind="complaint", theme="services-refusal")
    return factories.bring_to(appeal, Status.IN_PROGRESS, applicant=citizen, staff=specialist)


def test_an_overdue_59_fz_appeal_tells_the_applicant_and_is_escalated(complaint_in_work, citizen):
    # given a 59-FZ complaint in work (policy fz59: escalate on breach)
    moment = complaint_in_work.due_at + MINUTE
    # when the sweep runs after the deadline, twice
    first = sweep_at(moment)
    second = sweep_at(moment + timedelta(hours=1))
    # then one public «срок нарушен» event and one automatic escalation
    assert (first.overdue, first.escalated) == (1, 1)
    assert (second.overdue, second.escalated) == (0, 0)
    [overdue] = journal(complaint_in_work, EventType.OVERDUE)
    assert overdue.is_public
    assert overdue.actor is None
    assert overdue.data["escalate"] is True
    assert len(journal(complaint_in_work, EventType.ESCALATED)) == 1
    after = fresh(complaint_in_work)
    assert after.breached_at == moment
    assert after.escalation_level == 1
    # and the applicant reads that the deadline passed, why, and what happens now
    seen = event_describe(overdue, audience=Audience.APPLICANT)
    assert seen.title == "Срок ответа истёк"
    text = " ".join(seen.details)
    due = f"{clock.timezone.localdate(complaint_in_work.due_at):%d.%m.%Y}"
    assert f"до {due}" in text
    assert "ответ ещё не подготовлен" in text
    assert "передано на контроль руководителю" in text
    assert "в кратчайший срок" in text
    with clock.travel_to(moment + timedelta(hours=2)):
        page = appeal_page(user=citizen, number=after.number)
    assert "Ответ будет дан до" not in page.next_step
    assert "истёк" in page.next_step
    assert "передано на контроль руководителю" in page.next_step


def test_a_notify_policy_flags_without_escalating(catalog, citizen, submit):
    # given an information request (policy «request»: notify on breach)
    specialist = factories.make_specialist()
    appeal = factories.bring_to(
        submit(citizen, kind="request", theme="services-status"),
        Status.IN_PROGRESS,
        applicant=citizen,
        staff=specialist,
    )
    assert fresh(appeal).policy.breach_action == "notify"
    # when
    report = sweep_at(appeal.due_at + MINUTE)
    # then
    assert (report.overdue, report.escalated) == (1, 0)
    [overdue] = journal(appeal, EventType.OVERDUE)
    assert overdue.data["escalate"] is False
    assert journal(appeal, EventType.ESCALATED) == []
    assert fresh(appeal).escalation_level == 0
    seen = event_describe(overdue, audience=Audience.APPLICANT)
    assert "сообщено руководителю" in " ".join(seen.details)


def test_a_refused_escalation_still_flags_the_breach_truthfully(complaint_in_work, caplog):
    # given the appeal is at quality control already: nothing above it to pass it to
    Appeal.objects.filter(pk=complaint_in_work.pk).update(
        department=Department.objects.get(code="quality")
    )
    # when
    report = sweep_at(complaint_in_work.due_at + MINUTE)
    # then the breach is flagged, and its event does not claim an escalation
    assert (report.overdue, report.escalated) == (1, 0)
    [overdue] = journal(complaint_in_work, EventType.OVERDUE)
    assert overdue.data["escalate"] is False
    assert journal(complaint_in_work, EventType.ESCALATED) == []
    assert fresh(complaint_in_work).escalation_level == 0
    assert "automatic escalation refused" in caplog.text


def test_a_batch_that_fails_is_handled_appeal_by_appeal(complaint_in_work, monkeypatch, caplog):
    # given the set-based marking fails, and the escalation of one appeal is refused on its own
    from priemnaya.core.errors import InvalidTransition

    def broken(**kwargs):
        raise RuntimeError("a bug in the batch")

    def refuse(**kwargs):
        raise InvalidTransition("Эскалация невозможна.")

    monkeypatch.setattr(sweeps, "appeals_flag_overdue", broken)
    monkeypatch.setattr(sweeps, "appeal_escalate", refuse)
    # when
    report = sweep_at(complaint_in_work.due_at + MINUTE)
    # then the batch was rolled back and its appeal flagged by the per-appeal services, truthfully
    assert "a batch failed" in caplog.text
    assert (report.overdue, report.escalated) == (1, 0)
    [overdue] = journal(complaint_in_work, EventType.OVERDUE)
    assert overdue.data["escalate"] is False
    assert fresh(complaint_in_work).breached_at is not None


@pytest.mark.parametrize("state", [Status.NEEDS_INFO, Status.ANSWERED, Status.WITHDRAWN])
def test_paused_answered_and_withdrawn_appeals_are_never_warned_or_flagged(
    registered, move, citizen, state
):
    # given an appeal asked a question (paused), answered or withdrawn
    if state == Status.WITHDRAWN:
        services.appeal_withdraw(appeal=registered, actor=citizen, reason="Решено.")
    else:
        move(registered, state)
    since = Event.objects.order_by("-id").first().pk
    # when the sweep runs before and long after every deadline
    sweep_at(registered.due_at - timedelta(hours=2))
    sweep_at(registered.due_at + timedelta(days=3))
    # then nothing was written
    assert list(Event.objects.filter(pk__gt=since).values_list("type", flat=True)) == []


# ---- auto-close ---------------------------------------------------------------------------------


def test_autoclose_follows_the_policy_days(answered):
    # given the support policy closes answers after 3 days without reaction
    Policy.objects.filter(code="support").update(autoclose_days=3)
    answered_at = fresh(answered).answered_at
    # when / then
    assert sweeps.sweep_autoclose(now=answered_at + timedelta(days=2)) == 0
    assert sweeps.sweep_autoclose(now=answered_at + timedelta(days=3, minutes=1)) == 1
    assert fresh(answered).status == Status.CLOSED
    [closed] = journal(answered, EventType.CLOSED)
    assert closed.data == {"by": "timer"}


def test_autoclose_without_a_policy_uses_the_setting(answered, settings):
    settings.PRIEMNAYA = {**settings.PRIEMNAYA, "AUTOCLOSE_DAYS": 2}
    Appeal.objects.filter(pk=answered.pk).update(policy=None)
    answered_at = fresh(answered).answered_at
    assert sweeps.sweep_autoclose(now=answered_at + timedelta(days=1)) == 0
    assert sweeps.sweep_autoclose(now=answered_at + timedelta(days=2, minutes=1)) == 1


# ---- bounded and incremental --------------------------------------------------------------------


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def test_a_pass_with_nothing_due_costs_the_same_for_3_and_30_appeals(citizen, submit):
    # given appeals far from their deadlines
    counts = []
    for total in (3, 30):
        while Appeal.objects.count() < total:
            submit(citizen)
        # when
        counts.append(_count(lambda: sweeps.sweep_deadlines()))
    # then the pass reads by index ranges, not appeal by appeal
    assert counts[0] == counts[1]


def test_a_pass_handles_a_bounded_batch_and_the_next_one_goes_on(citizen, submit):
    # given five registered appeals past their deadline
    appeals = [submit(citizen) for _ in range(5)]
    Policy.objects.update(breach_action="notify")
    moment = max(a.due_at for a in appeals) + MINUTE
    with clock.travel_to(moment):
        # when each pass may read one batch of two
        passes = [sweeps.sweep_overdue(batch=2, max_batches=1)[0] for _ in range(4)]
    # then two, two, one, none: every appeal once
    assert passes == [2, 2, 1, 0]
    assert Event.objects.filter(type=EventType.OVERDUE).count() == 5


def test_one_pass_goes_on_batch_after_batch_until_nothing_is_due(citizen, submit):
    # given seven appeals past their deadline
    appeals = [submit(citizen) for _ in range(7)]
    with clock.travel_to(max(a.due_at for a in appeals) + MINUTE):
        # when one pass reads batches of three
        first = sweeps.sweep_overdue(batch=3)
        second = sweeps.sweep_overdue(batch=3)
    # then that pass flagged and escalated all seven, each once
    assert (first, second) == ((7, 7), (0, 0))
    flagged = Event.objects.filter(type=EventType.OVERDUE).values_list("appeal_id", flat=True)
    assert sorted(flagged) == sorted(a.pk for a in appeals)
    assert Event.objects.filter(type=EventType.ESCALATED).count() == 7


def test_a_pass_costs_its_batches_not_its_appeals(citizen, submit):
    # given overdue appeals to escalate, three batches' worth: 6 in batches of 2, then 12 of 4
    counts = []
    for total, batch in ((6, 2), (12, 4)):
        appeals = [submit(citizen) for _ in range(total)]
        moment = max(a.due_at for a in appeals) + MINUTE
        # when one pass flags and escalates them
        with clock.travel_to(moment), CaptureQueriesContext(connection) as queries:
            assert sweeps.sweep_overdue(batch=batch) == (total, total)
        counts.append(len(queries))
    # then twice the appeals in as many batches cost the same statements: a handful per batch
    assert counts[0] == counts[1]
    assert counts[0] <= 4 * 8


def _shape(event: Event) -> dict:
    """An event as its consumers read it, without what differs between two appeals."""
    return {
        "type": event.type,
        "actor": event.actor_id,
        "actor_role": event.actor_role,
        "created_at": event.created_at,
        "statuses": (event.from_status, event.to_status),
        "is_public": event.is_public,
        "text": event.text,
        "data": event.data,
        "message": event.message_id,
        "dispatched_at": event.dispatched_at,
    }


def _trail(appeal: Appeal) -> tuple[list[dict], dict]:
    after = fresh(appeal)
    fields = (
        "status",
        "breached_at",
        "first_response_breached_at",
        "due_soon_warned_at",
        "updated_at",
        "escalation_level",
        "department_id",
        "assignee_id",
    )
    events = [_shape(e) for e in Event.objects.filter(appeal=appeal).order_by("id")]
    return events, {name: getattr(after, name) for name in fields}


def test_a_batch_journals_what_the_per_appeal_services_journal(catalog, citizen, operator):
    # given two appeals alike: registered together, taken by the same operator, both late
    by_one, by_batch = [factories.submit_appeal(citizen) for _ in range(2)]
    for appeal in (by_one, by_batch):
        factories.bring_to(appeal, Status.IN_PROGRESS, applicant=citizen, staff=operator)
    Appeal.objects.filter(pk=by_batch.pk).update(due_at=fresh(by_one).due_at)
    assert fresh(by_one).assignee_id == fresh(by_batch).assignee_id == operator.pk
    warn_at = fresh(by_one).due_at - timedelta(hours=2)
    late_at = fresh(by_one).due_at + MINUTE
    # when the first is warned, flagged and escalated by the services for one appeal
    with clock.travel_to(warn_at):
        sweeps.appeal_warn_due_soon(appeal=Appeal(pk=by_one.pk))
    with clock.travel_to(late_at):
        assert (
            sweeps._with_escalation(
                by_one.pk, True, sweeps.appeal_flag_overdue, sweeps._overdue_reason
            )
            == "escalated"
        )
    # and the second by the sweep's batches
    assert sweep_at(warn_at).due_soon == 1
    assert sweep_at(late_at).as_dict() == {
        **sweeps.SweepReport().as_dict(),
        "overdue": 1,
        "escalated": 1,
    }
    # then both journals and both appeals read the same
    one_events, one_fields = _trail(by_one)
    batch_events, batch_fields = _trail(by_batch)
    assert [e["type"] for e in batch_events[-3:]] == [
        EventType.DUE_SOON,
        EventType.OVERDUE,
        EventType.ESCALATED,
    ]
    assert batch_events[-3:] == one_events[-3:]
    assert batch_fields == one_fields
    assert batch_fields["escalation_level"] == 1
    assert batch_fields["assignee_id"] is None


def test_a_batch_flags_a_first_response_as_the_per_appeal_service(catalog, citizen):
    # given two registered appeals alike, nobody reacted
    by_one, by_batch = [factories.submit_appeal(citizen) for _ in range(2)]
    Appeal.objects.filter(pk=by_batch.pk).update(
        first_response_due_at=fresh(by_one).first_response_due_at
    )
    moment = fresh(by_one).first_response_due_at + MINUTE
    # when one goes through the services for one appeal, the other through the batch
    with clock.travel_to(moment):
        sweeps._with_escalation(
            by_one.pk,
            True,
            sweeps.appeal_flag_first_response_overdue,
            sweeps._first_response_reason,
        )
        assert sweeps.sweep_first_response() == (1, 1)
    # then
    one_events, one_fields = _trail(by_one)
    batch_events, batch_fields = _trail(by_batch)
    assert [e["type"] for e in batch_events[-2:]] == [
        EventType.FIRST_RESPONSE_OVERDUE,
        EventType.ESCALATED,
    ]
    assert batch_events[-2:] == one_events[-2:]
    assert batch_fields == one_fields


def test_the_update_rechecks_what_the_read_saw(registered, move):
    # given a batch read while the appeal was late, then the appeal was answered
    from priemnaya.appeals.services.sweeps import Escalation, appeals_flag_overdue

    moment = registered.due_at + MINUTE
    stale = fresh(registered)
    move(registered, Status.ANSWERED)
    since = Event.objects.order_by("-id").first().pk
    # when the batch is marked
    with clock.travel_to(moment):
        marked, passed_up = appeals_flag_overdue(
            appeals=[stale],
            escalation=Escalation(
                passing={stale.pk: stale.department},
                claimed={stale.pk},
                reason=lambda appeal: "Срок истёк.",
            ),
        )
    # then the answered appeal is neither marked, nor passed up, nor journaled
    assert (marked, passed_up) == ([], [])
    assert fresh(registered).escalation_level == 0
    assert fresh(registered).breached_at is None
    assert not Event.objects.filter(pk__gt=since).exists()


def test_escalations_are_grouped_by_target_department(catalog, citizen, submit):
    # given late appeals in two departments: support (up to quality) and a unit under support
    support = Department.objects.get(code="support")
    unit = Department.objects.create(code="support-unit", name="Группа поддержки", parent=support)
    appeals = [submit(citizen) for _ in range(4)]
    Appeal.objects.filter(pk__in=[a.pk for a in appeals[:2]]).update(department=unit)
    # when one pass flags and escalates them
    moment = max(a.due_at for a in appeals) + MINUTE
    with clock.travel_to(moment), CaptureQueriesContext(connection) as queries:
        assert sweeps.sweep_overdue() == (4, 4)
    # then each went one level up, by one UPDATE per target department
    targets = (
        {fresh(a).department.code for a in appeals[:2]},
        {fresh(a).department.code for a in appeals[2:]},
    )
    assert targets == ({"support"}, {"quality"})
    moves = [q for q in queries if q["sql"].startswith("UPDATE") and "department_id" in q["sql"]]
    assert len(moves) == 2
    sources = {
        (e.appeal_id, e.data["source"], e.data["target"])
        for e in Event.objects.filter(type=EventType.ESCALATED)
    }
    assert {(s, t) for _, s, t in sources} == {("support-unit", "support"), ("support", "quality")}


# ---- once per interval --------------------------------------------------------------------------


def test_a_lease_lets_one_run_per_interval(db):
    moment = clock.now()
    with clock.travel_to(moment):
        assert lease_claim("job", every=timedelta(seconds=60)) is True
        assert lease_claim("job", every=timedelta(seconds=60)) is False
    with clock.travel_to(moment + timedelta(seconds=30)):
        assert lease_claim("job", every=timedelta(seconds=60)) is False
    # a little before the full interval: a scheduler firing slightly early still runs
    with clock.travel_to(moment + timedelta(seconds=58)):
        assert lease_claim("job", every=timedelta(seconds=60)) is True
    lease_release("job")
    assert lease_claim("job", every=timedelta(seconds=60)) is True


def test_the_worker_task_sweeps_once_per_interval(complaint_in_work):
    with clock.travel_to(complaint_in_work.due_at + MINUTE):
        first = appeals_sweep.call()
        second = appeals_sweep.call()
    assert first["overdue"] == 1
    assert second is None
    assert len(journal(complaint_in_work, EventType.OVERDUE)) == 1


def test_sweep_actions_are_the_systems_alone():
    from priemnaya.appeals.lifecycle import SWEEP_ACTIONS, TRANSITIONS, Side

    for action in SWEEP_ACTIONS:
        assert TRANSITIONS[action].sides == {Side.SYSTEM}
        assert TRANSITIONS[action].target is None
    assert Action.FLAG_OVERDUE in SWEEP_ACTIONS


def test_next_step_promises_the_date_only_before_it_passes(in_progress):
    due = f"{clock.timezone.localdate(in_progress.due_at):%d.%m.%Y}"
    with clock.travel_to(in_progress.due_at - MINUTE):
        assert f"Ответ будет дан до {due}" in next_step(fresh(in_progress))
    with clock.travel_to(in_progress.due_at + MINUTE):
        text = next_step(fresh(in_progress))
    assert "Ответ будет дан до" not in text
    assert f"до {due}" in text
    assert "в кратчайший срок" in text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_run_one_sweep():
    # given overdue appeals and two workers whose schedulers fire at the same moment
    catalog_load_defaults()
    citizen = factories.make_citizen()
    appeals = [factories.submit_appeal(citizen) for _ in range(3)]
    Policy.objects.update(breach_action="notify")
    moment = max(a.due_at for a in appeals) + MINUTE
    start = threading.Barrier(2)

    def worker(_):
        try:
            start.wait()
            with clock.travel_to(moment):
                return sweeps.sweeps_run(every=60)
        finally:
            connections.close_all()

    # when
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(worker, range(2)))
    # then one ran the sweep, the other stepped aside, and every appeal was flagged once
    assert sorted(r is None for r in results) == [False, True]
    assert Event.objects.filter(type=EventType.OVERDUE).count() == 3
    assert connection.vendor == "postgresql"


def test_the_passes_name_the_open_states_as_the_partial_indexes_do():
    # SQLite uses a partial index only when the query repeats its condition's terms literally.
    from priemnaya.appeals.states import OPEN_STATUSES

    index = next(i for i in Appeal._meta.indexes if i.name == "appeal_breach_sweep_idx")
    assert dict(index.condition.children)["status__in"] == sweeps.OPEN
    assert set(sweeps.OPEN) == OPEN_STATUSES


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_passes_flag_and_escalate_each_appeal_once():
    # given late appeals and two passes started at once without the lease (batches of two)
    catalog_load_defaults()
    citizen = factories.make_citizen()
    appeals = [factories.submit_appeal(citizen) for _ in range(12)]
    moment = max(a.due_at for a in appeals) + MINUTE
    start = threading.Barrier(2)

    def worker(_):
        try:
            start.wait()
            with clock.travel_to(moment):
                return sweeps.sweep_overdue(batch=2)
        finally:
            connections.close_all()

    # when
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(worker, range(2)))
    # then between them they flagged and escalated every appeal, none twice
    assert sum(flagged for flagged, _ in results) == 12
    assert sum(escalated for _, escalated in results) == 12
    for type_ in (EventType.OVERDUE, EventType.ESCALATED):
        ids = list(Event.objects.filter(type=type_).values_list("appeal_id", flat=True))
        assert sorted(ids) == sorted(a.pk for a in appeals)
    levels = set(
        Appeal.objects.filter(pk__in=[a.pk for a in appeals]).values_list(
            "escalation_level", flat=True
        )
    )
    assert levels == {1}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_appeal_another_transaction_holds_does_not_hold_up_the_pass():
    # given three late appeals, one of them locked by a transaction still open (an answer)
    from django.db import transaction

    catalog_load_defaults()
    citizen = factories.make_citizen()
    appeals = [factories.submit_appeal(citizen) for _ in range(3)]
    Policy.objects.update(breach_action="notify")
    moment = max(a.due_at for a in appeals) + MINUTE
    locked, release = threading.Event(), threading.Event()

    def holder():
        try:
            with transaction.atomic():
                Appeal.objects.select_for_update().get(pk=appeals[1].pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        held = pool.submit(holder)
        assert locked.wait(timeout=30)
        # when the pass runs meanwhile
        with clock.travel_to(moment):
            during = sweeps.sweep_overdue(batch=2)
        release.set()
        held.result()
    # then it flagged the others without waiting, and the next pass the one that was held
    with clock.travel_to(moment + MINUTE):
        after = sweeps.sweep_overdue(batch=2)
    assert (during, after) == ((2, 0), (1, 0))
    assert fresh(appeals[1]).breached_at == moment + MINUTE
