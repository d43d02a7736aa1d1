"""Staff calls: the field names of their errors and the exact status of each creating call."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.factories import api


def test_extend_errors_name_due_date(head, in_progress):
    appeal = in_progress
    earlier = timezone.localdate(appeal.due_at) - timedelta(days=1)
    response = api(head)(
        "post",
        f"/staff/appeals/{appeal.number}/extend",
        {"due_date": earlier.isoformat(), "reason": "Нужна проверка."},
    )
    assert response.status_code == 422
    body = response.json()
    assert [e["field"] for e in body["errors"]] == ["due_date"]
    assert body["detail"] == "Новый срок должен быть позже текущего."


def test_extend_still_succeeds(head, in_progress):
    appeal = in_progress
    later = timezone.localdate(appeal.due_at) + timedelta(days=5)
    response = api(head)(
        "post",
        f"/staff/appeals/{appeal.number}/extend",
        {"due_date": later.isoformat(), "reason": "Нужна проверка."},
    )
    assert response.status_code == 200, response.content
    assert response.json()["extended"] is True


def test_only_an_approver_may_extend(operator, in_progress):
    # given the support policy has the head approve extensions; the operator is not the head
    later = timezone.localdate(in_progress.due_at) + timedelta(days=5)
    # when
    response = api(operator)(
        "post",
        f"/staff/appeals/{in_progress.number}/extend",
        {"due_date": later.isoformat(), "reason": "Нужна проверка."},
    )
    # then
    assert response.status_code == 403
    assert "руководитель" in response.json()["detail"]
    # and the operator is not offered the action
    actions = api(operator)("get", f"/staff/appeals/{in_progress.number}").json()["actions"]
    assert "extend" not in actions


def test_staff_comment_is_201(operator, in_progress):
    appeal = in_progress
    response = api(operator)(
        "post", f"/staff/appeals/{appeal.number}/comment", {"text": "Проверяем."}
    )
    assert response.status_code == 201, response.content
    assert response.json()["number"] == appeal.display_number


def test_applicant_comment_is_201(citizen, submit):
    appeal = submit(citizen)
    response = api(citizen)("post", f"/appeals/{appeal.number}/comment", {"text": "Дополняю."})
    assert response.status_code == 201, response.content
    assert response.json()["number"] == appeal.display_number


def test_schema_documents_201_for_both_comments(catalog, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/appeals/{number}/comment", "/api/v1/staff/appeals/{number}/comment"):
        responses = paths[path]["post"]["responses"]
        assert "201" in responses
        assert "200" not in responses


def test_staff_change_the_regime_and_the_applicant_sees_the_new_term(
    supervisor, citizen, registered
):
    # when quality control considers the support message a 59-FZ appeal
    response = api(supervisor)(
        "post",
        f"/staff/appeals/{registered.number}/regime",
        {"regime": "fz59", "reason": "Заявитель просит рассмотреть по 59-ФЗ."},
    )
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["regime"] == "fz59"
    due = timezone.localdate(registered.registered_at) + timedelta(days=30)
    assert body["due_date"] <= due.isoformat()
    events = api(citizen)("get", f"/appeals/{registered.number}/events").json()
    changed = next(e for e in events if e["type"] == "regime_changed")
    assert changed["data"]["regime"] == "fz59"
    assert changed["data"]["due_date"] == body["due_date"]
    assert changed["data"].get("policy") is None  # the policy code is for staff
    # and a bad regime names its field
    bad = api(supervisor)(
        "post", f"/staff/appeals/{registered.number}/regime", {"regime": "x", "reason": "?"}
    )
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["regime"]
