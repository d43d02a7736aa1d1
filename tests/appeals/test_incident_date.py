"""Defect 1: a date before 1900 is refused, and no stored incident date can break a page.

The local midnight of 1 January of year 1 is year 0 in UTC: SQLite could not store it (500 at
submission) and PostgreSQL stored it and then failed to read it back (500 on every list).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from priemnaya.appeals import services
from priemnaya.appeals.models import Appeal
from priemnaya.core.errors import ValidationFailed
from tests.appeals.helpers import refuse
from tests.factories import appeal_input

BEFORE_CONSTRAINT = [("appeals", "0004_clock_defaults")]
WITH_CONSTRAINT = [("appeals", "0005_input_limits")]


@pytest.mark.parametrize(
    "incident",
    [
        date(1, 1, 1),
        date(1899, 12, 31),
        datetime(1, 1, 1),  # noqa: DTZ001 — a naive value, as a form or app may send
        datetime(1899, 12, 31, 23, 59, tzinfo=UTC),
    ],
)
def test_an_incident_before_1900_is_refused_naming_the_field(citizen, incident):
    # when
    error = refuse(
        ValidationFailed,
        services.appeal_submit,
        actor=citizen,
        data=appeal_input(incident_at=incident),
    )
    # then
    assert list(error.errors) == ["incident_at"]
    assert error.errors["incident_at"] == ["Дата события — не раньше 01.01.1900."]
    assert Appeal.objects.count() == 0


def test_the_first_day_of_1900_is_accepted_and_reads_back(citizen, submit):
    # when
    appeal = submit(citizen, incident_at=date(1900, 1, 1))
    # then
    fresh = Appeal.objects.get(pk=appeal.pk)
    assert timezone.localtime(fresh.incident_at).date() == date(1900, 1, 1)


def test_every_problem_is_reported_with_the_date(citizen):
    error = refuse(
        ValidationFailed,
        services.appeal_submit,
        actor=citizen,
        data=appeal_input(subject="", incident_at=date(1, 1, 1)),
    )
    assert set(error.errors) == {"subject", "incident_at"}


def test_the_database_refuses_an_incident_before_1900(registered):
    # A write that skips the service (admin, a script, a bulk update) still cannot store it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.filter(pk=registered.pk).update(
            incident_at=datetime(1, 1, 1, 12, tzinfo=UTC)
        )


@pytest.mark.django_db(transaction=True)
def test_the_migration_clears_stored_dates_before_1900(registered):
    # given a row stored before the constraint existed
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_CONSTRAINT)
    old = executor.loader.project_state(BEFORE_CONSTRAINT).apps.get_model("appeals", "Appeal")
    old.objects.filter(pk=registered.pk).update(incident_at=datetime(1, 1, 1, 12, tzinfo=UTC))
    kept = old.objects.create(
        **{
            f.attname: getattr(old.objects.get(pk=registered.pk), f.attname)
            for f in old._meta.concrete_fields
            if f.attname not in {"id", "number", "client_token"}
        }
        | {"number": "2600000013", "incident_at": datetime(1950, 5, 1, tzinfo=UTC)}
    )
    # when
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    # then the out-of-range date is gone, the good one is kept, and the rows read back
    assert Appeal.objects.get(pk=registered.pk).incident_at is None
    assert Appeal.objects.get(pk=kept.pk).incident_at == datetime(1950, 5, 1, tzinfo=UTC)
