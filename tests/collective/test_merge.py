"""Merging similar appeals into a collective issue (issue 14 item 3, LEGAL.md §6 rule 13)."""

from __future__ import annotations

import pytest

from priemnaya.appeals.models import Event
from priemnaya.appeals.states import EventType, Status
from priemnaya.audit.models import AuditEntry
from priemnaya.collective.models import Member, Signer
from priemnaya.collective.services import collective_add_appeals, collective_create
from priemnaya.core.errors import NotFound, NotPermitted, ValidationFailed
from priemnaya.notifications.planner import plan
from tests.collective.factories_collective import make_issue, sms_appeal, sms_appeals
from tests.factories import bring_to, make_citizen, make_head, make_operator

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


def test_merge_journals_collective_joined_and_makes_each_applicant_a_signer(supervisor):
    # given three similar appeals of three citizens
    appeals = sms_appeals(3)
    # when quality control merges them
    issue = make_issue(supervisor, appeals)
    # then each appeal is a member with a public «collective_joined» event naming the issue
    assert Member.objects.filter(issue=issue).count() == 3
    for appeal in appeals:
        event = Event.objects.get(appeal=appeal, type=EventType.COLLECTIVE_JOINED)
        assert event.is_public
        assert event.data["collective"] == issue.pk
        assert event.data["title"] == issue.title
        appeal.refresh_from_db()
        assert appeal.status == Status.REGISTERED  # the state does not move
    # and every applicant signed by their appeal; the earliest is the representative
    signers = list(issue.signers.order_by("signed_at", "pk"))
    assert [s.appeal_id for s in signers] == [a.pk for a in appeals]
    assert {s.way for s in signers} == {Signer.Way.APPEAL}
    assert [s.is_representative for s in signers] == [True, False, False]
    assert signers[0].full_name == appeals[0].applicant_name
    # and the act is audited
    entry = AuditEntry.objects.filter(action="collective.create").get()
    assert entry.target_id == str(issue.pk)


def test_the_applicant_is_notified_of_the_merge(supervisor):
    appeals = sms_appeals(2)
    make_issue(supervisor, appeals)
    event = Event.objects.get(appeal=appeals[0], type=EventType.COLLECTIVE_JOINED)
    planned = plan(event)
    assert planned, "the applicant is told through the normal notifications"
    assert {n.user_id for n in planned} == {appeals[0].applicant_id}
    assert any(
        "похожими обращениями" in n.body.lower() or "объедин" in n.body.lower() for n in planned
    ), [n.body for n in planned]


def test_two_signers_at_least(supervisor):
    # given two appeals of the same citizen: one person, not a collective
    citizen = make_citizen()
    appeals = [sms_appeal(citizen, 0), sms_appeal(citizen, 1)]
    with pytest.raises(ValidationFailed) as refused:
        make_issue(supervisor, appeals)
    assert refused.value.field == "appeals"
    assert "не меньше двух" in refused.value.message
    assert not Event.objects.filter(type=EventType.COLLECTIVE_JOINED).exists()


def test_an_appeal_belongs_to_one_collective_issue(supervisor):
    appeals = sms_appeals(2)
    make_issue(supervisor, appeals)
    with pytest.raises(ValidationFailed) as refused:
        make_issue(supervisor, [appeals[0], *sms_appeals(1)])
    assert "уже входит" in refused.value.message


def test_answered_or_unknown_appeals_are_refused_naming_the_field(supervisor, operator):
    appeals = sms_appeals(2)
    bring_to(appeals[0], Status.ANSWERED, applicant=appeals[0].applicant, staff=operator)
    with pytest.raises(ValidationFailed) as refused:
        make_issue(supervisor, appeals)
    assert refused.value.field == "appeals"
    with pytest.raises(ValidationFailed) as unknown:
        collective_create(
            actor=supervisor, title="Т", summary="О", numbers=["12-3"], is_public=False
        )
    assert unknown.value.field == "appeals"
    with pytest.raises(ValidationFailed) as no_title:
        collective_create(
            actor=supervisor, title=" ", summary="О", numbers=[a.number for a in appeals]
        )
    assert no_title.value.field == "title"


def test_operators_do_not_merge_heads_of_the_department_do():
    appeals = sms_appeals(2)  # «tech-sms» is routed to «support»
    with pytest.raises(NotPermitted):
        make_issue(make_operator(), appeals)
    issue = make_issue(make_head("support"), appeals)
    assert issue.department.code == "support"


def test_staff_of_another_department_cannot_reach_the_appeals(specialist):
    appeals = sms_appeals(2)
    with pytest.raises((ValidationFailed, NotFound, NotPermitted)):
        make_issue(specialist, appeals)
    assert not Member.objects.exists()


def test_add_appeals_to_an_open_issue(supervisor):
    issue = make_issue(supervisor)
    later = sms_appeals(1)[0]
    collective_add_appeals(actor=supervisor, issue=issue, numbers=[later.display_number])
    assert Member.objects.filter(issue=issue, appeal=later).exists()
    assert issue.signers.filter(appeal=later).exists()
    assert Event.objects.filter(appeal=later, type=EventType.COLLECTIVE_JOINED).exists()
