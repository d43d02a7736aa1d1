"""The head's review through the console pages, and the answer's structure in the cabinet."""

from __future__ import annotations

import pytest

from priemnaya.answers.models import AnswerDraft, DraftState
from priemnaya.appeals import services
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.presenters import format_date
from priemnaya.appeals.states import Status
from priemnaya.catalog.models import Policy
from tests.factories import api, signed_in


@pytest.fixture
def reviewed(in_progress):
    Policy.objects.filter(pk=in_progress.policy_id).update(answer_review=True)
    in_progress.refresh_from_db()
    return in_progress


def _answer_form(text: str) -> dict[str, str]:
    return {
        "answer-outcome": "resolved",
        "answer-text": text,
        "answer-contacts_readable": "on",
    }


def test_review_through_the_console(reviewed, operator, head, citizen):
    url = f"/console/appeals/{reviewed.number}/"
    executor = signed_in(operator)
    # the executor's answer form says where the answer goes
    page = executor.get(url).content.decode()
    assert "Направить на проверку руководителю" in page
    # when they send it
    response = executor.post(url + "answer/", _answer_form("Доступ восстановлен."))
    assert response.status_code == 302
    page = executor.get(url).content.decode()
    assert "Ответ направлен на проверку руководителю." in page
    # then the draft shows read-only with its state, and no second answer form is offered
    assert 'data-testid="answer-draft" data-state="pending"' in page
    assert "Доступ восстановлен." in page
    assert "Направить на проверку руководителю</summary>" not in page
    assert 'data-testid="review-approve"' not in page
    # the head sees the queue with its count, and the decision buttons on the page
    boss = signed_in(head)
    queue = boss.get("/console/answers/review/").content.decode()
    assert reviewed.display_number in queue
    assert 'data-testid="nav-answer-reviews"' in queue
    assert 'Ответы на проверке <span class="badge">1</span>' in queue
    assert 'data-testid="nav-answer-reviews"' not in executor.get("/console/").content.decode()
    page = boss.get(url).content.decode()
    assert "Утвердить и выдать" in page
    assert "Вернуть на доработку" in page
    # returning without remarks is refused, naming what is missing
    refused = boss.post(url + "review-return/", {"review-return-comment": ""})
    assert refused.status_code == 400
    assert 'id="id_review-return-comment_error"' in refused.content.decode()
    assert AnswerDraft.objects.get().state == DraftState.PENDING
    # an executor posting the head's decision is refused
    denied = executor.post(url + "review-approve/", {"review-approve-comment": ""})
    assert denied.status_code == 400
    assert "руководитель" in denied.content.decode()
    # when the head returns it with remarks
    response = boss.post(url + "review-return/", {"review-return-comment": "Добавьте срок."})
    assert response.status_code == 302
    # then the author reads the remarks and the form comes pre-filled with the draft
    page = executor.get(url).content.decode()
    assert 'data-testid="draft-remarks"' in page
    assert "Добавьте срок." in page
    assert 'id="id_answer-text">\nДоступ восстановлен.</textarea>' in page
    # the applicant reads nothing of it
    mine = signed_in(citizen).get(f"/cabinet/appeals/{reviewed.number}/").content.decode()
    assert "Добавьте срок." not in mine
    assert "проверк" not in mine.split("<footer")[0].lower()
    # when the author resubmits and the head approves
    executor.post(url + "answer/", _answer_form("Доступ восстановлен 12.03."))
    response = boss.post(url + "review-approve/", {"review-approve-comment": ""})
    assert response.status_code == 302
    assert Appeal.objects.get().status == Status.ANSWERED
    # then the applicant reads the answer, with the author as executor
    mine = signed_in(citizen).get(f"/cabinet/appeals/{reviewed.number}/").content.decode()
    assert "Доступ восстановлен 12.03." in mine
    assert operator.full_name in mine


def test_without_review_the_form_answers_directly(in_progress, operator):
    page = signed_in(operator).get(f"/console/appeals/{in_progress.number}/").content.decode()
    assert "Направить на проверку руководителю" not in page
    response = signed_in(operator).post(
        f"/console/appeals/{in_progress.number}/answer/", _answer_form("Готово.")
    )
    assert response.status_code == 302
    assert Appeal.objects.get().status == Status.ANSWERED


def test_cabinet_shows_the_answer_structure_and_the_superseded_one(
    in_progress, operator, head, citizen
):
    operator.position = "Ведущий специалист"
    operator.work_phone = "+74951234567"
    operator.save(update_fields=["position", "work_phone"])
    first = services.appeal_answer(
        appeal=in_progress, actor=operator, outcome="rejected", text="Оснований нет."
    )
    # when the head reopens the appeal and a new answer is issued
    reopened = services.appeal_reopen(appeal=first, actor=head, reason="Ответ неполный.")
    second = services.appeal_answer(
        appeal=reopened, actor=operator, outcome="resolved", text="Пересмотрено: выполнено."
    )
    old, new = second.answers.order_by("issued_at", "id")
    assert old.superseded_at is not None
    # then the cabinet shows both, the earlier one marked as replaced
    page = signed_in(citizen).get(f"/cabinet/appeals/{second.number}/").content.decode()
    assert page.count('data-testid="answer"') == 2
    assert f"Заменён новым ответом от {format_date(old.superseded_at)}" in page
    assert page.index("Пересмотрено: выполнено.") < page.index("Оснований нет.")
    # with the structure of SPEC §10: code, executor with position and phone, date, channel
    assert '<dd data-testid="answer-code">1</dd>' in page
    assert '<dd data-testid="answer-code">2</dd>' in page
    assert "Ведущий специалист, тел. +74951234567" in page
    assert "Ответ направлен в личный кабинет / на e-mail." in page
    # and the API gives the same, superseded included
    body = api(citizen)("get", f"/appeals/{second.number}").json()
    assert body["answer"]["id"] == new.pk
    assert body["answer"]["superseded_at"] is None
    assert [a["id"] for a in body["answers"]] == [new.pk, old.pk]
    earlier = body["answers"][1]
    assert earlier["superseded_at"] is not None
    assert earlier["result_code"] == 2
    assert earlier["executor_position"] == "Ведущий специалист"
    assert earlier["executor_phone"] == "+74951234567"
    assert earlier["reply_channel"] == "electronic"
