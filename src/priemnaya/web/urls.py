from django.urls import path

from priemnaya.web.views import accounts, cabinet, console, public

app_name = "web"

urlpatterns = [
    path("", public.home, name="home"),
    path("status/", public.status_lookup, name="status"),
    path("accounts/login/", accounts.login_view, name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    path("accounts/register/", accounts.register_view, name="register"),
    path("cabinet/", cabinet.appeal_list, name="cabinet"),
    path("cabinet/new/", cabinet.appeal_new, name="appeal_new"),
    path("cabinet/drafts/<int:draft_id>/", cabinet.draft_edit, name="draft_edit"),
    path("cabinet/appeals/<str:number>/", cabinet.appeal_detail, name="appeal_detail"),
    path("cabinet/appeals/<str:number>/submitted/", cabinet.appeal_submitted, name="submitted"),
    path("cabinet/appeals/<str:number>/edit/", cabinet.appeal_edit, name="appeal_edit"),
    path("cabinet/appeals/<str:number>/<slug:action>/", cabinet.appeal_act, name="appeal_act"),
    path("console/", console.queue, name="console"),
    path("console/new/", console.appeal_register, name="console_new"),
    path("console/appeals/<str:number>/", console.appeal_detail, name="console_detail"),
    path("console/incidents/<int:incident_id>/", console.incident_detail, name="console_incident"),
    path("console/appeals/<str:number>/<slug:action>/", console.appeal_act, name="console_act"),
]

# The demo's webhook receiver (DEBUG only; web/views/dev_webhooks.py).
from priemnaya.web.views import dev_webhooks  # noqa: E402

urlpatterns += [path("dev/webhooks/", dev_webhooks.receiver, name="dev_webhooks")]
