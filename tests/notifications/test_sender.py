"""The sender's queue: claims and leases, back-off, parking, and no double sending."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection

from priemnaya.core import clock
from priemnaya.notifications import sender
from priemnaya.notifications.models import DeliveryAttempt, Notification, State
from tests import factories
from tests.notifications.conftest import relay


@pytest.fixture
def pending(citizen, submit):
    """One appeal's confirmation e-mail, planned and due."""
    submit(citizen)
    relay()
    return Notification.objects.get(channel="email")


def later(hours: float = 2):
    """Travel past any back-off (capped at an hour) and lease."""
    return clock.travel_to(clock.now() + timedelta(hours=hours))


def test_a_due_email_is_sent_and_its_attempt_recorded(pending, smtp):
    # when the sender runs
    assert sender.deliver_once(channel="email") == 1
    # then the server got it, the row is sent and the attempt logged with the server's answer
    assert len(smtp.to(pending.address)) == 1
    pending.refresh_from_db()
    assert pending.state == State.SENT
    assert pending.sent_at is not None
    assert pending.leased_until is None
    attempt = DeliveryAttempt.objects.get(notification=pending)
    assert attempt.ok
    assert attempt.provider_answer.startswith("250")
    # and nothing is left to send
    assert sender.deliver_once(channel="email") == 0


def test_the_default_backend_path_sends_too(pending):
    # given the test settings' locmem backend (the demo's dev outbox works the same way)
    sender.deliver_once(channel="email")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [pending.address]
    pending.refresh_from_db()
    assert pending.state == State.SENT


def test_a_refused_connection_is_retried_with_back_off_then_delivered(pending, smtp_down):
    # when the SMTP server refuses connections
    sender.deliver_once(channel="email")
    # then the notification waits for a later attempt with the reason
    pending.refresh_from_db()
    assert pending.state == State.PENDING
    assert pending.attempts == 1
    assert pending.leased_until is None
    assert "Connection" in pending.last_error or "refused" in pending.last_error.lower()
    assert pending.next_attempt_at <= clock.now() + timedelta(seconds=30)
    # when the server comes up and the back-off passed
    smtp_down.start()
    with later():
        sender.deliver_once(channel="email")
    # then it is delivered once, after two attempts
    pending.refresh_from_db()
    assert pending.state == State.SENT
    assert len(smtp_down.inbox.envelopes) == 1
    assert list(
        DeliveryAttempt.objects.filter(notification=pending).values_list("ok", flat=True)
    ) == [False, True]


def test_back_off_grows_exponentially_and_is_capped(settings):
    settings.PRIEMNAYA_NOTIFY_RETRY_BASE = 30
    for attempts, ceiling in [(1, 30), (2, 60), (5, 480), (20, 3600)]:
        delays = [sender.retry_delay(attempts).total_seconds() for _ in range(50)]
        assert all(0 <= d <= ceiling for d in delays)


def test_a_hanging_server_times_out_and_is_retried(pending, smtp_down, smtp_hanging, settings):
    # when the server accepts the connection but never answers
    sender.deliver_once(channel="email")
    pending.refresh_from_db()
    # then the attempt times out and is retried later
    assert pending.state == State.PENDING
    assert "timed out" in pending.last_error.lower() or "timeout" in pending.last_error.lower()
    # and a working server gets it afterwards
    smtp_down.start()
    settings.EMAIL_PORT = smtp_down.port
    with later():
        sender.deliver_once(channel="email")
    pending.refresh_from_db()
    assert pending.state == State.SENT


def test_an_invalid_address_is_parked_at_once_with_the_reason(pending, smtp):
    Notification.objects.filter(pk=pending.pk).update(address="не-адрес@@example")
    sender.deliver_once(channel="email")
    pending.refresh_from_db()
    assert pending.state == State.FAILED
    assert "Некорректный адрес" in pending.last_error
    assert not smtp.envelopes


def test_a_mailbox_the_server_refuses_is_parked(pending, smtp):
    smtp.refuse.add(pending.address)
    sender.deliver_once(channel="email")
    pending.refresh_from_db()
    assert pending.state == State.FAILED
    assert "550" in pending.last_error
    assert "повтор не поможет" in pending.last_error


def test_after_the_last_attempt_it_is_parked_as_failed(pending, smtp_down, settings):
    settings.PRIEMNAYA_NOTIFY_MAX_ATTEMPTS = 3
    for hours in (0, 2, 4):
        with clock.travel_to(clock.now() + timedelta(hours=hours)):
            sender.deliver_once(channel="email")
    pending.refresh_from_db()
    assert pending.state == State.FAILED
    assert pending.attempts == 3
    assert "3 попыток" in pending.last_error
    assert DeliveryAttempt.objects.filter(notification=pending, ok=False).count() == 3
    # and a parked notification is not tried again
    with later(10):
        assert sender.deliver_once(channel="email") == 0


def test_a_claimed_row_is_not_claimed_again_until_its_lease_passes(pending, settings):
    settings.PRIEMNAYA_NOTIFY_LEASE = 120
    # given a sender that claimed the row and died before recording anything
    assert [n.pk for n in sender.claim(channel="email")] == [pending.pk]
    # then no other sender takes it while the lease lasts
    assert sender.claim(channel="email") == []
    with clock.travel_to(clock.now() + timedelta(seconds=60)):
        assert sender.claim(channel="email") == []
    # and after it, another sender takes it over (the attempt counted again)
    with clock.travel_to(clock.now() + timedelta(seconds=121)):
        again = sender.claim(channel="email")
    assert [n.pk for n in again] == [pending.pk]
    assert again[0].attempts == 2


def test_the_feed_is_never_claimed(citizen, submit):
    submit(citizen)
    relay()
    assert Notification.objects.filter(channel="feed", state=State.SENT).exists()
    assert all(n.channel != "feed" for n in sender.claim())


@pytest.mark.django_db(transaction=True)
def test_the_loop_sends_what_is_planned_and_stops(pending, smtp):
    stop = threading.Event()
    loop = threading.Thread(target=sender.run_forever, args=(stop,))
    loop.start()
    try:
        for _ in range(200):
            if smtp.envelopes:
                break
            sender.wake()
            stop.wait(0.05)
    finally:
        stop.set()
        loop.join(10)
    assert not loop.is_alive()
    assert len(smtp.envelopes) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_message_once_on_postgresql(catalog, smtp):
    # given many planned e-mails
    citizens = [factories.make_citizen() for _ in range(6)]
    for person in citizens:
        for _ in range(5):
            factories.submit_appeal(person)
    relay()
    planned = Notification.objects.filter(channel="email").count()
    assert planned >= 30
    # when two senders deliver at the same time, in small batches
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run():
        try:
            start.wait(10)
            while sender.deliver_once(channel="email", limit=4):
                pass
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    # then each message arrived once and each row was attempted once
    assert not errors
    ids = [m["Message-ID"] for m in smtp.messages()]
    assert len(ids) == planned
    assert len(set(ids)) == planned
    assert set(Notification.objects.filter(channel="email").values_list("state", flat=True)) == {
        State.SENT
    }
    assert DeliveryAttempt.objects.count() == planned


@pytest.mark.django_db(transaction=True)
def test_the_loop_survives_a_failing_round(pending, smtp, monkeypatch, settings):
    # given a round that fails (the database went away for a moment), then rounds that work
    settings.PRIEMNAYA_NOTIFY_SENDERS_PER_WORKER = 1
    real = sender.deliver_once
    calls = {"n": 0}

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("база недоступна")
        return real(**kwargs)

    monkeypatch.setattr(sender, "deliver_once", flaky)
    stop = threading.Event()
    loop = threading.Thread(target=sender.run_forever, args=(stop,))
    loop.start()
    try:
        for _ in range(200):
            if smtp.envelopes:
                break
            sender.wake()
            stop.wait(0.05)
    finally:
        stop.set()
        loop.join(10)
    # then the loop carried on and delivered
    assert calls["n"] >= 2
    assert len(smtp.envelopes) == 1
