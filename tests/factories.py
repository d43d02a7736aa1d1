"""Factories for every test: people per role, appeals moved through the services, signed-in clients.

Users are made with ``User.objects.create_user``; appeals only through the services (never as
rows), so that every appeal a test sees has the journal and the numbers a real one has.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.accounts.roles import Role
from priemnaya.appeals import services
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.states import Status
from priemnaya.catalog.models import Department, Membership

PASSWORD = "Test-pass-1!"
_seq = itertools.count(1)

# ---- what people send ---------------------------------------------------------------------------

# A support appeal (theme «Вход и авторизация» → the «support» department), as the service takes it.
APPEAL_INPUT = {
    "kind": "support",
    "theme": "tech-login",
    "subject": "Не могу войти в кабинет",
    "text": "После ввода пароля страница обновляется и снова просит логин.",
    "contact_email": "reply@example.ru",
}

# The cabinet's «Новое обращение» form, filled in.
APPEAL_FORM = {
    "kind": "support",
    "theme": "tech-login",
    "subject": "Не могу войти",
    "text": "Страница входа обновляется после ввода пароля.",
    "contact_email": "me@example.ru",
    "client_token": "token-1",
}

# The console's «Регистрация обращения» form: a call taken by an operator.
CALL_FORM = {
    **{k: v for k, v in APPEAL_FORM.items() if k != "client_token"},
    "channel": "phone",
    "applicant_name": "Сидоров Пётр Ильич",
    "contact_email": "",
    "contact_phone": "8 (916) 123-45-67",
}

# The body of POST /api/v1/appeals.
APPEAL_BODY = {
    "kind": "support",
    "theme": "tech-sms",
    "subject": "Не приходит SMS",
    "text": "Код подтверждения не приходит.",
    "contact_phone": "+79161234567",
}

# The body of POST /api/v1/staff/appeals: a call registered by an operator.
CALL_BODY = {**APPEAL_BODY, "channel": "phone", "applicant_name": "Сидоров Пётр Ильич"}


# ---- people -------------------------------------------------------------------------------------


def make_user(
    role: str = Role.CITIZEN, *, departments: tuple[str, ...] = (), head: bool = False, **extra
) -> User:
    """Create a user of ``role`` (password PASSWORD), a member of ``departments`` by code."""
    n = next(_seq)
    user = User.objects.create_user(
        email=extra.pop("email", f"{role}{n}@example.ru"),
        password=PASSWORD,
        full_name=extra.pop("full_name", f"Тестов {role.capitalize()} {n}"),
        role=role,
        **extra,
    )
    # People made here have confirmed their contacts (the confirmation flows have their own tests).
    if not extra.get("email_confirmed_at") and not extra.get("phone_confirmed_at"):
        moment = timezone.now()
        user.email_confirmed_at = moment if user.email else None
        user.phone_confirmed_at = moment if user.phone else None
        user.save(update_fields=["email_confirmed_at", "phone_confirmed_at"])
    for code in departments:
        Membership.objects.create(
            user=user, department=Department.objects.get(code=code), is_head=head
        )
    return user


def make_citizen(**extra) -> User:
    return make_user(Role.CITIZEN, **extra)


def make_operator(*, departments: tuple[str, ...] = ("support",), **extra) -> User:
    """An operator of the portal support service, where the tech themes are routed."""
    return make_user(Role.OPERATOR, departments=departments, **extra)


def make_head(department: str = "support", **extra) -> User:
    """The head of a department: may assign, reopen and confirm there."""
    return make_user(Role.OPERATOR, departments=(department,), head=True, **extra)


def make_specialist(**extra) -> User:
    """A specialist of the state services department (complaints about refused services)."""
    return make_user(Role.SPECIALIST, departments=("services", "services-support"), **extra)


def make_supervisor(**extra) -> User:
    """Quality control: the head of «quality», which sees every department."""
    return make_user(Role.SUPERVISOR, departments=("quality",), head=True, **extra)


def make_auditor(**extra) -> User:
    return make_user(Role.AUDITOR, **extra)


# ---- appeals ------------------------------------------------------------------------------------


def appeal_input(**overrides) -> services.AppealInput:
    return services.AppealInput(**{**APPEAL_INPUT, **overrides})


def submit_appeal(applicant: User, **overrides) -> Appeal:
    """File a support appeal as ``applicant`` (a citizen, or staff for a caller)."""
    return services.appeal_submit(actor=applicant, data=appeal_input(**overrides))


def save_draft(applicant: User, **overrides) -> Appeal:
    return services.appeal_draft_save(actor=applicant, data=appeal_input(**overrides))


# The shortest path from «Получено» to each state, as (service, who acts, extra arguments).
_PATHS: dict[Status, list[tuple[str, str, dict[str, Any]]]] = {
    Status.REGISTERED: [],
    Status.IN_PROGRESS: [("take", "staff", {})],
    Status.NEEDS_INFO: [
        ("take", "staff", {}),
        ("request_info", "staff", {"question": "Уточните, пожалуйста, браузер."}),
    ],
    Status.ANSWERED: [
        ("take", "staff", {}),
        ("answer", "staff", {"outcome": "resolved", "text": "Проблема устранена."}),
    ],
    Status.CLOSED: [
        ("take", "staff", {}),
        ("answer", "staff", {"outcome": "resolved", "text": "Проблема устранена."}),
        ("close", "applicant", {}),
    ],
    Status.WITHDRAWN: [("withdraw", "applicant", {})],
}


def bring_to(appeal: Appeal, status: str, *, applicant: User, staff: User) -> Appeal:
    """Return the registered appeal moved to ``status`` through the ordinary transitions."""
    for action, side, extra in _PATHS[Status(status)]:
        actor = applicant if side == "applicant" else staff
        appeal = getattr(services, f"appeal_{action}")(appeal=appeal, actor=actor, **extra)
    assert appeal.status == status
    return appeal


def make_appeal(status: str, *, applicant: User, staff: User, **overrides) -> Appeal:
    """File an appeal as ``applicant`` and bring it to ``status`` with ``staff`` working it."""
    appeal = submit_appeal(applicant, **overrides)
    return bring_to(appeal, status, applicant=applicant, staff=staff)


def under_review(appeal: Appeal, *, applicant: User) -> Appeal:
    """Rate an answered appeal «Не удовлетворён», which asks the head to review the answer."""
    return services.appeal_rate(appeal=appeal, actor=applicant, rating=1, comment="Не помогло.")


# ---- clients ------------------------------------------------------------------------------------


def signed_in(user: User, *, password: str | None = None, enforce_csrf_checks=False) -> Client:
    """Return a page client signed in as ``user``; through the login form if given a password."""
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    if password is None:
        client.force_login(user)
    else:
        response = client.post("/accounts/login/", {"login": user.email, "password": password})
        assert response.status_code == 302, response.content
    return client


def api_token(user: User, *, client: Client | None = None) -> str:
    """Return a bearer token for ``user`` from POST /api/v1/auth/token, as an app gets one."""
    response = (client or Client()).post(
        "/api/v1/auth/token",
        {"login": user.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


class ApiClient:
    """Call /api/v1 as an app does: JSON bodies, a bearer token unless anonymous."""

    def __init__(self, user: User | None = None, *, client: Client | None = None) -> None:
        self.client = client or Client()
        self.token = api_token(user, client=self.client) if user is not None else None

    def __call__(
        self, method: str, path: str, body: Any = None, *, raw: str | None = None, **headers: str
    ) -> HttpResponse:
        """Send ``body`` as JSON (or ``raw`` as it is) to /api/v1``path`` with ``headers``."""
        kwargs: dict[str, Any] = {"content_type": "application/json"}
        if self.token is not None:
            kwargs["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        kwargs.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
        if raw is not None:
            kwargs["data"] = raw
        elif body is not None:
            kwargs["data"] = json.dumps(body)
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs)


def api(user: User | None = None, *, client: Client | None = None) -> ApiClient:
    """Return an API client for ``user`` (anonymous without one)."""
    return ApiClient(user, client=client)
