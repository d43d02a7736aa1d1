"""No copy of a page or API answer is kept by browsers or proxies unless its view allows it.

Almost every answer here carries personal data (appeals, contacts, notifications), or says
whether an appeal exists; a shared computer's back button or a proxy's cache must not replay it
(issue 9, SPEC §18). Static files never reach this middleware: WhiteNoise, above it, serves them
with their own long-lived headers. A view that knows its answer is public sets Cache-Control
itself and is left alone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreByDefault:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            # no-store, no-cache, must-revalidate, private, max-age=0 and an Expires in the past.
            add_never_cache_headers(response)
        return response
