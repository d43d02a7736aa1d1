"""Prometheus metrics: request latency by route, and the scrape endpoint's plumbing.

The kernel knows no app, so what the database says (outbox lag, task queue, failed deliveries) is
collected by ``priemnaya.ops.metrics``, registered here at start-up and read at scrape time.

Each process keeps its own counters. With several processes behind one address, either scrape each
process, or set ``PROMETHEUS_MULTIPROC_DIR`` (an empty folder shared by the processes, cleaned at
deploy) so that any process answers for all of them (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

REGISTRY = CollectorRegistry(auto_describe=True)
# Collectors of the database's state, computed at each scrape (ops adds them at start-up).
SCRAPE_COLLECTORS: list[Collector] = []

REQUEST_SECONDS = Histogram(
    "priemnaya_request_duration_seconds",
    "Time to answer an HTTP request, by route name, method and status class.",
    ["route", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_of(request: HttpRequest) -> str:
    """The URL name (``web:home``, ``api:…``), else its pattern; a bounded set of labels."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        if request.path_info.startswith(settings.STATIC_URL):
            return "static"
        return "unmatched"  # 404s and whatever answered before URL resolution
    return match.view_name or match.route or "unnamed"


class RequestMetrics:
    """Time every request; outermost, so it counts what the other middleware answer too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in KNOWN_METHODS else "other"
        REQUEST_SECONDS.labels(
            route=route_of(request), method=method, status=f"{response.status_code // 100}xx"
        ).observe(time.perf_counter() - started)
        return response


LOCAL = (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))


def may_scrape(request: HttpRequest) -> bool:
    """Scrapes come from this machine (the peer, not X-Forwarded-For) or carry the token."""
    token = getattr(settings, "PRIEMNAYA_METRICS_TOKEN", "")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header[:7].lower() == "bearer ":
        return hmac.compare_digest(header[7:].strip().encode(), token.encode())
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    # Behind a proxy on this machine every visitor's peer is 127.0.0.1: then only the token.
    if settings.SECURE_PROXY_SSL_HEADER:
        return False
    return peer in LOCAL


def requests_exposition() -> bytes:
    """Request metrics of this process, or of all of them in multiprocess mode."""
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return generate_latest(registry)


def exposition() -> bytes:
    """The text exposition: request metrics, then the database's gauges read now."""
    output = requests_exposition()
    scrape = CollectorRegistry(auto_describe=True)
    for collector in SCRAPE_COLLECTORS:
        scrape.register(collector)
    return output + generate_latest(scrape)


def metrics_view(request: HttpRequest) -> HttpResponse:
    """GET /metrics: 404 to anyone but the scraper, so the endpoint is not even seen."""
    if request.method not in ("GET", "HEAD") or not may_scrape(request):
        raise Http404
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
