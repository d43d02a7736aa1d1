"""Exact query counts of every page, page action and API endpoint (STYLE.md: pinned, not a maximum).

Each case makes what its request needs through the services (an appeal in the right state, a
client that has just opened the page the request comes from), then counts the queries of that one
request. A changed count is a decision: lower it here when a request gets cheaper, look for an N+1
before raising it. The counts are the same on SQLite and PostgreSQL, savepoints included.
docs/queries.md keeps the table beside the counts before issue 6.

What the counts are made of (a failing case prints its SQL):
- a page: the session and the user (2), the bell's unread count (1); the console also the user's
  memberships (1: the departments worked and those headed, read together since issue 10, for the
  «Ответы на проверке» link), and for heads and quality control the drafts waiting for their
  review (1); the queue also the open incidents of those departments (1);
- a login: also the signed-in browser's session record (1, issue 9);
- an API call: the token with its user (1); staff calls also the user's departments (1);
- an action: the appeal as the user may see it (1); answering also reads the policy's review
  setting and any draft waiting for review (1, issue 10); in the service a savepoint, the appeal
  again under a row lock (1), its writes (message, answer, appeal, event) and the release; then a
  page action redirects (whether the appeal is still visible needs no query) and an API action
  answers with the appeal (answer, timeline, links, its files and the theme: 5-6);
- filing an appeal: the number (one upsert returning the value, since issue 11: it was an
  insert, the increment and the read in a savepoint), the appeal and its «registered» event, in
  one savepoint (three before, issue 11). A double submit is found by the client token's unique
  constraint instead of a read first (only a submission with files, or a follow-up, reads it).
  Kind and theme, the active routing rules and the
  deadline policies come from the process's copy of the catalog, kept per catalog version
  (catalog/cache.py, issue 11; 4 queries before), as editing a draft's kind and theme does.
  Through the API the answer reads no answers, incoming links or files of the appeal just made
  (it can have none; issue 11), and with an Idempotency-Key the claim (one INSERT … ON
  CONFLICT), the call and the stored answer share one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.accounts.roles import Role
from priemnaya.appeals import services
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.paging import Cursor
from priemnaya.appeals.states import Status
from tests.factories import (
    APPEAL_BODY,
    APPEAL_FORM,
    CALL_BODY,
    CALL_FORM,
    PASSWORD,
    api,
    make_appeal,
    make_citizen,
    make_head,
    make_operator,
    make_supervisor,
    make_user,
    save_draft,
    signed_in,
    submit_appeal,
    under_review,
)
from tests.notification_factories import feed_item

Request = Callable[[], HttpResponse]
# Not a state: an answered appeal rated «Не удовлетворён», waiting for the head's review.
UNDER_REVIEW = "under_review"


@dataclass
class World:
    """A citizen with appeals in several states, the operator who works them and their head."""

    citizen: User
    operator: User
    head: User
    colleague: User

    def appeal(self, status: str = Status.REGISTERED) -> Appeal:
        if status == UNDER_REVIEW:
            answered = self.appeal(Status.ANSWERED)
            return under_review(answered, applicant=self.citizen)
        return make_appeal(status, applicant=self.citizen, staff=self.operator)

    def admin(self) -> User:
        found = User.objects.filter(is_superuser=True).first()
        return found or make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


@pytest.fixture
def world(catalog) -> World:
    world = World(make_citizen(), make_operator(), make_head("support"), make_operator())
    for status in (Status.IN_PROGRESS, Status.ANSWERED):  # the lists and queues are not empty
        world.appeal(status)
    return world


def later(appeal: Appeal) -> str:
    """A due date five days after the appeal's, as the forms and the API take it."""
    return (timezone.localdate(appeal.due_at) + timedelta(days=5)).isoformat()


def help_articles(w: World, path: str) -> Request:
    """Two sections with published articles, then a page of the help as an anonymous reader."""
    from priemnaya.catalog.models import Theme
    from priemnaya.knowledge.models import Section
    from priemnaya.knowledge.services import ArticleData, article_publish, article_save

    admin = w.admin()
    for slug, title, articles in (
        ("vhod", "Вход", [("kod-iz-sms", "Не приходит код из СМС"), ("parol", "Пароль")]),
        ("svyaz", "Связь", [("liniya", "Горячая линия: код региона")]),
    ):
        section = Section.objects.create(slug=slug, title=title)
        for article_slug, article_title in articles:
            data = ArticleData(
                title=article_title,
                section=section,
                summary="Кратко.",
                body="Текст про **код** и телефон.",
                keywords="",
                themes=list(Theme.objects.filter(code="tech-sms")),
                slug=article_slug,
            )
            article_publish(actor=admin, article=article_save(actor=admin, data=data))
    return page(None, path)


# ---- how a request is made ----------------------------------------------------------------------

Make = Callable[[World], Request]
Data = dict | Callable[[Appeal], dict]


def page(user: User | None, path: str, data: dict | None = None, *, came_from: str = "") -> Request:
    """GET ``path`` (or POST ``data`` to it) as ``user``, who has just opened ``came_from``."""
    client = Client() if user is None else signed_in(user)
    client.get(came_from or path)
    if data is None:
        return lambda: client.get(path)
    return lambda: client.post(path, data)


def call(
    user: User | None, method: str, path: str, body=None, *, came_from: str = "", **headers
) -> Request:
    """Call the API as ``user`` with a token already used on ``came_from``."""
    caller = api(user)
    # An authenticated GET: the token's last use (kept once a minute) is then already written.
    caller("get", came_from or (path if method == "get" else "/auth/tokens"))
    return lambda: caller(method, path, body, **headers)


def queue_after(w: World) -> str:
    """A cursor just before the operator's first appeal in the queue (the «Дальше» of a page)."""
    first = w.appeal(Status.IN_PROGRESS)
    return Cursor("due", first.due_at - timedelta(seconds=1), first.pk).encode()


def own_after(w: World) -> str:
    """A cursor after every one of the citizen's appeals but the oldest ones."""
    return Cursor("created", timezone.now() + timedelta(days=1), 1).encode()


def cabinet_action(action: str, data: dict, *, status: str) -> Make:
    def make(w: World) -> Request:
        path = f"/cabinet/appeals/{w.appeal(status).number}/"
        return page(w.citizen, f"{path}{action}/", data, came_from=path)

    return make


def console_action(action: str, data: Data, *, status: str, by: str = "operator") -> Make:
    def make(w: World) -> Request:
        appeal = w.appeal(status)
        form = data(appeal) if callable(data) else data
        path = f"/console/appeals/{appeal.number}/"
        return page(getattr(w, by), f"{path}{action}/", form, came_from=path)

    return make


def own_call(action: str, body=None, *, status: str) -> Make:
    def make(w: World) -> Request:
        path = f"/appeals/{w.appeal(status).number}"
        return call(w.citizen, "post", f"{path}/{action}", body, came_from=path)

    return make


def staff_call(action: str, body: Data | None = None, *, status: str, by: str = "operator") -> Make:
    def make(w: World) -> Request:
        appeal = w.appeal(status)
        path = f"/staff/appeals/{appeal.number}"
        payload = body(appeal) if callable(body) else body
        return call(getattr(w, by), "post", f"{path}/{action}", payload, came_from=path)

    return make


# ---- the table: what, queries, status, how ------------------------------------------------------

R, P, N, A = Status.REGISTERED, Status.IN_PROGRESS, Status.NEEDS_INFO, Status.ANSWERED
SIGN_UP = {
    "full_name": "Иванов Иван Иванович",
    "phone": "8 916 123-45-67",
    "password": "Strong-pass-9",
    "password2": "Strong-pass-9",
    "consent": "on",
}

PAGES: list[tuple[str, int, int, Make]] = [
    ("home", 2, 200, lambda w: page(None, "/")),
    (
        "status by number",
        4,
        200,
        lambda w: page(w.citizen, f"/status/?number={w.appeal().display_number}"),
    ),
    ("login", 0, 200, lambda w: page(None, "/accounts/login/")),
    (
        "login, signed in",
        # + 19 (issue 9, sign-in): the login's account and lockout key, axes' count of failures,
        # whether there are failures to forget, the second-factor devices (2), axes' own clean-up
        # and reset on success (2), the session's record (update_or_create: 4), the SignInEvent
        # and the audit entry under the chain lock
        28,
        302,
        lambda w: page(None, "/accounts/login/", {"login": w.citizen.email, "password": PASSWORD}),
    ),
    ("register", 0, 200, lambda w: page(None, "/accounts/register/")),
    # Look up the contacts, create the unconfirmed account and its consent (+ audit entry under
    # the chain lock), issue the SMS code, keep the pending registration in the session.
    ("register, registered", 19, 302, lambda w: page(None, "/accounts/register/", SIGN_UP)),
    ("cabinet list", 5, 200, lambda w: page(w.citizen, "/cabinet/")),
    # a «Дальше» page: the same reads, the page by the cursor instead of OFFSET
    (
        "cabinet list, by cursor",
        5,
        200,
        lambda w: page(w.citizen, f"/cabinet/?after={own_after(w)}"),
    ),
    ("cabinet new form", 8, 200, lambda w: page(w.citizen, "/cabinet/new/")),
    ("cabinet new, submitted", 10, 302, lambda w: page(w.citizen, "/cabinet/new/", APPEAL_FORM)),
    # Issue 12: «Проверить тему» re-renders the form: the form's checks (as a submission does)
    # and the suggester's model lookup (none here), the help articles (none published) and the
    # citizen's own open appeals (help before filing); issue 14: + 1, the public collective
    # issues like the draft (none here, so no read of the citizen's signatures).
    (
        "cabinet new, theme check",
        14,
        200,
        lambda w: page(w.citizen, "/cabinet/new/", {**APPEAL_FORM, "suggest_check": ""}),
    ),
    (
        "cabinet draft edit",
        8,
        200,
        lambda w: page(w.citizen, f"/cabinet/drafts/{save_draft(w.citizen).pk}/"),
    ),
    (
        "cabinet detail",
        # + 1: the appeal's files (issue 10)
        10,
        200,
        lambda w: page(w.citizen, f"/cabinet/appeals/{w.appeal(A).number}/"),
    ),
    (
        "cabinet submitted",
        4,
        200,
        lambda w: page(w.citizen, f"/cabinet/appeals/{w.appeal().number}/submitted/"),
    ),
    (
        "cabinet edit form",
        7,
        200,
        lambda w: page(w.citizen, f"/cabinet/appeals/{w.appeal().number}/edit/"),
    ),
    (
        "cabinet edit, saved",
        11,
        302,
        lambda w: page(
            w.citizen,
            f"/cabinet/appeals/{w.appeal().number}/edit/",
            {**APPEAL_FORM, "subject": "Новая формулировка"},
        ),
    ),
    # The tabs' counts: one aggregate, the policies' warning windows, first-line or not (+3);
    # the open incidents box (+1).
    ("console queue", 11, 200, lambda w: page(w.operator, "/console/")),
    # past the dated appeals the page is topped up with the undated ones (+1)
    (
        "console queue, by cursor",
        12,
        200,
        lambda w: page(w.operator, f"/console/?after={queue_after(w)}"),
    ),
    # the list reads the policies' windows too (+1)
    ("console queue, due soon", 12, 200, lambda w: page(w.operator, "/console/?queue=due_soon")),
    # q: the search instead of the list query (+2): the queue's ids if few (1), the words in the
    # subjects (1), anywhere (1); the page's rows would be one more, but «вой» finds nothing.
    (
        "console queue, filtered",
        13,
        200,
        lambda w: page(
            w.operator, "/console/?status=in_progress&kind=support&theme=tech-login&q=вой"
        ),
    ),
    ("console new form", 8, 200, lambda w: page(w.operator, "/console/new/")),
    (
        "console new, registered",
        # + 1: the account that confirmed the caller's phone, if any (issue 13)
        11,
        302,
        lambda w: page(w.operator, "/console/new/", {**CALL_FORM, "client_token": "c-1"}),
    ),
    (
        "console detail",
        # + 5: the audit entry of a staff view (savepoint, head lock, insert, head, release);
        # + 1: the appeal's files with who gave them (issue 10)
        # + 1: the newest theme-suggester model (none here: no suggestion; issue 12)
        # + 2: the applicant's other appeals this operator may open, and how many others lie in
        # departments they do not work (issue 12); the answer templates (1) only while in work
        # + 1: the published articles' ids for the knowledge-base suggestions (issue 12; there
        #   are none here, so no search follows — with articles, two per informative word)
        19,
        200,
        lambda w: page(w.operator, f"/console/appeals/{w.appeal(A).number}/"),
    ),
    (
        "console detail, in work",
        # the answer form: the draft awaiting review (1) and its templates (1, issue 12); the
        # applicant's other appeals (2, as above); the theme-suggester model (1); the published
        # articles' ids (1)
        23,
        200,
        lambda w: page(w.operator, f"/console/appeals/{w.appeal(P).number}/"),
    ),
    # Issue 12 — the public help, anonymous (no session cookie: no session read), with two
    # sections of articles. The index: sections, their articles, the popular ones (3).
    ("help index", 3, 200, lambda w: help_articles(w, "/help/")),
    ("help section", 2, 200, lambda w: help_articles(w, "/help/vhod/")),
    # the article with its section (1), its themes (1), related by theme (1) and by section (1)
    ("help article", 4, 200, lambda w: help_articles(w, "/help/vhod/kod-iz-sms/")),
    # the published ids (1), title matches (1), matches anywhere (1), the rows with sections (1)
    ("help search", 4, 200, lambda w: help_articles(w, "/help/search/?q=коды")),
]

CABINET_ACTIONS: list[tuple[str, int, int, Make]] = [
    ("comment", 8, 302, cabinet_action("comment", {"comment-text": "Дополняю."}, status=R)),
    (
        "provide-info",
        9,
        302,
        cabinet_action("provide-info", {"provide-info-text": "Firefox."}, status=N),
    ),
    ("withdraw", 8, 302, cabinet_action("withdraw", {"withdraw-reason": "Решено"}, status=R)),
    ("close", 8, 302, cabinet_action("close", {}, status=A)),
    ("rate", 8, 302, cabinet_action("rate", {"rate-rating": "5"}, status=A)),
    # The applicant escalates an answered appeal: a fresh one is not yet escalated (issue 7).
    ("escalate", 9, 302, cabinet_action("escalate", {"escalate-reason": "Долго."}, status=A)),
]

CONSOLE_ACTIONS: list[tuple[str, int, int, Make]] = [
    ("take", 9, 302, console_action("take", {}, status=R)),
    (
        "request-info",
        10,
        302,
        console_action("request-info", {"request-info-question": "Браузер?"}, status=P),
    ),
    (
        "answer",
        12,
        302,
        console_action(
            "answer", {"answer-outcome": "resolved", "answer-text": "Исправлено."}, status=P
        ),
    ),
    # The appeal leaves the operator's departments: the page sends them to the queue instead.
    (
        "redirect",
        12,
        302,
        console_action(
            "redirect", {"redirect-department": "services", "redirect-reason": "Услуги."}, status=P
        ),
    ),
    (
        "extend",
        11,
        302,
        console_action(
            "extend",
            lambda appeal: {"extend-due_date": later(appeal), "extend-reason": "Проверка."},
            status=P,
            by="head",  # the support policy has the head approve an extension
        ),
    ),
    ("escalate", 10, 302, console_action("escalate", {"escalate-reason": "Выше."}, status=P)),
    ("note", 9, 302, console_action("note", {"note-text": "Логи."}, status=P)),
    ("comment", 9, 302, console_action("comment", {"comment-text": "Проверяем."}, status=P)),
    (
        "reopen",
        10,
        302,
        console_action("reopen", {"reopen-reason": "Неполно."}, status=A, by="head"),
    ),
    (
        "assign",
        11,
        302,
        lambda w: console_action(
            "assign", {"assign-assignee": str(w.colleague.pk)}, status=R, by="head"
        )(w),
    ),
    (
        "confirm",
        9,
        302,
        console_action("confirm", {"confirm-comment": "Верно."}, status=UNDER_REVIEW, by="head"),
    ),
]

API: list[tuple[str, int, int, Make]] = [
    (
        "POST /auth/token",
        # + 11 (issue 9, sign-in): the login's account and lockout key, axes' count of failures,
        # whether there are failures to forget, the second-factor devices (2), the SignInEvent and
        # the audit entry under the chain lock
        13,
        200,
        lambda w: call(
            None, "post", "/auth/token", {"login": w.citizen.email, "password": PASSWORD}
        ),
    ),
    # the answer kept per catalog version in the process (catalog/cache.py, issue 11); the first
    # call after a catalog change reads the kinds, their policy assignments and the default
    # policy (3, tests/catalog/test_cache.py)
    ("GET /catalog/kinds", 0, 200, lambda w: call(None, "get", "/catalog/kinds")),
    ("GET /catalog/themes", 1, 200, lambda w: call(None, "get", "/catalog/themes")),
    # Issue 12: no model trained here, so only its lookup (tests/search/test_suggest_web.py pins
    # the counts with a model).
    (
        "POST /suggestions/theme",
        1,
        200,
        lambda w: call(None, "post", "/suggestions/theme", {"text": "Не приходит СМС с кодом"}),
    ),
    ("GET /catalog/departments", 1, 200, lambda w: call(None, "get", "/catalog/departments")),
    ("POST /appeals", 6, 201, lambda w: call(w.citizen, "post", "/appeals", APPEAL_BODY)),
    (
        "POST /appeals with Idempotency-Key",
        10,
        201,
        lambda w: call(w.citizen, "post", "/appeals", APPEAL_BODY, **{"Idempotency-Key": "k-1"}),
    ),
    ("GET /appeals", 2, 200, lambda w: call(w.citizen, "get", "/appeals")),
    (
        "GET /appeals?after=",
        2,
        200,
        lambda w: call(w.citizen, "get", f"/appeals?after={own_after(w)}"),
    ),
    # q: the search (+2, as the console's filtered queue)
    (
        "GET /appeals, filtered",
        4,
        200,
        lambda w: call(w.citizen, "get", "/appeals?status=answered&kind=support&q=вой"),
    ),
    (
        "GET /appeals/{n}",
        6,
        200,
        lambda w: call(w.citizen, "get", f"/appeals/{w.appeal(A).number}"),
    ),
    (
        "GET /appeals/{n}/events",
        3,
        200,
        lambda w: call(w.citizen, "get", f"/appeals/{w.appeal(A).number}/events"),
    ),
    (
        "PATCH /appeals/{n}",
        10,
        200,
        lambda w: call(w.citizen, "patch", f"/appeals/{w.appeal().number}", {"subject": "Иначе"}),
    ),
    ("POST /appeals/{n}/comment", 10, 201, own_call("comment", {"text": "Дополняю."}, status=R)),
    (
        "POST /appeals/{n}/provide-info",
        11,
        200,
        own_call("provide-info", {"text": "Да."}, status=N),
    ),
    ("POST /appeals/{n}/withdraw", 10, 200, own_call("withdraw", {"reason": "Решено"}, status=R)),
    ("POST /appeals/{n}/close", 11, 200, own_call("close", status=A)),
    ("POST /appeals/{n}/rate", 11, 200, own_call("rate", {"rating": 5}, status=A)),
    # answered: the response carries the answer (+1 query against the in-progress appeal)
    ("POST /appeals/{n}/escalate", 12, 200, own_call("escalate", {"reason": "Долго."}, status=A)),
    (
        # + 1: the account that confirmed the caller's phone, if any (issue 13)
        "POST /staff/appeals",
        8,
        201,
        lambda w: call(w.operator, "post", "/staff/appeals", CALL_BODY),
    ),
    ("GET /staff/appeals", 3, 200, lambda w: call(w.operator, "get", "/staff/appeals")),
    # past the dated appeals the page is topped up with the undated ones (+1)
    (
        "GET /staff/appeals?after=",
        4,
        200,
        lambda w: call(w.operator, "get", f"/staff/appeals?after={queue_after(w)}"),
    ),
    (
        "GET /staff/appeals?queue=due_soon",
        4,
        200,
        lambda w: call(w.operator, "get", "/staff/appeals?queue=due_soon"),
    ),
    (
        "GET /staff/appeals/queues",
        5,
        200,
        lambda w: call(w.operator, "get", "/staff/appeals/queues"),
    ),
    # q: the search (+2, as the console's filtered queue)
    (
        "GET /staff/appeals, filtered",
        5,
        200,
        lambda w: call(
            w.operator, "get", "/staff/appeals?status=in_progress&theme=tech-login&q=вой"
        ),
    ),
    (
        "GET /staff/appeals/{n}",
        11,  # + 5: the audit entry of a staff view
        200,
        lambda w: call(w.operator, "get", f"/staff/appeals/{w.appeal(A).number}"),
    ),
    ("POST /staff/appeals/{n}/take", 11, 200, staff_call("take", status=R)),
    (
        "POST /staff/appeals/{n}/request-info",
        12,
        200,
        staff_call("request-info", {"question": "Браузер?"}, status=P),
    ),
    (
        "POST /staff/appeals/{n}/answer",
        14,
        200,
        staff_call("answer", {"outcome": "resolved", "text": "Исправлено."}, status=P),
    ),
    (
        "POST /staff/appeals/{n}/redirect",
        9,
        200,
        staff_call("redirect", {"department": "services", "reason": "Услуги."}, status=P),
    ),
    (
        "POST /staff/appeals/{n}/extend",
        13,
        200,
        staff_call(
            "extend",
            lambda appeal: {"due_date": later(appeal), "reason": "Проверка."},
            status=P,
            by="head",
        ),
    ),
    (
        "POST /staff/appeals/{n}/escalate",
        9,
        200,
        staff_call("escalate", {"reason": "Выше."}, status=P),
    ),
    ("POST /staff/appeals/{n}/note", 11, 200, staff_call("note", {"text": "Логи."}, status=P)),
    (
        "POST /staff/appeals/{n}/comment",
        11,
        201,
        staff_call("comment", {"text": "Проверяем."}, status=P),
    ),
    # the answer's actions ask who may extend: the department's line upwards (+1)
    (
        "POST /staff/appeals/{n}/reopen",
        13,
        200,
        staff_call("reopen", {"reason": "Неполно."}, status=A, by="head"),
    ),
    (
        "POST /staff/appeals/{n}/confirm",
        11,
        200,
        staff_call("confirm", {"comment": "Верно."}, status=UNDER_REVIEW, by="head"),
    ),
    (
        # + 1: the answer templates for the appeal's theme and kind, one query (issue 12)
        "GET /staff/appeals/{n}/templates",
        4,
        200,
        lambda w: call(w.operator, "get", f"/staff/appeals/{w.appeal(P).number}/templates"),
    ),
    (
        # + 2: the applicant's appeals this operator may open, and the count of the rest
        "GET /staff/appeals/{n}/earlier",
        5,
        200,
        lambda w: call(w.operator, "get", f"/staff/appeals/{w.appeal(P).number}/earlier"),
    ),
    (
        "GET /staff/appeals/{n}/assignees",
        4,
        200,
        lambda w: call(w.head, "get", f"/staff/appeals/{w.appeal().number}/assignees"),
    ),
    (
        "POST /staff/appeals/{n}/assign",
        13,
        200,
        lambda w: staff_call("assign", {"assignee_id": w.colleague.pk}, status=R, by="head")(w),
    ),
]


def with_feed(who: str, make: Callable[[World, User], Request]) -> Make:
    """Give ``who`` two feed items (one read) about two appeals, then make the request."""

    def _make(w: World) -> Request:
        user = getattr(w, who)
        feed_item(user, w.appeal())
        feed_item(user, w.appeal(), read=True)
        return make(w, user)

    return _make


PREFERENCES_FORM = {
    "email": "on",
    "kinds": ["complaint"],
    "quiet_from": "22:00",
    "quiet_to": "08:00",
    "timezone": "Asia/Omsk",
}
PREFERENCES_BODY = {
    "email": True,
    "sms": False,
    "push": True,
    "kinds": ["complaint"],
    "quiet_from": "22:00",
    "quiet_to": "08:00",
    "timezone": "Asia/Omsk",
}

# Notifications (issue 8). A feed page: session, user, the bell, one page of items with their
# appeals (4). Marking read: one UPDATE. Preferences: the saved row (or none) and the kinds
# offered (+2); saving them also the kinds known, the row under a lock and its write in a
# savepoint. The failed deliveries: one page of them with their appeals.
NOTIFICATIONS: list[tuple[str, int, int, Make]] = [
    ("cabinet feed", 4, 200, with_feed("citizen", lambda w, u: page(u, "/cabinet/notifications/"))),
    (
        "cabinet feed, read one",
        3,
        302,
        with_feed(
            "citizen",
            lambda w, u: page(
                u,
                "/cabinet/notifications/read/",
                {"id": str(u.notifications.first().pk)},
                came_from="/cabinet/notifications/",
            ),
        ),
    ),
    (
        "cabinet feed, read all",
        3,
        302,
        with_feed(
            "citizen",
            lambda w, u: page(
                u, "/cabinet/notifications/read/", {"all": "1"}, came_from="/cabinet/notifications/"
            ),
        ),
    ),
    ("cabinet settings", 5, 200, lambda w: page(w.citizen, "/cabinet/notifications/settings/")),
    (
        "cabinet settings, saved",
        9,
        302,
        lambda w: page(w.citizen, "/cabinet/notifications/settings/", PREFERENCES_FORM),
    ),
    (
        "console feed",
        5,
        200,
        with_feed("operator", lambda w, u: page(u, "/console/notifications/")),
    ),
    ("console settings", 6, 200, lambda w: page(w.operator, "/console/notifications/settings/")),
    (
        "console failed deliveries",
        5,
        200,
        lambda w: page(make_supervisor(), "/console/notifications/failed/"),
    ),
    (
        "GET /notifications",
        2,
        200,
        with_feed("citizen", lambda w, u: call(u, "get", "/notifications")),
    ),
    (
        "POST /notifications/{id}/read",
        4,
        200,
        with_feed(
            "citizen",
            lambda w, u: call(u, "post", f"/notifications/{u.notifications.first().pk}/read"),
        ),
    ),
    (
        "POST /notifications/read-all",
        2,
        200,
        with_feed("citizen", lambda w, u: call(u, "post", "/notifications/read-all")),
    ),
    (
        "GET /notifications/preferences",
        2,
        200,
        lambda w: call(w.citizen, "get", "/notifications/preferences"),
    ),
    (
        "PUT /notifications/preferences",
        6,
        200,
        lambda w: call(w.citizen, "put", "/notifications/preferences", PREFERENCES_BODY),
    ),
]

CASES = [
    pytest.param(queries, status, make, id=f"{face} {what}")
    for face, table in (
        ("page", PAGES),
        ("cabinet", CABINET_ACTIONS),
        ("console", CONSOLE_ACTIONS),
        ("api", API),
        ("notifications", NOTIFICATIONS),
    )
    for what, queries, status, make in table
]


@pytest.mark.parametrize(("queries", "status", "make"), CASES)
def test_each_request_costs_exactly(world, django_assert_num_queries, queries, status, make):
    # given the appeal the request needs and a client that has just opened the page before
    request = make(world)
    # when / then
    with django_assert_num_queries(queries):
        response = request()
    assert response.status_code == status, response.content[:500]


# ---- lists and appeal pages do not grow with what they show -------------------------------------


def count_queries(request: Request) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert request().status_code == 200
    return len(queries)


LISTS: list[tuple[str, Make]] = [
    ("cabinet list", lambda w: page(w.citizen, "/cabinet/")),
    ("admin appeal list", lambda w: page(w.admin(), "/admin/appeals/appeal/")),
    ("admin appeal search", lambda w: page(w.admin(), "/admin/appeals/appeal/?q=обращ")),
    ("console queue", lambda w: page(w.operator, "/console/")),
    ("GET /appeals", lambda w: call(w.citizen, "get", "/appeals")),
    ("GET /staff/appeals", lambda w: call(w.operator, "get", "/staff/appeals")),
]


@pytest.mark.parametrize("make", [pytest.param(make, id=what) for what, make in LISTS])
def test_a_list_costs_the_same_for_3_and_30_appeals(world, make):
    # given
    counts = []
    for total in (3, 30):
        while Appeal.objects.filter(applicant=world.citizen).count() < total:
            submit_appeal(world.citizen)
        # when
        counts.append(count_queries(make(world)))
    # then
    assert counts[0] == counts[1]


APPEAL_PAGES: list[tuple[str, Callable[[World, Appeal], Request]]] = [
    ("cabinet detail", lambda w, a: page(w.citizen, f"/cabinet/appeals/{a.number}/")),
    ("console detail", lambda w, a: page(w.operator, f"/console/appeals/{a.number}/")),
    ("GET /appeals/{n}", lambda w, a: call(w.citizen, "get", f"/appeals/{a.number}")),
    ("GET /appeals/{n}/events", lambda w, a: call(w.citizen, "get", f"/appeals/{a.number}/events")),
    ("GET /staff/appeals/{n}", lambda w, a: call(w.operator, "get", f"/staff/appeals/{a.number}")),
]


@pytest.mark.parametrize("make", [pytest.param(make, id=what) for what, make in APPEAL_PAGES])
def test_an_appeal_page_costs_the_same_for_a_short_and_a_long_history(world, make):
    # given an appeal in work, then the same after a long conversation
    appeal = world.appeal(Status.IN_PROGRESS)
    short = count_queries(make(world, appeal))
    for n in range(10):
        services.appeal_comment(appeal=appeal, actor=world.citizen, text=f"Вопрос {n}")
        services.appeal_comment(appeal=appeal, actor=world.operator, text=f"Ответ {n}")
        services.appeal_note(appeal=appeal, actor=world.operator, text=f"Заметка {n}")
    # when
    long = count_queries(make(world, appeal))
    # then
    assert short == long
