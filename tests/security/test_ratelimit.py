"""Rate limits (security/ratelimit.py): 429 with Retry-After on every listed door, JSON for the
API and a Russian page otherwise; per IP and per signed-in person; counted in Redis when there."""

from __future__ import annotations

import socket
import uuid

import pytest
from django.core.cache import caches
from django.test import Client, RequestFactory
from django_ratelimit.core import get_usage

from priemnaya.accounts.models import SignInEvent
from priemnaya.accounts.services import api_token_create
from priemnaya.security.ratelimit import RULES, _user_key
from tests.factories import make_citizen

pytestmark = pytest.mark.django_db

PATHS = [
    "/accounts/login/",
    "/api/v1/auth/token",
    "/accounts/register/",
    "/accounts/confirm/phone/",
    "/api/v1/auth/register",
    "/api/v1/auth/confirm-phone",
    "/api/v1/account/phone/code",
    "/api/v1/account/email/link",
    "/accounts/reset/",
    "/accounts/reset/confirm/",
    "/api/v1/auth/password-reset",
    "/api/v1/auth/password-reset/confirm",
    "/accounts/unlock/",
    "/accounts/unlock/code/",
    "/cabinet/new/",
    "/api/v1/appeals",
    "/api/v1/staff/appeals",
    # Issue 10 — renditions: the public verification of answers.
    "/api/v1/verify",
    "/verify/",
    # Issue 12 — the theme suggester's API; help before filing (API and the page's fragment).
    "/api/v1/suggestions/theme",
    "/api/v1/suggestions/before-filing",
    "/cabinet/new/help/",
    # Issue 12 — knowledge base: «Помогла ли статья?» (a missing article: 404 until refused).
    "/help/",
    # Issue 13 — status without an account: codes asked for and typed (page and API).
    "/status/",
    "/api/v1/status/code",
    "/api/v1/status",
    # Issue 13 — chat: the page's POSTs (every one under /chat/ shares the budget).
    "/chat/",
]


@pytest.fixture
def low(settings):
    settings.PRIEMNAYA_RATE_LIMITS = dict.fromkeys(settings.PRIEMNAYA_RATE_LIMITS, "2/h")


def _post(client: Client, path: str):
    if path.startswith("/api/"):
        return client.post(path, {"login": "x@example.ru"}, content_type="application/json")
    return client.post(path, {"login": "x@example.ru"})


@pytest.mark.parametrize("path", PATHS)
def test_every_listed_door_answers_429_with_retry_after(db, low, path):
    client = Client()
    answers = [_post(client, path) for _ in range(3)]
    assert [a.status_code == 429 for a in answers] == [False, False, True]
    refused = answers[-1]
    assert 0 < int(refused["Retry-After"]) <= 3600
    if path.startswith("/api/"):
        body = refused.json()
        assert body["errors"] == [
            {"field": None, "message": body["detail"], "code": "rate_limited"}
        ]
        assert "Слишком много запросов" in body["detail"]
    else:
        page = refused.content.decode()
        assert "Слишком много запросов" in page
        assert refused["Content-Type"].startswith("text/html")


def test_every_rule_is_covered_by_the_list():
    covered = {rule.path for rule in RULES}
    assert covered <= {p.rstrip("/") for p in PATHS} | set(PATHS) | set(GET_PATHS) | {
        "/accounts/register",
        "/accounts/confirm",
        "/accounts/reset",
        "/accounts/unlock",
    }


def test_pages_are_read_freely_and_other_addresses_are_not_limited(db, low):
    client = Client()
    for _ in range(5):
        assert client.get("/accounts/login/").status_code == 200
    for _ in range(2):
        _post(client, "/accounts/login/")
    assert _post(client, "/accounts/login/").status_code == 429
    assert _post(Client(REMOTE_ADDR="10.9.9.9"), "/accounts/login/").status_code == 200


def test_the_page_and_the_token_endpoint_share_the_sign_in_budget(db, low):
    client = Client()
    _post(client, "/accounts/login/")
    _post(client, "/api/v1/auth/token")
    assert _post(client, "/accounts/login/").status_code == 429


def test_actions_on_an_appeal_are_not_counted_as_filing(db, low):
    client = Client()
    for _ in range(4):
        answer = client.post(
            "/api/v1/appeals/2026-000001/withdraw", content_type="application/json"
        )
        assert answer.status_code != 429


def test_a_limited_sign_in_is_recorded(catalog, low):
    person = make_citizen(email="rl@example.ru")
    client = Client()
    for _ in range(3):
        client.post("/accounts/login/", {"login": "rl@example.ru", "password": "x"})
    event = SignInEvent.objects.filter(outcome="rate_limited").get()
    assert (event.user, event.method) == (person, "password")


def test_filing_is_limited_per_person_too(catalog, settings):
    settings.PRIEMNAYA_RATE_LIMITS = {
        **settings.PRIEMNAYA_RATE_LIMITS,
        "appeals": "100/h",
        "appeals_user": "2/h",
    }
    first, second = make_citizen(), make_citizen()
    one, two = Client(), Client()
    one.force_login(first)
    two.force_login(second)
    for _ in range(2):
        assert one.post("/cabinet/new/", {}).status_code != 429
    assert one.post("/cabinet/new/", {}).status_code == 429
    assert two.post("/cabinet/new/", {}).status_code != 429


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_the_limiter_counts_in_redis(db, settings):
    prefix = f"priemnaya-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": prefix,
        }
    }
    settings.PRIEMNAYA_RATE_LIMITS = {**settings.PRIEMNAYA_RATE_LIMITS, "reset": "3/h"}
    cache = caches["default"]
    assert type(cache).__name__ == "RedisCache"
    try:
        client = Client()
        answers = [_post(client, "/api/v1/auth/password-reset") for _ in range(4)]
        assert [a.status_code for a in answers] == [202, 202, 202, 429]
        assert int(answers[-1]["Retry-After"]) > 0
        # A second client (another process would be the same) sees the same count.
        assert _post(Client(), "/api/v1/auth/password-reset").status_code == 429
    finally:
        # Only this test's keys: clear() would empty the whole Redis database.
        redis = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
        for key in redis.scan_iter(f"{prefix}:*"):
            redis.delete(key)


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_redis_counts_both_rates_in_one_go_and_a_refusal_counts_only_the_rate_that_refused(
    catalog, settings
):
    # given the production cache (one pipeline per request) and a person limit below the IP one
    prefix = f"priemnaya-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "priemnaya.core.redis_cache.SharedClientRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/13",
            "KEY_PREFIX": prefix,
        }
    }
    settings.PRIEMNAYA_RATE_LIMITS = {
        **settings.PRIEMNAYA_RATE_LIMITS,
        "appeals": "5/h",
        "appeals_user": "2/h",
    }
    cache = caches["default"]
    first, second = make_citizen(), make_citizen()
    tokens = {who: api_token_create(who, name="rl") for who in (first, second)}

    def file(who):
        return (
            Client()
            .post(
                "/api/v1/appeals",
                {},
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {tokens[who]}",
            )
            .status_code
        )

    def person_count(who) -> int:
        request = RequestFactory().post("/", HTTP_AUTHORIZATION=f"Bearer {tokens[who]}")
        usage = get_usage(
            request, group="priemnaya:appeals_user", key=_user_key, rate="2/h", increment=False
        )
        assert usage is not None
        return usage["count"]

    try:
        # when the first person files three times and the second three times from one address
        answers = [file(first) for _ in range(3)] + [file(second) for _ in range(3)]
        # then the person's rate refuses the first one's third, the address's the second's third
        assert [a == 429 for a in answers] == [False, False, True, False, False, True]
        # and django-ratelimit reads the same counters: the refused request was not counted
        # against the second person, whose own rate had not refused it
        assert person_count(first) == 3
        assert person_count(second) == 2
    finally:
        redis = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
        for key in redis.scan_iter(f"{prefix}:*"):
            redis.delete(key)


# Issue 14 — open data: the public reads (page, exports, published answers, the API's summary).
GET_PATHS = ["/open-data/", "/api/v1/open-data/summary"]


@pytest.mark.parametrize("path", GET_PATHS)
def test_open_data_reads_answer_429_with_retry_after(db, low, path):
    client = Client()
    answers = [client.get(path) for _ in range(3)]
    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert answers[2].status_code == 429
    assert 0 < int(answers[2]["Retry-After"]) <= 3600
    assert "Слишком много запросов" in answers[2].content.decode()
