from django.contrib import admin
from django.urls import include, path

from priemnaya.api.urls import api
from priemnaya.core import health
from priemnaya.core.metrics import metrics_view
from priemnaya.web.views import accounts

admin.site.site_header = "Приёмная — администрирование"
admin.site.site_title = "Приёмная"

urlpatterns = [
    # Probes first and outside the pages: no redirects, no login (core/health.py).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Prometheus scrapes: 404 to everyone but this machine and the token's holder.
    path("metrics", metrics_view, name="metrics"),
    # The admin signs in through the product's sign-in (second factor, lockout, audit).
    path("admin/login/", accounts.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # Issue 9 — signin: the image captcha of the early unlock (django-simple-captcha).
    path("captcha/", include("captcha.urls")),
    path("", include("priemnaya.web.urls")),
]

handler400 = "priemnaya.web.views.errors.bad_request"
handler404 = "priemnaya.web.views.errors.not_found"
handler500 = "priemnaya.web.views.errors.server_error"
