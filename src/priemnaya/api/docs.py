"""The interactive API docs (Swagger UI) served from our own static files, in Russian.

ninja's default page loads Swagger UI from a CDN and its icons from django-ninja.dev; behind a
firewall, or with the CDN down, the page is blank. The assets ship with ninja (``ninja`` is in
INSTALLED_APPS for them); this page references only those and our own.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger, _csrf_needed


class OfflineSwagger(Swagger):
    template = "api/docs.html"
    # Swagger UI would ask validator.swagger.io for a badge: a request to another host.
    default_settings = {**Swagger.default_settings, "validatorUrl": None}

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"swagger_settings": settings, "api": api, "add_csrf": _csrf_needed(api)}
        return render(request, self.template, context)
