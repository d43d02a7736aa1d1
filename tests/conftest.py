"""Shared fixtures: the default catalog, one user per role and appeals in each state of SPEC §4.

They are thin wrappers over tests/factories.py, which tests call directly for anything more.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings

from priemnaya.appeals.states import Status
from priemnaya.catalog.cache import catalog_changed
from priemnaya.catalog.calendars import calendar_cache_clear
from priemnaya.catalog.services import catalog_load_defaults
from tests import factories

# Property tests run under the profile named by HYPOTHESIS_PROFILE: "ci" (the default, what CI
# runs) keeps Hypothesis's own settings; "quick" tries few examples for a fast local run.
hypothesis_settings.register_profile("ci")
hypothesis_settings.register_profile("quick", max_examples=10)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://…")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # A calendar (or a catalog answer) cached in one test must not outlive that test's
    # rolled-back database.
    calendar_cache_clear()
    catalog_changed()
    yield
    calendar_cache_clear()
    catalog_changed()


@pytest.fixture
def catalog(db):
    catalog_load_defaults()


@pytest.fixture
def citizen(catalog):
    return factories.make_citizen()


@pytest.fixture
def other_citizen(catalog):
    return factories.make_citizen()


@pytest.fixture
def operator(catalog):
    """An operator of the portal support service (where tech themes are routed)."""
    return factories.make_operator()


@pytest.fixture
def head(catalog):
    """The head of the support department, where `operator` works."""
    return factories.make_head("support")


@pytest.fixture
def colleague(catalog):
    """Another operator of the support department."""
    return factories.make_operator(full_name="Коллегин Борис")


@pytest.fixture
def specialist(catalog):
    return factories.make_specialist()


@pytest.fixture
def supervisor(catalog):
    return factories.make_supervisor()


@pytest.fixture
def auditor(catalog):
    return factories.make_auditor()


@pytest.fixture
def submit(catalog):
    """Return a function that files an appeal for a citizen (support theme → support dept)."""
    return factories.submit_appeal


# Appeals in each state of SPEC §4, filed by `citizen` and worked by `operator`.


@pytest.fixture
def registered(citizen, submit):
    """A support appeal: routed to the «support» department, where `operator` works."""
    return submit(citizen)


@pytest.fixture
def move(citizen, operator):
    """Return a function that brings a registered appeal to a state."""

    def _move(appeal, status):
        return factories.bring_to(appeal, status, applicant=citizen, staff=operator)

    return _move


@pytest.fixture
def in_progress(registered, move):
    return move(registered, Status.IN_PROGRESS)


@pytest.fixture
def needs_info(registered, move):
    return move(registered, Status.NEEDS_INFO)


@pytest.fixture
def answered(registered, move):
    return move(registered, Status.ANSWERED)


@pytest.fixture
def complaint(citizen, submit):
    """A 59-FZ complaint about a refused service: routed to «services» (`specialist`)."""
    return submit(
        citizen,
        kind="complaint",
        theme="services-refusal",
        subject="Отказ в приёме заявления",
        text="Заявление на услугу отклонено без объяснения причин.",
    )
