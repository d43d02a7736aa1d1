"""GET/POST /api/v1/notifications…: the own feed, marking read, preferences (docs/api.md)."""

from __future__ import annotations

import json

import pytest

from priemnaya.appeals import services
from priemnaya.notifications.models import Notification, Preference
from tests.factories import api, make_citizen, signed_in, submit_appeal
from tests.notification_factories import feed_item

PREFERENCES = {
    "email": True,
    "sms": False,
    "push": True,
    "kinds": ["complaint"],
    "quiet_from": "22:00",
    "quiet_to": "08:30",
    "timezone": "Asia/Vladivostok",
    "digest": True,
}


def test_feed_is_own_newest_first_with_unread_filter(citizen, other_citizen):
    # given
    appeal = submit_appeal(citizen)
    read = feed_item(citizen, read=True)
    unread = feed_item(citizen, appeal, title="Ответ готов")
    feed_item(other_citizen)
    call = api(citizen)
    # when
    page = call("get", "/notifications").json()
    # then
    assert [n["id"] for n in page["items"]] == [unread.pk, read.pk]
    assert page["page"] == 1
    assert page["has_next"] is False
    first = page["items"][0]
    assert first["appeal"] == appeal.number
    assert first["title"] == "Ответ готов"
    assert first["body"] == "Ответ будет дан до 03.12.2026."
    assert first["read"] is False
    assert first["read_at"] is None
    only = call("get", "/notifications?unread=true").json()["items"]
    assert [n["id"] for n in only] == [unread.pk]


def test_feed_pages(citizen):
    appeal = submit_appeal(citizen)
    for _ in range(21):
        # one event per item: the delivery key is (event, channel, address)
        services.appeal_comment(appeal=appeal, actor=citizen, text="Дополнение.")
        feed_item(citizen, appeal)
    call = api(citizen)
    first = call("get", "/notifications").json()
    assert len(first["items"]) == 20
    assert first["has_next"] is True
    assert len(call("get", "/notifications?page=2").json()["items"]) == 1


def test_mark_one_read_and_another_persons_is_404(citizen, other_citizen):
    mine, theirs = feed_item(citizen), feed_item(other_citizen)
    call = api(citizen)
    done = call("post", f"/notifications/{mine.pk}/read")
    assert done.status_code == 200
    assert done.json()["read"] is True
    refused = call("post", f"/notifications/{theirs.pk}/read")
    assert refused.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert call("post", "/notifications/999999/read").status_code == 404
    assert call("post", "/notifications/99999999999999999999/read").status_code == 404


def test_read_all(citizen, other_citizen):
    feed_item(citizen)
    feed_item(citizen)
    theirs = feed_item(other_citizen)
    call = api(citizen)
    assert call("post", "/notifications/read-all").json() == {"marked": 2}
    assert call("post", "/notifications/read-all").json() == {"marked": 0}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_preferences_defaults_then_replace(citizen):
    call = api(citizen)
    defaults = call("get", "/notifications/preferences").json()
    assert defaults["email"] is True
    assert defaults["timezone"] == "Europe/Moscow"
    assert defaults["quiet_from"] == "22:00:00"
    assert not Preference.objects.exists()
    saved = call("put", "/notifications/preferences", PREFERENCES)
    assert saved.status_code == 200, saved.content
    assert saved.json()["timezone"] == "Asia/Vladivostok"
    assert saved.json()["quiet_to"] == "08:30:00"
    assert call("get", "/notifications/preferences").json()["kinds"] == ["complaint"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"kinds": ["nope"]}, "kinds"),
        ({"sms": True}, "sms"),
        ({"quiet_from": "25:00"}, "quiet_from"),
        ({"email": "maybe"}, "email"),
        ({"kinds": "complaint"}, "kinds"),
        ({"timezone": None}, "timezone"),
    ],
)
def test_bad_preferences_are_422_naming_the_field(catalog, change, field):
    person = make_citizen()  # an e-mail, no phone
    response = api(person)("put", "/notifications/preferences", {**PREFERENCES, **change})
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in [e["field"] for e in errors]
    assert all(e["message"] for e in errors)
    assert not Preference.objects.exists()


def test_missing_field_is_422(citizen):
    body = {k: v for k, v in PREFERENCES.items() if k != "timezone"}
    response = api(citizen)("put", "/notifications/preferences", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "timezone"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/notifications"),
        ("post", "/notifications/1/read"),
        ("post", "/notifications/read-all"),
        ("get", "/notifications/preferences"),
        ("put", "/notifications/preferences"),
    ],
)
def test_anonymous_is_401(db, method, path):
    body = PREFERENCES if method != "get" else None
    assert api()(method, path, body).status_code == 401


def test_session_works_and_needs_csrf_to_write(citizen):
    feed_item(citizen)
    browser = signed_in(citizen, enforce_csrf_checks=True)
    assert browser.get("/api/v1/notifications").status_code == 200
    refused = browser.post("/api/v1/notifications/read-all")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["code"] == "csrf_failed"
    put = browser.put(
        "/api/v1/notifications/preferences", json.dumps(PREFERENCES), "application/json"
    )
    assert put.status_code == 403
    assert Notification.objects.get().read_at is None


def test_staff_have_their_feed_too(operator, citizen):
    appeal = submit_appeal(citizen)
    feed_item(operator, appeal, audience="staff")
    items = api(operator)("get", "/notifications").json()["items"]
    assert [i["appeal"] for i in items] == [appeal.number]


def test_openapi_documents_the_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/notifications",
        "/api/v1/notifications/{notification_id}/read",
        "/api/v1/notifications/read-all",
        "/api/v1/notifications/preferences",
    } <= set(paths)
    assert "put" in paths["/api/v1/notifications/preferences"]
