"""Flood control of a chat socket: a token bucket per connection, kept in the consumer.

django-ratelimit (security/ratelimit.py) counts HTTP requests per IP in the cache, one request per
check; a socket sends many frames over one request, and a round trip to Redis per frame would
cost more than the message. A bucket per connection refuses a flood at once with a reason, and
nothing is stored for a refused frame — the sender keeps it and may send it again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings


@dataclass
class Bucket:
    """``capacity`` frames at once, refilled at ``per_second``."""

    capacity: float
    per_second: float
    tokens: float = -1.0
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.capacity

    def take(self) -> float:
        """Spend one token; return 0 when allowed, else the seconds until one is back."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.per_second)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.per_second


def messages_bucket() -> Bucket:
    """Messages: PRIEMNAYA_CHAT_BURST at once, PRIEMNAYA_CHAT_PER_MINUTE a minute on average."""
    per_minute = float(getattr(settings, "PRIEMNAYA_CHAT_PER_MINUTE", 30))
    return Bucket(float(getattr(settings, "PRIEMNAYA_CHAT_BURST", 10)), per_minute / 60)


def frames_bucket() -> Bucket:
    """Every other frame (typing, read marks, sync): generous, against a runaway script."""
    return Bucket(40.0, 10.0)
