"""Load the demo accounts and replay a believable history of appeals, dated relative to today.

Nothing is backdated afterwards: the journal is append-only, and shifting timestamps after the fact
would break the due dates computed at registration. Instead every story is planned first (the day
it was registered and the moment of each later step, all in the past) and then every step of every
story is replayed in chronological order through the services inside ``clock.travel_to``, so that
numbers, due dates and journal events are written as they would have been at that moment.

Running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.appeals import services
from priemnaya.appeals.deadlines import resolution_due
from priemnaya.appeals.follow_ups import CONTEST_KIND, FollowUp
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.states import Channel
from priemnaya.attachments.models import Purpose
from priemnaya.attachments.services import attachments_stage
from priemnaya.catalog.calendars import work_calendar
from priemnaya.catalog.models import Department, Kind, Membership, Policy, Theme
from priemnaya.catalog.policies import policy_for
from priemnaya.core import clock
from priemnaya.core import deadlines as arithmetic
from priemnaya.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from priemnaya.demo.analytics import load_analytics
from priemnaya.demo.calls import load_calls
from priemnaya.demo.canned import load_templates
from priemnaya.demo.collective import load_collective
from priemnaya.demo.files import DEMO_FILES
from priemnaya.demo.knowledge import load_knowledge
from priemnaya.demo.samples import SAMPLES_BY_KEY, Sample
from priemnaya.hotline.services import line_load_defaults
from priemnaya.webhooks.models import Endpoint
from priemnaya.webhooks.services import endpoint_create

EXTRA_CITIZENS = [
    ("grigoriev@demo.priemnaya.ru", "+79161234501", "Григорьев Павел Олегович"),
    ("fedorova@demo.priemnaya.ru", "+79161234502", "Фёдорова Елена Викторовна"),
    ("akhmetov@demo.priemnaya.ru", "+79161234503", "Ахметов Ринат Маратович"),
]
# Staff sign in with a second factor (issue 9): a confirmed phone lets the demo show the SMS code
# in the dev outbox (/dev/outbox/) instead of needing an authenticator app.
STAFF_PHONES = {
    "operator": "+79160000101",
    "specialist": "+79160000102",
    "supervisor": "+79160000103",
    "administrator": "+79160000104",
    "auditor": "+79160000105",
}
POSITIONS = {
    "operator": ("Оператор контакт-центра", ["support", "citizens"]),
    "specialist": ("Главный специалист", ["services", "services-support", "esign", "privacy"]),
    "supervisor": ("Начальник отдела контроля качества", ["quality"]),
}
# Demo people joined well before the oldest story, so no appeal predates its applicant.
JOINED_DAYS_AGO = 200

# Callers whose appeals the operator registers from the hotline (no account of their own).
BELOVA = ("Белова Ирина Петровна", "+79035550147")
SAVELIEV = ("Савельев Николай Иванович", "+79265550912")
FEDOROVA_CALLING = ("Фёдорова Елена Викторовна", "+79161234502")


@dataclass(frozen=True)
class Story:
    """One appeal's history: whose, which sample, how far it went and when.

    ``steps`` lists what happened after submission, in order (see ``_plan``); the state it ends in
    follows from them. ``age`` places the registration that many days ago (or a little earlier if
    a later step would otherwise fall in the future); ``due_in`` instead picks the registration
    day so that the appeal ends up due that many days from today (negative: overdue), which is what
    makes the console queue look like a real service's.
    """

    sample: str
    who: int | None  # index into the citizens (0 is the main demo citizen); None for a caller
    steps: str = ""
    age: int | None = None
    due_in: int | None = None
    work: int = 1  # working days staff spend before answering, escalating or extending
    rating: int = 5
    # Days ago the applicant files the follow-up (contest, repeat), or None for the day after the
    # step before; anchoring it to today keeps a repeat's short term from running out.
    follow_up_age: int | None = None
    channel: str = Channel.PORTAL
    caller: tuple[str, str] | None = None


IV, GR, FE, AK = 0, 1, 2, 3
STORIES: list[Story] = [
    # The main demo citizen: one appeal in every state, a contest and a repeat.
    Story("font-size", IV, "draft", age=1),
    Story("ukep", IV, age=0),
    Story("benefit-stuck", IV, "take note", due_in=2),
    Story("upload-scan", IV, "take ask", due_in=3, channel=Channel.MOBILE),
    Story("refusal-compensation", IV, "take ask reply", due_in=14),
    Story("login-loop", IV, "take ask reply answer", age=4),
    Story("refusal-school", IV, "take ask reply answer rate", age=24, work=12, rating=1),
    Story("sms-code", IV, "take ask reply answer close rate", age=20),
    Story("refusal-subsidy", IV, "take note answer contest ftake autoclose", age=33, work=14),
    Story("error-500", IV, "take withdraw repeat ftake", age=14, follow_up_age=3),
    Story("duty-refund", IV, "take note escalate-by-applicant", due_in=-2),
    Story("thanks-chat", IV, "take answer autoclose", age=30),
    Story("registration-docs", IV, "take ask reply answer close rate", age=45),
    # Григорьев
    Story("login-loop", GR, "take answer close rate", age=55, rating=4),
    Story("passport-status", GR, "take note", due_in=1),
    Story("sms-code", GR, "take ask", due_in=4, channel=Channel.MOBILE),
    Story("account-locked", GR, age=0),
    Story("fine-paid", GR, "take ask reply", due_in=2),
    Story("hotline-cut", GR, "take ask reply", due_in=9),
    Story("reminders", GR, "take answer close rate", age=40),
    Story("goskey-cert", GR, "take ask reply answer", age=3, channel=Channel.MOBILE),
    Story("mfc-holidays", GR, "withdraw", age=8),
    Story("refusal-subsidy", GR, "take note extend", age=27, work=8),
    Story("email-notices", GR, "take escalate", due_in=1),
    Story("child-profile", GR, "take ask reply answer autoclose", age=26),
    # Фёдорова
    Story("snils-fix", FE, age=1),
    Story("sms-mailing", FE, "take note", due_in=20),
    Story("benefit-stuck", FE, "take ask", due_in=3),
    Story("refusal-compensation", FE, "take note", due_in=-1),
    Story("upload-scan", FE, "take ask reply answer close rate", age=12),
    Story("ukep", FE, "take ask reply answer", age=5),
    Story("foreign-docs", FE, "take ask reply answer close rate", age=50, work=6, rating=4),
    Story("error-500", FE, "take note", due_in=2),
    Story("chat-wait", FE, age=1, channel=Channel.MOBILE),
    Story("duty-refund", FE, "take ask reply answer close rate", age=33),
    Story("thanks-chat", FE, age=1),
    # Ахметов
    Story("upload-scan", AK, "take ask reply", due_in=-1),
    Story("login-loop", AK, "take note", due_in=3),
    Story("sms-code", AK, age=0),
    Story("goskey-cert", AK, "take ask", due_in=2),
    Story("passport-status", AK, "take ask reply", due_in=4),
    Story("fine-paid", AK, "take ask reply answer close rate", age=18),
    Story("snils-fix", AK, "take ask reply answer autoclose", age=38),
    Story("account-locked", AK, "take withdraw", age=6),
    Story("foreign-docs", AK, "take note", due_in=16),
    Story("mfc-holidays", AK, "take answer", age=2),
    # No theme fits: it waits in «Нераспределённые» for a first-line operator (issue 7).
    Story("where-to", FE, age=0),
    # Calls to the hotline, registered by the operator.
    Story("benefit-stuck", None, "take note", due_in=3, channel=Channel.PHONE, caller=BELOVA),
    Story(
        "mfc-holidays",
        None,
        "take answer autoclose",
        age=16,
        channel=Channel.PHONE,
        caller=SAVELIEV,
    ),
    # A call from Фёдорова's own confirmed phone: it joins her account (issue 13).
    Story("sms-code", None, "take", due_in=5, channel=Channel.PHONE, caller=FEDOROVA_CALLING),
]
# Stories whose steps file a second appeal (a contest or a repeat) count twice.
TARGET_APPEALS = len(STORIES) + sum(
    ("contest" in s.steps.split()) + ("repeat" in s.steps.split()) for s in STORIES
)

# Staff work on working days within office hours; applicants write from morning to late evening.
OFFICE_OPENS, OFFICE_CLOSES = time(9), time(18)
AWAKE_FROM, AWAKE_UNTIL = time(8), time(23)
EXTENSION_DAYS = 20
# The latest a replayed step may be: a little before now, so nothing is ever in the future.
MARGIN = timedelta(minutes=5)
SEARCH_DAYS = 150
SEARCH_FOLLOW_UP = 20
# Which sample text each step needs; a story that asks for a missing one is a mistake in the table.
NEEDS = {
    "withdraw": "withdraw",
    "escalate": "escalation",
    "escalate-by-applicant": "escalation",
    "extend": "extension",
    "contest": "contest",
    "repeat": "repeat",
}
APPLICANT_STEPS = {
    "reply",
    "rate",
    "close",
    "withdraw",
    "escalate-by-applicant",
    "contest",
    "repeat",
}


def _user(email: str, name: str, role: str, phone: str | None = None) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            full_name=name,
            role=role,
            phone=phone,
            date_joined=clock.now() - timedelta(days=JOINED_DAYS_AGO),
            # Demo people confirmed their contacts when they registered.
            email_confirmed_at=clock.now() - timedelta(days=JOINED_DAYS_AGO),
            phone_confirmed_at=clock.now() - timedelta(days=JOINED_DAYS_AGO) if phone else None,
        )
    return user


def load_accounts() -> dict[str, User]:
    users = {}
    for role, email, name in DEMO_ACCOUNTS:
        users[role] = _user(email, name, role, STAFF_PHONES.get(role))
        if users[role].phone is None and role in STAFF_PHONES:
            # A demo database made before staff had phones.
            users[role].phone = STAFF_PHONES[role]
            users[role].phone_confirmed_at = clock.now()
            users[role].save(update_fields=["phone", "phone_confirmed_at"])
    admin = users["administrator"]
    if not admin.is_superuser:
        User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    for role, (position, departments) in POSITIONS.items():
        User.objects.filter(pk=users[role].pk).update(
            position=position, work_phone="8 800 100-70-10"
        )
        # These very objects act below, and an answer copies its executor's position from them.
        users[role].position, users[role].work_phone = position, "8 800 100-70-10"
        for code in departments:
            Membership.objects.get_or_create(
                user=users[role],
                department=Department.objects.get(code=code),
                defaults={"is_head": role == "supervisor"},
            )
    return users


def _staff_for(appeal: Appeal, users: dict[str, User]) -> User:
    for role in ("operator", "specialist", "supervisor"):
        if Membership.objects.filter(user=users[role], department_id=appeal.department_id).exists():
            return users[role]
    return users["supervisor"]


# --- Planning: when each step happened -----------------------------------------------------------


@dataclass(frozen=True)
class Step:
    at: datetime
    action: str


def _local(day, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def is_working_day(day) -> bool:
    return work_calendar().is_working(day)


def add_working_days(day, days: int):
    return arithmetic.add_working_days(work_calendar(), day, days)


def _jitter(n: int, i: int) -> int:
    """Return a few minutes that differ per story and step, so that nothing happens on the hour."""
    return (n * 17 + i * 11) % 45 + 3


def _office(moment: datetime, jitter: int) -> datetime:
    """Return the first moment at or after ``moment`` within office hours of a working day."""
    local = timezone.localtime(moment)
    day = local.date()
    if is_working_day(day) and OFFICE_OPENS <= local.time() < OFFICE_CLOSES:
        return moment
    if not (is_working_day(day) and local.time() < OFFICE_OPENS):
        day = add_working_days(day, 1)
    return _local(day, OFFICE_OPENS) + timedelta(minutes=jitter)


def _awake(moment: datetime, jitter: int) -> datetime:
    """Return the first moment at or after ``moment`` when an applicant would plausibly write."""
    local = timezone.localtime(moment)
    if AWAKE_FROM <= local.time() < AWAKE_UNTIL:
        return moment
    day = local.date() if local.time() < AWAKE_FROM else local.date() + timedelta(days=1)
    return _local(day, AWAKE_FROM) + timedelta(minutes=jitter)


def _working_days_after(moment: datetime, days: int) -> datetime:
    local = timezone.localtime(moment)
    return _local(add_working_days(local.date(), days), local.time())


def _registration(story: Story, n: int, day) -> datetime:
    """Return when on ``day`` the story's appeal came in: any hour applicants are awake."""
    return _local(day, time(8 + (n * 5) % 14, (n * 23 + 11) % 60))


def _plan(
    story: Story,
    n: int,
    registered: datetime,
    policy: Policy,
    latest: datetime,
    follow_up_shift: int = 0,
) -> tuple[list[Step], datetime] | None:
    """Return the story's steps when registered at ``registered`` and the due date it ends with.

    ``follow_up_shift`` files the follow-up that many days before its ``follow_up_age``. Return
    None if a step would come after ``latest``: that story must start earlier.
    """
    if registered > latest:
        return None
    first = "draft" if story.steps == "draft" else "submit"
    steps = [Step(registered, first)]
    # The service computes the real due date at registration; this plans with the same policy.
    due = resolution_due(policy=policy, department=Department(), registered_at=registered)
    asked = answered = registered
    actions = [] if first == "draft" else story.steps.split()
    for i, action in enumerate(actions):
        prev, j = steps[-1].at, _jitter(n, i)
        minutes = timedelta(minutes=j)
        match action:
            case "take" | "ftake":  # someone in the office picks it up within hours
                at = _office(prev + timedelta(hours=1) + minutes, j)
            case "note" | "ask":
                at = _office(prev + timedelta(minutes=30) + minutes, j)
            case "reply":  # the applicant answers the question about a day later
                at = _awake(prev + timedelta(hours=20) + minutes * 3, j)
            case "answer" | "escalate" | "extend":
                at = _office(_working_days_after(prev, story.work) + timedelta(hours=2), j)
            case "close" | "withdraw":
                at = _awake(prev + timedelta(hours=3) + minutes * 4, j)
            case "rate":  # right after closing, or once the answer has been read
                wait = timedelta(minutes=2) if steps[-1].action == "close" else timedelta(hours=5)
                at = _awake(prev + wait, j)
            case "autoclose":  # the worker closes answers left open for AUTOCLOSE_DAYS
                autoclose = timedelta(days=settings.PRIEMNAYA["AUTOCLOSE_DAYS"], minutes=j)
                at = max(answered + autoclose, prev + timedelta(minutes=1))
            case "escalate-by-applicant":  # the applicant presses «Эскалация» once it is overdue
                at = _awake(max(prev + timedelta(hours=2), due + timedelta(hours=9) + minutes), j)
            case "contest" | "repeat":
                at = prev + timedelta(days=1)
                if story.follow_up_age is not None:
                    ago = story.follow_up_age + follow_up_shift
                    anchor = _registration(story, n, timezone.localdate(latest) - timedelta(ago))
                    at = max(at, anchor)
                at = _awake(at + minutes * 5, j)
            case _:
                raise ValueError(f"unknown demo step {action!r}")
        if at > latest:
            return None
        if action == "ask":
            asked = at
        elif action == "reply":  # the resolution clock resumes: the pause is added to the term
            due += at - asked
        elif action == "answer":
            answered = at
        elif action == "extend":
            due = _extended(due)
        steps.append(Step(at, action))
    return steps, due


def _extended(due: datetime) -> datetime:
    return clock.end_of_local_day(timezone.localdate(due) + timedelta(days=EXTENSION_DAYS))


def _schedule(story: Story, n: int, policy: Policy, now: datetime) -> list[Step]:
    """Pick the registration day of the story and return its steps, all before ``now``."""
    today = timezone.localdate(now)
    latest = now - MARGIN
    if story.due_in is None:
        # Around long holidays nobody in the office could have acted on the usual day: start
        # earlier (and file a follow-up earlier) until every step fits before now.
        shifts = range(SEARCH_FOLLOW_UP) if story.follow_up_age is not None else range(1)
        for back in range(story.age or 0, SEARCH_DAYS):
            registered = _registration(story, n, today - timedelta(days=back))
            for shift in shifts:
                if planned := _plan(story, n, registered, policy, latest, shift):
                    return planned[0]
        raise RuntimeError(f"demo story {n} does not fit before {now}")
    # Due dates move in steps of working days, so aim as close to the wanted one as the calendar
    # allows, but never let an appeal meant to be within its term be overdue (or the other way).
    # Several registration days give the same due date (a weekend adds no working days): prefer
    # the most recent working one, as most appeals come in on weekdays.
    target = today + timedelta(days=story.due_in)
    best: tuple[tuple[int, bool, int], list[Step]] | None = None
    for back in range(SEARCH_DAYS):
        day = today - timedelta(days=back)
        planned = _plan(story, n, _registration(story, n, day), policy, latest)
        if planned is None:
            continue
        steps, due = planned
        due_day = timezone.localdate(due)
        if best is not None and due_day < target - timedelta(days=7):
            break  # earlier days only move the due date further from the target
        within_term = due >= clock.end_of_local_day(today)
        if within_term != (story.due_in >= 0) or (not within_term and due_day >= today):
            continue
        rank = (abs((due_day - target).days), not is_working_day(day), back)
        if best is None or rank < best[0]:
            best = (rank, steps)
    if best is None:
        raise RuntimeError(f"demo story {n} cannot be due in {story.due_in} days from {today}")
    return best[1]


def _check(story: Story, sample: Sample) -> None:
    """Refuse a story the sample cannot tell (a mistake in the table, not in the data)."""
    actions = set(story.steps.split())
    for action, text in NEEDS.items():
        if action in actions and not getattr(sample, text):
            raise ValueError(f"sample {sample.key!r} has no {text} text for {action!r}")
    if "rate" in actions and story.rating <= 2 and not sample.dispute:
        raise ValueError(f"sample {sample.key!r} has no dispute text for a low rating")
    if story.caller and actions & APPLICANT_STEPS:
        raise ValueError("a caller without an account cannot act on the appeal")
    if (story.age is None) == (story.due_in is None):
        raise ValueError("a story needs either age or due_in")
    if (story.who is None) == (story.caller is None):
        raise ValueError("a story belongs to a citizen or to a caller")


# --- Replay: each step through the services, at its moment ---------------------------------------


@dataclass
class _Replay:
    users: dict[str, User]
    citizens: list[User]
    appeals: dict[int, Appeal] = field(default_factory=dict)  # story → its appeal
    follow_ups: dict[int, Appeal] = field(default_factory=dict)  # story → its contest or repeat
    created: int = 0


def _input(sample: Sample, applicant: User) -> services.AppealInput:
    return services.AppealInput(
        kind=sample.kind,
        theme=sample.theme,
        subject=sample.subject,
        text=sample.text,
        service_code=sample.service_code,
        desired_result=sample.desired,
        contact_email=applicant.email or "",
        contact_phone=applicant.phone or "",
    )


def _file_follow_up(
    *,
    actor: User,
    data: services.AppealInput,
    link: FollowUp,
    source: Appeal,
    client_token: str,
) -> Appeal:
    """File a repeat or a contest of ``source`` for its applicant."""
    return services.appeal_submit_follow_up(
        actor=actor, data=data, link=link, source=source, client_token=client_token
    )


def _files(story: Story, step: str, actor: User, purpose: str) -> list[int]:
    """Upload the demo files of this step (demo.files) as the actor; return their ids."""
    files = DEMO_FILES.get((story.sample, story.who, step), [])
    if not files:
        return []
    uploads = [SimpleUploadedFile(name, build()) for name, build in files]
    staged = attachments_stage(uploads=uploads, uploaded_by=actor, purpose=purpose)
    return [a.pk for a in staged]


def _submit(story: Story, n: int, sample: Sample, run: _Replay) -> Appeal:
    if story.caller is not None:
        name, phone = story.caller
        data = services.AppealInput(
            kind=sample.kind,
            theme=sample.theme,
            subject=sample.subject,
            text=sample.text,
            service_code=sample.service_code,
            desired_result=sample.desired,
            contact_phone=phone,
            applicant_name=name,
        )
        return services.appeal_submit(
            actor=run.users["operator"], data=data, channel=story.channel, client_token=f"demo-{n}"
        )
    assert story.who is not None  # noqa: S101 — _check guarantees it
    applicant = run.citizens[story.who]
    return services.appeal_submit(
        actor=applicant,
        data=_input(sample, applicant),
        channel=story.channel,
        client_token=f"demo-{n}",
        attachment_ids=_files(story, "submit", applicant, Purpose.APPEAL),
    )


def _follow_up(action: str, n: int, sample: Sample, source: Appeal) -> Appeal:
    applicant = source.applicant
    assert applicant is not None  # noqa: S101 — callers never file follow-ups (_check)
    if action == "contest":
        link, kind, text = FollowUp.CONTEST, CONTEST_KIND, sample.contest
        subject = f"Обжалование ответа по обращению № {source.display_number}"
    else:
        link, kind, text = FollowUp.REPEAT, sample.kind, sample.repeat
        subject = sample.subject  # a repeat is a copy of the first appeal with new details
    data = _input(sample, applicant)
    data.kind, data.subject, data.text = kind, subject, text
    return _file_follow_up(
        actor=applicant, data=data, link=link, source=source, client_token=f"demo-{n}-{action}"
    )


def _act(action: str, story: Story, n: int, run: _Replay) -> None:
    """Perform one step of a story through the services; the clock is already at its moment."""
    sample = SAMPLES_BY_KEY[story.sample]
    if action in ("draft", "submit"):
        if action == "draft":
            applicant = run.citizens[story.who or 0]
            appeal = services.appeal_draft_save(actor=applicant, data=_input(sample, applicant))
        else:
            appeal = _submit(story, n, sample, run)
        run.appeals[n] = appeal
        run.created += 1
        return
    appeal = run.appeals[n]
    applicant = appeal.applicant
    staff = _staff_for(appeal, run.users)
    match action:
        case "take":
            appeal = services.appeal_take(appeal=appeal, actor=staff)
        case "note":
            services.appeal_note(appeal=appeal, actor=staff, text=sample.note)
        case "ask":
            appeal = services.appeal_request_info(
                appeal=appeal, actor=staff, question=sample.question
            )
        case "reply":
            appeal = services.appeal_provide_info(
                appeal=appeal,
                actor=applicant,
                text=sample.reply,
                attachment_ids=_files(story, "reply", applicant, Purpose.ADDITION),
            )
        case "answer":
            appeal = services.appeal_answer(
                appeal=appeal,
                actor=staff,
                outcome=sample.outcome,
                text=sample.answer,
                attachment_ids=_files(story, "answer", staff, Purpose.ANSWER),
            )
        case "close":
            appeal = services.appeal_close(appeal=appeal, actor=applicant)
        case "autoclose":
            appeal = services.appeal_close(appeal=appeal, actor=None)
        case "rate":
            comment = sample.dispute if story.rating <= 2 else sample.feedback
            appeal = services.appeal_rate(
                appeal=appeal, actor=applicant, rating=story.rating, comment=comment
            )
        case "withdraw":
            appeal = services.appeal_withdraw(
                appeal=appeal, actor=applicant, reason=sample.withdraw
            )
        case "escalate":
            appeal = services.appeal_escalate(appeal=appeal, actor=staff, reason=sample.escalation)
        case "escalate-by-applicant":
            appeal = services.appeal_escalate(
                appeal=appeal, actor=applicant, reason=sample.escalation
            )
        case "extend":
            assert appeal.due_at is not None  # noqa: S101 — every registered appeal has one
            appeal = services.appeal_extend(
                appeal=appeal,
                # Extensions are the head's decision (59-FZ art. 12 p.2): quality control here.
                actor=run.users["supervisor"],
                due_date=_extended(appeal.due_at),
                reason=sample.extension,
            )
        case "contest" | "repeat":
            run.follow_ups[n] = _follow_up(action, n, sample, appeal)
            run.created += 1
        case "ftake":
            follow_up = run.follow_ups[n]
            run.follow_ups[n] = services.appeal_take(
                appeal=follow_up, actor=_staff_for(follow_up, run.users)
            )
    run.appeals[n] = appeal


DEMO_ENDPOINT = "Демо-получатель"


def _demo_webhook_endpoint(admin: User) -> None:
    """Point a sample webhook endpoint at the demo's own receiver (/dev/webhooks/), once."""
    if not Endpoint.objects.filter(name=DEMO_ENDPOINT).exists():
        url = settings.PRIEMNAYA_SITE_URL.rstrip("/") + "/dev/webhooks/"
        endpoint_create(admin, name=DEMO_ENDPOINT, url=url)


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create demo accounts and, once, the sample appeals; return what was created."""
    users = load_accounts()
    _demo_webhook_endpoint(users["administrator"])
    load_templates(users["administrator"])
    load_knowledge(users["administrator"])  # issue 12: the help's sections and articles
    line_load_defaults()  # issue 13: the hotline's lines (migration 0002 seeds them too)
    load_calls(users)  # issue 13: the call log — finished, parked and deferred calls
    citizens = [users["citizen"]] + [
        _user(email, name, "citizen", phone) for email, phone, name in EXTRA_CITIZENS
    ]
    if Appeal.objects.filter(applicant__in=citizens).exists():
        return {"appeals": 0}
    now = clock.now()
    kinds = {kind.code: kind for kind in Kind.objects.all()}
    themes = {theme.code: theme for theme in Theme.objects.all()}
    timeline: list[tuple[datetime, int, int, str]] = []
    for n, story in enumerate(STORIES):
        sample = SAMPLES_BY_KEY[story.sample]
        _check(story, sample)
        policy = policy_for(kinds[sample.kind], themes[sample.theme])
        for i, step in enumerate(_schedule(story, n, policy, now)):
            timeline.append((step.at, n, i, step.action))
    # One history for all: numbers are allocated and journals written in the order things happened.
    timeline.sort()
    run = _Replay(users=users, citizens=citizens)
    for at, n, _i, action in timeline:
        with clock.travel_to(at):
            _act(action, STORIES[n], n, run)
    load_collective(users)  # issue 14: collective issues — open, answered, one to merge
    load_analytics()  # issue 14: the dashboard's rollups (demo/analytics.py)
    return {"appeals": run.created}
