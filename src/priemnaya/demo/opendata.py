"""Demo data for open data (issue 14): appeals over the last months from a few regions, so the
public summary shows some cells and withholds others, and two published answers.

Filed through the services at their own past moments, like the rest of the demo; run once.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.management import call_command
from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.answers.signing import KeyError_, signing_key
from priemnaya.appeals import services
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.outbox import relay_once
from priemnaya.appeals.services import AppealInput
from priemnaya.appeals.services.sweeps import appeal_flag_overdue
from priemnaya.core import clock
from priemnaya.core.errors import ApplicationError
from priemnaya.opendata.models import PublishedAnswer
from priemnaya.opendata.services import answer_publish, current_answer, publication_draft

PEOPLE = [
    ("od-1@demo.priemnaya.ru", "Белова Ксения Артёмовна"),
    ("od-2@demo.priemnaya.ru", "Гаврилов Тимур Маратович"),
    ("od-3@demo.priemnaya.ru", "Ершова Лидия Фёдоровна"),
]
# theme, region, (answered on time, answered late) per month, subject, text
PLAN = [
    (
        "tech-login",
        "77",
        (5, 1),
        "Не могу войти в личный кабинет",
        "После ввода пароля страница входа открывается снова. Очистка кэша не помогла.",
    ),
    (
        "tech-upload",
        "78",
        (3, 2),
        "Не прикрепляется скан документа",
        "Файл PDF размером 3 МБ не загружается: появляется сообщение об ошибке.",
    ),
    (
        "tech-sms",
        "50",
        (2, 0),
        "Не приходит код подтверждения",
        "Код подтверждения по SMS не приходит уже второй день.",
    ),
    (
        "tech-site-errors",
        "66",
        (1, 0),
        "Ошибка при отправке формы",
        "При отправке заявления страница показывает ошибку 500.",
    ),
]
MONTHS = 3
ANSWER = (
    "Уважаемая {name}! Сообщаем, что причина неполадки найдена и устранена {day}. "
    "Повторите действие; если ошибка повторится, напишите на {email} или позвоните "
    "по телефону {phone}."
)


def _people() -> list[User]:
    out = []
    for email, name in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=None,
                full_name=name,
                role="citizen",
                email_confirmed_at=clock.now() - timedelta(days=400),
            )
        out.append(user)
    return out


def _month_starts(now: datetime) -> list[datetime]:
    first = timezone.localtime(now).date().replace(day=1)
    starts = []
    for _ in range(MONTHS):
        first = (first - timedelta(days=1)).replace(day=1)
        starts.append(timezone.make_aware(datetime.combine(first, time(10, 0))))
    return starts


def _file(at: datetime, applicant: User, theme: str, region: str, subject: str, text: str):
    with clock.travel_to(at):
        return services.appeal_submit(
            actor=applicant,
            data=AppealInput(
                kind="support",
                theme=theme,
                subject=subject,
                text=text,
                region=region,
                contact_email=applicant.email or "",
            ),
        )


def _answer(appeal: Appeal, staff: User, at: datetime, applicant: User) -> Appeal:
    with clock.travel_to(at):
        appeal = services.appeal_take(appeal=appeal, actor=staff)
        return services.appeal_answer(
            appeal=appeal,
            actor=staff,
            outcome="resolved",
            text=ANSWER.format(
                name=" ".join(applicant.full_name.split()[1:]),
                day=timezone.localtime(at).strftime("%d.%m.%Y"),
                email=applicant.email,
                phone="+7 916 555-12-34",
            ),
        )


def load_open_data(users: dict[str, User]) -> int:
    """File the open-data demo appeals and publish two answers, once; return appeals made.

    Every appeal is answered (some late), so none joins the working queues the main demo tunes.
    """
    people = _people()
    if Appeal.objects.filter(applicant__in=people).exists():
        return 0
    staff = users["supervisor"]
    made = 0
    answered: list[Appeal] = []
    for month, start in enumerate(_month_starts(clock.now())):
        for row, (theme, region, (on_time, late), subject, text) in enumerate(PLAN):
            if theme == "tech-site-errors" and month % 2:
                continue  # some months without: a region and theme seen only now and then
            for i in range(on_time + late):
                at = start + timedelta(days=row * 3 + i % 5, hours=i)
                applicant = people[(made + i) % len(people)]
                appeal = _file(at, applicant, theme, region, subject, text)
                made += 1
                if i < on_time:
                    appeal = _answer(appeal, staff, at + timedelta(hours=4), applicant)
                    answered.append(appeal)
                elif i < on_time + late:
                    assert appeal.due_at is not None  # noqa: S101 — a registered appeal has one
                    late_at = appeal.due_at + timedelta(days=2)
                    if late_at < clock.now():
                        # The deadline sweep flags it first, as the worker does every minute.
                        with clock.travel_to(appeal.due_at + timedelta(hours=1)):
                            appeal = appeal_flag_overdue(appeal=appeal, escalate=False)
                        appeal = _answer(appeal, staff, late_at, applicant)
    _publish(answered, staff)
    _relay_now()
    return made


def _publish(answered: list[Appeal], staff: User) -> None:
    if PublishedAnswer.objects.exists():
        return
    seen: set[str] = set()
    for appeal in answered:
        if appeal.theme.code in seen or len(seen) == 2:
            continue
        answer = current_answer(appeal)
        if answer is None:
            continue
        draft = publication_draft(appeal, answer)
        try:
            answer_publish(
                actor=staff,
                appeal=appeal,
                public_interest=True,
                question=draft.question,
                text=draft.text,
            )
        except ApplicationError:
            continue
        seen.add(appeal.theme.code)


def _relay_now() -> None:
    """Hand the demo's journal to its consumers (rollups, renditions, notifications…) now.

    On SQLite the worker's first pass would sign every demo answer's renditions in one
    transaction, holding the write lock past the other threads' 20 s busy timeout. Done here,
    before the server starts, nothing waits. The signing key is made first, as `priemnaya demo`
    would do right after loading.
    """
    try:
        signing_key()
    except KeyError_:
        call_command("keys_generate")
    while relay_once():
        pass
