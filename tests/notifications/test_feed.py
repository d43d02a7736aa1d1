"""Services and selectors of the feed, preferences, push subscriptions and manual retries."""

from __future__ import annotations

import base64
from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from priemnaya.core.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from priemnaya.notifications import feed as services
from priemnaya.notifications import selectors
from priemnaya.notifications.models import (
    DeliveryAttempt,
    Notification,
    Preference,
    PushSubscription,
    State,
)
from tests.factories import make_citizen, submit_appeal
from tests.notification_factories import failed_email, feed_item

P256DH = base64.urlsafe_b64encode(b"\x04" + b"k" * 64).rstrip(b"=").decode()
AUTH = base64.urlsafe_b64encode(b"a" * 16).rstrip(b"=").decode()
PREFERENCES = {
    "email": True,
    "sms": False,
    "push": True,
    "kinds": ["complaint"],
    "quiet_from": time(23, 0),
    "quiet_to": time(7, 30),
    "timezone": "Asia/Yekaterinburg",
    "digest": True,
}


def test_mark_read_touches_only_own_unread_items(citizen, other_citizen):
    # given
    mine = [feed_item(citizen), feed_item(citizen)]
    theirs = feed_item(other_citizen)
    # when: one of mine and theirs by id, then the rest
    assert services.feed_mark_read(citizen, ids=[mine[0].pk, theirs.pk]) == 1
    assert selectors.unread_count(citizen) == 1
    assert services.feed_mark_read(citizen, ids=None) == 1
    # then
    assert selectors.unread_count(citizen) == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert services.feed_mark_read(citizen, ids=None) == 0


def test_feed_is_own_newest_first_and_unread_filter(citizen, other_citizen):
    first = feed_item(citizen, read=True)
    second = feed_item(citizen)
    feed_item(other_citizen)
    assert list(selectors.feed(citizen)) == [second, first]
    assert list(selectors.feed(citizen, unread_only=True)) == [second]


def test_unread_count_is_one_query(citizen):
    feed_item(citizen)
    with CaptureQueriesContext(connection) as queries:
        assert selectors.unread_count(citizen) == 1
    assert len(queries) == 1


def test_notification_of_another_is_not_found(citizen, other_citizen):
    theirs = feed_item(other_citizen)
    with pytest.raises(NotFound):
        selectors.notification_of(citizen, theirs.pk)
    assert selectors.notification_of(other_citizen, theirs.pk) == theirs


def test_preferences_default_without_a_write(citizen):
    preference = services.preferences_get(citizen)
    assert preference.pk is None
    assert (preference.email, preference.sms, preference.push) == (True, False, True)
    assert not Preference.objects.exists()


def test_preferences_update_saves_and_updates(citizen):
    saved = services.preferences_update(citizen, **PREFERENCES)
    again = services.preferences_update(citizen, **{**PREFERENCES, "kinds": []})
    assert saved.pk == again.pk
    stored = Preference.objects.get(user=citizen)
    assert stored.timezone == "Asia/Yekaterinburg"
    assert stored.quiet_to == time(7, 30)
    assert stored.kinds == []


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"kinds": ["complaint", "nope"]}, "kinds", "Неизвестный вид обращения: nope"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Неизвестный часовой пояс"),
        ({"timezone": "../../etc/passwd"}, "timezone", "Неизвестный часовой пояс"),
        ({"timezone": ""}, "timezone", "Выберите часовой пояс"),
        ({"sms": True}, "sms", "укажите телефон"),
    ],
)
def test_preferences_refusals_name_the_field(citizen, change, field, words):
    with pytest.raises(ValidationFailed) as refused:
        services.preferences_update(citizen, **{**PREFERENCES, **change})
    assert words in refused.value.errors[field][0]
    assert not Preference.objects.exists()


def test_email_needs_an_email_and_sms_a_phone(catalog):
    by_phone = make_citizen(email=None, phone="+79160000001")
    with pytest.raises(ValidationFailed) as refused:
        services.preferences_update(by_phone, **PREFERENCES)
    assert list(refused.value.errors) == ["email"]
    saved = services.preferences_update(by_phone, **{**PREFERENCES, "email": False, "sms": True})
    assert saved.sms is True


def test_push_subscription_moves_to_the_new_account(citizen, other_citizen):
    endpoint = "https://push.example.org/send/abc"
    services.push_subscribe(citizen, endpoint=endpoint, p256dh=P256DH, auth=AUTH, user_agent="UA")
    moved = services.push_subscribe(other_citizen, endpoint=endpoint, p256dh=P256DH, auth=AUTH)
    assert PushSubscription.objects.get().user == other_citizen == moved.user
    assert services.push_unsubscribe(citizen, endpoint) == 0
    assert services.push_unsubscribe(other_citizen, endpoint) == 1
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"endpoint": "http://push.example.org/x"}, "endpoint"),
        ({"endpoint": "javascript:alert(1)"}, "endpoint"),
        ({"endpoint": "https://" + "a" * 1000}, "endpoint"),
        ({"p256dh": "not base64 at all!"}, "p256dh"),
        ({"p256dh": AUTH}, "p256dh"),
        ({"auth": P256DH}, "auth"),
    ],
)
def test_push_subscription_refusals_name_the_field(citizen, change, field):
    data = {"endpoint": "https://push.example.org/1", "p256dh": P256DH, "auth": AUTH, **change}
    with pytest.raises(ValidationFailed) as refused:
        services.push_subscribe(citizen, **data)
    assert field in refused.value.errors
    assert not PushSubscription.objects.exists()


def test_local_push_service_only_when_allowed(citizen, settings):
    data = {"endpoint": "http://127.0.0.1:9/push", "p256dh": P256DH, "auth": AUTH}
    assert services.push_subscribe(citizen, **data).pk
    settings.PRIEMNAYA_PUSH_LOCAL = False
    with pytest.raises(ValidationFailed):
        services.push_subscribe(citizen, **{**data, "endpoint": "http://127.0.0.1:9/other"})


def test_retry_puts_a_failed_delivery_back_and_keeps_the_reason(citizen, supervisor, caplog):
    # given: an e-mail parked without an attempt of its own
    parked = failed_email(submit_appeal(citizen), error="550 no such user")
    # when
    with caplog.at_level("INFO", logger="priemnaya.notifications.audit"):
        retried = services.notification_retry(supervisor, parked.pk)
    # then
    assert retried.state == State.PENDING
    assert retried.attempts == 0
    assert retried.last_error == ""
    assert DeliveryAttempt.objects.get(notification=parked).error == "550 no such user"
    assert f"by user {supervisor.pk}" in caplog.text
    assert list(selectors.failed_deliveries(supervisor)) == []
    with pytest.raises(InvalidTransition):
        services.notification_retry(supervisor, parked.pk)


def test_retry_does_not_log_the_reason_twice(citizen, supervisor):
    parked = failed_email(submit_appeal(citizen), error="timeout")
    DeliveryAttempt.objects.create(notification=parked, ok=False, error="timeout")
    services.notification_retry(supervisor, parked.pk)
    assert DeliveryAttempt.objects.filter(notification=parked).count() == 1


def test_only_quality_control_retries_and_sees_failures(citizen, operator, supervisor):
    parked = failed_email(submit_appeal(citizen))
    with pytest.raises(NotPermitted):
        services.notification_retry(operator, parked.pk)
    with pytest.raises(NotFound):
        services.notification_retry(supervisor, parked.pk + 1000)
    assert list(selectors.failed_deliveries(operator)) == []
    assert list(selectors.failed_deliveries(supervisor)) == [parked]
    assert Notification.objects.get(pk=parked.pk).state == State.FAILED


@pytest.mark.parametrize(
    ("channel", "address", "shown"),
    [
        ("email", "ivanov@example.ru", "iv***@example.ru"),
        ("sms", "+79161234567", "+791***4567"),
        ("push", "42", "подписка браузера"),
    ],
)
def test_addresses_are_masked(channel, address, shown):
    assert selectors.address_masked(channel, address) == shown


def test_reasons_mask_the_addresses_they_repeat():
    reason = "550 <ivan.petrov@mail.example.ru> unknown; SMS +79161234567 refused"
    assert selectors.reason_masked(reason) == (
        "550 <iv***@mail.example.ru> unknown; SMS +791***4567 refused"
    )
