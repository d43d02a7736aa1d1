"""The retention run on a frozen clock: the archive, anonymisation, holds, the act, resuming."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from priemnaya.appeals.models import Appeal, Event
from priemnaya.audit.models import AuditEntry
from priemnaya.catalog.models import Kind
from priemnaya.core import clock
from priemnaya.core.errors import Conflict, NotPermitted, ValidationFailed
from priemnaya.retention import services
from priemnaya.retention.models import DestructionAct, DestructionActItem, RetentionPolicy
from priemnaya.retention.services import hold_lift, hold_place, retention_run
from tests import factories
from tests.retention.factories_retention import NOW, closed_on, years_ago

pytestmark = pytest.mark.django_db


def _run(**kwargs):
    with clock.travel_to(NOW):
        return retention_run(**kwargs)


def test_archive_boundary_a_day_before_and_after(citizen, operator):
    # given: one appeal closed five years and a day ago, one five years less a day ago
    old = closed_on(years_ago(5, days=1), applicant=citizen, staff=operator)
    young = closed_on(years_ago(5, days=-1), applicant=citizen, staff=operator)
    # when
    report = _run()
    # then
    old.refresh_from_db()
    young.refresh_from_db()
    assert old.archived_at == NOW
    assert young.archived_at is None
    assert report.archived == 1
    assert old.anonymised_at is None
    assert old.events.filter(type="archived", is_public=False, actor=None).count() == 1


def test_withdrawn_appeals_archive_too_and_open_ones_never(citizen, operator):
    withdrawn = closed_on(years_ago(7), applicant=citizen, staff=operator, status="withdrawn")
    with clock.travel_to(NOW - timedelta(days=1)):
        still_open = factories.submit_appeal(citizen)
    report = _run()
    assert report.archived == 1
    withdrawn.refresh_from_db()
    still_open.refresh_from_db()
    assert withdrawn.archived_at == NOW
    assert still_open.archived_at is None


def test_a_policy_per_kind_overrides_the_default(citizen, operator, settings):
    # given: support appeals archive after 2 years and are anonymised after 3
    RetentionPolicy.objects.create(
        kind=Kind.objects.get(code="support"), archive_after_years=2, destroy_after_years=3
    )
    two = closed_on(years_ago(2, days=1), applicant=citizen, staff=operator)
    three = closed_on(years_ago(3, days=1), applicant=citizen, staff=operator)
    # when
    report = _run()
    # then
    two.refresh_from_db()
    three.refresh_from_db()
    assert (report.archived, report.anonymised) == (2, 1)
    assert two.archived_at is not None
    assert two.anonymised_at is None
    assert three.anonymised_at == NOW
    assert DestructionActItem.objects.get().retention_years == 3


def test_the_default_comes_from_settings(citizen, operator, settings):
    settings.PRIEMNAYA_RETENTION_ARCHIVE_YEARS = 1
    settings.PRIEMNAYA_RETENTION_DESTROY_YEARS = 1
    appeal = closed_on(years_ago(1, days=1), applicant=citizen, staff=operator)
    _run()
    appeal.refresh_from_db()
    assert appeal.anonymised_at == NOW


def test_a_legal_hold_stops_anonymisation_until_lifted(citizen, operator, administrator):
    # given: a due appeal on hold
    appeal = closed_on(years_ago(11), applicant=citizen, staff=operator)
    with clock.travel_to(NOW):
        hold = hold_place(actor=administrator, appeal=appeal, reason="Запрос суда № 2-15/2026")
    # when
    report = _run()
    # then: archived (kept as it is), not anonymised; counted as on hold; no act
    appeal.refresh_from_db()
    assert appeal.archived_at == NOW
    assert appeal.anonymised_at is None
    assert (report.anonymised, report.on_hold, report.act) == (0, 1, "")
    assert not DestructionAct.objects.exists()
    # when the hold is lifted, the next run anonymises it
    with clock.travel_to(NOW):
        hold_lift(actor=administrator, hold_id=hold.pk, reason="Дело закрыто")
    report = _run()
    appeal.refresh_from_db()
    assert appeal.anonymised_at == NOW
    assert report.anonymised == 1
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert "retention.hold_placed" in actions
    assert "retention.hold_lifted" in actions


def test_a_hold_needs_a_reason_and_an_administrator(citizen, operator, administrator, auditor):
    appeal = closed_on(years_ago(11), applicant=citizen, staff=operator)
    with pytest.raises(ValidationFailed) as refused:
        hold_place(actor=administrator, appeal=appeal, reason="  ")
    assert refused.value.field == "reason"
    assert "Основание" in refused.value.message
    with pytest.raises(NotPermitted):
        hold_place(actor=auditor, appeal=appeal, reason="Запрос суда")
    hold_place(actor=administrator, appeal=appeal, reason="Запрос суда")
    with pytest.raises(Conflict):
        hold_place(actor=administrator, appeal=appeal, reason="Ещё раз")


def test_an_interrupted_run_resumes_and_a_second_run_does_nothing(citizen, operator, monkeypatch):
    # given: three due appeals; the run dies after its first batch of anonymisation
    appeals = [closed_on(years_ago(11), applicant=citizen, staff=operator) for _ in range(3)]
    calls = {"n": 0}
    real = services.copies_anonymise

    def dying(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("killed")
        return real(**kwargs)

    monkeypatch.setattr(services, "copies_anonymise", dying)
    with pytest.raises(RuntimeError):
        _run(batch=1)
    # then: one committed, the act still open with exactly that one
    done = Appeal.objects.filter(anonymised_at__isnull=False)
    assert done.count() == 1
    act = DestructionAct.objects.get()
    assert act.finished_at is None
    assert list(act.items.values_list("number", flat=True)) == [appeals[0].number]
    # when: the next run continues the same act
    monkeypatch.setattr(services, "copies_anonymise", real)
    report = _run(batch=1)
    act.refresh_from_db()
    assert report.anonymised == 2
    assert report.act == act.number
    assert act.finished_at == NOW
    assert sorted(act.items.values_list("number", flat=True)) == sorted(a.number for a in appeals)
    # and a third run finds nothing to do
    events = Event.objects.count()
    again = _run()
    assert (again.archived, again.anonymised, again.act) == (0, 0, "")
    assert Event.objects.count() == events
    assert DestructionAct.objects.count() == 1


def test_the_command_prints_counts_and_dry_run_changes_nothing(citizen, operator):
    appeal = closed_on(years_ago(11), applicant=citizen, staff=operator)
    out = StringIO()
    with clock.travel_to(NOW):
        call_command("retention_run", "--dry-run", stdout=out)
    assert "в архив — 1, обезличить — 1, под запретом — 0" in out.getvalue()
    appeal.refresh_from_db()
    assert appeal.archived_at is None
    out = StringIO()
    with clock.travel_to(NOW):
        call_command("retention_run", stdout=out)
    assert "Передано в архив: 1; обезличено: 1" in out.getvalue()
    assert "Составлен акт №" in out.getvalue()


def test_the_worker_schedules_the_run_daily(settings):
    assert ("priemnaya.retention.tasks.retention_daily", 86400) in settings.PRIEMNAYA_PERIODIC_TASKS


def test_the_task_runs_once_per_interval(citizen, operator):
    from priemnaya.retention.tasks import retention_daily

    appeal = closed_on(years_ago(6), applicant=citizen, staff=operator)
    with clock.travel_to(NOW):
        first = retention_daily.call()
        second = retention_daily.call()
    assert first["archived"] == 1
    assert second is None  # another run this interval holds the lease
    appeal.refresh_from_db()
    assert appeal.archived_at == NOW
