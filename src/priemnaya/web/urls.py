from django.urls import path

from priemnaya.web.views import accounts, cabinet, console, notifications, public, registration

app_name = "web"

urlpatterns = [
    path("", public.home, name="home"),
    path("status/", public.status_lookup, name="status"),
    path("accounts/login/", accounts.login_view, name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    path("accounts/register/", registration.register_view, name="register"),
    path("cabinet/", cabinet.appeal_list, name="cabinet"),
    path("cabinet/new/", cabinet.appeal_new, name="appeal_new"),
    path("cabinet/new/help/", cabinet.before_filing_offers, name="before_filing"),
    path("cabinet/drafts/<int:draft_id>/", cabinet.draft_edit, name="draft_edit"),
    path("cabinet/appeals/<str:number>/", cabinet.appeal_detail, name="appeal_detail"),
    path("cabinet/appeals/<str:number>/submitted/", cabinet.appeal_submitted, name="submitted"),
    path("cabinet/appeals/<str:number>/edit/", cabinet.appeal_edit, name="appeal_edit"),
    path("cabinet/appeals/<str:number>/<slug:action>/", cabinet.appeal_act, name="appeal_act"),
    path("console/", console.queue, name="console"),
    path("console/new/", console.appeal_register, name="console_new"),
    path("console/appeals/<str:number>/", console.appeal_detail, name="console_detail"),
    path("console/incidents/<int:incident_id>/", console.incident_detail, name="console_incident"),
    path("console/answers/review/", console.answer_drafts, name="console_answer_drafts"),
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
# Personal data (issue 9, privacy): «Мои данные», subjects' requests, breaches, storage report.
from priemnaya.web.views import privacy  # noqa: E402

urlpatterns += [
    path("cabinet/privacy/", privacy.cabinet, name="privacy"),
    path("cabinet/privacy/export.json", privacy.export_json, name="privacy_export"),
    path("cabinet/privacy/summary/", privacy.summary, name="privacy_summary"),
    path("cabinet/privacy/requests/", privacy.request_new, name="privacy_request_new"),
    path("cabinet/privacy/delete/", privacy.delete, name="privacy_delete"),
    path("console/privacy/requests/", privacy.requests_list, name="privacy_requests"),
    path(
        "console/privacy/requests/<int:request_id>/",
        privacy.request_detail,
        name="privacy_request",
    ),
    path("console/privacy/breaches/", privacy.breaches_list, name="privacy_breaches"),
    path("console/privacy/breaches/<int:breach_id>/", privacy.breach_detail, name="privacy_breach"),
    path("console/privacy/storage/", privacy.storage, name="privacy_storage"),
]
# Registration and identity (issue 9, identity): the SMS code step, the e-mail link, contacts.
urlpatterns += [
    path("accounts/register/confirm/", registration.register_confirm, name="register_confirm"),
    path(
        "accounts/confirm-email/<int:user_id>/<str:secret>/",
        registration.confirm_email,
        name="confirm_email",
    ),
    path("accounts/contacts/", registration.contacts, name="contacts"),
    path("legal/consent/", registration.consent_text, name="consent"),
]
# The auditor's pages (issue 9, audit): the log, the chain check, the CSV export.
from priemnaya.web.views import audit  # noqa: E402

urlpatterns += [
    path("audit/", audit.log, name="audit"),
    path("audit/verify/", audit.verify, name="audit_verify"),
    path("audit/export.csv", audit.export, name="audit_export"),
]
# Issue 9 — twofactor: the sign-in's second step; the security page (second factor, sessions,
# sign-in history, API tokens).
from priemnaya.web.views import second_factor as second_factor_views  # noqa: E402
from priemnaya.web.views import security as security_views  # noqa: E402

urlpatterns += [
    path("accounts/second-factor/", second_factor_views.second_factor, name="second_factor"),
    path("account/security/", security_views.security, name="security"),
    path("account/security/totp/", security_views.totp_setup, name="security_totp"),
    path("account/security/totp/remove/", security_views.totp_remove, name="security_totp_remove"),
    path(
        "account/security/recovery-codes/",
        security_views.recovery_regenerate,
        name="security_recovery",
    ),
    path("account/security/sms/", security_views.sms_factor, name="security_sms"),
    path(
        "account/security/sessions/<int:session_id>/end/",
        security_views.session_end,
        name="session_end",
    ),
    path(
        "account/security/sessions/end-others/",
        security_views.sessions_end_others,
        name="sessions_end_others",
    ),
    path(
        "account/security/tokens/<int:token_id>/revoke/",
        security_views.token_revoke_view,
        name="token_revoke",
    ),
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
# Issue 10 — exports: the appeal and the whole history as PDF, the evidence ZIP, the complaint
# guide. Put first: «…/complaint/» would otherwise be taken for an action of appeal_act.
from priemnaya.web.views import exports  # noqa: E402

urlpatterns[:0] = [
    path("cabinet/export.pdf", exports.history_pdf, name="history_pdf"),
    path("cabinet/appeals/<str:number>/export.pdf", exports.appeal_pdf, name="appeal_pdf"),
    path("cabinet/appeals/<str:number>/evidence.zip", exports.evidence_zip, name="appeal_evidence"),
    path("cabinet/appeals/<str:number>/complaint/", exports.complaint, name="appeal_complaint"),
    path(
        "cabinet/appeals/<str:number>/complaint.pdf",
        exports.complaint_pdf_view,
        name="appeal_complaint_pdf",
    ),
    path(
        "cabinet/appeals/<str:number>/complaint.docx",
        exports.complaint_docx_view,
        name="appeal_complaint_docx",
    ),
    path(
        "console/appeals/<str:number>/export.pdf",
        exports.console_appeal_pdf,
        name="console_appeal_pdf",
    ),
]
# Issue 10 — renditions: the signed answer's downloads and the public verification page.
from priemnaya.web.views import renditions  # noqa: E402

urlpatterns += [
    path(
        "cabinet/appeals/<str:number>/answer.<slug:fmt>.sig",
        renditions.cabinet_answer_signature,
        name="answer_signature",
    ),
    path(
        "cabinet/appeals/<str:number>/answer.<slug:fmt>",
        renditions.cabinet_answer,
        name="answer_download",
    ),
    path(
        "console/appeals/<str:number>/answer.<slug:fmt>.sig",
        renditions.console_answer_signature,
        name="console_answer_signature",
    ),
    path(
        "console/appeals/<str:number>/answer.<slug:fmt>",
        renditions.console_answer,
        name="console_answer_download",
    ),
    path("verify/", renditions.verify, name="verify"),
]
# Issue 10 — attachments on the pages: staging by the page script, removal before submit, downloads.
from priemnaya.web.views import files  # noqa: E402

urlpatterns += [
    path("cabinet/attachments/", files.cabinet_stage, name="attachment_stage"),
    path(
        "cabinet/attachments/<int:attachment_id>/delete",
        files.cabinet_discard,
        name="attachment_discard",
    ),
    path(
        "cabinet/appeals/<str:number>/files/<int:attachment_id>",
        files.cabinet_file,
        name="appeal_file",
    ),
    path("console/attachments/", files.console_stage, name="console_attachment_stage"),
    path(
        "console/attachments/<int:attachment_id>/delete",
        files.console_discard,
        name="console_attachment_discard",
    ),
    path(
        "console/appeals/<str:number>/files/<int:attachment_id>",
        files.console_file,
        name="console_file",
    ),
]
# Canned responses (issue 12): the administrator's editor of answer templates.
from priemnaya.web.views import canned  # noqa: E402

urlpatterns += [
    path("console/templates/", canned.template_list, name="console_templates"),
    path("console/templates/new/", canned.template_new, name="console_template_new"),
    path(
        "console/templates/<int:template_id>/", canned.template_edit, name="console_template_edit"
    ),
    path(
        "console/templates/<int:template_id>/deactivate/",
        canned.template_deactivate,
        name="console_template_deactivate",
    ),
]
# Issue 12 — knowledge base: the public help and the administrator's editor.
from priemnaya.web.views import help as help_pages  # noqa: E402
from priemnaya.web.views import kb_editor  # noqa: E402

urlpatterns += [
    path("help/", help_pages.index, name="help"),
    path("help/search/", help_pages.search, name="help_search"),
    path("help/<slug:section_slug>/", help_pages.section, name="help_section"),
    path("help/<slug:section_slug>/<slug:slug>/", help_pages.article, name="help_article"),
    path("console/kb/", kb_editor.article_list, name="kb_list"),
    path("console/kb/new/", kb_editor.article_new, name="kb_new"),
    path("console/kb/<int:article_id>/", kb_editor.article_edit, name="kb_edit"),
    path("console/kb/<int:article_id>/preview/", kb_editor.article_preview, name="kb_preview"),
    path("console/kb/<int:article_id>/publish/", kb_editor.article_publish, name="kb_publish"),
    path(
        "console/kb/<int:article_id>/unpublish/", kb_editor.article_unpublish, name="kb_unpublish"
    ),
]
# Issue 13 — hotline: the public contacts page (lines, hours, «работает сейчас»).
from priemnaya.web.views import contacts  # noqa: E402

urlpatterns += [path("contacts/", contacts.contacts, name="hotline_contacts")]
# Issue 13 — hotline calls: the call log, the call screen and its screen pop, the call-back queue.
from priemnaya.web.views import calls  # noqa: E402

urlpatterns += [
    path("console/calls/", calls.call_log, name="console_calls"),
    path("console/calls/current.json", calls.current_json, name="console_call_current"),
    path("console/calls/simulate/<slug:action>/", calls.simulate, name="console_call_simulate"),
    path("console/calls/<int:call_id>/", calls.call_detail, name="console_call"),
    path("console/calls/<int:call_id>/<slug:action>/", calls.call_act, name="console_call_act"),
    path("console/callbacks/", calls.callback_list, name="console_callbacks"),
    path(
        "console/callbacks/<int:request_id>/<slug:action>/",
        calls.callback_act,
        name="console_callback_act",
    ),
]
# Issue 13 — e-mail intake: the console's mailbox (parked and skipped letters) and the 59-FZ
# registration of an e-mailed request after the sender is identified.
from priemnaya.web.views import mail as mail_views  # noqa: E402

urlpatterns += [
    path("console/mail/", mail_views.mail_list, name="console_mail"),
    path("console/mail/<int:message_id>/", mail_views.mail_detail, name="console_mail_detail"),
    path(
        "console/mail/<int:message_id>/request/",
        mail_views.mail_create_request,
        name="console_mail_request",
    ),
    path(
        "console/mail/<int:message_id>/attach/", mail_views.mail_attach, name="console_mail_attach"
    ),
    path("console/mail/fz59/<str:number>/", mail_views.mail_fz59, name="console_mail_fz59"),
]
# Issue 13 — live chat: the citizen's page (live over /ws/chat/, a plain form without JavaScript)
# and the operator's chat console.
from priemnaya.web.views import chat, chat_console  # noqa: E402

urlpatterns += [
    path("chat/", chat.chat_page, name="chat"),
    path("chat/start/", chat.chat_start, name="chat_start"),
    path("chat/<int:chat_id>/send/", chat.chat_send, name="chat_send"),
    path("chat/<int:chat_id>/handover/", chat.chat_handover, name="chat_handover"),
    path("chat/<int:chat_id>/close/", chat.chat_close, name="chat_close"),
    path("chat/<int:chat_id>/rate/", chat.chat_rate, name="chat_rate"),
    path("chat/<int:chat_id>/files/<int:attachment_id>/", chat.chat_file, name="chat_file"),
    path("console/chat/", chat_console.console, name="console_chat"),
    path("console/chat/<int:chat_id>/take/", chat_console.take, name="console_chat_take"),
    path("console/chat/<int:chat_id>/send/", chat_console.send, name="console_chat_send"),
    path("console/chat/<int:chat_id>/close/", chat_console.close, name="console_chat_close"),
    path("console/chat/<int:chat_id>/appeal/", chat_console.to_appeal, name="console_chat_appeal"),
]
# Issue 14 — retention: policies, legal holds and destruction acts (administrators and auditors).
from priemnaya.web.views import retention  # noqa: E402

urlpatterns += [
    path("console/retention/", retention.home, name="retention"),
    path("console/retention/policy/", retention.policy, name="retention_policy"),
    path("console/retention/holds/", retention.hold_new, name="retention_hold"),
    path(
        "console/retention/holds/<int:hold_id>/lift/",
        retention.hold_remove,
        name="retention_hold_lift",
    ),
    path("console/retention/acts/<int:act_id>/", retention.act_detail, name="retention_act"),
    path(
        "console/retention/acts/<int:act_id>.<slug:fmt>",
        retention.act_file,
        name="retention_act_file",
    ),
    path(
        "console/retention/acts/<int:act_id>/sign/",
        retention.act_approve,
        name="retention_act_sign",
    ),
]

# Issue 14 — collective issues: the staff's suggestions and issues, the public page, co-signing.
from priemnaya.web.views import collective  # noqa: E402

urlpatterns += [
    path("console/collective/", collective.console_index, name="console_collective_index"),
    path("console/collective/new/", collective.console_create, name="console_collective_new"),
    path(
        "console/collective/<int:issue_id>/",
        collective.console_detail,
        name="console_collective",
    ),
    path(
        "console/collective/<int:issue_id>/appeals/",
        collective.console_add,
        name="console_collective_add",
    ),
    path(
        "console/collective/<int:issue_id>/answer/",
        collective.console_answer,
        name="console_collective_answer",
    ),
    path(
        "console/collective/<int:issue_id>/representative/",
        collective.console_representative,
        name="console_collective_representative",
    ),
    path("collective/<int:issue_id>/", collective.public_detail, name="collective_public"),
    path("collective/<int:issue_id>/sign/", collective.sign, name="collective_sign"),
    path("collective/<int:issue_id>/withdraw/", collective.unsign, name="collective_unsign"),
    path("cabinet/collective/", collective.cabinet_list, name="cabinet_collective"),
]

# Issue 14 — open data: the public summary, its exports and schema, published answers (rule 16),
# publishing from the console; the monthly report for quality control and department heads.
from priemnaya.web.views import monthly_report  # noqa: E402
from priemnaya.web.views import opendata as opendata_views  # noqa: E402

urlpatterns += [
    path("open-data/", opendata_views.summary_page, name="opendata"),
    path("open-data/summary.csv", opendata_views.summary_csv_view, name="opendata_csv"),
    path("open-data/summary.json", opendata_views.summary_json, name="opendata_json"),
    path("open-data/schema.json", opendata_views.schema_json, name="opendata_schema"),
    path("open-data/answers/", opendata_views.answers_list, name="opendata_answers"),
    path(
        "open-data/answers/<int:publication_id>/",
        opendata_views.answer_detail,
        name="opendata_answer",
    ),
    path("console/publish/<str:number>/", opendata_views.publish, name="console_publish"),
    path(
        "console/published/<int:publication_id>/withdraw/",
        opendata_views.withdraw,
        name="console_publication_withdraw",
    ),
    path("console/analytics/monthly/", monthly_report.monthly, name="console_monthly"),
    path(
        "console/analytics/monthly.xlsx", monthly_report.monthly_xlsx, name="console_monthly_xlsx"
    ),
    path("console/analytics/monthly.pdf", monthly_report.monthly_pdf, name="console_monthly_pdf"),
]

# Issue 14 — analytics dashboard
from priemnaya.web.views import analytics as analytics_views  # noqa: E402

urlpatterns += [
    path("console/analytics/", analytics_views.page, name="analytics"),
    path("console/analytics/export.csv", analytics_views.export_csv, name="analytics_csv"),
    path("console/analytics/export.xlsx", analytics_views.export_xlsx, name="analytics_xlsx"),
]
