"""The people and objects the access matrix addresses, made once for the whole module.

Side «a»: citizen A's support appeals, in «support», whose head is the matrix's operator.
Side «b»: citizen B's complaints, in «services», where the matrix's specialist is head.
Each side has an appeal in every state a route needs, a draft and an incident; every role has
a feed item of its own, citizen B one that is nobody else's. Subjects and texts carry a marker
(«метка …») so that a test can see whether another's appeal leaked into an answer.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from secrets import token_hex, token_urlsafe

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from priemnaya.accounts.models import ApiToken, User, UserSession
from priemnaya.accounts.roles import Role
from priemnaya.appeals.models import Appeal, Incident
from priemnaya.appeals.services.routing import extension_limit
from priemnaya.attachments.models import Attachment, Purpose
from priemnaya.attachments.services import attachments_bind, attachments_stage
from priemnaya.catalog.services import catalog_load_defaults
from priemnaya.notifications.models import Notification
from priemnaya.privacy.breaches import breach_register
from priemnaya.privacy.models import Breach, SubjectRequest
from priemnaya.privacy.requests import subject_request_file
from tests import factories
from tests.notification_factories import failed_email, feed_item
from tests.security.matrix import ALL_SEEING, ANONYMOUS, OTHER_SIDE, OWN_SIDE, ROLES, Case

STATES = ("registered", "in_progress", "needs_info", "answered")

SIDE_INPUT = {
    "a": {"kind": "support", "theme": "tech-login"},
    "b": {"kind": "complaint", "theme": "services-refusal"},
}


def marker(side: str, what: str) -> str:
    return f"метка {side}-{what}"


@dataclass
class World:
    users: dict[str, User]
    citizen_b: User
    sessions: dict[str, str]
    tokens: dict[str, str]
    appeals: dict[tuple[str, str], Appeal]
    drafts: dict[str, Appeal]
    incidents: dict[str, Incident]
    feed: dict[str, Notification]
    failed: Notification
    workers: dict[str, User]
    # Per person (role → own; "other" → citizen B's): a second browser session, a second token.
    user_sessions: dict[str, UserSession] = field(default_factory=dict)
    api_tokens: dict[str, ApiToken] = field(default_factory=dict)
    privacy_request: SubjectRequest | None = None
    breach: Breach | None = None
    secrets: dict[int, list[str]] = field(default_factory=dict)
    # Issue 10: a file on each side's registered appeal; a staged file of each person.
    attachments: dict[str, Attachment] = field(default_factory=dict)
    staged: dict[str, Attachment] = field(default_factory=dict)
    # Role → the markers it may never see (hidden_from), worked out once.
    hidden: dict[str, list[str]] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        """A fresh client carrying the role's session (made once by force_login)."""
        client = Client()
        if role != ANONYMOUS:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client


def _session(user: User) -> str:
    client = Client()
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.session[SESSION_KEY] == str(user.pk)
    return key


def _token(user: User) -> str:
    """A live bearer token, made as POST /api/v1/auth/token makes one (that endpoint is a case of
    its own: sign-in limits and second factors must not stand between the matrix and its roles)."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        key_hash=ApiToken.hash_key(key),
        expires_at=timezone.now() + timedelta(days=1),
    )
    return key


def _appeal(side: str, state: str, applicant: User, staff: User) -> Appeal:
    mark = marker(side, state)
    return factories.make_appeal(
        state,
        applicant=applicant,
        staff=staff,
        subject=f"Обращение {mark}",
        text=f"Подробности обращения {mark}: страница не открывается.",
        **SIDE_INPUT[side],
    )


def build_world() -> World:
    catalog_load_defaults()
    citizen_a = factories.make_citizen(full_name="Заявителев Антон Андреевич")
    citizen_b = factories.make_citizen(full_name="Другов Борис Борисович")
    operator = factories.make_head("support")
    specialist = factories.make_user(
        Role.SPECIALIST, departments=("services", "services-support"), head=True
    )
    users = {
        Role.CITIZEN.value: citizen_a,
        Role.OPERATOR.value: operator,
        Role.SPECIALIST.value: specialist,
        Role.SUPERVISOR.value: factories.make_supervisor(),
        Role.ADMINISTRATOR.value: factories.make_user(Role.ADMINISTRATOR),
        Role.AUDITOR.value: factories.make_auditor(),
    }
    appeals = {}
    secrets: dict[int, list[str]] = {}
    for side, applicant, staff in (("a", citizen_a, operator), ("b", citizen_b, specialist)):
        for state in STATES:
            appeal = _appeal(side, state, applicant, staff)
            appeals[side, state] = appeal
            secrets[appeal.pk] = [appeal.subject, appeal.text]
    drafts = {}
    for side, applicant in (("a", citizen_a), ("b", citizen_b)):
        mark = marker(side, "draft")
        draft = factories.save_draft(
            applicant,
            subject=f"Черновик {mark}",
            text=f"Текст черновика {mark}.",
            **SIDE_INPUT[side],
        )
        drafts[side] = draft
        secrets[draft.pk] = [draft.subject, draft.text]
    incidents = {}
    for side in ("a", "b"):
        appeal = appeals[side, "registered"]
        incidents[side] = Incident.objects.create(
            title=f"Сбой {marker(side, 'incident')}",
            signature=f"matrix:{side}",
            department=appeal.department,
            opened_at=timezone.now(),
        )
    feed = {
        role: feed_item(user, appeals["a", "registered"], title=f"Новость {marker(role, 'feed')}")
        for role, user in users.items()
    }
    feed["other"] = feed_item(
        citizen_b, appeals["b", "registered"], title=f"Новость {marker('b', 'feed')}"
    )
    world = World(
        users=users,
        citizen_b=citizen_b,
        sessions={role: _session(user) for role, user in users.items()},
        tokens={role: _token(user) for role, user in users.items()},
        appeals=appeals,
        drafts=drafts,
        incidents=incidents,
        feed=feed,
        failed=failed_email(appeals["a", "registered"]),
        workers={"a": operator, "b": specialist},
        secrets=secrets,
    )
    people = {**users, "other": citizen_b}
    world.user_sessions = {
        who: UserSession.objects.create(
            user=person, session_key=token_hex(20), user_agent=f"Браузер {who}"
        )
        for who, person in people.items()
    }
    world.api_tokens = {
        who: ApiToken.objects.create(
            user=person,
            key_hash=ApiToken.hash_key(token_urlsafe(32)),
            expires_at=timezone.now() + timedelta(days=1),
            name=f"Приложение {who}",
        )
        for who, person in people.items()
    }
    world.privacy_request = subject_request_file(
        user=citizen_a, kind="access", text=f"Запрос {marker('a', 'privacy')}"
    )
    world.breach = breach_register(
        actor=users[Role.ADMINISTRATOR.value],
        detected_at=timezone.now(),
        description=f"Утечка {marker('a', 'breach')}",
        categories=["contacts"],
        subjects_estimate=10,
    )
    for side, applicant in (("a", citizen_a), ("b", citizen_b)):
        [attachment] = attachments_stage(
            uploads=[_file(f"Скан {side}.png")], uploaded_by=applicant, purpose=Purpose.APPEAL
        )
        appeal = appeals[side, "registered"]
        attachments_bind(ids=[attachment.pk], actor=applicant, appeal_id=appeal.pk)
        attachment.appeal = appeal
        world.attachments[side] = attachment
    for who, person in people.items():
        [world.staged[who]] = attachments_stage(
            uploads=[_file("черновик.png")], uploaded_by=person, purpose=Purpose.APPEAL
        )
    world.hidden = {role: hidden_from(world, role) for role in ROLES}
    return world


def _file(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.attachments.samples import png

    return SimpleUploadedFile(name, png(), content_type="image/png")


# ---- what a case addresses ------------------------------------------------------------------


def side_of(case: Case) -> str:
    """The side of the object a case addresses.

    A refused or anonymous caller is given the object of the role's own side (so that the
    refusal is about the role, not about the object), or side «a».
    """
    table = OTHER_SIDE if case.relation == "other" else OWN_SIDE
    return table.get(case.role) or "a"


def _appeal_of(world: World, case: Case):
    assert case.rule.object is not None
    state = case.rule.object.split(":")[1] if ":" in case.rule.object else "registered"
    return world.appeals[side_of(case), state]


def _feed_item_of(world: World, case: Case):
    if case.relation == "other":
        return world.feed["other"]
    return world.feed.get(case.role, world.feed["citizen"])


# Object kind → (the object a case addresses, the URL values naming it, what must not leak).
# A new kind of object (a session, a token, a subject request, …) gets its line here and its
# object in build_world(); matrix.has_own/has_other say which roles have one.
OBJECTS: dict[str, tuple[Callable, Callable, Callable]] = {
    "appeal": (
        _appeal_of,
        lambda obj: {"number": obj.number},
        lambda world, obj: world.secrets[obj.pk],
    ),
    "draft": (
        lambda world, case: world.drafts[side_of(case)],
        lambda obj: {"draft_id": obj.pk},
        lambda world, obj: world.secrets[obj.pk],
    ),
    "incident": (
        lambda world, case: world.incidents[side_of(case)],
        lambda obj: {"incident_id": obj.pk},
        lambda world, obj: [obj.title],
    ),
    "notification": (
        _feed_item_of,
        lambda obj: {"notification_id": obj.pk},
        lambda world, obj: [obj.subject],
    ),
    "failed": (
        lambda world, case: world.failed,
        lambda obj: {"notification_id": obj.pk},
        lambda world, obj: [],
    ),
    "session": (
        lambda world, case: world.user_sessions[_person(case)],
        lambda obj: {"session_id": obj.pk},
        lambda world, obj: [],
    ),
    "token": (
        lambda world, case: world.api_tokens[_person(case)],
        lambda obj: {"token_id": obj.pk},
        lambda world, obj: [],
    ),
    "privacy_request": (
        lambda world, case: world.privacy_request,
        lambda obj: {"request_id": obj.pk},
        lambda world, obj: [obj.text],
    ),
    "breach": (
        lambda world, case: world.breach,
        lambda obj: {"breach_id": obj.pk},
        lambda world, obj: [obj.description],
    ),
    "attachment": (
        lambda world, case: world.attachments[side_of(case)],
        lambda obj: {"number": obj.appeal.number, "attachment_id": obj.pk},
        lambda world, obj: world.secrets[obj.appeal_id],
    ),
    "staged": (
        lambda world, case: world.staged[_person(case)],
        lambda obj: {"attachment_id": obj.pk},
        lambda world, obj: [],
    ),
}


def _person(case: Case) -> str:
    """Whose per-person object a case addresses: the role's own, or citizen B's."""
    if case.relation == "other" or case.role == ANONYMOUS:
        return "other" if case.relation == "other" else "citizen"
    return case.role


def addressed(world: World, case: Case):
    kind = case.rule.object_kind
    return OBJECTS[kind][0](world, case) if kind else None


def url_values(case: Case, obj) -> dict:
    kind = case.rule.object_kind
    return OBJECTS[kind][1](obj) if kind else {}


def secrets_of(world: World, case: Case, obj) -> list[str]:
    kind = case.rule.object_kind
    return OBJECTS[kind][2](world, obj) if kind else []


def hidden_from(world: World, role: str) -> list[str]:
    """Every marker the role may never see, whatever it asks: others' appeals, drafts,
    incidents and feed items (rule 16 for citizens; departments for staff)."""
    own_side = OWN_SIDE.get(role)
    if role in ALL_SEEING:
        sides = {"a", "b"}
    elif role in (Role.CITIZEN, Role.OPERATOR, Role.SPECIALIST):
        sides = {own_side}
    else:
        sides = set()
    hidden = []
    for (side, _state), appeal in world.appeals.items():
        if side not in sides:
            hidden += world.secrets[appeal.pk]
    for side, draft in world.drafts.items():
        if not (role == Role.CITIZEN and side == own_side):
            hidden += world.secrets[draft.pk]
    for side, incident in world.incidents.items():
        if role == Role.CITIZEN or side not in sides:
            hidden.append(incident.title)
    hidden += [item.subject for owner, item in world.feed.items() if owner != role]
    return hidden


def extend_to(appeal: Appeal) -> date:
    """A due date the extension of ``appeal`` may ask for: the latest its policy allows."""
    return extension_limit(appeal) or timezone.localtime(appeal.due_at).date() + timedelta(1)
