from django.urls import path

from priemnaya.web.views import accounts, cabinet, console, notifications, public

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
# Notifications (issue 8): the feed and its bell, preferences, push, failed deliveries, short links.
urlpatterns += [
    path("cabinet/notifications/", notifications.cabinet_feed, name="notifications"),
    path("cabinet/notifications/read/", notifications.cabinet_read, name="notifications_read"),
    path("cabinet/notifications/unread.json", notifications.unread, name="notifications_unread"),
    path(
        "cabinet/notifications/settings/",
        notifications.cabinet_settings,
        name="notification_settings",
    ),
    path("cabinet/push/key", notifications.push_key, name="push_key"),
    path("cabinet/push/subscribe", notifications.push_subscribe, name="push_subscribe"),
    path("cabinet/push/unsubscribe", notifications.push_unsubscribe, name="push_unsubscribe"),
    path("push-sw.js", notifications.service_worker, name="push_sw"),
    path("console/notifications/", notifications.console_feed, name="console_notifications"),
    path(
        "console/notifications/read/",
        notifications.console_read,
        name="console_notifications_read",
    ),
    path(
        "console/notifications/settings/",
        notifications.console_settings,
        name="console_notification_settings",
    ),
    path("console/notifications/failed/", notifications.failed, name="notifications_failed"),
    path(
        "console/notifications/failed/<int:notification_id>/retry/",
        notifications.retry,
        name="notification_retry",
    ),
    path("u/<str:token>/", notifications.unsubscribe, name="unsubscribe"),
    path("dev/outbox/", notifications.outbox, name="dev_outbox"),
    path("dev/outbox/email/<str:name>/", notifications.outbox_email, name="dev_outbox_email"),
    path("a/<str:number>", notifications.short_link, name="short_link"),
]
# Issue 9 — signin: password reset and change, early unlock, the operator's unlock.
from priemnaya.web.views import recovery, unlock  # noqa: E402

urlpatterns += [
    path("accounts/reset/", recovery.reset_start, name="password_reset"),
    path("accounts/reset/confirm/", recovery.reset_finish, name="password_reset_confirm"),
    path("accounts/password/", recovery.password_change_view, name="password_change"),
    path("accounts/unlock/", recovery.unlock_start, name="unlock"),
    path("accounts/unlock/code/", recovery.unlock_finish, name="unlock_code"),
    path("console/accounts/unlock/", unlock.account_unlock, name="account_unlock"),
]
