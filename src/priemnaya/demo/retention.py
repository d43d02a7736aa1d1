"""Old appeals in the demo (issue 14): archived ones, one anonymised with its act, one on hold.

Replayed like the rest of the demo, through the services inside ``clock.travel_to`` at moments 6,
7 and 11 years back (the federal production calendar of those years is loaded from `holidays`
first, so their deadlines are real), then the retention run is made now: what the demo shows
(the archive, the act, the hold) is the run's own work. Made once.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.accounts.roles import Role
from priemnaya.appeals import services
from priemnaya.appeals.inputs import AppealInput
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.states import Channel
from priemnaya.catalog.calendars import calendar_import, work_calendar
from priemnaya.core import clock
from priemnaya.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from priemnaya.retention.services import hold_place, retention_run

EMAILS = {role: email for role, email, _name in DEMO_ACCOUNTS}
OPERATOR, ADMINISTRATOR = EMAILS["operator"], EMAILS["administrator"]
CITIZEN = ("arkhipova@demo.priemnaya.ru", "+79161234509", "Архипова Зоя Петровна")
CLIENT_PREFIX = "demo-retention-"
# (token, closed years ago, typed in by the operator from a call, subject, text)
STORIES = [
    (
        "archived-1",
        6,
        False,
        "Не приходит SMS с кодом",
        "Код подтверждения не приходит на телефон третий день подряд.",
    ),
    (
        "archived-2",
        7,
        False,
        "Не открывается личный кабинет",
        "После ввода пароля страница обновляется и снова просит логин.",
    ),
    (
        "anonymised",
        11,
        True,
        "Не могу войти в кабинет",
        "Звонит Старожилов Пётр Иванович: не может войти, просит перезвонить.",
    ),
    (
        "held",
        11,
        True,
        "Не приходит код подтверждения",
        "Звонит Давнишняя Анна Львовна: код не приходит; по обращению идёт судебный спор.",
    ),
]
CALLERS = {
    "anonymised": ("Старожилов Пётр Иванович", "+79035550001"),
    "held": ("Давнишняя Анна Львовна", "+79035550002"),
}


def _citizen() -> User:
    email, phone, name = CITIZEN
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, full_name=name, role=Role.CITIZEN, phone=phone
        )
        user.email_confirmed_at = user.phone_confirmed_at = clock.now()
        user.save(update_fields=["email_confirmed_at", "phone_confirmed_at"])
    return user


def _working_day(day: date) -> date:
    calendar = work_calendar()
    while not calendar.is_working(day):
        day += timedelta(days=1)
    return day


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 20)))


def _replayed(token: str, years: int, by_phone: bool, subject: str, text: str) -> Appeal:
    """File the appeal on a working morning ``years`` ago, answer it, close it a week later."""
    operator = User.objects.get(email=OPERATOR)
    today = clock.today()
    day = _working_day(today.replace(year=today.year - years, day=min(today.day, 28)))
    with clock.travel_to(_at(day, 10)):
        if by_phone:
            name, phone = CALLERS[token]
            data = AppealInput(
                kind="support",
                theme="tech-login",
                subject=subject,
                text=text,
                contact_phone=phone,
                applicant_name=name,
            )
            appeal = services.appeal_submit(
                actor=operator, data=data, channel=Channel.PHONE, client_token=CLIENT_PREFIX + token
            )
        else:
            citizen = _citizen()
            data = AppealInput(
                kind="support",
                theme="tech-sms",
                subject=subject,
                text=text,
                contact_email=citizen.email,
            )
            appeal = services.appeal_submit(
                actor=citizen, data=data, client_token=CLIENT_PREFIX + token
            )
    with clock.travel_to(_at(day, 12)):
        appeal = services.appeal_take(appeal=appeal, actor=operator)
    with clock.travel_to(_at(day, 15)):
        appeal = services.appeal_answer(
            appeal=appeal,
            actor=operator,
            outcome="resolved",
            text="Проверили настройки, код отправлен повторно; вход восстановлен.",
        )
    # The applicant closes her own; a caller's is closed by the timer a week later.
    with clock.travel_to(_at(day + timedelta(days=7), 11)):
        citizen = None if by_phone else appeal.applicant
        return services.appeal_close(appeal=appeal, actor=citizen)


def load_retention() -> int:
    """Create the old appeals once and run retention over them; return how many were made."""
    if Appeal.objects.filter(client_token__startswith=CLIENT_PREFIX).exists():
        return 0
    this_year = clock.today().year
    for years in sorted({story[1] for story in STORIES}):
        calendar_import(this_year - years)
        calendar_import(this_year - years + 1)
    made = {story[0]: _replayed(*story) for story in STORIES}
    hold_place(
        actor=User.objects.get(email=ADMINISTRATOR),
        appeal=made["held"],
        reason="Запрос Тверского районного суда № 2-1547/2026: сохранить материалы до решения.",
    )
    retention_run()
    return len(made)
