"""The open flag: kept from the status by the indexer and the rebuild, used for open queues."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Q

from priemnaya.appeals import services
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.selectors import AppealFilters, staff_queue
from priemnaya.appeals.states import OPEN_STATUSES, Status
from priemnaya.search import selectors
from priemnaya.search.models import AppealEntry
from priemnaya.search.selectors import holds_open_only, search_appeals
from tests.search.helpers import relay

pytestmark = pytest.mark.django_db


def flag(appeal) -> bool:
    return AppealEntry.objects.get(pk=appeal.pk).is_open


@pytest.fixture
def large(monkeypatch):
    """Search every queryset from the index's side, as a department's queue of thousands is."""
    monkeypatch.setattr(selectors, "small_ids", lambda within: None)


def test_an_open_filter_is_recognised_and_nothing_else_is(operator):
    appeals = Appeal.objects.all()
    assert holds_open_only(staff_queue(user=operator, filters=AppealFilters()))
    assert holds_open_only(appeals.filter(status=Status.NEEDS_INFO, subject__icontains="x"))
    assert holds_open_only(appeals.filter(Q(status__in=OPEN_STATUSES) & Q(pk__gt=3)))
    assert not holds_open_only(staff_queue(user=operator, filters=AppealFilters(status="closed")))
    assert not holds_open_only(appeals)
    assert not holds_open_only(appeals.filter(status__in=[Status.REGISTERED, Status.CLOSED]))
    assert not holds_open_only(appeals.exclude(status__in=OPEN_STATUSES))
    assert not holds_open_only(appeals.filter(Q(status=Status.REGISTERED) | Q(pk=1)))


def test_the_flag_follows_the_status_through_the_journal(citizen, operator, head, registered):
    relay()
    assert flag(registered) is True
    services.appeal_take(appeal=registered, actor=operator)
    services.appeal_answer(
        appeal=registered, actor=operator, outcome="resolved", text="Готово, проверьте."
    )
    relay()
    assert flag(registered) is False
    registered.refresh_from_db()
    services.appeal_reopen(appeal=registered, actor=head, reason="Ответ неполный.")
    relay()
    assert Appeal.objects.get(pk=registered.pk).status in OPEN_STATUSES
    assert flag(registered) is True


def test_the_rebuild_sets_the_flag(citizen, operator, submit, move):
    done = move(submit(citizen, subject="Про лифт"), Status.CLOSED)
    waiting = submit(citizen, subject="Про лифт снова")
    AppealEntry.objects.all().delete()
    call_command("search_rebuild", "--clear")
    assert (flag(done), flag(waiting)) == (False, True)


def test_an_open_queue_finds_open_matches_only_and_the_same_as_without_the_flag(
    citizen, operator, submit, move, large
):
    # given a word in closed appeals and in one open appeal
    subjects = [f"Шлагбаум сломан {i}" for i in range(3)]
    closed = [move(submit(citizen, subject=s), Status.CLOSED) for s in subjects]
    still = submit(citizen, subject="Шлагбаум у дома")
    relay()
    queue = staff_queue(user=operator, filters=AppealFilters())
    everything = staff_queue(user=operator, filters=AppealFilters(status="closed"))
    # then the open queue finds the open one; asked for closed ones, the closed
    assert search_appeals("шлагбаум", within=queue) == [still.pk]
    assert search_appeals("шлагбаум", within=everything) == [a.pk for a in reversed(closed)]
    # and a word only closed appeals hold finds nothing in the open queue
    assert search_appeals("сломанный шлагбаум", within=queue) == []
