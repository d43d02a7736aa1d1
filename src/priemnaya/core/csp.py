"""The Content-Security-Policy middleware, with one relaxation for the administration pages."""

from __future__ import annotations

from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponseBase

# Django's admin and our template previews there put styles in attributes (and letters carry
# inline styles, shown in a sandboxed srcdoc frame that inherits the page's policy). Styles only:
# no inline script is allowed anywhere.
_ADMIN_STYLES = {"style-src": ["'unsafe-inline'"]}


class ContentSecurityPolicy(CSPMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if request.path.startswith("/admin/") and not hasattr(response, "_csp_update"):
            response._csp_update = _ADMIN_STYLES  # type: ignore[attr-defined]
        return super().process_response(request, response)
