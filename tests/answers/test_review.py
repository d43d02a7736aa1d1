"""The head's review of answers before issue (issue 10 item 2; docs/answers.md «Проверка»)."""

from __future__ import annotations

import pytest

from priemnaya.answers.models import AnswerDraft, DraftState
from priemnaya.answers.review import (
    answer_draft_current,
    answer_drafts_pending,
    answer_drafts_pending_count,
    answer_review_approve,
    answer_review_return,
    answer_submit_for_review,
)
from priemnaya.appeals import services
from priemnaya.appeals.models import Event
from priemnaya.appeals.selectors import appeal_timeline
from priemnaya.appeals.states import EventType, Status
from priemnaya.attachments.models import Attachment, Purpose
from priemnaya.audit.models import AuditEntry
from priemnaya.catalog.models import Policy
from priemnaya.core.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from priemnaya.notifications.models import Audience as NotifyAudience
from priemnaya.notifications.models import Notification
from priemnaya.notifications.planner import plan
from tests.factories import api

ANSWER = {"outcome": "resolved", "text": "Доступ восстановлен, войдите снова."}


@pytest.fixture
def reviewed(in_progress):
    """The support appeal in work, its policy asking the head to review answers."""
    Policy.objects.filter(pk=in_progress.policy_id).update(answer_review=True)
    in_progress.refresh_from_db()
    in_progress.policy.refresh_from_db()
    return in_progress


def _file(appeal, draft, uploader, name="справка.pdf") -> Attachment:
    return Attachment.objects.create(
        key=f"k-{name}-{draft.pk}",
        name=name,
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        purpose=Purpose.ANSWER,
        uploaded_by=uploader,
        appeal=appeal,
        answer_draft=draft,
    )


def _events(appeal, *types):
    return list(Event.objects.filter(appeal=appeal, type__in=types).order_by("id"))


def test_the_whole_review_submit_return_resubmit_approve(reviewed, operator, head, citizen):
    appeal = reviewed
    # when the executor sends the answer to review
    draft = answer_submit_for_review(appeal=appeal, actor=operator, **ANSWER)
    _file(appeal, draft, operator)
    # then it waits, the appeal is still in work and nothing is issued
    assert draft.state == DraftState.PENDING
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_PROGRESS
    assert not appeal.answers.exists()
    assert answer_draft_current(appeal=appeal) == draft
    assert list(answer_drafts_pending(user=head)) == [draft]
    assert answer_drafts_pending_count(user=head) == 1
    assert answer_drafts_pending_count(user=operator) == 0
    # when the head returns it with remarks
    answer_review_return(draft=draft, actor=head, comment="Укажите срок восстановления.")
    draft.refresh_from_db()
    assert draft.state == DraftState.RETURNED
    assert draft.review_comment == "Укажите срок восстановления."
    assert draft.reviewer == head
    assert answer_drafts_pending_count(user=head) == 0
    # and the author resubmits the revised answer: the files go with it
    revised = answer_submit_for_review(
        appeal=appeal, actor=operator, outcome="resolved", text="Доступ восстановлен 12.03."
    )
    assert Attachment.objects.get().answer_draft == revised
    # when the head approves it
    answer = answer_review_approve(draft=revised, actor=head)
    # then the answer is issued with the author as its executor, and the files are its own
    appeal.refresh_from_db()
    assert appeal.status == Status.ANSWERED
    assert answer.text == "Доступ восстановлен 12.03."
    assert answer.executor == operator
    assert answer.executor_name == operator.full_name
    assert Attachment.objects.get().answer == answer
    revised.refresh_from_db()
    assert revised.state == DraftState.APPROVED
    assert revised.answer == answer
    assert revised.reviewer == head
    # and the journal's review steps are internal, the answer itself public
    steps = _events(appeal, EventType.ANSWER_SUBMITTED, EventType.ANSWER_RETURNED)
    assert [e.type for e in steps] == ["answer_submitted", "answer_returned", "answer_submitted"]
    assert not any(e.is_public for e in steps)
    assert steps[1].text == "Укажите срок восстановления."
    assert steps[2].data["resubmitted"] is True
    answered = _events(appeal, EventType.ANSWERED)
    assert len(answered) == 1
    assert answered[0].is_public
    # the applicant reads none of the review; staff read the head's remarks
    applicant_types = {e.type for e in appeal_timeline(appeal=appeal, user=citizen)}
    assert not applicant_types & {"answer_submitted", "answer_returned"}
    staff = {e.type: e for e in appeal_timeline(appeal=appeal, user=operator)}
    assert staff["answer_returned"].text == "Укажите срок восстановления."
    assert staff["answer_returned"].internal
    # the approval is audited
    assert AuditEntry.objects.filter(action="answer.review_approved").count() == 1
    assert AuditEntry.objects.filter(action="answer.review_returned").count() == 1


def test_applicants_are_told_only_of_the_issued_answer(reviewed, operator, head, citizen):
    appeal = reviewed
    draft = answer_submit_for_review(appeal=appeal, actor=operator, **ANSWER)
    answer_review_return(draft=draft, actor=head, comment="Доработайте.")
    draft = answer_submit_for_review(appeal=appeal, actor=operator, **ANSWER)
    answer_review_approve(draft=draft, actor=head)
    told = set()
    for event in Event.objects.filter(appeal=appeal).order_by("id"):
        for row in plan(event):
            told.add((event.type, row.audience, row.user_id))
    to_applicant = {t for t, audience, _ in told if audience == NotifyAudience.APPLICANT}
    assert "answered" in to_applicant
    assert not to_applicant & {"answer_submitted", "answer_returned"}
    # staff: the head hears of the submission, the author of the return
    assert ("answer_submitted", NotifyAudience.STAFF, head.pk) in told
    assert ("answer_returned", NotifyAudience.STAFF, operator.pk) in told
    assert not Notification.objects.filter(user=citizen, event__type="answer_submitted").exists()


def test_an_executor_may_not_skip_the_review(reviewed, operator):
    with pytest.raises(NotPermitted) as refused:
        services.appeal_answer(appeal=reviewed, actor=operator, **ANSWER)
    assert "проверку руководителю" in refused.value.message
    reviewed.refresh_from_db()
    assert reviewed.status == Status.IN_PROGRESS


def test_the_head_may_answer_directly(reviewed, head):
    appeal = services.appeal_answer(appeal=reviewed, actor=head, **ANSWER)
    assert appeal.status == Status.ANSWERED
    assert appeal.answers.get().executor == head


def test_without_the_policy_there_is_no_review(in_progress, operator):
    with pytest.raises(InvalidTransition):
        answer_submit_for_review(appeal=in_progress, actor=operator, **ANSWER)
    assert services.appeal_answer(appeal=in_progress, actor=operator, **ANSWER).answers.exists()


def test_a_draft_is_checked_as_an_answer_would_be(reviewed, operator):
    with pytest.raises(ValidationFailed) as refused:
        answer_submit_for_review(
            appeal=reviewed, actor=operator, outcome="no_answer", text="", legal_ground=""
        )
    assert set(refused.value.errors) == {"legal_ground", "text"}
    assert not AnswerDraft.objects.exists()


def test_one_draft_waits_at_a_time(reviewed, operator):
    answer_submit_for_review(appeal=reviewed, actor=operator, **ANSWER)
    with pytest.raises(InvalidTransition) as refused:
        answer_submit_for_review(appeal=reviewed, actor=operator, **ANSWER)
    assert refused.value.field == "draft"
    assert AnswerDraft.objects.count() == 1


def test_only_a_head_reviews(reviewed, operator, colleague, specialist, supervisor):
    draft = answer_submit_for_review(appeal=reviewed, actor=operator, **ANSWER)
    # a colleague of the same department is not the head: 403
    with pytest.raises(NotPermitted):
        answer_review_approve(draft=draft, actor=colleague)
    with pytest.raises(NotPermitted):
        answer_review_return(draft=draft, actor=operator, comment="Сам себе.")
    # staff of another department do not reach the appeal at all: 404
    with pytest.raises(NotFound):
        answer_review_approve(draft=draft, actor=specialist)
    draft.refresh_from_db()
    assert draft.state == DraftState.PENDING
    # quality control reviews everywhere
    answer = answer_review_approve(draft=draft, actor=supervisor)
    assert answer.executor == operator


def test_returning_needs_remarks_and_a_decided_draft_stays_decided(reviewed, operator, head):
    draft = answer_submit_for_review(appeal=reviewed, actor=operator, **ANSWER)
    with pytest.raises(ValidationFailed) as refused:
        answer_review_return(draft=draft, actor=head, comment="  ")
    assert "comment" in refused.value.errors
    answer_review_return(draft=draft, actor=head, comment="Доработайте.")
    with pytest.raises(InvalidTransition):
        answer_review_approve(draft=draft, actor=head)


# ---- the API ------------------------------------------------------------------------------------


def test_api_answer_goes_to_review_with_202(reviewed, operator, head):
    number = reviewed.number
    # when the executor answers through the API
    response = api(operator)("post", f"/staff/appeals/{number}/answer", ANSWER)
    # then the draft comes back, not an issued answer
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["state"] == "pending"
    assert body["text"] == ANSWER["text"]
    assert body["author_name"] == operator.full_name
    # and GET …/answer/draft shows it and who reviews
    state = api(operator)("get", f"/staff/appeals/{number}/answer/draft").json()
    assert state["review_required"] is True
    assert state["you_review"] is False
    assert state["draft"]["id"] == body["id"]
    assert api(head)("get", f"/staff/appeals/{number}/answer/draft").json()["you_review"]
    # the head's queue lists it, the executor's is empty
    queue = api(head)("get", "/staff/answer-drafts").json()
    assert [d["id"] for d in queue] == [body["id"]]
    assert api(operator)("get", "/staff/answer-drafts").json() == []
    # an executor may not decide: 403
    refused = api(operator)(
        "post", f"/staff/appeals/{number}/answer/review", {"decision": "approve"}
    )
    assert refused.status_code == 403
    # returning without remarks names the field
    empty = api(head)("post", f"/staff/appeals/{number}/answer/review", {"decision": "return"})
    assert empty.status_code == 422
    assert [e["field"] for e in empty.json()["errors"]] == ["comment"]
    bad = api(head)("post", f"/staff/appeals/{number}/answer/review", {"decision": "maybe"})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["decision"]
    # the head returns it
    returned = api(head)(
        "post",
        f"/staff/appeals/{number}/answer/review",
        {"decision": "return", "comment": "Добавьте ссылку на инструкцию."},
    )
    assert returned.status_code == 200, returned.content
    assert returned.json()["draft"]["state"] == "returned"
    assert returned.json()["draft"]["review_comment"] == "Добавьте ссылку на инструкцию."
    assert returned.json()["appeal"]["status"] == "in_progress"
    # the author resubmits and the head approves
    again = api(operator)("post", f"/staff/appeals/{number}/answer", ANSWER)
    assert again.status_code == 202
    approved = api(head)("post", f"/staff/appeals/{number}/answer/review", {"decision": "approve"})
    assert approved.status_code == 200, approved.content
    issued = approved.json()["appeal"]
    assert issued["status"] == "answered"
    assert issued["answer"]["executor_name"] == operator.full_name
    # nothing is left to review
    nothing = api(head)("post", f"/staff/appeals/{number}/answer/review", {"decision": "approve"})
    assert nothing.status_code == 409


def test_api_head_answers_directly_with_200(reviewed, head):
    response = api(head)("post", f"/staff/appeals/{reviewed.number}/answer", ANSWER)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "answered"


def test_api_review_of_another_departments_appeal_is_404(reviewed, operator, specialist):
    api(operator)("post", f"/staff/appeals/{reviewed.number}/answer", ANSWER)
    for method, path, body in [
        ("get", "answer/draft", None),
        ("post", "answer/review", {"decision": "approve"}),
    ]:
        response = api(specialist)(method, f"/staff/appeals/{reviewed.number}/{path}", body)
        assert response.status_code == 404


def test_staff_timeline_in_the_api_shows_the_review(reviewed, operator, head, citizen):
    api(operator)("post", f"/staff/appeals/{reviewed.number}/answer", ANSWER)
    items = api(head)("get", f"/appeals/{reviewed.number}/events").json()
    submitted = [e for e in items if e["type"] == "answer_submitted"]
    assert len(submitted) == 1
    assert submitted[0]["data"]["outcome"] == "resolved"
    assert submitted[0]["internal"] is True
    mine = api(citizen)("get", f"/appeals/{reviewed.number}/events").json()
    assert mine
    assert not [e for e in mine if e["type"].startswith("answer_")]


def test_the_policy_admin_form_sets_the_review(catalog):
    from priemnaya.accounts.roles import Role
    from tests.factories import make_user, signed_in

    client = signed_in(make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    policy = Policy.objects.get(code="message")
    page = client.get(f"/admin/catalog/policy/{policy.pk}/change/").content.decode()
    assert 'name="answer_review"' in page
    assert "ответ проверяет руководитель" in page.lower()
    listing = client.get("/admin/catalog/policy/?answer_review__exact=1").content.decode()
    assert policy.name not in listing


def test_webhooks_mark_the_review_internal(reviewed, operator, head):
    from priemnaya.webhooks.payload import payload_for

    draft = answer_submit_for_review(appeal=reviewed, actor=operator, **ANSWER)
    answer_review_return(draft=draft, actor=head, comment="Доработайте.")
    for event in _events(reviewed, EventType.ANSWER_SUBMITTED, EventType.ANSWER_RETURNED):
        body = payload_for(event)
        assert body["internal"] is True
        assert body["appeal"]["status"] == "in_progress"
    submitted = payload_for(_events(reviewed, EventType.ANSWER_SUBMITTED)[0])
    assert submitted["data"]["outcome"] == "resolved"
    assert submitted["data"]["draft_id"] == draft.pk


def test_files_staged_for_a_draft_wait_unseen_and_go_with_the_issued_answer(
    reviewed, operator, head, citizen
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from priemnaya.attachments.selectors import appeal_attachments
    from priemnaya.attachments.services import attachments_stage
    from tests.attachments.samples import pdf

    staged = attachments_stage(
        uploads=[SimpleUploadedFile("Инструкция.pdf", pdf("Инструкция по входу"))],
        uploaded_by=operator,
        purpose=Purpose.ANSWER,
    )
    draft = answer_submit_for_review(
        appeal=reviewed, actor=operator, attachment_ids=[a.pk for a in staged], **ANSWER
    )
    waiting = Attachment.objects.get(pk=staged[0].pk)
    assert (waiting.answer_draft_id, waiting.appeal_id, waiting.answer_id) == (
        draft.pk,
        reviewed.pk,
        None,
    )
    # the applicant sees nothing of a draft, its files included
    assert staged[0].pk not in {a.pk for a in appeal_attachments(reviewed.pk)}
    answer = answer_review_approve(draft=draft, actor=head)
    assert [a.name for a in answer.attachments.all()] == ["Инструкция.pdf"]
    assert answer.executor == operator
    assert staged[0].pk in {a.pk for a in appeal_attachments(reviewed.pk)}


def test_someone_elses_staged_file_cannot_ride_on_a_draft(reviewed, operator, head):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from priemnaya.attachments.services import attachments_stage
    from tests.attachments.samples import pdf

    theirs = attachments_stage(
        uploads=[SimpleUploadedFile("чужой.pdf", pdf())], uploaded_by=head, purpose=Purpose.ANSWER
    )
    with pytest.raises(ValidationFailed) as refused:
        answer_submit_for_review(
            appeal=reviewed, actor=operator, attachment_ids=[theirs[0].pk], **ANSWER
        )
    assert "attachments" in refused.value.errors
    assert not AnswerDraft.objects.filter(appeal=reviewed).exists()
