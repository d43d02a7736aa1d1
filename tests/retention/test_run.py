"""The retention run on a frozen clock: the archive, anonymisation, holds, the act, resuming."""

from __future__ import annotations

import pytest

from priemnaya.core import clock
from priemnaya.retention.services import retention_run
from tests.retention.factories_retention import NOW, closed_on, years_ago

pytestmark = pytest.mark.django_db


def _run(**kwargs):
    with clock.travel_to(NOW):
        return retention_run(**kwargs)


def test_archive_boundary_a_day_before_and_after(citizen, operator):
    # given: one appeal closed five years and a day ago, one five years less a day ago
    old = closed_on(years_ago(5, days=1), applicant=citizen, staff=operator)
    young = closed_on(years_ago(5, days=-1), applicant=citizen, staff=operator)
    # when
    report = _run()
    # then
    old.refresh_from_db()
    young.refresh_from_db()
    assert old.archived_at == NOW
    assert young.archived_at is None
    assert report.archived == 1
    assert old.anonymised_at is None
    assert old.events.filter(type="archived", is_public=False, actor=None).count() == 1
