"""Demo data: a believable history dated relative to today, replayed through the services; the six
accounts; idempotent; refused in production unless forced."""

from __future__ import annotations

import re
from datetime import datetime, time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.appeals.lifecycle import APPLICANT_VIEW
from priemnaya.appeals.models import Answer, Appeal, Event, Message
from priemnaya.appeals.selectors import AppealFilters, staff_queue
from priemnaya.appeals.states import EventType, MessageKind, Status
from priemnaya.catalog.defaults import KINDS, THEMES
from priemnaya.core import clock
from priemnaya.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from priemnaya.demo.collective import PEOPLE
from priemnaya.demo.loader import STORIES, TARGET_APPEALS, is_working_day, load_demo
from priemnaya.demo.samples import SAMPLES, SAMPLES_BY_KEY
from tests.factories import signed_in

pytestmark = pytest.mark.django_db

MAIN_CITIZEN = "citizen@demo.priemnaya.ru"
COLLECTIVE_PEOPLE = [email for email, _ in PEOPLE]
SUPERVISOR = "supervisor@demo.priemnaya.ru"
BY_SUBJECT = {sample.subject: sample for sample in SAMPLES}
APPEAL_TIMES = (
    "created_at",
    "registered_at",
    "first_response_at",
    "answered_at",
    "closed_at",
    "paused_at",
    "review_requested_at",
)
STAFF_EVENTS = {EventType.TAKEN, EventType.INFO_REQUESTED, EventType.ANSWERED}


def _queue_head() -> list[Appeal]:
    """The first page of the supervisor's console: all departments, soonest due first."""
    supervisor = User.objects.get(email=SUPERVISOR)
    return list(staff_queue(user=supervisor, filters=AppealFilters())[:20])


def _assert_history_believable(now: datetime) -> None:
    """Nothing after ``now``; every journal in order, opened by the registration."""
    for name in APPEAL_TIMES:
        assert not Appeal.objects.filter(**{f"{name}__gt": now}).exists(), name
    assert not Event.objects.filter(created_at__gt=now).exists()
    assert not Message.objects.filter(created_at__gt=now).exists()
    assert not Answer.objects.filter(issued_at__gt=now).exists()
    for appeal in Appeal.objects.exclude(status=Status.DRAFT).prefetch_related("events"):
        events = sorted(appeal.events.all(), key=lambda e: e.pk)
        times = [e.created_at for e in events]
        assert times == sorted(times), appeal.subject
        assert events[0].type == EventType.REGISTERED
        assert events[0].created_at == appeal.registered_at


def _assert_queue_looks_real() -> None:
    head = _queue_head()
    overdue = sum(appeal.is_overdue for appeal in head)
    assert len(head) == 20
    assert 1 <= overdue <= 4


def test_demo_covers_every_state_and_loads_once(catalog):
    # when
    first = load_demo()
    events = Event.objects.count()
    second = load_demo()
    # then
    assert first["appeals"] == TARGET_APPEALS == 52
    assert second == {"appeals": 0}
    # besides the stories, the collective issues' own appeals (demo/collective.py, issue 14)
    assert Appeal.objects.exclude(applicant__email__in=COLLECTIVE_PEOPLE).count() == 52
    assert Event.objects.count() == events
    assert set(Appeal.objects.values_list("status", flat=True)) == set(Status.values)
    assert Appeal.objects.filter(review_requested_at__isnull=False).exists()
    assert Appeal.objects.filter(contest_of__isnull=False, kind__code="contest").exists()
    assert Appeal.objects.filter(repeat_of__isnull=False).exists()
    assert Appeal.objects.filter(escalation_level__gt=0).exists()
    assert Appeal.objects.filter(extended=True).exists()
    assert Appeal.objects.filter(channel="phone", registered_by__isnull=False).exists()
    # a call from a citizen's own confirmed phone is hers in the cabinet (issue 13)
    assert Appeal.objects.filter(
        channel="phone", registered_by__isnull=False, applicant__email="fedorova@demo.priemnaya.ru"
    ).exists()
    assert not Appeal.objects.exclude(status=Status.DRAFT).filter(number__isnull=True).exists()
    # one appeal no theme fitted waits for the first line in «Нераспределённые» (issue 7)
    unrouted = Appeal.objects.get(unrouted=True)
    assert (unrouted.department.code, unrouted.theme.code) == ("citizens", "unsure")


def test_history_is_in_order_and_never_in_the_future(catalog):
    load_demo()
    _assert_history_believable(clock.now())
    # numbers are handed out in the order appeals came in, as in a real year
    registered = (
        Appeal.objects.exclude(status=Status.DRAFT)
        .exclude(applicant__email__in=COLLECTIVE_PEOPLE)  # filed after the replay (issue 14)
        .order_by("registered_at", "id")
    )
    numbers = [(a.number[:2], a.number[2:9]) for a in registered]  # year, sequence
    assert numbers == sorted(numbers)


def test_history_is_replayed_not_rewritten(catalog):
    """The journal and answers are append-only (a trigger will refuse changes): the loader writes
    each at its moment and never goes back to shift it."""
    with CaptureQueriesContext(connection) as queries:
        load_demo()
    rewrites = [
        q["sql"]
        for q in queries.captured_queries
        if re.match(r'\s*(UPDATE|DELETE FROM)\s+"?appeals_(event|answer|message)\b', q["sql"])
    ]
    assert rewrites == []


def test_staff_act_on_working_days_within_office_hours(catalog):
    load_demo()
    staff_events = Event.objects.filter(type__in=STAFF_EVENTS)
    assert staff_events.count() > 40
    for event in staff_events:
        local = timezone.localtime(event.created_at)
        assert is_working_day(local.date()), event
        assert time(9) <= local.time() < time(18), event
    # and nobody is taken up the very minute it arrives
    for event in Event.objects.filter(type=EventType.TAKEN).select_related("appeal"):
        assert (event.created_at - event.appeal.registered_at).total_seconds() >= 3600


def test_supervisor_queue_has_a_few_overdue_and_several_due_soon(catalog):
    load_demo()
    # then: a few overdue at the top, not a wall of red
    _assert_queue_looks_real()
    open_appeals = list(
        staff_queue(user=User.objects.get(email=SUPERVISOR), filters=AppealFilters())
    )
    overdue = sum(a.is_overdue for a in open_appeals)
    assert 0.05 <= overdue / len(open_appeals) <= 0.15
    today = timezone.localdate(clock.now())
    soon = [a for a in open_appeals if 0 <= (timezone.localdate(a.due_at) - today).days <= 3]
    assert len(soon) >= 4
    # answers were mostly given within the term
    answers = Answer.objects.select_related("appeal")
    on_time = [a for a in answers if a.issued_at <= a.appeal.due_at]
    assert len(on_time) >= 0.8 * answers.count()


def test_each_conversation_belongs_to_its_appeal(catalog):
    load_demo()
    answers = Answer.objects.select_related("appeal").exclude(
        appeal__applicant__email__in=COLLECTIVE_PEOPLE  # one answer to many (issue 14)
    )
    assert answers.count() >= 15
    for answer in answers:
        sample = BY_SUBJECT[answer.appeal.subject]
        assert sample.marker in answer.text, answer.appeal.subject
        assert answer.outcome == sample.outcome
    for message in Message.objects.select_related("appeal"):
        sample = BY_SUBJECT[message.appeal.subject]
        expected = {
            MessageKind.QUESTION: sample.question,
            MessageKind.REPLY: sample.reply,
            MessageKind.NOTE: sample.note,
        }[message.kind]
        assert message.text == expected, message.appeal.subject


def test_samples_tell_distinct_stories_on_catalog_themes():
    kinds = {code for code, *_ in KINDS}
    themes = {code for code, *_ in THEMES}
    assert len(SAMPLES) >= 20
    assert len(BY_SUBJECT) == len(SAMPLES_BY_KEY) == len(SAMPLES)
    for sample in SAMPLES:
        assert sample.kind in kinds
        assert sample.theme in themes
        # the marker picks out exactly one sample's answer
        assert [s.key for s in SAMPLES if sample.marker in s.answer] == [sample.key]
    assert {story.sample for story in STORIES} <= set(SAMPLES_BY_KEY)


def test_main_citizen_has_appeals_in_every_state_a_contest_and_a_repeat(catalog):
    load_demo()
    mine = Appeal.objects.filter(applicant__email=MAIN_CITIZEN)
    assert len(set(mine.values_list("status", flat=True))) >= 6
    assert mine.filter(kind__code="contest", contest_of__applicant__email=MAIN_CITIZEN).exists()
    assert mine.filter(repeat_of__isnull=False).exists()
    assert mine.filter(status=Status.NEEDS_INFO).exists()  # she has a question to answer
    assert mine.filter(status=Status.ANSWERED, review_requested_at__isnull=True).exists()


@pytest.mark.parametrize(
    "local",
    [
        "2027-01-11T08:30",  # Monday before the office opens, after the New Year holidays
        "2027-05-12T00:20",  # just after midnight, after the May holidays
        "2026-12-31T23:50",  # the last minutes of a year
    ],
)
def test_history_holds_whatever_day_it_is_loaded(catalog, local):
    now = timezone.make_aware(datetime.fromisoformat(local))  # local time of the service
    with clock.travel_to(now):
        assert load_demo()["appeals"] == 52
        _assert_history_believable(now)
        _assert_queue_looks_real()


def test_demo_accounts_sign_in_with_the_printed_password(catalog):
    load_demo()
    for role, email, _name in DEMO_ACCOUNTS:
        user = User.objects.get(email=email)
        assert user.role == role
        assert user.check_password(DEMO_PASSWORD)


def test_cabinet_and_console_tell_the_story(catalog):
    load_demo()
    # the demo accounts sign in through the login page with the printed password
    citizen = signed_in(User.objects.get(email=MAIN_CITIZEN), password=DEMO_PASSWORD)
    supervisor = signed_in(User.objects.get(email=SUPERVISOR), password=DEMO_PASSWORD)
    # the citizen's cabinet lists her appeals in every state
    cabinet = citizen.get("/cabinet/")
    assert cabinet.status_code == 200
    page = cabinet.content.decode()
    assert "Черновик: Сделать крупный шрифт" in page
    for status in Status:  # in the applicant's words
        assert APPLICANT_VIEW[status][0] in page
    # her appeal waiting for details shows the specialist's question in the history
    waiting = Appeal.objects.get(applicant__email=MAIN_CITIZEN, status=Status.NEEDS_INFO)
    detail = citizen.get(f"/cabinet/appeals/{waiting.number}/")
    assert SAMPLES_BY_KEY["upload-scan"].question in detail.content.decode()
    # the supervisor's console: a full first page, a few marked overdue
    console = supervisor.get("/console/")
    assert console.status_code == 200
    rows = console.content.decode()
    assert 1 <= rows.count('class="is-overdue"') <= 4
    assert rows.count("<tr") == 21  # header and twenty appeals
    answered = Appeal.objects.filter(status=Status.ANSWERED).first()
    assert answered is not None
    page = supervisor.get(f"/console/appeals/{answered.number}/").content.decode()
    assert BY_SUBJECT[answered.subject].marker in page


def test_demo_is_refused_when_debug_is_off_unless_forced(catalog, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo")
    assert not User.objects.filter(email=DEMO_ACCOUNTS[0][1]).exists()
    call_command("load_demo", "--force")
    assert User.objects.filter(email=DEMO_ACCOUNTS[0][1]).exists()
    # Issue 12: the first load also teaches the theme suggester (once: a reload keeps it).
    from priemnaya.search import suggest
    from priemnaya.search.models import SuggestModel

    assert SuggestModel.objects.count() == 1
    call_command("load_demo", "--force")
    assert SuggestModel.objects.count() == 1
    suggest._cached = None


def test_the_main_citizen_has_files_with_an_appeal_a_reply_and_an_answer(catalog):
    from priemnaya.attachments.models import Attachment, Purpose
    from priemnaya.attachments.services import attachment_open

    load_demo()
    files = Attachment.objects.filter(appeal__applicant__email=MAIN_CITIZEN)
    assert set(files.values_list("purpose", flat=True)) == {
        Purpose.APPEAL,
        Purpose.ADDITION,
        Purpose.ANSWER,
    }
    assert not Attachment.objects.filter(appeal__isnull=True).exists()  # nothing left staged
    for attachment in files:
        with attachment_open(attachment) as stored:
            assert stored.read(4) in (b"%PDF", b"\x89PNG")


def test_demo_has_answer_templates_and_earlier_appeals_to_show(catalog):
    """Issue 12: templates across the demo themes; the demo operator sees a citizen's history."""
    from priemnaya.answers.canned import templates_for_appeal, unknown_placeholders
    from priemnaya.answers.models import ResponseTemplate
    from priemnaya.search.earlier import earlier_appeals

    load_demo()
    load_demo()  # once
    templates = list(ResponseTemplate.objects.all())
    assert 6 <= len(templates) <= 10
    assert all(unknown_placeholders(t.body) == [] for t in templates)
    operator = User.objects.get(email="operator@demo.priemnaya.ru")
    citizen = User.objects.get(email="citizen@demo.priemnaya.ru")
    queue = staff_queue(user=operator, filters=AppealFilters(status=Status.IN_PROGRESS))
    mine = [a for a in queue if a.applicant_id == citizen.pk]
    assert mine, "the demo citizen has an appeal in work the operator sees"
    assert any(earlier_appeals(appeal=a, user=operator).items for a in mine)
    assert any(templates_for_appeal(appeal=a, author=operator) for a in mine)
