"""Idempotency keys are leased: a crash mid-request does not lock the key forever; old keys go."""

from __future__ import annotations

from datetime import timedelta

from priemnaya.api.idempotency import LEASE, _fingerprint, idempotency_purge
from priemnaya.api.models import IdempotencyRecord
from priemnaya.api.schemas import AppealIn
from priemnaya.appeals import services
from priemnaya.appeals.models import Appeal
from priemnaya.core import clock
from tests.factories import APPEAL_BODY, api, appeal_input


def running(user, key: str, *, lease_until) -> IdempotencyRecord:
    """A claim left as a request would leave it: RUNNING, for this exact payload."""
    return IdempotencyRecord.objects.create(
        user=user,
        key=key,
        endpoint="appeal_create",
        request_hash=_fingerprint(AppealIn(**APPEAL_BODY).dict()),
        lease_until=lease_until,
    )


def test_a_claim_holds_a_lease_while_it_runs(citizen, monkeypatch):
    seen = {}
    original = services.appeal_submit

    def spy(**kwargs):
        seen["record"] = IdempotencyRecord.objects.get(key="k-lease")
        return original(**kwargs)

    monkeypatch.setattr(services, "appeal_submit", spy)
    before = clock.now()
    assert (
        api(citizen)("post", "/appeals", APPEAL_BODY, **{"Idempotency-Key": "k-lease"}).status_code
        == 201
    )
    record = seen["record"]
    assert record.state == IdempotencyRecord.State.RUNNING
    assert before + LEASE <= record.lease_until <= clock.now() + LEASE


def test_a_stale_claim_is_taken_over_and_the_request_succeeds(citizen):
    # given a request that claimed the key and died before doing anything
    running(citizen, "k-stale", lease_until=clock.now() - timedelta(seconds=1))
    # when the app retries
    response = api(citizen)("post", "/appeals", APPEAL_BODY, **{"Idempotency-Key": "k-stale"})
    # then the retry runs and the key records its answer
    assert response.status_code == 201, response.content
    assert Appeal.objects.count() == 1
    record = IdempotencyRecord.objects.get(key="k-stale")
    assert record.state == IdempotencyRecord.State.DONE
    assert record.response_body["number"] == response.json()["number"]


def test_a_claim_from_before_leases_expires_a_lease_after_it_was_made(citizen):
    # given claims made before the upgrade: one a minute old (its request died), one just made
    old = running(citizen, "k-old", lease_until=None)
    old.created_at = clock.now() - timedelta(minutes=1)
    old.save()
    running(citizen, "k-new", lease_until=None)
    call = api(citizen)
    # then the old one is taken over and the new one still runs
    assert call("post", "/appeals", APPEAL_BODY, **{"Idempotency-Key": "k-old"}).status_code == 201
    assert call("post", "/appeals", APPEAL_BODY, **{"Idempotency-Key": "k-new"}).status_code == 409


def test_takeover_after_a_committed_submission_returns_that_appeal(citizen):
    # given the first request filed the appeal, then died before recording the answer
    first = services.appeal_submit(
        actor=citizen,
        data=appeal_input(**APPEAL_BODY),
        channel="mobile",
        client_token="api:k-crash",
    )
    running(citizen, "k-crash", lease_until=clock.now() - timedelta(seconds=1))
    # when the app retries with the same key
    response = api(citizen)("post", "/appeals", APPEAL_BODY, **{"Idempotency-Key": "k-crash"})
    # then it gets the appeal already filed, not a second one
    assert response.status_code == 201, response.content
    assert response.json()["number"] == first.display_number
    assert Appeal.objects.count() == 1


def test_a_fresh_claim_still_answers_409(citizen):
    running(citizen, "k-busy", lease_until=clock.now() + timedelta(seconds=20))
    response = api(citizen)("post", "/appeals", APPEAL_BODY, **{"Idempotency-Key": "k-busy"})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert Appeal.objects.count() == 0


def test_a_failed_call_frees_the_key(citizen):
    call = api(citizen)
    bad = call("post", "/appeals", {**APPEAL_BODY, "subject": ""}, **{"Idempotency-Key": "k-bad"})
    assert bad.status_code == 422
    assert not IdempotencyRecord.objects.filter(key="k-bad").exists()


def _record(user, key, *, age: timedelta, state, lease_until=None):
    return IdempotencyRecord.objects.create(
        user=user,
        key=key,
        endpoint="appeal_create",
        request_hash="x",
        state=state,
        created_at=clock.now() - age,
        lease_until=lease_until,
    )


def test_purge_deletes_old_keys_and_keeps_recent_ones(citizen):
    done = IdempotencyRecord.State.DONE
    old = _record(citizen, "old", age=timedelta(days=2), state=done)
    dead = _record(citizen, "dead", age=timedelta(days=2), state=IdempotencyRecord.State.RUNNING)
    recent = _record(citizen, "recent", age=timedelta(hours=1), state=done)
    deleted = idempotency_purge()
    assert deleted == 2
    left = set(IdempotencyRecord.objects.values_list("pk", flat=True))
    assert left == {recent.pk}
    assert old.pk not in left
    assert dead.pk not in left


def test_purge_age_is_a_parameter(citizen):
    _record(citizen, "a", age=timedelta(hours=3), state=IdempotencyRecord.State.DONE)
    assert idempotency_purge(older_than=timedelta(hours=4)) == 0
    assert idempotency_purge(older_than=timedelta(hours=2)) == 1


def test_purge_runs_as_a_periodic_task(citizen, settings):
    from priemnaya.api.tasks import idempotency_purge as task

    assert "priemnaya.api.tasks.idempotency_purge" in [
        p for p, _ in settings.PRIEMNAYA_PERIODIC_TASKS
    ]
    _record(citizen, "old", age=timedelta(days=3), state=IdempotencyRecord.State.DONE)
    result = task.enqueue()
    assert result.return_value == 1
    assert not IdempotencyRecord.objects.exists()


def test_key_replays_after_takeover(citizen):
    running(citizen, "k-replay", lease_until=clock.now() - timedelta(minutes=5))
    call = api(citizen)
    first = call("post", "/appeals", APPEAL_BODY, **{"Idempotency-Key": "k-replay"})
    again = call("post", "/appeals", APPEAL_BODY, **{"Idempotency-Key": "k-replay"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Appeal.objects.count() == 1
