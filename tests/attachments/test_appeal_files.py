"""Files travel with an appeal: at submission, with the clarification reply, added later, with
the answer; the journal names them; the applicant sees only what is theirs to see."""

from __future__ import annotations

import pytest

from priemnaya.appeals import services
from priemnaya.appeals.presenters import Audience
from priemnaya.appeals.selectors import appeal_file_get, appeal_files, appeal_page_of
from priemnaya.appeals.states import EventType, Status
from priemnaya.attachments.models import Attachment, Purpose
from priemnaya.attachments.services import UploadRefused, attachments_stage
from priemnaya.core.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from tests.attachments import samples
from tests.attachments.samples import upload
from tests.factories import appeal_input, make_operator, save_draft


def _staged(user, name="скан.png", data=None, purpose=Purpose.APPEAL):
    [a] = attachments_stage(
        uploads=[upload(name, data or samples.png())], uploaded_by=user, purpose=purpose
    )
    return a


def test_files_are_bound_at_submission_and_named_in_the_journal(citizen, catalog):
    a, b = _staged(citizen, "паспорт.png"), _staged(citizen, "заявление.pdf", samples.pdf())
    appeal = services.appeal_submit(actor=citizen, data=appeal_input(), attachment_ids=[a.pk, b.pk])
    assert set(appeal.attachments.values_list("pk", flat=True)) == {a.pk, b.pk}
    assert set(appeal.attachments.values_list("purpose", flat=True)) == {Purpose.APPEAL}
    event = appeal.events.get(type=EventType.REGISTERED)
    assert event.data["attachments"] == [
        {"id": a.pk, "name": "паспорт.png"},
        {"id": b.pk, "name": "заявление.pdf"},
    ]


def test_a_refused_file_leaves_no_appeal_behind(citizen, other_citizen, catalog):
    theirs = _staged(other_citizen)
    from priemnaya.appeals.models import Appeal

    before = Appeal.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.appeal_submit(actor=citizen, data=appeal_input(), attachment_ids=[theirs.pk])
    assert caught.value.field == "attachments"
    assert Appeal.objects.count() == before
    theirs.refresh_from_db()
    assert theirs.appeal_id is None


def test_too_many_files_at_submission_are_refused_whole(citizen, catalog, settings):
    settings.PRIEMNAYA_APPEAL_ATTACHMENTS_MAX_COUNT = 2
    ids = [_staged(citizen, f"{n}.png").pk for n in range(3)]
    with pytest.raises(UploadRefused) as caught:
        services.appeal_submit(actor=citizen, data=appeal_input(), attachment_ids=ids)
    assert [r.name for r in caught.value.refusals] == ["2.png"]
    assert not Attachment.objects.filter(pk__in=ids, appeal__isnull=False).exists()


def test_a_draft_is_submitted_with_its_files(citizen, catalog):
    draft = save_draft(citizen)
    a = _staged(citizen)
    appeal = services.appeal_submit_draft(
        actor=citizen, draft=draft, data=appeal_input(), attachment_ids=[a.pk]
    )
    assert appeal.status == Status.REGISTERED
    assert list(appeal.attachments.all()) == [a]


def test_a_repeat_carries_its_own_files(citizen, answered):
    from priemnaya.appeals.follow_ups import FollowUp

    a = _staged(citizen)
    repeat = services.appeal_submit_follow_up(
        actor=citizen,
        data=appeal_input(),
        link=FollowUp.REPEAT,
        source=answered,
        attachment_ids=[a.pk],
    )
    assert list(repeat.attachments.all()) == [a]


@pytest.mark.parametrize("state", ["registered", "in_progress", "needs_info"])
def test_the_applicant_adds_documents_while_the_appeal_is_considered(
    citizen, registered, move, state
):
    appeal = move(registered, state) if state != "registered" else registered
    a = _staged(citizen, "справка.pdf", samples.pdf())
    after = services.appeal_documents_add(
        appeal=appeal, actor=citizen, attachment_ids=[a.pk], text="Добавляю справку."
    )
    assert after.status == state  # adding is no answer to a clarification request
    a.refresh_from_db()
    assert a.appeal_id == appeal.pk
    assert a.purpose == Purpose.ADDITION
    assert a.message is not None
    assert a.message.text == "Добавляю справку."
    event = appeal.events.get(type=EventType.DOCUMENTS_ADDED)
    assert event.is_public
    assert event.data["attachments"] == [{"id": a.pk, "name": "справка.pdf"}]


def test_documents_are_not_added_after_the_answer_nor_by_others(
    citizen, other_citizen, operator, answered, submit
):
    a = _staged(citizen)
    with pytest.raises(InvalidTransition):
        services.appeal_documents_add(appeal=answered, actor=citizen, attachment_ids=[a.pk])
    fresh = submit(citizen)
    b = _staged(other_citizen)
    with pytest.raises(NotFound):
        services.appeal_documents_add(appeal=fresh, actor=other_citizen, attachment_ids=[b.pk])
    c = _staged(operator)
    with pytest.raises(NotPermitted):
        services.appeal_documents_add(appeal=fresh, actor=operator, attachment_ids=[c.pk])
    with pytest.raises(ValidationFailed) as caught:
        services.appeal_documents_add(appeal=fresh, actor=citizen, attachment_ids=[])
    assert caught.value.field == "attachments"
    assert not Attachment.objects.filter(appeal=fresh).exists()


def test_one_step_upload_stores_nothing_when_refused(citizen, answered, submit):
    registered = submit(citizen)
    before = set(Attachment.objects.values_list("key", flat=True))
    with pytest.raises(InvalidTransition):
        services.appeal_documents_upload(
            appeal=answered, actor=citizen, uploads=[upload("a.png", samples.png())]
        )
    with pytest.raises(UploadRefused):
        services.appeal_documents_upload(
            appeal=registered,
            actor=citizen,
            uploads=[upload("a.png", samples.png()), upload("b.pdf", samples.EXE)],
        )
    assert set(Attachment.objects.values_list("key", flat=True)) == before
    added = services.appeal_documents_upload(
        appeal=registered, actor=citizen, uploads=[upload("a.png", samples.png())]
    )
    assert added[0].appeal_id == registered.pk


def test_the_clarification_reply_carries_documents(citizen, needs_info):
    a = _staged(citizen, "чек.jpg", samples.jpeg())
    appeal = services.appeal_provide_info(
        appeal=needs_info, actor=citizen, text="Прилагаю чек.", attachment_ids=[a.pk]
    )
    assert appeal.status == Status.IN_PROGRESS
    a.refresh_from_db()
    assert a.message.text == "Прилагаю чек."
    assert a.purpose == Purpose.ADDITION
    event = appeal.events.get(type=EventType.INFO_PROVIDED)
    assert event.data["attachments"] == [{"id": a.pk, "name": "чек.jpg"}]


def test_the_answer_carries_the_staff_members_own_files(operator, colleague, citizen, in_progress):
    mine = _staged(operator, "ответ.pdf", samples.pdf(), purpose=Purpose.ANSWER)
    theirs = _staged(colleague, "чужой.pdf", samples.pdf(), purpose=Purpose.ANSWER)
    with pytest.raises(ValidationFailed) as caught:
        services.appeal_answer(
            appeal=in_progress,
            actor=operator,
            outcome="resolved",
            text="Готово.",
            attachment_ids=[theirs.pk],
        )
    assert caught.value.field == "attachments"
    in_progress.refresh_from_db()
    assert in_progress.status == Status.IN_PROGRESS
    appeal = services.appeal_answer(
        appeal=in_progress,
        actor=operator,
        outcome="resolved",
        text="Готово.",
        attachment_ids=[mine.pk],
    )
    answer = appeal.answers.get()
    assert list(answer.attachments.all()) == [mine]
    page = appeal_page_of(appeal=appeal, user=citizen)
    assert mine in page.attachments
    assert appeal.events.get(type=EventType.ANSWERED).data["attachments"][0]["id"] == mine.pk


def test_the_applicant_does_not_see_files_of_internal_notes_or_unreviewed_answers(
    citizen, operator, registered
):
    from priemnaya.answers.models import AnswerDraft

    note = services.appeal_note(appeal=registered, actor=operator, text="Внутреннее.")
    internal = _staged(operator, purpose=Purpose.CHAT)
    Attachment.objects.filter(pk=internal.pk).update(appeal=registered, message=note)
    draft = AnswerDraft.objects.create(
        appeal=registered, author=operator, outcome="resolved", text="Проект."
    )
    pending = _staged(operator, purpose=Purpose.ANSWER)
    Attachment.objects.filter(pk=pending.pk).update(appeal=registered, answer_draft=draft)
    mine = _staged(citizen)
    services.appeal_documents_add(appeal=registered, actor=citizen, attachment_ids=[mine.pk])
    assert appeal_files(appeal=registered, audience=Audience.APPLICANT) == [mine]
    assert set(appeal_files(appeal=registered, audience=Audience.STAFF)) == {
        mine,
        internal,
        pending,
    }
    for hidden in (internal, pending):
        with pytest.raises(NotFound):
            appeal_file_get(user=citizen, number=registered.number, attachment_id=hidden.pk)
    assert (
        appeal_file_get(user=operator, number=registered.number, attachment_id=pending.pk)
        == pending
    )


def test_staff_of_another_department_do_not_reach_the_files(citizen, registered, specialist):
    mine = _staged(citizen)
    services.appeal_documents_add(appeal=registered, actor=citizen, attachment_ids=[mine.pk])
    outsider = make_operator(departments=("services",))
    for user in (specialist, outsider):
        with pytest.raises(NotFound):
            appeal_file_get(user=user, number=registered.number, attachment_id=mine.pk)


def test_the_assignee_is_told_of_added_documents(citizen, operator, in_progress):
    from priemnaya.notifications.models import Notification
    from tests.notifications.conftest import relay

    a = _staged(citizen, "справка.pdf", samples.pdf())
    services.appeal_documents_add(appeal=in_progress, actor=citizen, attachment_ids=[a.pk])
    relay()
    added = Notification.objects.filter(event__type=EventType.DOCUMENTS_ADDED)
    assert added.filter(user=operator).exists()
    assert not added.filter(user=citizen).exists()  # the applicant knows what they did
