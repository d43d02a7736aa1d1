"""The planner: who is told of which event, by which channel, and when (SPEC §9)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from priemnaya.appeals import services
from priemnaya.appeals.models import Event
from priemnaya.appeals.services.sweeps import appeal_flag_overdue, appeal_warn_due_soon
from priemnaya.appeals.states import EventType
from priemnaya.core import clock
from priemnaya.notifications.models import (
    Audience,
    Notification,
    Preference,
    PushSubscription,
    State,
    Suppression,
)
from priemnaya.notifications.planner import Planner, quiet_until
from tests import factories
from tests.notifications.conftest import relay

MOSCOW = ZoneInfo("Europe/Moscow")


def planned(event_type: str, **filters) -> set[tuple[str, str]]:
    """Return (channel, address) of what was planned for the events of a type."""
    rows = Notification.objects.filter(event__type=event_type, **filters)
    return set(rows.values_list("channel", "address"))


def call_appeal(operator, **contacts):
    """An appeal an operator registered from a phone call: the caller has no account."""
    data = factories.appeal_input(
        applicant_name="Сидоров Пётр Ильич",
        contact_email=contacts.get("email", ""),
        contact_phone=contacts.get("phone", ""),
    )
    return services.appeal_submit(actor=operator, data=data, channel="phone")


def test_registration_confirms_to_the_applicant_in_the_feed_and_by_email(citizen, submit):
    # given a citizen with default preferences (e-mail on, SMS off, push without subscriptions)
    # when they file an appeal and the journal is relayed
    appeal = submit(citizen)
    relay()
    # then the confirmation is in their feed (delivered) and waits for the e-mail sender
    assert planned(EventType.REGISTERED) == {
        ("feed", f"user:{citizen.pk}"),
        ("email", citizen.email),
    }
    feed = Notification.objects.get(channel="feed")
    assert feed.state == State.SENT
    assert feed.sent_at is not None
    email = Notification.objects.get(channel="email")
    assert email.state == State.PENDING
    assert email.user == citizen
    assert email.audience == Audience.APPLICANT
    assert appeal.display_number in email.subject
    assert appeal.display_number in email.body
    # and nothing was written to the preferences on this read path
    assert not Preference.objects.exists()


def test_what_the_applicant_did_themselves_is_not_sent_back(citizen, submit, operator):
    # given a registered appeal
    appeal = submit(citizen)
    relay()
    # when the applicant comments and then staff comment publicly
    services.appeal_comment(appeal=appeal, actor=citizen, text="Дополняю: ошибка 500.")
    services.appeal_comment(appeal=appeal, actor=operator, text="Проверяем, спасибо.")
    relay()
    # then only the staff's comment reaches the applicant
    comments = Notification.objects.filter(event__type=EventType.COMMENTED)
    assert set(comments.values_list("event__actor", flat=True)) == {operator.pk}
    assert {n.address for n in comments} == {f"user:{citizen.pk}", citizen.email}


def test_channels_follow_preferences_sms_and_push_subscriptions(catalog):
    # given a citizen who chose SMS and push (not e-mail), with a phone and two browsers
    citizen = factories.make_citizen(phone="+79160000001")
    Preference.objects.create(user=citizen, email=False, sms=True, push=True)
    subs = [
        PushSubscription.objects.create(
            user=citizen, endpoint=f"https://push.example/{n}", p256dh="k", auth="a"
        )
        for n in range(2)
    ]
    # when an appeal is filed at a daytime hour
    with clock.travel_to(datetime(2026, 11, 24, 12, 0, tzinfo=MOSCOW)):
        factories.submit_appeal(citizen)
        relay()
    # then feed, SMS and one push per subscription are planned, and no e-mail
    assert planned(EventType.REGISTERED) == {
        ("feed", f"user:{citizen.pk}"),
        ("sms", "+79160000001"),
        *{("push", f"push:{s.pk}") for s in subs},
    }


def test_the_kind_filter_leaves_only_the_feed(citizen, submit):
    # given a citizen who wants messages only about complaints
    Preference.objects.create(user=citizen, kinds=["complaint"])
    # when a support appeal is filed
    submit(citizen)
    relay()
    # then it reaches only the feed
    assert planned(EventType.REGISTERED) == {("feed", f"user:{citizen.pk}")}


def test_a_required_notice_goes_out_by_email_whatever_the_preferences(citizen, submit, operator):
    # given a citizen who turned every outward channel off and filtered on another kind
    Preference.objects.create(user=citizen, email=False, sms=False, push=False, kinds=["petition"])
    appeal = submit(citizen)
    relay()
    assert planned(EventType.REGISTERED) == {("feed", f"user:{citizen.pk}")}
    # when staff redirect the appeal (the law requires the applicant be told)
    services.appeal_redirect(
        appeal=appeal, actor=operator, department_code="services", reason="По компетенции."
    )
    relay()
    # then the notice goes to the feed and, marked required, by e-mail
    assert planned(EventType.REDIRECTED) == {
        ("feed", f"user:{citizen.pk}"),
        ("email", citizen.email),
    }
    assert Notification.objects.get(event__type=EventType.REDIRECTED, channel="email").required


def test_an_applicant_without_an_account_is_reached_at_the_appeals_contacts(operator):
    # given a call registered by an operator with the caller's e-mail and phone
    with clock.travel_to(datetime(2026, 11, 24, 12, 0, tzinfo=MOSCOW)):
        call_appeal(operator, email="caller@example.ru", phone="+79161234567")
        relay()
    # then the caller gets the number by e-mail and SMS; no account, no feed
    rows = Notification.objects.filter(event__type=EventType.REGISTERED)
    assert {(n.channel, n.address, n.user_id) for n in rows} == {
        ("email", "caller@example.ru", None),
        ("sms", "+79161234567", None),
    }
    # and the operator who registered it is not told of their own act
    assert not Notification.objects.filter(user=operator).exists()


def test_a_suppressed_address_gets_only_the_required_notices(operator):
    # given a caller who unsubscribed their e-mail
    Suppression.objects.create(address="caller@example.ru", channel="email")
    appeal = call_appeal(operator, email="caller@example.ru")
    relay()
    assert not Notification.objects.exists()
    # when the appeal is redirected (a required notice)
    services.appeal_redirect(
        appeal=appeal, actor=operator, department_code="services", reason="По компетенции."
    )
    relay()
    # then that notice still goes
    assert planned(EventType.REDIRECTED) == {("email", "caller@example.ru")}


def test_sms_in_quiet_hours_is_deferred_to_the_morning(operator, catalog):
    # given a caller (department in Moscow: quiet 22:00–08:00) and a citizen in Omsk who wants SMS
    citizen = factories.make_citizen(phone="+79160000002")
    Preference.objects.create(user=citizen, email=False, sms=True, timezone="Asia/Omsk")
    # when both appeals are registered at 23:30 Moscow (01:30 in Omsk)
    late = datetime(2026, 11, 24, 23, 30, tzinfo=MOSCOW)
    with clock.travel_to(late):
        call_appeal(operator, phone="+79161234567")
        factories.submit_appeal(citizen)
        relay()
    # then each SMS waits for 08:00 of the recipient's morning
    caller = Notification.objects.get(address="+79161234567")
    assert caller.next_attempt_at == datetime(2026, 11, 25, 8, 0, tzinfo=MOSCOW)
    omsk = Notification.objects.get(address="+79160000002")
    assert omsk.next_attempt_at == datetime(2026, 11, 25, 8, 0, tzinfo=ZoneInfo("Asia/Omsk"))
    assert omsk.state == State.PENDING


def test_quiet_hours_arithmetic():
    evening = datetime(2026, 3, 1, 23, 0, tzinfo=MOSCOW)
    early = datetime(2026, 3, 2, 6, 0, tzinfo=MOSCOW)
    noon = datetime(2026, 3, 2, 12, 0, tzinfo=MOSCOW)
    morning = datetime(2026, 3, 2, 8, 0, tzinfo=MOSCOW)
    q = {"start": time(22, 0), "end": time(8, 0), "zone": "Europe/Moscow"}
    assert quiet_until(evening, **q) == morning
    assert quiet_until(early, **q) == morning
    assert quiet_until(noon, **q) is None
    day = {"start": time(13, 0), "end": time(14, 0), "zone": "Europe/Moscow"}
    assert quiet_until(noon, **day) is None
    assert quiet_until(noon + timedelta(hours=1, minutes=30), **day) == noon + timedelta(hours=2)


def test_an_assignment_is_told_to_the_assignee_not_to_the_head_who_made_it(
    registered, head, operator
):
    # when the head assigns the appeal to an operator
    services.appeal_assign(appeal=registered, actor=head, assignee_id=operator.pk)
    relay()
    # then the operator is told in the console feed and by e-mail
    rows = Notification.objects.filter(event__type=EventType.ASSIGNED)
    assert {(n.channel, n.address, n.audience) for n in rows} == {
        ("feed", f"user:{operator.pk}", "staff"),
        ("email", operator.email, "staff"),
    }
    assert "Назначен исполнитель" in rows.get(channel="email").subject


def test_taking_an_appeal_oneself_notifies_no_staff(registered, operator):
    services.appeal_take(appeal=registered, actor=operator)
    relay()
    assert not Notification.objects.filter(audience="staff").exists()


def test_an_answered_clarification_is_told_to_the_assignee(needs_info, citizen, operator):
    # given staff e-mail turned off for the assignee
    Preference.objects.create(user=operator, email=False)
    # when the applicant provides the details asked for
    services.appeal_provide_info(appeal=needs_info, actor=citizen, text="Браузер: Firefox.")
    relay()
    # then the assignee sees it in the console feed only
    assert planned(EventType.INFO_PROVIDED) == {("feed", f"user:{operator.pk}")}


def test_an_escalation_is_told_to_the_heads_of_the_target(in_progress, operator, supervisor):
    # when the operator escalates a support appeal (to the parent or quality control)
    appeal = services.appeal_escalate(appeal=in_progress, actor=operator, reason="Сложный случай.")
    relay()
    # then the heads of the department it went to are told, the operator is not
    heads = set(
        appeal.department.membership_set.filter(is_head=True).values_list("user_id", flat=True)
    )
    assert heads
    staff = Notification.objects.filter(event__type=EventType.ESCALATED, audience="staff")
    assert {n.user_id for n in staff} == heads
    assert operator.pk not in {n.user_id for n in staff}


def test_due_soon_goes_to_the_department_heads_when_nobody_holds_the_appeal(registered, head):
    # when the deadline nears with nobody assigned
    with clock.travel_to(registered.due_at - timedelta(hours=2)):
        appeal_warn_due_soon(appeal=registered)
        relay()
    # then the head of the department is told
    assert planned(EventType.DUE_SOON) == {("feed", f"user:{head.pk}"), ("email", head.email)}


def test_a_breach_tells_the_applicant_assignee_and_head(in_progress, citizen, operator, head):
    # when the deadline passes without an answer
    with clock.travel_to(in_progress.due_at + timedelta(hours=1)):
        appeal_flag_overdue(appeal=in_progress, escalate=False)
        relay()
    rows = Notification.objects.filter(event__type=EventType.OVERDUE)
    # then the applicant gets the required notice, and the assignee and head the staff one
    applicant = rows.filter(audience="applicant")
    assert {n.address for n in applicant} == {f"user:{citizen.pk}", citizen.email}
    assert all(n.required for n in applicant)
    staff = rows.filter(audience="staff")
    assert {n.user_id for n in staff} == {operator.pk, head.pk}


def test_a_replayed_event_plans_nothing_twice(citizen, submit):
    # given an event already planned
    submit(citizen)
    relay()
    before = list(Notification.objects.values_list("id", "channel", "address"))
    # when the planner is handed it again (a redelivery after a crash)
    Planner().handle(Event.objects.get(type=EventType.REGISTERED))
    # then nothing new is planned
    assert list(Notification.objects.values_list("id", "channel", "address")) == before


@pytest.mark.parametrize("event_type", [EventType.DRAFT_SAVED, EventType.NOTE_ADDED])
def test_internal_events_are_not_wanted(event_type):
    assert not Planner().wants(Event(type=event_type, is_public=False))
