"""Send pending webhook deliveries: claim a batch, POST in parallel, record every attempt.

Each batch is three short steps: a claim transaction (``SKIP LOCKED`` on PostgreSQL, the
database lock on SQLite) leases the rows and counts the attempt; the POSTs run outside any
transaction; one transaction writes every result. A sender that dies mid-batch leaves leases
that simply expire, and the deliveries go out again — at least once; receivers de-duplicate on
``X-Priemnaya-Delivery`` (docs/webhooks.md).
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import urllib3
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q

from priemnaya.core import clock
from priemnaya.webhooks.models import Delivery, DeliveryAttempt, DeliveryState, Endpoint
from priemnaya.webhooks.payload import encode, headers_for, payload_for
from priemnaya.webhooks.selectors import clear_endpoint_cache

logger = logging.getLogger("priemnaya.webhooks")

BATCH = 50
POLL_SECONDS = 0.5
RETRY_MAX_SECONDS = 3600
EXCERPT_CHARS = 500
READ_LIMIT = 16 * 1024
ERROR_MAX = 2000


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, f"PRIEMNAYA_WEBHOOK_{name}", default))


def timeout_seconds() -> float:
    return _setting("TIMEOUT", 10.0)


def max_attempts() -> int:
    return int(_setting("MAX_ATTEMPTS", 8))


def disable_after() -> int:
    return int(_setting("DISABLE_AFTER", 10))


def lease_margin() -> float:
    return float(_setting("LEASE_MARGIN", 30.0))


def concurrency() -> int:
    return max(1, int(_setting("CONCURRENCY", 8)))


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off with full jitter: uniform in [0, min(1 h, base·2^(attempts−1))]."""
    ceiling = min(RETRY_MAX_SECONDS, _setting("RETRY_BASE", 30.0) * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=random.uniform(0, ceiling))  # noqa: S311 — jitter, not crypto


# ---- HTTP ---------------------------------------------------------------------------------------

_pool_lock = threading.Lock()
_pool: urllib3.PoolManager | None = None
_executor: ThreadPoolExecutor | None = None


def _http() -> urllib3.PoolManager:
    global _pool
    with _pool_lock:
        if _pool is None:
            # Keep-alive connections per endpoint host, as many as POSTs run at once.
            _pool = urllib3.PoolManager(num_pools=64, maxsize=concurrency(), retries=False)
        return _pool


def _workers() -> ThreadPoolExecutor:
    global _executor
    with _pool_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(concurrency(), thread_name_prefix="webhook-post")
        return _executor


@dataclass
class Answer:
    """What one POST got: a status and the start of the body, or an error."""

    status_code: int | None = None
    excerpt: str = ""
    error: str = ""
    duration_ms: int = 0
    retry_after: float | None = None
    permanent: bool = False

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def retryable(self) -> bool:
        """5xx, 429, timeouts and connection errors are retried; other answers are final."""
        if self.permanent:
            return False
        if self.status_code is None:
            return True
        return self.status_code >= 500 or self.status_code == 429


def _retry_after(value: str | None) -> float | None:
    try:
        return min(float(value), RETRY_MAX_SECONDS) if value else None
    except ValueError:
        return None


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST once, without urllib3's own retries or redirects; never raises."""
    started = time.monotonic()
    answer = Answer()
    try:
        response = _http().request(
            "POST",
            url,
            body=body,
            headers=headers,
            timeout=urllib3.Timeout(total=timeout),
            retries=False,
            redirect=False,
            preload_content=False,
        )
        complete = False
        try:
            chunk = response.read(READ_LIMIT)
            complete = len(chunk) < READ_LIMIT
        finally:
            # A short answer read to the end leaves the connection reusable; a long one is cut.
            if complete:
                response.release_conn()
            else:
                response.close()
        answer.status_code = response.status
        answer.excerpt = chunk.decode("utf-8", errors="replace")[:EXCERPT_CHARS]
        answer.retry_after = _retry_after(response.headers.get("Retry-After"))
        if not answer.ok and not answer.retryable:
            answer.error = f"HTTP {response.status}: получатель отклонил запрос, без повторов"
        elif not answer.ok:
            answer.error = f"HTTP {response.status}"
    except urllib3.exceptions.LocationValueError as exc:
        answer.error, answer.permanent = f"Неверный адрес получателя: {exc}", True
    except urllib3.exceptions.NewConnectionError as exc:  # a subclass of the timeout error
        answer.error = f"Ошибка соединения: {exc}"[:ERROR_MAX]
    except (urllib3.exceptions.TimeoutError, TimeoutError):
        answer.error = f"Нет ответа за {timeout:g} с (тайм-аут)"
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        answer.error = f"Ошибка соединения: {reason}"[:ERROR_MAX]
    answer.duration_ms = int((time.monotonic() - started) * 1000)
    return answer


# ---- the queue ----------------------------------------------------------------------------------

_wakeup = threading.Event()


def wake() -> None:
    """Tell a sender loop in this process that deliveries were committed (``on_commit`` hook)."""
    _wakeup.set()


def _lease_seconds(count: int) -> float:
    # Long enough for the whole batch to time out round by round, so no other sender takes a
    # delivery that is still being posted.
    rounds = math.ceil(max(count, 1) / concurrency())
    return rounds * timeout_seconds() + lease_margin()


def _claim(limit: int) -> list[Delivery]:
    with transaction.atomic():
        now = clock.now()
        batch = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "endpoint",
                "event",
                "event__actor",
                "event__appeal",
                "event__appeal__kind",
                "event__appeal__theme",
                "event__appeal__department",
            )
            .filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
            .filter(endpoint__is_active=True)
            .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
            .order_by("next_attempt_at", "id")[:limit]
        )
        if not batch:
            return []
        lease = now + timedelta(seconds=_lease_seconds(len(batch)))
        Delivery.objects.filter(pk__in=[d.pk for d in batch]).update(
            leased_until=lease, attempts=F("attempts") + 1
        )
        for delivery in batch:
            delivery.attempts += 1
            delivery.leased_until = lease
    return batch


def _send(batch: list[Delivery]) -> list[Answer]:
    timeout = timeout_seconds()
    bodies: dict[int, bytes] = {}
    jobs = []
    for delivery in batch:
        event = delivery.event
        if event.pk not in bodies:
            bodies[event.pk] = encode(payload_for(event))
        body = bodies[event.pk]
        headers = headers_for(
            secret=delivery.endpoint.secret,
            body=body,
            event_type=event.type,
            delivery_id=delivery.pk,
        )
        jobs.append((delivery.endpoint.url, body, headers, timeout))
    if len(jobs) == 1:
        return [post(*jobs[0])]
    return list(_workers().map(lambda job: post(*job), jobs))


def _settle(delivery: Delivery, answer: Answer, now: datetime) -> bool:
    """Apply one answer to its delivery; return True if the delivery is now finally failed."""
    delivery.leased_until = None
    delivery.last_status = answer.status_code
    if answer.ok:
        delivery.state = DeliveryState.DELIVERED
        delivery.delivered_at = now
        delivery.last_error = ""
        return False
    if answer.retryable and delivery.attempts < max_attempts():
        delay = retry_delay(delivery.attempts)
        if answer.retry_after is not None:
            delay = max(delay, timedelta(seconds=answer.retry_after))
        delivery.next_attempt_at = now + delay
        delivery.last_error = answer.error
        return False
    delivery.state = DeliveryState.FAILED
    delivery.last_error = (
        f"{answer.error}; попыток: {delivery.attempts}" if answer.retryable else answer.error
    )
    return True


def _record(batch: list[Delivery], answers: list[Answer], started: datetime) -> None:
    now = clock.now()
    # Per endpoint, in claim order: did any delivery succeed, and how many failed after it.
    runs: dict[int, tuple[bool, int, str]] = {}
    attempts = []
    for delivery, answer in zip(batch, answers, strict=True):
        failed = _settle(delivery, answer, now)
        attempts.append(
            DeliveryAttempt(
                delivery=delivery,
                at=started,
                status_code=answer.status_code,
                response=answer.excerpt,
                error=answer.error[:ERROR_MAX],
                duration_ms=answer.duration_ms,
            )
        )
        reset, count, error = runs.get(delivery.endpoint_id, (False, 0, ""))
        if answer.ok:
            runs[delivery.endpoint_id] = (True, 0, "")
        elif failed:
            runs[delivery.endpoint_id] = (reset, count + 1, delivery.last_error)
    with transaction.atomic():
        DeliveryAttempt.objects.bulk_create(attempts)
        _save_settled(batch)
        for endpoint_id, (reset, count, error) in runs.items():
            _count_failures(endpoint_id, reset=reset, failures=count, error=error, now=now)


def _save_settled(batch: list[Delivery]) -> None:
    """Write the batch's new states in a few UPDATEs: one per outcome, plus the retry times.

    (``bulk_update`` over every field builds a CASE per row and field — slow for a full batch
    that mostly shares one outcome, «delivered, 200».)
    """
    groups: dict[tuple, list[int]] = defaultdict(list)
    retrying = []
    for d in batch:
        groups[(d.state, d.last_status, d.last_error, d.delivered_at)].append(d.pk)
        if d.state == DeliveryState.PENDING:
            retrying.append(d)
    for (state, status, error, delivered_at), ids in groups.items():
        Delivery.objects.filter(pk__in=ids).update(
            state=state,
            last_status=status,
            last_error=error,
            delivered_at=delivered_at,
            leased_until=None,
        )
    if retrying:
        Delivery.objects.bulk_update(retrying, ["next_attempt_at"])


def _count_failures(endpoint_id: int, *, reset: bool, failures: int, error: str, now: datetime):
    endpoints = Endpoint.objects.filter(pk=endpoint_id)
    if reset:
        endpoints.update(failure_run=failures)
    elif failures:
        endpoints.update(failure_run=F("failure_run") + failures)
    else:
        return
    limit = disable_after()
    disabled = endpoints.filter(is_active=True, failure_run__gte=limit).update(
        is_active=False,
        disabled_at=now,
        disabled_reason=f"Не доставлено подряд: {limit}. Последняя ошибка: {error}"[:300],
    )
    if disabled:
        logger.warning(
            "webhook endpoint %s disabled after %s failed deliveries", endpoint_id, limit
        )
        transaction.on_commit(clear_endpoint_cache)


def deliver_once(limit: int = BATCH) -> int:
    """Send one batch of due deliveries; return how many were attempted."""
    batch = _claim(limit)
    if not batch:
        return 0
    started = clock.now()
    answers = _send(batch)
    _record(batch, answers, started)
    return len(batch)


def run_forever(stop: threading.Event) -> None:
    """Send until stopped: at once while batches are full, else every 0.5 s or on wake."""
    while not stop.is_set():
        sent = 0
        try:
            sent = deliver_once()
        except Exception:
            logger.exception("webhook sender failed; retrying")
        finally:
            close_old_connections()
        if sent < BATCH:
            _wakeup.wait(POLL_SECONDS)
            _wakeup.clear()
    connection.close()  # this thread's own connection
