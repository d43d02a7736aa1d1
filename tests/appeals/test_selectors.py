"""Who sees which appeal (appeals.selectors): own for citizens, own departments for staff."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from priemnaya.accounts.roles import Role
from priemnaya.appeals import services
from priemnaya.appeals.lifecycle import Side, actions_for
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.selectors import (
    AppealFilters,
    appeal_actions,
    appeal_get,
    appeals_visible_to,
    applicant_appeals,
    page_of,
    staff_queue,
)
from priemnaya.appeals.states import Status
from priemnaya.core.errors import NotFound, NotPermitted, ValidationFailed
from priemnaya.core.numbering import format_number
from tests.factories import make_user


@pytest.fixture
def two_departments(citizen, submit):
    """One appeal in «support» (operator's) and one in «services» (specialist's)."""
    return submit(citizen), submit(citizen, theme="services-refusal", kind="complaint")


def test_the_applicant_finds_their_appeal_by_number_in_any_spelling(registered, citizen):
    for typed in (registered.number, format_number(registered.number), f"№ {registered.number}"):
        assert appeal_get(user=citizen, number=typed) == registered


def test_another_citizen_never_sees_the_appeal(registered, other_citizen):
    with pytest.raises(NotFound) as caught:
        appeal_get(user=other_citizen, number=registered.number)
    assert caught.value.field == "number"
    assert not appeals_visible_to(user=other_citizen).exists()


def test_a_mistyped_number_is_refused_before_any_lookup(registered, citizen):
    typo = registered.number[:-1] + str((int(registered.number[-1]) + 1) % 10)
    with pytest.raises(ValidationFailed) as caught:
        appeal_get(user=citizen, number=typo)
    assert caught.value.errors.keys() == {"number"}


def test_staff_see_only_their_departments(two_departments, operator, specialist):
    support, services_ = two_departments
    assert list(appeals_visible_to(user=operator)) == [support]
    assert list(appeals_visible_to(user=specialist)) == [services_]
    with pytest.raises(NotFound):
        appeal_get(user=operator, number=services_.number)
    assert appeal_get(user=specialist, number=services_.number) == services_


def test_a_supervisor_sees_every_department(two_departments, supervisor):
    assert set(appeals_visible_to(user=supervisor)) == set(two_departments)


def test_an_administrator_sees_every_department(two_departments):
    admin = make_user(Role.ADMINISTRATOR)
    assert set(appeals_visible_to(user=admin)) == set(two_departments)


def test_an_auditor_sees_no_appeals(two_departments, auditor):
    assert not appeals_visible_to(user=auditor).exists()
    with pytest.raises(NotFound):
        appeal_get(user=auditor, number=two_departments[0].number)


def test_staff_without_departments_see_nothing(two_departments, catalog):
    loner = make_user(Role.OPERATOR)
    assert not appeals_visible_to(user=loner).exists()


def test_a_deactivated_user_sees_nothing(registered, citizen, operator):
    for user in (citizen, operator):
        user.is_active = False
        user.save()
        assert not appeals_visible_to(user=user).exists()


def test_the_staff_queue_shows_open_work_soonest_due_first(citizen, submit, operator, move):
    # given
    late = submit(citizen, subject="Поздний срок")
    soon = submit(citizen, subject="Ранний срок")
    Appeal.objects.filter(pk=soon.pk).update(due_at=late.due_at - timedelta(days=1))
    done = move(submit(citizen), Status.ANSWERED)
    # when
    queue = list(staff_queue(user=operator, filters=AppealFilters()))
    # then
    assert queue == [soon, late]
    assert done not in queue
    answered = staff_queue(user=operator, filters=AppealFilters(status=Status.ANSWERED))
    assert list(answered) == [done]


def test_staff_queue_filters(citizen, submit, operator, supervisor):
    # given
    mine = submit(citizen, subject="Ошибка на сайте", theme="tech-site-errors")
    services.appeal_take(appeal=mine, actor=operator)
    other = submit(citizen, subject="Не приходит код", theme="tech-sms")
    Appeal.objects.filter(pk=other.pk).update(due_at=timezone.now() - timedelta(hours=1))
    elsewhere = submit(citizen, theme="services-refusal", kind="complaint")

    def numbers(user=operator, **filters):
        return [a.number for a in staff_queue(user=user, filters=AppealFilters(**filters))]

    # then
    assert numbers(mine=True) == [mine.number]
    assert numbers(overdue=True) == [other.number]
    assert numbers(theme="tech") == [other.number, mine.number]
    assert numbers(theme="tech-sms") == [other.number]
    assert numbers(q="сайте") == [mine.number]
    assert numbers(q=format_number(other.number)) == [other.number]
    assert numbers(kind="complaint") == []
    assert numbers(user=supervisor, department="services") == [elsewhere.number]


def test_the_applicant_list_is_own_appeals_newest_first(citizen, other_citizen, submit):
    first = submit(citizen)
    second = submit(citizen)
    submit(other_citizen)
    assert list(applicant_appeals(user=citizen, filters=AppealFilters())) == [second, first]


def test_staff_have_no_applicant_list(registered, operator):
    # Staff work from their queue; the own-appeals list refuses them (403 in the API).
    with pytest.raises(NotPermitted):
        applicant_appeals(user=operator, filters=AppealFilters())


def test_page_of_fetches_one_row_more_to_know_about_the_next_page(citizen, submit):
    for _ in range(5):
        submit(citizen)
    qs = applicant_appeals(user=citizen, filters=AppealFilters())
    assert [len(page_of(qs, page=p, size=2)[0]) for p in (1, 2, 3, 4)] == [2, 2, 1, 0]
    assert [page_of(qs, page=p, size=2)[1] for p in (1, 2, 3)] == [True, True, False]
    assert page_of(qs, page=0, size=2)[0] == page_of(qs, page=1, size=2)[0]


def test_a_page_far_beyond_the_end_is_empty(citizen, submit):
    submit(citizen)
    qs = applicant_appeals(user=citizen, filters=AppealFilters())
    assert page_of(qs, page=10**20, size=20) == ([], False)


def test_actions_follow_the_side_and_state(registered, citizen, operator, other_citizen):
    # a fresh appeal: the applicant may escalate only once a deadline passed (issue 7)
    assert appeal_actions(appeal=registered, user=citizen) == [
        a for a in actions_for(Status.REGISTERED, Side.APPLICANT) if a != "escalate"
    ]
    # assigning is for department heads and quality control, and so is extending under the
    # support policy (the head approves); not for an ordinary operator
    assert appeal_actions(appeal=registered, user=operator) == [
        a
        for a in actions_for(Status.REGISTERED, Side.STAFF)
        if a not in {"assign", "extend", "change_regime"}
    ]
    assert appeal_actions(appeal=registered, user=other_citizen) == []
    assert "take" in appeal_actions(appeal=registered, user=operator)
    assert "take" not in appeal_actions(appeal=registered, user=citizen)


@pytest.mark.parametrize(
    "state",
    [Status.REGISTERED, Status.IN_PROGRESS, Status.NEEDS_INFO, Status.ANSWERED, Status.CLOSED],
)
def test_offered_actions_are_a_subset_of_the_table_for_everyone(
    citizen, operator, head, supervisor, registered, move, state
):
    # given a department head besides the ordinary operator and quality control
    appeal = move(registered, state)
    for user, side in (
        (citizen, Side.APPLICANT),
        (operator, Side.STAFF),
        (head, Side.STAFF),
        (supervisor, Side.STAFF),
    ):
        offered = appeal_actions(appeal=appeal, user=user)
        assert set(offered) <= set(actions_for(state, side))
    # heads and quality control get the reviewer's actions the table allows; operators never do
    reviewer_only = {"assign", "reopen", "change_regime"} & set(actions_for(state, Side.STAFF))
    assert reviewer_only <= set(appeal_actions(appeal=appeal, user=head))
    assert not reviewer_only & set(appeal_actions(appeal=appeal, user=operator))
