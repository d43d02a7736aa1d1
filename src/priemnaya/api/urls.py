from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from priemnaya.api import errors
from priemnaya.api.auth import API_AUTH
from priemnaya.api.docs import OfflineSwagger
from priemnaya.api.input_guard import refuse_unstorable
from priemnaya.api.routers import (
    appeals,
    calendar,
    catalog,
    incidents,
    notifications,
    privacy,
    sms_status,
    staff,
    token,
)


class UnicodeJSONRenderer(JSONRenderer):
    """Send Cyrillic as UTF-8 rather than \\u escapes: a third of the size and readable in logs."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=UnicodeJSONRenderer(),
    title="Приёмная API",
    version="1",
    description="Обращения граждан: подача, статус, ответы; рабочее место сотрудников.",
    auth=API_AUTH,
    urls_namespace="api",
    docs=OfflineSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
# ninja's "operation" mode wraps each endpoint function: after auth and parsing, before our code.
api.add_decorator(refuse_unstorable, mode="operation")
api.add_router("/auth", token.router)
api.add_router("/catalog", catalog.router)
# Issue 10 — exports: before the appeals router, which would take «export.pdf» for a number.
from priemnaya.api.routers import exports  # noqa: E402

api.add_router("/appeals", exports.router)
api.add_router("/appeals", appeals.router)
api.add_router("/staff/appeals", staff.router)
api.add_router("", calendar.router)
api.add_router("/staff/incidents", incidents.router)
api.add_router("/notifications", sms_status.router)
api.add_router("/notifications", notifications.router)
api.add_router("/account", privacy.router)  # issue 9, privacy: export, requests about PD
# Registration and the own account (issue 9, identity).
from priemnaya.api.routers import account  # noqa: E402

api.add_router("/auth", account.auth_router)
api.add_router("/account", account.account_router)
# Issue 9 — twofactor: the caller's own tokens and logout (api/routers/tokens.py).
from priemnaya.api.routers import tokens  # noqa: E402

api.add_router("/auth", tokens.router)
# Issue 9 — signin: password reset for apps.
from priemnaya.api.routers import password_reset  # noqa: E402

api.add_router("/auth", password_reset.router)
# Issue 10 — renditions: signed answers' downloads and the public verification.
from priemnaya.api.routers import renditions  # noqa: E402

api.add_router("/appeals", renditions.router)
api.add_router("", renditions.verify_router)
# Issue 10 — the head's review of answers (api/routers/answer_review.py, docs/answers.md).
from priemnaya.api.routers import answer_review  # noqa: E402

api.add_router("/staff/appeals", answer_review.router)
api.add_router("/staff/answer-drafts", answer_review.drafts_router)
# Issue 10 — uploads: files staged before the form that carries them.
from priemnaya.api.routers import attachments  # noqa: E402

api.add_router("/attachments", attachments.router)
# Issue 12 — the theme suggester (search/suggest.py).
from priemnaya.api.routers import suggestions  # noqa: E402

api.add_router("/suggestions", suggestions.router)
# Issue 12 — the knowledge base (public).
from priemnaya.api.routers import knowledge  # noqa: E402

api.add_router("/knowledge", knowledge.router)
# Issue 13 — status without an account: a code to the appeal's contact, then the status.
from priemnaya.api.routers import status  # noqa: E402

api.add_router("", status.router)
# Issue 13 — hotline: the lines with their hours and status (public).
from priemnaya.api.routers import hotline  # noqa: E402

api.add_router("/hotline", hotline.router)
# Issue 13 — hotline calls: the CTI webhook (HMAC-signed), the staff's call log and call-backs.
from priemnaya.api.routers import hotline_calls  # noqa: E402

api.add_router("/hotline", hotline_calls.router)
api.add_router("/staff/calls", hotline_calls.calls_router)
api.add_router("/staff/callbacks", hotline_calls.callbacks_router)
# Issue 14 — retention: counts, destruction acts and legal holds (administrators and auditors).
from priemnaya.api.routers import retention  # noqa: E402

api.add_router("/retention", retention.router)
# Issue 14 — collective issues: staff merge and answer once, citizens co-sign.
from priemnaya.api.routers import collective  # noqa: E402

api.add_router("/staff/collective", collective.router)
api.add_router("/collective", collective.citizen_router)
# Issue 14 — open data: the public summary (api/routers/opendata.py, docs/open-data.md).
from priemnaya.api.routers import opendata  # noqa: E402

api.add_router("/open-data", opendata.router)
# Issue 14 — analytics: the dashboard's numbers for staff.
from priemnaya.api.routers import analytics  # noqa: E402

api.add_router("/staff/analytics", analytics.router)
