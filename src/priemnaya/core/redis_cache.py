"""Django's Redis cache with one client object per connection pool instead of one per call.

Django's RedisCacheClient.get_client() builds a new redis.Redis for every cache operation, and
each construction fills redis-py's case-insensitive table of ~170 response callbacks: about
1,000 dict insertions and 2,000 str.upper() calls per submission (six cache calls: rate limits,
the token's last use, the catalog version), ~10% of its CPU in the issue 11 profile. A redis.Redis
is safe to share between threads (it takes a connection from the pool per command), so one per
pool is kept for the life of the process.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _SharedClients(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's private helpers, absent from django-stubs.
        django: Any = self
        index = django._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            # A race between threads builds two clients over the same pool; either is fine.
            client = django._client(connection_pool=django._get_connection_pool(write))
            self._clients[index] = client
        return client


class SharedClientRedisCache(RedisCache):
    """RedisCache whose operations reuse one redis.Redis per connection pool."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _SharedClients
