"""Shared fixtures: the default catalog, one user per role, and a submitted appeal factory."""

from __future__ import annotations

import itertools

import pytest

from priemnaya.accounts.models import User
from priemnaya.accounts.roles import Role
from priemnaya.appeals import services
from priemnaya.catalog.models import Department, Membership
from priemnaya.catalog.services import catalog_load_defaults

PASSWORD = "Test-pass-1!"
_seq = itertools.count(1)


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://…")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def catalog(db):
    catalog_load_defaults()


def make_user(role: str = Role.CITIZEN, *, departments: tuple[str, ...] = (), head=False, **extra):
    n = next(_seq)
    user = User.objects.create_user(
        email=extra.pop("email", f"{role}{n}@example.ru"),
        password=PASSWORD,
        full_name=extra.pop("full_name", f"Тестов {role.capitalize()} {n}"),
        role=role,
        **extra,
    )
    for code in departments:
        Membership.objects.create(
            user=user, department=Department.objects.get(code=code), is_head=head
        )
    return user


@pytest.fixture
def citizen(catalog):
    return make_user(Role.CITIZEN)


@pytest.fixture
def other_citizen(catalog):
    return make_user(Role.CITIZEN)


@pytest.fixture
def operator(catalog):
    """An operator of the portal support service (where tech themes are routed)."""
    return make_user(Role.OPERATOR, departments=("support",))


@pytest.fixture
def specialist(catalog):
    return make_user(Role.SPECIALIST, departments=("services", "services-support"))


@pytest.fixture
def supervisor(catalog):
    return make_user(Role.SUPERVISOR, departments=("quality",), head=True)


@pytest.fixture
def auditor(catalog):
    return make_user(Role.AUDITOR)


def appeal_input(**overrides) -> services.AppealInput:
    data = {
        "kind": "support",
        "theme": "tech-login",
        "subject": "Не могу войти в кабинет",
        "text": "После ввода пароля страница обновляется и снова просит логин.",
        "contact_email": "reply@example.ru",
    }
    data.update(overrides)
    return services.AppealInput(**data)


@pytest.fixture
def submit(catalog):
    """Return a function that files an appeal for a citizen (support theme → support dept)."""

    def _submit(actor, **overrides):
        return services.appeal_submit(actor=actor, data=appeal_input(**overrides))

    return _submit
