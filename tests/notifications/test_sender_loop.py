"""The sender loops under a stream of planned notifications: one loop woken per signal, a claim
that was not full waits, a full one brings in a helper; a crashed claim is delivered once."""

from __future__ import annotations

import threading
from datetime import timedelta

from priemnaya.core import clock
from priemnaya.notifications import sender
from priemnaya.notifications.models import DeliveryAttempt, Notification, State
from tests import factories
from tests.notifications.conftest import relay


def test_a_signal_wakes_one_waiting_loop_and_is_kept_until_taken():
    signal = sender._Signal()
    # a signal set while nobody waits is kept for the next one that does, once
    signal.set()
    assert signal.wait(0) is True
    assert signal.wait(0) is False
    # with two loops waiting, one signal wakes one of them; the other sleeps on
    results: list[bool] = []
    loops = [threading.Thread(target=lambda: results.append(signal.wait(30))) for _ in range(2)]
    for loop in loops:
        loop.start()
    signal.set()
    for _ in range(600):
        if results:
            break
        threading.Event().wait(0.05)
    assert results == [True]
    signal.wake_all()  # as run_forever does at a stop: the other wakes without a signal
    for loop in loops:
        loop.join(10)
    assert sorted(results) == [False, True]


def test_a_loop_claims_again_at_once_only_after_a_full_claim(monkeypatch):
    stop = threading.Event()
    sizes = [sender.LOOP_BATCH, sender.LOOP_BATCH, 5]
    calls: list[dict] = []
    waits: list[float] = []

    def deliver_once(**kwargs):
        calls.append(kwargs)
        return sizes.pop(0)

    def wait(timeout: float) -> bool:
        waits.append(timeout)
        stop.set()
        return False

    monkeypatch.setattr(sender, "deliver_once", deliver_once)
    monkeypatch.setattr(sender._wakeup, "wait", wait)
    monkeypatch.setattr(sender, "close_old_connections", lambda: None)
    sender._loop(stop, poll=0.5)
    # two full claims in a row, then one that was not: the loop waits for the poll
    assert len(calls) == 3
    assert all(call["on_full"] is sender.wake for call in calls)
    assert waits == [0.5]


def test_a_full_claim_calls_for_a_helper_before_sending(citizen, submit, monkeypatch):
    for _ in range(2):
        submit(citizen)
    relay()
    sent: list[int] = []
    monkeypatch.setattr(sender, "deliver", lambda rows: sent.extend(r.pk for r in rows))
    helped: list[bool] = []
    # a claim of fewer rows than its limit took everything: no helper
    assert sender.deliver_once(channel="email", limit=3, on_full=lambda: helped.append(True)) == 2
    assert helped == []
    Notification.objects.update(leased_until=None)
    # a full one may leave more behind: a helper is called
    assert sender.deliver_once(channel="email", limit=2, on_full=lambda: helped.append(True)) == 2
    assert helped == [True]
    assert len(sent) == 4


def test_a_sender_that_died_after_its_claim_is_replaced_and_each_mail_goes_once(
    catalog, smtp, settings
):
    settings.PRIEMNAYA_NOTIFY_LEASE = 120
    # given a batch of e-mails claimed by a sender that died before sending
    for _ in range(3):
        factories.submit_appeal(factories.make_citizen())
    relay()
    claimed = sender.claim(channel="email", limit=sender.LOOP_BATCH)
    assert len(claimed) == 3
    # then nothing goes while its lease lasts
    assert sender.drain() == 0
    # and after it, the restarted sender delivers each e-mail once
    with clock.travel_to(clock.now() + timedelta(seconds=121)):
        assert sender.drain() == 3
        assert sender.drain() == 0
    ids = [m["Message-ID"] for m in smtp.messages()]
    assert len(ids) == 3
    assert len(set(ids)) == 3
    assert set(Notification.objects.filter(channel="email").values_list("state", flat=True)) == {
        State.SENT
    }
    assert DeliveryAttempt.objects.count() == 3
