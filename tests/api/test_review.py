"""The quality loop through the API: a low rating asks for review; heads confirm it."""

from __future__ import annotations

from tests.factories import api


def test_rate_low_then_confirm(citizen, operator, head, answered):
    mine = api(citizen)
    # a low rating without a reason is 422 on `comment`
    response = mine("post", f"/appeals/{answered.number}/rate", {"rating": 1})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "comment"
    # with the reason it asks for review
    response = mine("post", f"/appeals/{answered.number}/rate", {"rating": 1, "comment": "Нет."})
    assert response.status_code == 200, response.content
    assert response.json()["review_requested_at"] is not None
    # the head's queue lists it; an operator may not confirm
    queue = api(head)("get", "/staff/appeals?review=true").json()["items"]
    assert [a["number"] for a in queue] == [answered.display_number]
    assert api(operator)("post", f"/staff/appeals/{answered.number}/confirm", {}).status_code == 403
    response = api(head)("post", f"/staff/appeals/{answered.number}/confirm", {"comment": "Верно."})
    assert response.status_code == 200
    assert response.json()["review_requested_at"] is None
    # a second confirmation has nothing to confirm
    again = api(head)("post", f"/staff/appeals/{answered.number}/confirm", {})
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "review"
