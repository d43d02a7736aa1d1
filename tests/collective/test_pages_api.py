"""Staff pages and API of collective issues: merge, answer, department limits (issue 14)."""

from __future__ import annotations

import pytest

from priemnaya.appeals.models import Event
from priemnaya.appeals.states import EventType, Status
from priemnaya.collective.models import CollectiveIssue, Delivery, Member
from tests.collective.factories_collective import make_issue, sms_appeals
from tests.factories import api, make_citizen, make_head, make_operator, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


def test_console_lists_suggestions_and_merges_a_suggestion(supervisor):
    appeals = sms_appeals(3)
    client = signed_in(supervisor)
    page = client.get("/console/collective/").content.decode()
    assert 'data-testid="cluster"' in page
    assert "общие слова:" in page.lower()
    for appeal in appeals:
        assert f'value="{appeal.number}"' in page
    response = client.post(
        "/console/collective/new/",
        {
            "appeals": [a.number for a in appeals],
            "title": "Не приходят SMS",
            "summary": "У жителей не приходят коды.",
            "is_public": "on",
        },
    )
    issue = CollectiveIssue.objects.get()
    assert response.status_code == 302
    assert response.url == f"/console/collective/{issue.pk}/"
    assert issue.is_public
    assert Member.objects.filter(issue=issue).count() == 3
    detail = client.get(response.url).content.decode()
    assert appeals[0].applicant_name in detail  # staff see the signers
    assert 'data-testid="collective-answer"' in detail


def test_a_refused_merge_names_the_field_on_the_page(supervisor):
    citizen = make_citizen()
    appeals = sms_appeals(1)
    client = signed_in(supervisor)
    response = client.post(
        "/console/collective/new/",
        {"numbers": f"{appeals[0].number}, 12-34", "title": "", "summary": "Описание"},
    )
    assert response.status_code == 400
    form = response.context["create_form"]
    assert "title" in form.errors
    response = client.post(
        "/console/collective/new/",
        {"numbers": appeals[0].number, "title": "Т", "summary": "Описание"},
    )
    assert response.status_code == 400
    assert "не меньше двух" in " ".join(response.context["create_form"].errors["numbers"])
    assert not CollectiveIssue.objects.exists()
    assert citizen  # an unrelated citizen changes nothing


def test_answer_from_the_issue_page(supervisor):
    appeals = sms_appeals(2)
    issue = make_issue(supervisor, appeals)
    client = signed_in(supervisor)
    response = client.post(f"/console/collective/{issue.pk}/answer/", {"text": ""})
    assert response.status_code == 400
    assert "text" in response.context["answer_form"].errors
    response = client.post(f"/console/collective/{issue.pk}/answer/", {"text": "Исправлено."})
    assert response.status_code == 302
    for appeal in appeals:
        appeal.refresh_from_db()
        assert appeal.status == Status.ANSWERED
    page = client.get(f"/console/collective/{issue.pk}/").content.decode()
    assert 'data-testid="collective-deliveries"' in page


def test_staff_of_other_departments_get_404_and_operators_cannot_merge(supervisor, specialist):
    issue = make_issue(supervisor)  # «support»
    assert signed_in(specialist).get(f"/console/collective/{issue.pk}/").status_code == 404
    assert api(specialist)("get", f"/staff/collective/{issue.pk}").status_code == 404
    assert api(specialist)("get", "/staff/collective").json() == []
    operator = make_operator()
    page = signed_in(operator).get(f"/console/collective/{issue.pk}/")
    assert page.status_code == 200
    assert 'data-testid="collective-answer"' not in page.content.decode()
    refused = api(operator)("post", f"/staff/collective/{issue.pk}/answer", {"text": "Ответ."})
    assert refused.status_code == 403
    assert signed_in(make_citizen()).get(f"/console/collective/{issue.pk}/").status_code == 403


def test_staff_api_create_add_answer(supervisor):
    head = make_head("support")
    appeals = sms_appeals(3)
    call = api(head)
    bad = call("post", "/staff/collective", {"title": "Т", "summary": "О", "appeals": ["x"]})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "appeals"
    created = call(
        "post",
        "/staff/collective",
        {"title": "SMS", "summary": "Нет кодов.", "appeals": [a.number for a in appeals[:2]]},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["appeal_count"] == 2
    assert body["signer_count"] == 2
    assert [s["is_representative"] for s in body["signers"]] == [True, False]
    added = call(
        "post", f"/staff/collective/{body['id']}/appeals", {"appeals": [appeals[2].number]}
    )
    assert added.json()["appeal_count"] == 3
    assert Event.objects.filter(type=EventType.COLLECTIVE_JOINED).count() == 3
    listed = call("get", "/staff/collective").json()
    assert [i["id"] for i in listed] == [body["id"]]
    empty = call("post", f"/staff/collective/{body['id']}/answer", {"text": ""})
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "text"
    answered = call("post", f"/staff/collective/{body['id']}/answer", {"text": "Исправлено."})
    assert answered.status_code == 200
    assert answered.json()["state"] == "answered"
    assert {d["channel"] for d in answered.json()["deliveries"]} == {Delivery.Channel.APPEAL}
    again = call("post", f"/staff/collective/{body['id']}/answer", {"text": "Ещё."})
    assert again.status_code == 409


def test_citizen_sees_only_own_signatures(supervisor):
    issue = make_issue(supervisor)
    signer = issue.signers.first()
    assert "/cabinet/collective/" in signed_in(signer.user).get("/cabinet/").content.decode()
    own = signed_in(signer.user).get("/cabinet/collective/").content.decode()
    assert issue.title in own
    other = signed_in(make_citizen()).get("/cabinet/collective/").content.decode()
    assert issue.title not in other


def _queries(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_pages_cost_the_same_whatever_the_number_of_appeals_and_signers(supervisor):
    # given an answered issue of two appeals and one of five, each with a co-signer
    from priemnaya.collective.services import collective_answer, collective_sign

    small, large = make_issue(supervisor, sms_appeals(2)), make_issue(supervisor, sms_appeals(5))
    for issue in (small, large):
        collective_sign(user=make_citizen(), issue_id=issue.pk)
        collective_answer(actor=supervisor, issue=issue, text="Исправлено.")
    client = signed_in(supervisor)
    # then the issue page, the list with suggestions and the public page have no N+1
    assert _queries(client, f"/console/collective/{small.pk}/") == _queries(
        client, f"/console/collective/{large.pk}/"
    )
    assert _queries(client, f"/collective/{small.pk}/") == _queries(
        client, f"/collective/{large.pk}/"
    )
    before = _queries(client, "/console/collective/")
    sms_appeals(4)
    assert _queries(client, "/console/collective/") == before


def test_opening_an_issue_with_its_signers_is_audited(supervisor):
    from priemnaya.audit.models import AuditEntry

    issue = make_issue(supervisor, sms_appeals(2))
    assert signed_in(supervisor).get(f"/console/collective/{issue.pk}/").status_code == 200
    assert api(supervisor)("get", f"/staff/collective/{issue.pk}").status_code == 200
    seen = AuditEntry.objects.filter(action="collective.viewed", target_id=str(issue.pk))
    assert [e.actor_id for e in seen] == [supervisor.pk, supervisor.pk]
    # a refused request records nothing
    assert signed_in(supervisor).get("/console/collective/999999/").status_code == 404
    assert not AuditEntry.objects.filter(action="collective.viewed", target_id="999999").exists()
