"""Repeat and contest through the API: `repeat_of` / `contest_of` on create, links on detail."""

from __future__ import annotations

import pytest

from priemnaya.appeals.models import Appeal
from tests.factories import APPEAL_BODY, api


def test_contest_is_created_and_linked_both_ways(citizen, answered):
    call = api(citizen)
    # given the detail offers both follow-ups
    assert call("get", f"/appeals/{answered.number}").json()["follow_ups"] == ["repeat", "contest"]
    # when
    response = call("post", "/appeals", {**APPEAL_BODY, "contest_of": answered.display_number})
    # then
    body = response.json()
    assert response.status_code == 201, body
    assert body["kind"] == "contest"
    assert body["department"] == "quality"
    assert body["links"] == [
        {
            "relation": "contest_of",
            "label": "Обжалует ответ по обращению",
            "number": answered.display_number,
            "subject": answered.subject,
            "status": "answered",
        }
    ]
    old = call("get", f"/appeals/{answered.number}").json()
    assert [(x["relation"], x["number"]) for x in old["links"]] == [
        ("contested_by", body["number"])
    ]
    assert old["follow_ups"] == ["repeat"]


def test_repeat_keeps_the_kind_it_is_given(citizen, answered):
    response = api(citizen)("post", "/appeals", {**APPEAL_BODY, "repeat_of": answered.number})
    assert response.status_code == 201
    assert response.json()["kind"] == "support"
    assert Appeal.objects.get(repeat_of=answered)


@pytest.mark.parametrize(
    ("extra", "field", "status"),
    [
        ({"repeat_of": "26-0000000-1"}, "repeat_of", 422),  # malformed check digit
        ({"contest_of": "99-9999999-0"}, "contest_of", 422),  # well formed, no such appeal
        ({"repeat_of": "x", "contest_of": "y"}, "contest_of", 422),
    ],
)
def test_bad_links_are_4xx_naming_the_field(citizen, answered, extra, field, status):
    response = api(citizen)("post", "/appeals", {**APPEAL_BODY, **extra})
    assert response.status_code == status, response.content
    assert response.json()["errors"][0]["field"] == field
    assert Appeal.objects.count() == 1


def test_another_citizens_appeal_cannot_be_followed_up(other_citizen, answered):
    response = api(other_citizen)(
        "post", "/appeals", {**APPEAL_BODY, "contest_of": answered.number}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "contest_of"
    assert Appeal.objects.count() == 1


def test_contest_of_an_appeal_in_work_is_409(citizen, submit):
    source = submit(citizen)
    response = api(citizen)("post", "/appeals", {**APPEAL_BODY, "contest_of": source.number})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "contest_of"
