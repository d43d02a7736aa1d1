"""Appeals in each state of SPEC §4, filed by `citizen` and worked by `operator`."""

from __future__ import annotations

import pytest

from priemnaya.appeals.states import Status
from tests.appeals.helpers import bring_to


@pytest.fixture
def registered(citizen, submit):
    """A support appeal: routed to the «support» department, where `operator` works."""
    return submit(citizen)


@pytest.fixture
def move(citizen, operator):
    """Return a function that brings a registered appeal to a state."""

    def _move(appeal, status):
        return bring_to(appeal, status, applicant=citizen, staff=operator)

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
