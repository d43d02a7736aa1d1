"""Staff texts are marked visible or internal (issue 7 item 7); internal ones stay with staff."""

from __future__ import annotations

import re

from priemnaya.appeals import services
from tests.factories import api, make_head, signed_in

NOTE = "Внутренняя пометка: проверить логи сервера авторизации."
QUESTION = "Уточните, пожалуйста, в каком браузере ошибка."


def _marks(page: str) -> dict[str, list[str]]:
    """Return the audience marks by field name, in page order."""
    found: dict[str, list[str]] = {}
    for name, mark in re.findall(r'data-testid="audience-([a-z_]+)">([^<]+)<', page):
        found.setdefault(name, []).append(mark)
    return found


def test_each_staff_text_field_says_who_will_read_it(in_progress, head):
    page = signed_in(head).get(f"/console/appeals/{in_progress.number}/").content.decode()
    marks = _marks(page)
    # the note is the only internal text; the decision to stop correspondence stays with staff
    assert marks["text"].count("Только для сотрудников") == 1
    assert marks["decision"] == ["Только для сотрудников"]
    # question, answer, comment, forward, and every reason are read by the applicant
    assert marks["question"] == ["Увидит заявитель"]
    assert marks["forward_to"] == ["Увидит заявитель"]
    assert marks["text"].count("Увидит заявитель") == 2  # answer and comment
    assert marks["reason"] == ["Увидит заявитель"] * 3  # redirect, extend, escalate
    # every textarea of the action forms carries a mark
    textareas = re.findall(r'<textarea name="([a-z-]+)-([a-z_]+)"', page)
    assert textareas
    for _action, name in textareas:
        assert name in marks, name


def test_the_console_timeline_marks_each_entry_and_the_cabinet_hides_internal_ones(
    in_progress, operator, citizen
):
    services.appeal_note(appeal=in_progress, actor=operator, text=NOTE)
    services.appeal_request_info(appeal=in_progress, actor=operator, question=QUESTION)
    console = signed_in(operator).get(f"/console/appeals/{in_progress.number}/").content.decode()
    timeline = console[console.index('id="history-h"') :]
    assert "внутреннее" in timeline
    assert "видно заявителю" in timeline
    marks = re.findall(r'data-testid="audience-mark">([^<]+)<', timeline)
    items = timeline.count('class="timeline__item')
    assert len(marks) == items  # every entry is marked
    assert marks.count("внутреннее") == 1  # the note
    # the applicant's page and API carry the question but never the note
    cabinet = signed_in(citizen).get(f"/cabinet/appeals/{in_progress.number}/").content.decode()
    assert QUESTION in cabinet
    assert NOTE not in cabinet
    assert "Только для сотрудников" not in cabinet
    assert "видно заявителю" not in cabinet
    client = api(citizen)
    body = client("get", f"/appeals/{in_progress.number}").content.decode()
    body += client("get", f"/appeals/{in_progress.number}/events").content.decode()
    assert QUESTION in body
    assert NOTE not in body


def test_the_decision_to_stop_correspondence_never_reaches_the_applicant(citizen, operator, submit):
    for _ in range(2):
        appeal = services.appeal_take(appeal=submit(citizen), actor=operator)
        services.appeal_answer(appeal=appeal, actor=operator, outcome="resolved", text="Ответ.")
    appeal = services.appeal_take(appeal=submit(citizen), actor=operator)
    head = signed_in(make_head("support"))
    response = head.post(
        f"/console/appeals/{appeal.number}/answer/",
        {
            "answer-outcome": "no_answer",
            "answer-legal_ground": "repeated",
            "answer-no_new_arguments": "on",
            "answer-decision": "Служебная записка № 7: прекратить переписку.",
            "answer-text": "Переписка прекращена.",
        },
    )
    assert response.status_code == 302, response.content.decode()
    cabinet = signed_in(citizen).get(f"/cabinet/appeals/{appeal.number}/").content.decode()
    assert "Переписка с вами по этому вопросу прекращена" in cabinet
    assert "Служебная записка № 7" not in cabinet
    client = api(citizen)
    body = client("get", f"/appeals/{appeal.number}").content.decode()
    body += client("get", f"/appeals/{appeal.number}/events").content.decode()
    assert "Переписка с вами по этому вопросу прекращена" in body
    assert "Служебная записка № 7" not in body
