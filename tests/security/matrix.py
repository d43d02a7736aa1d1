"""The access matrix: every page and API operation × every role × own/other object.

The routes come from the URL resolver and the API's OpenAPI schema, so the list is complete by
construction; ``RULES`` says for each one who may use it and which object it addresses. A route
missing from ``RULES`` fails the matrix with «classify this route» (docs/security-matrix.md).

Keys: ``web:<url name>`` (or the bare name of a project-level URL such as ``healthz``) for pages;
``api:<METHOD> <path under /api/v1>`` for API operations, e.g. ``api:GET /appeals/{number}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from priemnaya.accounts.roles import ALL_DEPARTMENTS_ROLES, WORKING_ROLES, Role
from priemnaya.core.numbering import EXAMPLE_NUMBER

ANONYMOUS = "anonymous"
ROLES: tuple[str, ...] = (
    ANONYMOUS,
    Role.CITIZEN.value,
    Role.OPERATOR.value,
    Role.SPECIALIST.value,
    Role.SUPERVISOR.value,
    Role.ADMINISTRATOR.value,
    Role.AUDITOR.value,
)

SIGNED_IN = frozenset(r.value for r in Role)
EVERYONE = SIGNED_IN | {ANONYMOUS}
CITIZEN = frozenset({Role.CITIZEN.value})
WORKING = frozenset(r.value for r in WORKING_ROLES)
ALL_SEEING = frozenset(r.value for r in ALL_DEPARTMENTS_ROLES)
AUDITOR = frozenset({Role.AUDITOR.value})
ADMINISTRATOR = frozenset({Role.ADMINISTRATOR.value})
# Read endpoints of the applicant's API that staff use too (there is no staff twin of them):
# each caller reaches what they may see — own appeals, or their departments' ones.
READERS = CITIZEN | WORKING
# Who has a notification feed (and push): citizens and working staff, not the auditor (SPEC §1).
FEED = CITIZEN | WORKING

# Which side's objects a role calls its own, and which side is someone else's (None: no such
# object for the role). Side «a»: citizen A's support appeals, in the «support» department the
# operator heads; side «b»: citizen B's complaints, in «services», where the specialist works.
# Supervisors and administrators see every department: nothing is «other» for them.
OWN_SIDE: dict[str, str | None] = {
    Role.CITIZEN: "a",
    Role.OPERATOR: "a",
    Role.SPECIALIST: "b",
    Role.SUPERVISOR: "a",
    Role.ADMINISTRATOR: "a",
    Role.AUDITOR: None,
}
OTHER_SIDE: dict[str, str | None] = {
    Role.CITIZEN: "b",
    Role.OPERATOR: "b",
    Role.SPECIALIST: "a",
    Role.SUPERVISOR: None,
    Role.ADMINISTRATOR: None,
    Role.AUDITOR: "a",
}

# How a kind of object is named in a URL.
OBJECT_PARAMS = {
    "appeal": "number",
    "draft": "draft_id",
    "incident": "incident_id",
    "notification": "notification_id",
    "failed": "notification_id",
    "session": "session_id",
    "token": "token_id",
    "privacy_request": "request_id",
    "breach": "breach_id",
    "attachment": "attachment_id",
    "staged": "attachment_id",
}
# Objects every signed-in person has (own) and another person has too (other).
PER_PERSON = frozenset({"notification", "session", "token", "staged"})
# Objects only all-seeing roles (supervisors, administrators) reach: there is no «other».
OFFICERS_ONLY = frozenset({"failed", "privacy_request", "breach"})

Body = dict[str, Any] | Callable[[Any], dict[str, Any]] | None


@dataclass(frozen=True)
class Rule:
    """Who may use a route and what a call looks like.

    roles: the roles that may use it (ANONYMOUS among them for public routes).
    kind: «page» (anonymous → login redirect, refused role → 403 page), «json» (a JSON endpoint
        of the pages: anonymous → 401 JSON) or «api» (anonymous → 401 JSON).
    object: the object the URL addresses: «appeal» (registered) or «appeal:<status>», «draft»,
        «incident», «notification» (own feed item; other: another citizen's), «failed» (a
        delivery parked as failed), or None.
    ok: the statuses of a call that works (own object, allowed role).
    shows: the own object's subject must appear in the answer (the page really shows it).
    denied: status a refused role gets (403 unless the route says otherwise, with a reason);
        denied_by: the same per role.
    other: status for someone else's object (404: no existence oracle).
    xfail: role → why the code disagrees with this rule (a reported mismatch, strict xfail).
    """

    roles: frozenset[str]
    method: str = "get"
    kind: str = "page"
    object: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    query: str = ""
    body: Body = None
    ok: tuple[int, ...] = (200,)
    shows: bool = False
    denied: int = 403
    denied_by: dict[str, int] = field(default_factory=dict)
    other: int = 404
    xfail: dict[str, str] = field(default_factory=dict)
    variant: str = ""
    # The answer holds nothing personal and browsers may keep it (the service worker).
    cacheable: bool = False
    note: str = ""
    # The body is a multipart form (files), not JSON.
    multipart: bool = False

    def denied_for(self, role: str) -> int:
        return self.denied_by.get(role, self.denied)

    @property
    def object_kind(self) -> str | None:
        return self.object.split(":")[0] if self.object else None


@dataclass(frozen=True)
class Skip:
    """A route left out of the matrix, with the reason (and where it is checked instead)."""

    reason: str


def _text(text: str) -> dict[str, str]:
    return {"text": text}


def _token_body(ctx) -> dict[str, str]:
    return {"login": ctx.user.email, "password": ctx.password}


def _assign_body(ctx) -> dict[str, int]:
    return {"assignee_id": ctx.member.pk}


def _redirect_body(ctx) -> dict[str, str]:
    # Away from the appeal's own department, to one that is not the body complained about.
    target = "quality" if ctx.appeal.department.code != "quality" else "support"
    return {"department": target, "reason": "По компетенции другого отдела."}


def _files_body(ctx) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.attachments.samples import png

    return {"files": SimpleUploadedFile("скан.png", png(), content_type="image/png")}


def _extend_body(ctx) -> dict[str, str]:
    return {"due_date": ctx.extend_to.isoformat(), "reason": "Нужна проверка на месте."}


PREFERENCES = {
    "email": True,
    "sms": False,
    "push": False,
    "kinds": [],
    "quiet_from": "22:00",
    "quiet_to": "08:00",
    "timezone": "Europe/Moscow",
}
# A new citizen's registration through the API (the answer is the same for a taken e-mail).
SIGN_UP = {
    "full_name": "Новикова Анна Сергеевна",
    "email": "new.person@example.ru",
    "phone": "",
    "password": "Nov-pass-2026!",
    "consent": True,
}
# The applicant's API looks the appeal up before anything else: the auditor, who may see no
# appeal at all, hears «not found», as any outsider to an object does (SPEC §1).
SEES_NO_APPEAL = {Role.AUDITOR.value: 404}
CAPTCHA = Skip(
    "django-simple-captcha's image, audio and refresh of a random key: public, nothing personal;"
    " the unlock tests (tests/security/test_unlock.py, tests/e2e) solve it"
)
# Operators unlock accounts at the hotline; supervisors and administrators may too (SPEC §13).
UNLOCKERS = frozenset({Role.OPERATOR.value}) | ALL_SEEING
# The hotline's second line (issue 13): specialists, supervisors and administrators call back.
SECOND_LINE = frozenset({Role.SPECIALIST.value}) | ALL_SEEING
# The mailbox of the e-mail intake is sorted by first-line operators, overseen by all-seeing roles.
MAIL_SORTERS = frozenset({Role.OPERATOR.value}) | ALL_SEEING
# Issue 13 — who answers chats: the contact centre's operators and those above them.
CHAT_OPERATORS = frozenset({Role.OPERATOR.value}) | ALL_SEEING
DEV = Skip("DEBUG only: tests/security/test_access_matrix.py checks it is 404 with DEBUG off")

# One line per route. Keep it sorted by area; a new page gets its line here.
RULES: dict[str, Rule | Skip | tuple[Rule, ...]] = {
    # ---- probes and public pages -----------------------------------------------------------
    "healthz": Rule(EVERYONE, kind="json"),
    "readyz": Rule(EVERYONE, kind="json"),
    "metrics": Skip(
        "Prometheus scrapes: not by role but by address or token (the test client's peer is"
        " 127.0.0.1); tests/production/test_metrics.py checks 404 for everyone else"
    ),
    "web:home": Rule(EVERYONE),
    # Issue 13 — status without an account: the owner (and staff) see their appeal; anyone else
    # with the number only is offered a code (200, nothing shown, the same for any number).
    "web:status": (
        Rule(EVERYONE),
        Rule(EVERYONE, object="appeal", query="number={number}", variant="number", other=200),
        Rule(EVERYONE, method="post", body={"number": EXAMPLE_NUMBER}, variant="code"),
        Rule(
            EVERYONE,
            method="post",
            body={"number": EXAMPLE_NUMBER, "action": "check", "code": "000000"},
            ok=(400,),
            variant="check",
        ),
    ),
    # Issue 10: the public check of a signed answer; a post without a file is refused (400).
    "web:verify": (
        Rule(EVERYONE),
        Rule(EVERYONE, method="post", body={}, ok=(400,)),
        Rule(EVERYONE, query="code=ABCD-EFGH-JKMN", ok=(404,), variant="code"),
    ),
    "web:login": Rule(EVERYONE),
    "web:logout": Rule(EVERYONE, method="post", ok=(302,)),
    "web:register": Rule(EVERYONE),
    "web:push_sw": Rule(EVERYONE, cacheable=True),
    "web:unsubscribe": (
        Rule(EVERYONE, params={"token": "not-a-token"}),
        # RFC 8058 one-click: no session, no CSRF; a forged token is refused, never a 500.
        Rule(EVERYONE, method="post", params={"token": "not-a-token"}, ok=(400,)),
    ),
    # An SMS link: a redirect to the console or the cabinet page, which checks access itself.
    "web:short_link": Rule(SIGNED_IN, object="appeal", ok=(302,), other=302),
    # ---- the cabinet (citizens) ------------------------------------------------------------
    "web:cabinet": Rule(CITIZEN),
    # Issue 12 — help before filing: the page script's fragment of offers.
    "web:before_filing": Rule(
        CITIZEN, method="post", body={"text": "Не приходит СМС с кодом подтверждения"}
    ),
    "web:appeal_new": (
        Rule(CITIZEN),
        Rule(
            CITIZEN,
            method="post",
            body={
                "kind": "support",
                "theme": "tech-login",
                "subject": "Не могу войти",
                "text": "Страница входа обновляется после ввода пароля.",
                "contact_email": "me@example.ru",
                "client_token": "matrix-1",
            },
            ok=(302,),
        ),
    ),
    "web:draft_edit": Rule(CITIZEN, object="draft", shows=True),
    "web:appeal_detail": Rule(CITIZEN, object="appeal", shows=True),
    "web:submitted": Rule(CITIZEN, object="appeal"),
    "web:appeal_edit": Rule(CITIZEN, object="appeal", shows=True),
    "web:appeal_act": Rule(
        CITIZEN,
        method="post",
        object="appeal",
        params={"action": "comment"},
        body={"comment-text": "Дополняю обращение."},
        ok=(302,),
    ),
    # Issue 10 — renditions: the signed answer's files (the JSON one shows the appeal's subject).
    "web:answer_download": Rule(
        CITIZEN, object="appeal:answered", params={"fmt": "json"}, shows=True
    ),
    "web:answer_signature": Rule(CITIZEN, object="appeal:answered", params={"fmt": "xml"}),
    # Issue 10: the appeal's files (download) and the page script's staging and removal of one's
    # own unsent file (another's is 404, as another's appeal).
    "web:appeal_file": Rule(CITIZEN, object="attachment"),
    "web:attachment_stage": Rule(
        CITIZEN, kind="json", method="post", body=_files_body, multipart=True, ok=(201,)
    ),
    "web:attachment_discard": Rule(CITIZEN, kind="json", method="post", object="staged"),
    "web:notifications": Rule(CITIZEN),
    "web:notifications_read": Rule(CITIZEN, method="post", body={"all": "1"}, ok=(302,)),
    "web:notification_settings": Rule(CITIZEN),
    # ---- JSON endpoints of the pages (anyone signed in: the bell and web push) ------------------
    "web:notifications_unread": Rule(FEED, kind="json"),
    "web:push_key": Rule(FEED, kind="json"),
    "web:push_subscribe": Rule(FEED, kind="json", method="post", body={}, ok=(422,)),
    "web:push_unsubscribe": Rule(FEED, kind="json", method="post", body={"endpoint": "x"}),
    # ---- the console (staff) ---------------------------------------------------------------
    "web:console": Rule(WORKING),
    "web:console_new": (
        Rule(WORKING),
        Rule(
            WORKING,
            method="post",
            body={
                "kind": "support",
                "theme": "tech-login",
                "subject": "Не могу войти",
                "text": "Страница входа обновляется после ввода пароля.",
                "channel": "phone",
                "applicant_name": "Сидоров Пётр Ильич",
                "contact_phone": "8 (916) 123-45-67",
            },
            ok=(302,),
        ),
    ),
    "web:console_detail": Rule(WORKING, object="appeal", shows=True),
    "web:console_incident": Rule(WORKING, object="incident", shows=True),
    "web:console_answer_drafts": Rule(WORKING),
    "web:console_act": Rule(
        WORKING,
        method="post",
        object="appeal",
        params={"action": "note"},
        body={"note-text": "Проверить журнал входа."},
        ok=(302,),
    ),
    "web:console_answer_download": Rule(
        WORKING, object="appeal:answered", params={"fmt": "json"}, shows=True
    ),
    "web:console_answer_signature": Rule(WORKING, object="appeal:answered", params={"fmt": "pdf"}),
    "web:console_file": Rule(WORKING, object="attachment"),
    "web:console_attachment_stage": Rule(
        WORKING, kind="json", method="post", body=_files_body, multipart=True, ok=(201,)
    ),
    "web:console_attachment_discard": Rule(WORKING, kind="json", method="post", object="staged"),
    "web:console_notifications": Rule(WORKING),
    "web:console_notifications_read": Rule(WORKING, method="post", body={"all": "1"}, ok=(302,)),
    "web:console_notification_settings": Rule(WORKING),
    "web:notifications_failed": Rule(ALL_SEEING),
    "web:notification_retry": Rule(ALL_SEEING, method="post", object="failed", ok=(302,)),
    # ---- demo-only and framework pages -----------------------------------------------------
    "web:dev_webhooks": DEV,
    "web:dev_outbox": DEV,
    "web:dev_outbox_email": DEV,
    "api:openapi-json": Skip("public and slow to build: test_api_docs_are_public opens it once"),
    "api:openapi-view": Skip("Swagger UI, public: test_api_docs_are_public opens it once"),
    "api:api-root": Skip("ninja's root view is not routed: /api/v1/ answers 404"),
    # ---- API: sign-in and the catalog (public) ---------------------------------------------
    "api:POST /auth/token": Rule(EVERYONE, kind="api", method="post", body=_token_body),
    "api:GET /catalog/kinds": Rule(EVERYONE, kind="api"),
    "api:GET /catalog/themes": Rule(EVERYONE, kind="api"),
    "api:GET /catalog/departments": Rule(EVERYONE, kind="api"),
    # Issue 12 — the theme suggester: public like the catalog, rate-limited per IP.
    "api:POST /suggestions/theme": Rule(
        EVERYONE, kind="api", method="post", body={"text": "Не приходит СМС с кодом"}
    ),
    # Issue 12 — help before filing: any signed-in caller; only a citizen's own appeals come back.
    "api:POST /suggestions/before-filing": Rule(
        SIGNED_IN, kind="api", method="post", body={"text": "Не приходит СМС с кодом"}
    ),
    "api:GET /calendar/{year}": Rule(EVERYONE, kind="api", params={"year": "2026"}),
    "api:GET /deadlines/preview": Rule(
        EVERYONE, kind="api", query="registered=2026-02-20&kind=support"
    ),
    # Issue 13 — status without an account: public, rate-limited per IP, the same for any number.
    "api:POST /status/code": Rule(
        EVERYONE, kind="api", method="post", body={"number": EXAMPLE_NUMBER}, ok=(202,)
    ),
    "api:POST /status": Rule(
        EVERYONE,
        kind="api",
        method="post",
        body={"number": EXAMPLE_NUMBER, "code": "000000"},
        ok=(422,),
    ),
    # The SMS gateway's callback: its own shared secret, no session or bearer token counts.
    "api:POST /notifications/sms-status": Rule(
        EVERYONE, kind="api", method="post", body={"id": "1", "status": "delivered"}, ok=(401,)
    ),
    # ---- API: the applicant's side ---------------------------------------------------------
    "api:POST /appeals": Rule(
        CITIZEN,
        kind="api",
        method="post",
        body={
            "kind": "support",
            "theme": "tech-sms",
            "subject": "Не приходит SMS",
            "text": "Код подтверждения не приходит.",
            "contact_phone": "+79161234567",
        },
        ok=(201,),
    ),
    "api:GET /appeals": Rule(CITIZEN, kind="api"),
    "api:GET /appeals/{number}": Rule(
        READERS, kind="api", denied_by=SEES_NO_APPEAL, object="appeal", shows=True
    ),
    "api:GET /appeals/{number}/events": Rule(
        READERS, kind="api", denied_by=SEES_NO_APPEAL, object="appeal"
    ),
    "api:PATCH /appeals/{number}": Rule(
        CITIZEN,
        kind="api",
        denied_by=SEES_NO_APPEAL,
        method="patch",
        object="appeal",
        body={"text": "Уточнённый текст."},
    ),
    "api:POST /appeals/{number}/comment": Rule(
        READERS,
        kind="api",
        denied_by=SEES_NO_APPEAL,
        method="post",
        object="appeal",
        body=_text("Ещё вопрос."),
        ok=(201,),
    ),
    "api:POST /appeals/{number}/provide-info": Rule(
        CITIZEN,
        kind="api",
        denied_by=SEES_NO_APPEAL,
        method="post",
        object="appeal:needs_info",
        body=_text("Браузер Firefox."),
    ),
    "api:POST /appeals/{number}/withdraw": Rule(
        CITIZEN,
        kind="api",
        denied_by=SEES_NO_APPEAL,
        method="post",
        object="appeal",
        body={"reason": "Решилось само."},
    ),
    "api:POST /appeals/{number}/close": Rule(
        CITIZEN, kind="api", denied_by=SEES_NO_APPEAL, method="post", object="appeal:answered"
    ),
    "api:POST /appeals/{number}/rate": Rule(
        CITIZEN,
        kind="api",
        denied_by=SEES_NO_APPEAL,
        method="post",
        object="appeal:answered",
        body={"rating": 5},
    ),
    "api:POST /appeals/{number}/escalate": Rule(
        READERS,
        kind="api",
        denied_by=SEES_NO_APPEAL,
        method="post",
        object="appeal:answered",
        body={"reason": "Ответ не по существу."},
    ),
    # Issue 10 — renditions: the signed answer and its signature, for whoever sees the appeal.
    "api:GET /appeals/{number}/answer/{fmt}": Rule(
        READERS,
        kind="api",
        denied_by=SEES_NO_APPEAL,
        object="appeal:answered",
        params={"fmt": "json"},
        shows=True,
    ),
    "api:GET /appeals/{number}/answer/{fmt}/signature": Rule(
        READERS,
        kind="api",
        denied_by=SEES_NO_APPEAL,
        object="appeal:answered",
        params={"fmt": "pdf"},
    ),
    # Public: no file is a 422 naming «file», never a 401 (issue 10 contract).
    "api:POST /verify": Rule(EVERYONE, kind="api", method="post", body={}, ok=(422,)),
    # Issue 10 — uploads: adding documents, the appeal's files and their download.
    "api:POST /appeals/{number}/attachments": Rule(
        CITIZEN,
        kind="api",
        denied_by=SEES_NO_APPEAL,
        method="post",
        object="appeal",
        body=_files_body,
        multipart=True,
        ok=(201,),
    ),
    "api:GET /appeals/{number}/attachments": Rule(
        READERS, kind="api", denied_by=SEES_NO_APPEAL, object="appeal"
    ),
    "api:GET /appeals/{number}/attachments/{attachment_id}": Rule(
        READERS, kind="api", denied_by=SEES_NO_APPEAL, object="attachment"
    ),
    "api:POST /attachments": Rule(
        CITIZEN | WORKING, kind="api", method="post", body=_files_body, multipart=True, ok=(201,)
    ),
    "api:DELETE /attachments/{attachment_id}": Rule(
        SIGNED_IN,
        kind="api",
        method="delete",
        object="staged",
        ok=(204,),
        note="anyone removes their own uploaded, unsent file; another's is 404",
    ),
    # ---- API: staff ------------------------------------------------------------------------
    "api:POST /staff/appeals": Rule(
        WORKING,
        kind="api",
        method="post",
        body={
            "kind": "support",
            "theme": "tech-sms",
            "subject": "Не приходит SMS",
            "text": "Код подтверждения не приходит.",
            "contact_phone": "+79161234567",
            "channel": "phone",
            "applicant_name": "Сидоров Пётр Ильич",
        },
        ok=(201,),
    ),
    "api:GET /staff/appeals": Rule(WORKING, kind="api"),
    "api:GET /staff/appeals/queues": Rule(WORKING, kind="api"),
    "api:GET /staff/appeals/{number}": Rule(WORKING, kind="api", object="appeal", shows=True),
    "api:POST /staff/appeals/{number}/take": Rule(
        WORKING, kind="api", method="post", object="appeal"
    ),
    "api:POST /staff/appeals/{number}/request-info": Rule(
        WORKING,
        kind="api",
        method="post",
        object="appeal:in_progress",
        body={"question": "Какой у вас браузер?"},
    ),
    "api:POST /staff/appeals/{number}/answer": Rule(
        WORKING,
        kind="api",
        method="post",
        object="appeal:in_progress",
        body={"outcome": "resolved", "text": "Проблема устранена."},
    ),
    # The head's review of answers (issue 10; in the matrix world every member of staff heads
    # their departments, and no draft waits: deciding is then 409, still not 403/404).
    "api:GET /staff/appeals/{number}/answer/draft": Rule(
        WORKING, kind="api", object="appeal:in_progress"
    ),
    "api:POST /staff/appeals/{number}/answer/review": Rule(
        WORKING,
        kind="api",
        method="post",
        object="appeal:in_progress",
        body={"decision": "return", "comment": "Доработайте ответ."},
        ok=(200, 409),
        note="no draft waits for review in the matrix world: 409, still not 403/404",
    ),
    "api:GET /staff/answer-drafts": Rule(WORKING, kind="api"),
    "api:POST /staff/appeals/{number}/answer/attachments": Rule(
        WORKING,
        kind="api",
        method="post",
        object="appeal:in_progress",
        body=_files_body,
        multipart=True,
        ok=(201,),
    ),
    "api:POST /staff/appeals/{number}/redirect": Rule(
        WORKING, kind="api", method="post", object="appeal", body=_redirect_body
    ),
    "api:POST /staff/appeals/{number}/extend": Rule(
        WORKING, kind="api", method="post", object="appeal:in_progress", body=_extend_body
    ),
    "api:POST /staff/appeals/{number}/regime": Rule(
        WORKING,
        kind="api",
        method="post",
        object="appeal",
        body={"regime": "message", "reason": "Вопрос справочный."},
        ok=(200, 409, 422),
        note="a regime the appeal already has is refused with 422: still not 403/404",
    ),
    "api:POST /staff/appeals/{number}/escalate": Rule(
        WORKING, kind="api", method="post", object="appeal", body={"reason": "Нужно решение."}
    ),
    "api:POST /staff/appeals/{number}/note": Rule(
        WORKING, kind="api", method="post", object="appeal", body=_text("Заметка.")
    ),
    "api:POST /staff/appeals/{number}/comment": Rule(
        WORKING, kind="api", method="post", object="appeal", body=_text("Уточняем."), ok=(201,)
    ),
    "api:POST /staff/appeals/{number}/reopen": Rule(
        WORKING,
        kind="api",
        method="post",
        object="appeal:answered",
        body={"reason": "Ответ неполный."},
    ),
    "api:POST /staff/appeals/{number}/confirm": Rule(
        WORKING,
        kind="api",
        method="post",
        object="appeal:answered",
        body={"comment": ""},
        ok=(200, 409),
        note="confirming an answer nobody asked to review is 409: still not 403/404",
    ),
    "api:GET /staff/appeals/{number}/assignees": Rule(WORKING, kind="api", object="appeal"),
    # Issue 12: the appeal's answer templates filled in, and the applicant's other appeals.
    "api:GET /staff/appeals/{number}/templates": Rule(WORKING, kind="api", object="appeal"),
    "api:GET /staff/appeals/{number}/earlier": Rule(WORKING, kind="api", object="appeal"),
    "api:POST /staff/appeals/{number}/assign": Rule(
        WORKING, kind="api", method="post", object="appeal", body=_assign_body
    ),
    "api:GET /staff/incidents": Rule(WORKING, kind="api"),
    "api:POST /staff/incidents/{incident_id}/resolve": Rule(
        WORKING,
        kind="api",
        method="post",
        object="incident",
        body=_text("Сбой устранён."),
    ),
    # ---- API: own notifications (every signed-in person has a feed and preferences) ---------
    "api:GET /notifications": Rule(FEED, kind="api"),
    "api:POST /notifications/read-all": Rule(FEED, kind="api", method="post"),
    "api:POST /notifications/{notification_id}/read": Rule(
        FEED, kind="api", method="post", object="notification", shows=True
    ),
    "api:GET /notifications/preferences": Rule(FEED, kind="api"),
    "api:PUT /notifications/preferences": Rule(FEED, kind="api", method="put", body=PREFERENCES),
    # ---- registration and contacts (issue 9, identity) -----------------------------------------
    # Without a registration in progress the code step sends the visitor back to registration.
    "web:register_confirm": Rule(EVERYONE, ok=(200, 302)),
    # A forged link: a clear page, never a 500 and never a sign of whose link it was.
    "web:confirm_email": Rule(
        EVERYONE, params={"user_id": "999999", "secret": "not-a-secret"}, ok=(200, 400)
    ),
    "web:contacts": Rule(SIGNED_IN),
    "web:consent": Rule(EVERYONE),
    "api:POST /auth/register": Rule(EVERYONE, kind="api", method="post", body=SIGN_UP, ok=(202,)),
    "api:POST /auth/confirm-phone": Rule(
        EVERYONE,
        kind="api",
        method="post",
        body={"phone": "+79160000000", "code": "000000"},
        ok=(422,),
        note="no registration waits for that phone: the code is wrong, as any wrong code is",
    ),
    "api:GET /account": Rule(SIGNED_IN, kind="api"),
    # Matrix people have confirmed e-mails and no phone: «nothing to send to» is a 422.
    "api:POST /account/phone/code": Rule(SIGNED_IN, kind="api", method="post", ok=(200, 422)),
    "api:POST /account/phone/confirm": Rule(
        SIGNED_IN, kind="api", method="post", body={"code": "000000"}, ok=(422,)
    ),
    "api:POST /account/email/link": Rule(SIGNED_IN, kind="api", method="post", ok=(200, 422)),
    # ---- the second factor, sessions and tokens (issue 9, twofactor) ---------------------------
    # Without a password step behind it the page sends the visitor to sign in.
    "web:second_factor": Rule(EVERYONE, ok=(200, 302)),
    "web:security": Rule(SIGNED_IN),
    "web:security_totp": Rule(SIGNED_IN),
    "web:security_totp_remove": Rule(
        SIGNED_IN, method="post", body={"code": "000000"}, ok=(302, 422)
    ),
    "web:security_recovery": Rule(SIGNED_IN, method="post", ok=(200, 302, 422)),
    "web:security_sms": Rule(SIGNED_IN, method="post", body={"on": "0"}, ok=(302,)),
    "web:session_end": Rule(SIGNED_IN, method="post", object="session", ok=(302,)),
    "web:sessions_end_others": Rule(SIGNED_IN, method="post", ok=(302,)),
    "web:token_revoke": Rule(SIGNED_IN, method="post", object="token", ok=(302,)),
    "api:GET /auth/tokens": Rule(SIGNED_IN, kind="api"),
    "api:DELETE /auth/tokens/{token_id}": Rule(
        SIGNED_IN, kind="api", method="delete", object="token", ok=(204,)
    ),
    "api:POST /auth/logout": Rule(SIGNED_IN, kind="api", method="post", ok=(204,)),
    # ---- exports and the complaint guide (issue 10, exports) -----------------------------------
    "web:history_pdf": Rule(CITIZEN),
    "web:appeal_pdf": Rule(CITIZEN, object="appeal"),
    "web:appeal_evidence": Rule(CITIZEN, object="appeal"),
    "web:appeal_complaint": (
        Rule(CITIZEN, object="appeal", shows=True),
        Rule(
            CITIZEN,
            method="post",
            object="appeal",
            body={"authority": "prosecutor", "demand": "Провести проверку."},
            shows=True,
            variant="preview",
        ),
    ),
    "web:appeal_complaint_pdf": Rule(
        CITIZEN,
        method="post",
        object="appeal",
        body={"authority": "rkn", "demand": "Провести проверку."},
    ),
    "web:appeal_complaint_docx": Rule(
        CITIZEN,
        method="post",
        object="appeal",
        body={"authority": "ombudsman", "demand": "Провести проверку."},
    ),
    "web:console_appeal_pdf": Rule(WORKING, object="appeal"),
    "api:GET /appeals/export.pdf": Rule(CITIZEN, kind="api"),
    "api:GET /appeals/{number}/export.pdf": Rule(
        READERS, kind="api", denied_by=SEES_NO_APPEAL, object="appeal"
    ),
    "api:GET /appeals/{number}/evidence.zip": Rule(CITIZEN, kind="api", object="appeal"),
    # ---- personal data (issue 9, privacy) ------------------------------------------------------
    "web:privacy": Rule(CITIZEN),
    "web:privacy_export": Rule(CITIZEN),
    "web:privacy_summary": Rule(CITIZEN),
    "web:privacy_request_new": Rule(
        CITIZEN,
        method="post",
        body={"kind": "access", "text": "Какие мои данные вы храните?"},
        ok=(302,),
    ),
    "web:privacy_delete": Rule(CITIZEN),
    "web:privacy_requests": Rule(ALL_SEEING),
    "web:privacy_request": Rule(ALL_SEEING, object="privacy_request", shows=True),
    "web:privacy_breaches": Rule(ALL_SEEING),
    "web:privacy_breach": Rule(ALL_SEEING, object="breach", shows=True),
    "web:privacy_storage": Rule(ADMINISTRATOR),
    # ---- canned responses (issue 12): the administrator's editor -------------------------------
    "web:console_templates": Rule(ADMINISTRATOR),
    "web:console_template_new": Rule(ADMINISTRATOR),
    "web:console_template_edit": Rule(
        ADMINISTRATOR,
        params={"template_id": "999999"},
        ok=(404,),
        note="the matrix's world has no template: the administrator hears 404, any other role 403"
        " before the lookup (tests/answers/test_canned.py edits real ones)",
    ),
    "web:console_template_deactivate": Rule(
        ADMINISTRATOR,
        method="post",
        params={"template_id": "999999"},
        ok=(404,),
        note="as the edit page",
    ),
    "api:GET /account/export": Rule(CITIZEN, kind="api"),
    "api:GET /account/privacy-requests": Rule(CITIZEN, kind="api"),
    "api:POST /account/privacy-requests": Rule(
        CITIZEN,
        kind="api",
        method="post",
        body={"kind": "access", "text": "Какие мои данные вы храните?"},
        ok=(201,),
    ),
    # ---- sign-in recovery and unlock (issue 9, signin) -----------------------------------------
    "web:password_reset": Rule(EVERYONE),
    # The code step without a reset in progress sends the visitor back to its first step.
    "web:password_reset_confirm": Rule(EVERYONE, ok=(200, 302)),
    "web:password_change": Rule(SIGNED_IN),
    "web:unlock": Rule(EVERYONE),
    # The SMS-code step is reached only after the captcha: otherwise back to the first step.
    "web:unlock_code": Rule(EVERYONE, ok=(200, 302)),
    "web:account_unlock": Rule(UNLOCKERS),
    "api:POST /auth/password-reset": Rule(
        EVERYONE, kind="api", method="post", body={"login": "nobody@example.ru"}, ok=(202,)
    ),
    "api:POST /auth/password-reset/confirm": Rule(
        EVERYONE,
        kind="api",
        method="post",
        body={"login": "nobody@example.ru", "code": "000000", "password": "Nov-pass-2026!"},
        ok=(422,),
        note="no code was sent for that login: the code is wrong, as any wrong code is",
    ),
    "captcha-image": CAPTCHA,
    "captcha-image-2x": CAPTCHA,
    "captcha-audio": CAPTCHA,
    "captcha-refresh": CAPTCHA,
    # ---- the audit log (issue 9, audit) --------------------------------------------------------
    "web:audit": Rule(AUDITOR),
    "web:audit_verify": Rule(AUDITOR, method="post", ok=(302,)),
    "web:audit_export": Rule(AUDITOR),
    # ---- the knowledge base (issue 12) ---------------------------------------------------------
    "web:help": Rule(EVERYONE),
    "web:help_search": Rule(EVERYONE, query="q=пароль"),
    # No section or article of that name in the matrix's world: 404 for everyone, never a login.
    "web:help_section": Rule(EVERYONE, params={"section_slug": "net-takogo"}, ok=(404,)),
    "web:help_article": (
        Rule(EVERYONE, params={"section_slug": "net", "slug": "net"}, ok=(404,)),
        Rule(
            EVERYONE,
            method="post",
            params={"section_slug": "net", "slug": "net"},
            body={"helpful": "yes"},
            ok=(404,),
            variant="vote",
        ),
    ),
    "web:kb_list": Rule(ADMINISTRATOR),
    "web:kb_new": Rule(ADMINISTRATOR),
    "web:kb_edit": Rule(ADMINISTRATOR, params={"article_id": "999999"}, ok=(404,)),
    "web:kb_preview": Rule(ADMINISTRATOR, params={"article_id": "999999"}, ok=(404,)),
    "web:kb_publish": Rule(
        ADMINISTRATOR, method="post", params={"article_id": "999999"}, ok=(404,)
    ),
    "web:kb_unpublish": Rule(
        ADMINISTRATOR, method="post", params={"article_id": "999999"}, ok=(404,)
    ),
    "api:GET /knowledge/articles": Rule(EVERYONE, kind="api"),
    "api:GET /knowledge/articles/{article_id}": Rule(
        EVERYONE, kind="api", params={"article_id": "999999"}, ok=(404,)
    ),
    # ---- the hotline (issue 13): the contacts page and its JSON, public ----------------------
    "web:hotline_contacts": Rule(EVERYONE),
    "api:GET /hotline/lines": Rule(EVERYONE, kind="api"),
    # ---- hotline calls (issue 13): the CTI webhook, the call log, the call-back queue ----------
    # The CTI's webhook: its own HMAC signature, no session or bearer token counts.
    "api:POST /hotline/cti/events": Rule(
        EVERYONE,
        kind="api",
        method="post",
        body={"event": "call.answered", "call_id": "matrix"},
        ok=(401,),
    ),
    # Operators see their own calls, supervisors and administrators all (tests/hotline).
    "api:GET /staff/calls": Rule(WORKING, kind="api"),
    "api:GET /staff/callbacks": Rule(SECOND_LINE, kind="api"),
    "web:console_calls": Rule(WORKING),
    "web:console_call_current": Rule(WORKING, kind="json"),
    # The matrix's world has no call or deferred request: allowed roles hear 404 (no oracle of
    # whose it is), the rest 403 before the lookup; tests/hotline/test_pages.py opens real ones.
    "web:console_call": Rule(WORKING, params={"call_id": "999999"}, ok=(404,)),
    "web:console_call_act": Rule(
        WORKING,
        method="post",
        params={"call_id": "999999", "action": "resolve"},
        body={"resolve-topic": "tech-login"},
        ok=(404,),
    ),
    # The demo's telephony simulator: 404 with DEBUG off, for staff too.
    "web:console_call_simulate": Rule(
        WORKING,
        method="post",
        params={"action": "ring"},
        body={"caller": "+79160000000"},
        ok=(404,),
    ),
    "web:console_callbacks": Rule(SECOND_LINE),
    "web:console_callback_act": Rule(
        SECOND_LINE, method="post", params={"request_id": "999999", "action": "take"}, ok=(404,)
    ),
    # ---- e-mail intake (issue 13): the console's mailbox — operators and all-seeing roles -----
    # No letter or e-mailed request of these ids in the matrix's world: 404 for those allowed.
    "web:console_mail": Rule(MAIL_SORTERS),
    "web:console_mail_detail": Rule(MAIL_SORTERS, params={"message_id": "999999"}, ok=(404,)),
    "web:console_mail_request": Rule(
        MAIL_SORTERS, method="post", params={"message_id": "999999"}, ok=(404,)
    ),
    "web:console_mail_attach": Rule(
        MAIL_SORTERS,
        method="post",
        params={"message_id": "999999"},
        body={"number": EXAMPLE_NUMBER},
        ok=(404,),
    ),
    "web:console_mail_fz59": Rule(MAIL_SORTERS, params={"number": EXAMPLE_NUMBER}, ok=(404,)),
    # ---- live chat (issue 13): the citizen's page (visitors too) and the operators' console ---
    # Staff opening /chat/ are sent to the console (302); a chat that is not the caller's is 404.
    "web:chat": Rule(EVERYONE, ok=(200, 302)),
    "web:chat_start": Rule(EVERYONE, method="post", ok=(302,)),
    "web:chat_send": Rule(EVERYONE, method="post", params={"chat_id": "999999"}, ok=(404,)),
    "web:chat_handover": Rule(EVERYONE, method="post", params={"chat_id": "999999"}, ok=(404,)),
    "web:chat_close": Rule(EVERYONE, method="post", params={"chat_id": "999999"}, ok=(404,)),
    "web:chat_rate": Rule(EVERYONE, method="post", params={"chat_id": "999999"}, ok=(404,)),
    "web:chat_file": Rule(
        EVERYONE, params={"chat_id": "999999", "attachment_id": "999999"}, ok=(404,)
    ),
    "web:console_chat": Rule(CHAT_OPERATORS),
    "web:console_chat_take": Rule(
        CHAT_OPERATORS, method="post", params={"chat_id": "999999"}, ok=(404,)
    ),
    "web:console_chat_send": Rule(
        CHAT_OPERATORS, method="post", params={"chat_id": "999999"}, ok=(404,)
    ),
    "web:console_chat_close": Rule(
        CHAT_OPERATORS, method="post", params={"chat_id": "999999"}, ok=(404,)
    ),
    "web:console_chat_appeal": Rule(CHAT_OPERATORS, params={"chat_id": "999999"}, ok=(404,)),
    # ---- retention (issue 14): administrators and auditors read, administrators manage; the
    # pages do not exist for anyone else (404), an auditor changing something gets 403.
    "web:retention": Rule(ADMINISTRATOR | AUDITOR, denied=404),
    "web:retention_policy": Rule(
        ADMINISTRATOR, method="post", ok=(400,), denied=404, denied_by={"auditor": 403}
    ),
    "web:retention_hold": Rule(
        ADMINISTRATOR, method="post", ok=(400,), denied=404, denied_by={"auditor": 403}
    ),
    "web:retention_hold_lift": Rule(
        ADMINISTRATOR,
        method="post",
        params={"hold_id": "999999"},
        ok=(404,),
        denied=404,
        denied_by={"auditor": 403},
    ),
    "web:retention_act": Rule(
        ADMINISTRATOR | AUDITOR, params={"act_id": "999999"}, ok=(404,), denied=404
    ),
    "web:retention_act_file": Rule(
        ADMINISTRATOR | AUDITOR,
        params={"act_id": "999999", "fmt": "pdf"},
        ok=(404,),
        denied=404,
    ),
    "web:retention_act_sign": Rule(
        ADMINISTRATOR,
        method="post",
        params={"act_id": "999999"},
        ok=(404,),
        denied=404,
        denied_by={"auditor": 403},
    ),
    "api:GET /retention/summary": Rule(ADMINISTRATOR | AUDITOR, kind="api"),
    "api:GET /retention/acts": Rule(ADMINISTRATOR | AUDITOR, kind="api"),
    "api:GET /retention/acts/{act_id}": Rule(
        ADMINISTRATOR | AUDITOR, kind="api", params={"act_id": "999999"}, ok=(404,)
    ),
    # A number that cannot be one (its check digit is wrong): 422 naming «number».
    "api:POST /retention/holds": Rule(
        ADMINISTRATOR,
        kind="api",
        method="post",
        body={"number": "99-9999999-9", "reason": "Запрос суда"},
        ok=(422,),
    ),
    "api:POST /retention/holds/{hold_id}/lift": Rule(
        ADMINISTRATOR,
        kind="api",
        method="post",
        params={"hold_id": "999999"},
        body={"reason": "Снят"},
        ok=(404,),
    ),
    # ---- collective issues (issue 14): staff suggestions and issues, public page, co-signing -----
    # Staff of any department open the list (their departments' issues); heads and QC merge. No
    # issue 999999 exists: the detail and its forms answer 404 to those allowed (no oracle);
    # tests/collective checks real issues, department limits and who may merge.
    "web:console_collective_index": Rule(WORKING),
    "web:console_collective_new": Rule(
        WORKING, method="post", body={"title": "", "summary": ""}, ok=(400,)
    ),
    "web:console_collective": Rule(WORKING, params={"issue_id": "999999"}, ok=(404,)),
    "web:console_collective_add": Rule(
        WORKING, method="post", params={"issue_id": "999999"}, ok=(404,)
    ),
    "web:console_collective_answer": Rule(
        WORKING, method="post", params={"issue_id": "999999"}, ok=(404,)
    ),
    "web:console_collective_representative": Rule(
        WORKING, method="post", params={"issue_id": "999999"}, ok=(404,)
    ),
    "web:collective_public": Rule(EVERYONE, params={"issue_id": "999999"}, ok=(404,)),
    "web:collective_sign": Rule(CITIZEN, method="post", params={"issue_id": "999999"}, ok=(404,)),
    "web:collective_unsign": Rule(CITIZEN, method="post", params={"issue_id": "999999"}, ok=(404,)),
    "web:cabinet_collective": Rule(CITIZEN),
    "api:GET /staff/collective": Rule(WORKING, kind="api"),
    "api:GET /staff/collective/{issue_id}": Rule(
        WORKING, kind="api", params={"issue_id": "999999"}, ok=(404,)
    ),
    "api:POST /staff/collective": Rule(
        WORKING,
        kind="api",
        method="post",
        body={"title": "Т", "summary": "О", "appeals": []},
        ok=(422,),
    ),
    "api:POST /staff/collective/{issue_id}/appeals": Rule(
        WORKING,
        kind="api",
        method="post",
        params={"issue_id": "999999"},
        body={"appeals": []},
        ok=(404,),
    ),
    "api:POST /staff/collective/{issue_id}/answer": Rule(
        WORKING,
        kind="api",
        method="post",
        params={"issue_id": "999999"},
        body={"text": "Ответ."},
        ok=(404,),
    ),
    "api:POST /collective/{issue_id}/sign": Rule(
        CITIZEN, kind="api", method="post", params={"issue_id": "999999"}, ok=(404,)
    ),
    "api:DELETE /collective/{issue_id}/sign": Rule(
        CITIZEN, kind="api", method="delete", params={"issue_id": "999999"}, ok=(404,)
    ),
    # ---- open data (issue 14): public aggregates (on in tests), published answers, publishing
    # from the console (heads — every member of staff heads their departments in the matrix
    # world — quality control, administrators), the monthly report. The exports are public and
    # cacheable: aggregates only, small cells withheld (tests/opendata).
    "web:opendata": Rule(EVERYONE),
    "web:opendata_csv": Rule(EVERYONE, cacheable=True),
    "web:opendata_json": Rule(EVERYONE, cacheable=True),
    "web:opendata_schema": Rule(EVERYONE, cacheable=True),
    "web:opendata_answers": Rule(EVERYONE),
    "web:opendata_answer": Rule(EVERYONE, params={"publication_id": "999999"}, ok=(404,)),
    "api:GET /open-data/summary": Rule(EVERYONE, kind="api"),
    "web:console_publish": Rule(WORKING, object="appeal:answered"),
    "web:console_publication_withdraw": Rule(
        WORKING, method="post", params={"publication_id": "999999"}, ok=(404,)
    ),
    "web:console_monthly": Rule(WORKING),
    "web:console_monthly_xlsx": Rule(WORKING),
    "web:console_monthly_pdf": Rule(WORKING),
    # Issue 14 — analytics: supervisors and administrators see all, department heads their own
    # (in the matrix world every member of staff heads their departments).
    "web:analytics": Rule(WORKING),
    "web:analytics_csv": Rule(WORKING),
    "web:analytics_xlsx": Rule(WORKING),
    "api:GET /staff/analytics/summary": Rule(WORKING, kind="api"),
}


# ---- the routes as the project serves them --------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str
    path: str  # with {name} placeholders


_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            joined = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), joined)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace else (p.name or "")
            yield prefix + str(p.pattern), name, p.callback


def web_routes() -> list[Route]:
    """Every URL pattern except the admin's and the API operations (listed by ``api_routes``)."""
    routes: dict[str, Route] = {}
    for pattern, name, callback in _walk(get_resolver().url_patterns):
        if pattern.startswith("admin/"):
            continue  # Django admin: its own permissions (test_admin_is_for_staff_only)
        if pattern.startswith("api/v1/") and callback.__module__.startswith("ninja.operation"):
            continue  # an API operation: api_routes() lists each method separately
        path = "/" + _CONVERTER.sub(r"{\1}", pattern)
        routes[name or path] = Route(name or path, path)
    return list(routes.values())


@cache
def api_routes() -> list[Route]:
    """Every operation of the API (method and path), from its OpenAPI schema."""
    from priemnaya.api.urls import api

    schema = api.get_openapi_schema()
    routes = []
    for full_path, operations in schema["paths"].items():
        path = full_path.removeprefix("/api/v1")
        for method in operations:
            routes.append(Route(f"api:{method.upper()} {path}", "/api/v1" + path))
    return routes


def all_routes() -> list[Route]:
    return web_routes() + api_routes()


def rules_of(entry: Rule | Skip | tuple[Rule, ...]) -> tuple[Rule, ...]:
    if isinstance(entry, Skip):
        return ()
    return entry if isinstance(entry, tuple) else (entry,)


# ---- the cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    route: Route
    rule: Rule
    role: str
    relation: str  # own | other | denied | anonymous

    @property
    def id(self) -> str:
        variant = self.rule.variant or (self.rule.method if self.rule.method != "get" else "")
        return f"{self.route.key}{f'[{variant}]' if variant else ''}-{self.role}-{self.relation}"


def relations(rule: Rule, role: str) -> list[str]:
    if role == ANONYMOUS:
        return ["anonymous"]
    if role not in rule.roles:
        return ["denied"]
    if rule.object is None:
        return ["own"]
    found = []
    if has_own(rule, role):
        found.append("own")
    if has_other(rule, role):
        found.append("other")
    return found


def has_own(rule: Rule, role: str) -> bool:
    kind = rule.object_kind
    if kind in PER_PERSON:
        return True
    if kind in OFFICERS_ONLY:
        return role in ALL_SEEING
    if kind == "draft":
        return role == Role.CITIZEN
    return OWN_SIDE[role] is not None


def has_other(rule: Rule, role: str) -> bool:
    kind = rule.object_kind
    if kind in PER_PERSON:
        return True
    if kind in OFFICERS_ONLY:
        return False
    if kind == "draft":
        return role == Role.CITIZEN
    return OTHER_SIDE[role] is not None


def cases(routes: list[Route] | None = None) -> list[Case]:
    found = []
    for route in routes if routes is not None else all_routes():
        entry = RULES.get(route.key)
        if entry is None:
            continue
        for rule in rules_of(entry):
            for role in ROLES:
                for relation in relations(rule, role):
                    found.append(Case(route, rule, role, relation))
    return found


def unclassified(routes: list[Route] | None = None) -> list[str]:
    return [r.key for r in (routes if routes is not None else all_routes()) if r.key not in RULES]


def stale(routes: list[Route] | None = None) -> list[str]:
    served = {r.key for r in (routes if routes is not None else all_routes())}
    return [key for key in RULES if key not in served]


def dev_routes() -> list[Route]:
    return [r for r in web_routes() if RULES.get(r.key) is DEV]


__all__ = [
    "ANONYMOUS",
    "OBJECT_PARAMS",
    "ROLES",
    "RULES",
    "Case",
    "Route",
    "Rule",
    "Skip",
    "all_routes",
    "cases",
    "dev_routes",
    "stale",
    "unclassified",
]
