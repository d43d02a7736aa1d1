"""Answer once (issue 14 item 4, rule 13): every open member answered, every signer logged."""

from __future__ import annotations

import pytest
from django.core import mail

from priemnaya.appeals.models import Answer, Event
from priemnaya.appeals.states import EventType, Status
from priemnaya.audit.models import AuditEntry
from priemnaya.collective.delivery import deliveries_send
from priemnaya.collective.models import CollectiveIssue, Delivery
from priemnaya.collective.services import (
    collective_answer,
    collective_representative_set,
    collective_sign,
    collective_unsign,
)
from priemnaya.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from priemnaya.notifications.planner import plan
from tests.collective.factories_collective import make_issue, sms_appeals
from tests.factories import bring_to, make_citizen, make_operator

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]
TEXT = "Сбой у оператора SMS устранён 20 ноября; коды приходят. Повторите вход."


def test_answer_once_answers_every_open_member_and_logs_every_signer(supervisor, operator):
    # given three appeals — registered, in work, already answered — and a co-signer by e-mail
    appeals = sms_appeals(3)
    bring_to(appeals[1], Status.IN_PROGRESS, applicant=appeals[1].applicant, staff=operator)
    issue = make_issue(supervisor, appeals)
    bring_to(appeals[2], Status.NEEDS_INFO, applicant=appeals[2].applicant, staff=operator)
    cosigner = make_citizen(full_name="Петрова Анна Ильинична")
    collective_sign(user=cosigner, issue_id=issue.pk)
    # when the answer is given once
    done = collective_answer(actor=supervisor, issue=issue, text=TEXT)
    # then the two open appeals got their own answer and «answered» event
    assert done.state == CollectiveIssue.State.ANSWERED
    for appeal in appeals[:2]:
        appeal.refresh_from_db()
        assert appeal.status == Status.ANSWERED
        answer = Answer.objects.get(appeal=appeal)
        assert TEXT in answer.text
        assert f"коллективное обращение № {issue.pk}" in answer.text
        # the representative (the first signer) is named in the answer
        first = appeals[0].applicant_name.split()
        assert f"Представитель заявителей: {first[0]} {first[1][0]}." in answer.text
        event = Event.objects.get(appeal=appeal, type=EventType.ANSWERED)
        assert {n.user_id for n in plan(event)} == {appeal.applicant_id}
    # and the one waiting for clarification stays as it is
    appeals[2].refresh_from_db()
    assert appeals[2].status == Status.NEEDS_INFO
    # and every signer is logged: two by their appeal's answer, the others by e-mail + cabinet
    rows = {(d.signer.full_name, d.channel, d.state) for d in Delivery.objects.all()}
    assert (appeals[0].applicant_name, "appeal", "sent") in rows
    assert (appeals[1].applicant_name, "appeal", "sent") in rows
    assert (appeals[2].applicant_name, "email", "pending") in rows
    assert ("Петрова Анна Ильинична", "email", "pending") in rows
    assert ("Петрова Анна Ильинична", "cabinet", "sent") in rows
    signers = set(issue.signers.values_list("pk", flat=True))
    assert set(Delivery.objects.values_list("signer_id", flat=True)) == signers
    assert Delivery.objects.get(signer__is_representative=True, channel="appeal").to_representative
    assert AuditEntry.objects.filter(action="collective.answer", target_id=str(issue.pk)).exists()
    # when the worker sends the pending notices
    mail.outbox.clear()
    assert deliveries_send() == 2
    # then the co-signer got the answer by e-mail and the log says so
    to = {m.to[0]: m for m in mail.outbox}
    assert cosigner.email in to
    assert TEXT in to[cosigner.email].body
    assert not Delivery.objects.filter(state=Delivery.State.PENDING).exists()
    assert deliveries_send() == 0  # nothing twice


def test_the_chosen_representative_is_named(supervisor):
    appeals = sms_appeals(2)
    issue = make_issue(supervisor, appeals)
    second = issue.signers.get(appeal=appeals[1])
    collective_representative_set(actor=supervisor, issue=issue, signer_id=second.pk)
    collective_answer(actor=supervisor, issue=issue, text=TEXT)
    surname = appeals[1].applicant_name.split()[0]
    assert f"Представитель заявителей: {surname}" in Answer.objects.get(appeal=appeals[0]).text
    assert Delivery.objects.get(signer=second).to_representative


def test_fewer_than_two_signers_cannot_be_answered_as_collective(supervisor):
    appeals = sms_appeals(2)
    issue = make_issue(supervisor, appeals)
    from priemnaya.appeals import services

    services.appeal_withdraw(appeal=appeals[1], actor=appeals[1].applicant)
    with pytest.raises(ValidationFailed) as refused:
        collective_answer(actor=supervisor, issue=issue, text=TEXT)
    assert refused.value.field == "signers"
    issue.refresh_from_db()
    assert issue.state == CollectiveIssue.State.OPEN
    assert not Answer.objects.exists()


def test_only_heads_and_quality_control_answer_and_only_once(supervisor):
    issue = make_issue(supervisor)
    with pytest.raises(NotPermitted):
        collective_answer(actor=make_operator(), issue=issue, text=TEXT)
    with pytest.raises(ValidationFailed) as empty:
        collective_answer(actor=supervisor, issue=issue, text="  ")
    assert empty.value.field == "text"
    collective_answer(actor=supervisor, issue=issue, text=TEXT)
    with pytest.raises(InvalidTransition):
        collective_answer(actor=supervisor, issue=issue, text=TEXT)


def test_no_signing_or_withdrawing_after_the_answer(supervisor):
    issue = make_issue(supervisor)
    early = make_citizen()
    collective_sign(user=early, issue_id=issue.pk)
    collective_answer(actor=supervisor, issue=issue, text=TEXT)
    with pytest.raises(InvalidTransition):
        collective_sign(user=make_citizen(), issue_id=issue.pk)
    with pytest.raises(InvalidTransition):
        collective_unsign(user=early, issue_id=issue.pk)
