"""REDIS_URL on a real Redis (127.0.0.1:6379, spare db 9): channel layer, cache, rate limits.

Two layer instances and two cache clients stand for two processes of one installation: what one
sends or counts, the other receives or sees. Skipped only when no Redis answers on this machine.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from channels.layers import channel_layers, get_channel_layer
from django.core.cache import caches
from django.test import RequestFactory, override_settings

from priemnaya.security import ratelimit

REDIS = "redis://127.0.0.1:6379/9"


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")


@pytest.fixture
def prefix():
    # A fresh prefix per test keeps parallel runs apart; its keys go when the test ends.
    prefix = f"priemnaya-test-{uuid.uuid4().hex[:8]}"
    yield prefix
    client = redis.Redis.from_url(REDIS)
    keys = list(client.scan_iter(f"{prefix}*")) + list(client.scan_iter(f":*:{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def in_own_loop(work):
    """Run a coroutine function to its end on a fresh event loop in a thread of its own: the
    browser tests leave an event loop running in the main thread, where async_to_sync refuses."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work()).result(timeout=30)


@pytest.fixture
def redis_layers(prefix):
    config = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS], "prefix": prefix},
        }
    }
    with override_settings(CHANNEL_LAYERS=config):
        first = get_channel_layer()
        second = channel_layers.make_backend("default")  # another process's layer
        yield first, second


def test_settings_pick_the_redis_layer_when_redis_url_is_set(redis_layers):
    first, second = redis_layers
    assert type(first).__module__ == "channels_redis.core"
    assert first is not second


def test_a_message_sent_by_one_process_reaches_another(redis_layers):
    first, second = redis_layers

    async def exchange():
        channel = await second.new_channel()
        await first.send(channel, {"type": "appeal.changed", "number": "A-1"})
        received = await second.receive(channel)
        await first.flush()
        return received

    assert in_own_loop(exchange) == {"type": "appeal.changed", "number": "A-1"}


def test_group_send_reaches_members_in_other_processes(redis_layers):
    first, second = redis_layers

    async def broadcast():
        mine = await first.new_channel()
        theirs = await second.new_channel()
        await first.group_add("appeal-A-1", mine)
        await second.group_add("appeal-A-1", theirs)
        await second.group_send("appeal-A-1", {"type": "appeal.changed"})
        got = (await first.receive(mine), await second.receive(theirs))
        await first.group_discard("appeal-A-1", mine)
        await second.group_discard("appeal-A-1", theirs)
        await first.flush()
        return got

    assert in_own_loop(broadcast) == ({"type": "appeal.changed"}, {"type": "appeal.changed"})


def _two_caches(prefix: str) -> dict:
    one = {
        "BACKEND": "priemnaya.core.redis_cache.SharedClientRedisCache",
        "LOCATION": REDIS,
        "KEY_PREFIX": prefix,
    }
    return {"default": one, "other": dict(one)}


def test_the_cache_is_shared_between_clients(prefix):
    with override_settings(CACHES=_two_caches(prefix)):
        assert caches["default"] is not caches["other"]
        caches["default"].set("probe", {"n": 1}, 30)
        assert caches["other"].get("probe") == {"n": 1}
        caches["other"].set("counter", 1, 30)
        caches["default"].incr("counter", 2)
        assert caches["other"].get("counter") == 3


def test_rate_limits_count_across_processes(prefix):
    """A limit of 3/m: two requests in one process and one in another use it up for both."""
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="203.0.113.77")
    limits = {"signin": "3/m"}
    with override_settings(CACHES=_two_caches(prefix), PRIEMNAYA_RATE_LIMITS=limits):
        with override_settings(RATELIMIT_USE_CACHE="default"):
            assert ratelimit.count_ip(request, "signin") == 0
            assert ratelimit.count_ip(request, "signin") == 0
        with override_settings(RATELIMIT_USE_CACHE="other"):
            assert ratelimit.count_ip(request, "signin") == 0
            assert ratelimit.count_ip(request, "signin") > 0  # the 4th: over the limit
        with override_settings(RATELIMIT_USE_CACHE="default"):
            assert ratelimit.peek(request, "signin") > 0


def test_the_real_settings_load_the_redis_layer_when_redis_url_is_set(tmp_path):
    """REDIS_URL used to name a backend whose package was missing: the first send crashed."""
    code = (
        "import django; django.setup();"
        "from channels.layers import get_channel_layer;"
        "from django.core.cache import caches;"
        "print(type(get_channel_layer()).__module__, type(caches['default']).__name__)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "priemnaya.settings",
        "REDIS_URL": REDIS,
        "SECRET_KEY": "x" * 50,
        "PRIEMNAYA_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    out = subprocess.run(  # noqa: S603 - this interpreter, a fixed argument list
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["channels_redis.core", "SharedClientRedisCache"]


def test_cache_operations_share_one_redis_client(prefix):
    """One redis.Redis per pool: building one per call cost ~10% of a submission's CPU."""
    with override_settings(CACHES=_two_caches(prefix)):
        cache = caches["default"]
        cache.set("probe", 1, 30)
        assert cache.get("probe") == 1
        assert cache._cache.get_client() is cache._cache.get_client()
        assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
        # The shared client still round-trips through Redis (not a process-local copy).
        caches["other"].set("probe", 2, 30)
        assert cache.get("probe") == 2
