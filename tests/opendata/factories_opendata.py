"""Appeals for the open-data tests, filed through the services at a moment in a past month."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from priemnaya.accounts.models import User
from priemnaya.appeals import services
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.outbox import relay_once
from priemnaya.appeals.sweeps import sweep_deadlines
from priemnaya.core import clock
from tests import factories

# Applicants whose names, phones and e-mails must never appear in any open-data output.
PEOPLE = [
    ("Лаптева Серафима Игнатьевна", "+79031112233", "lapteva.s@example.ru"),
    ("Зуйков Аристарх Львович", "+79054445566", "zuikov.a@example.ru"),
    ("Огнева Василиса Петровна", "+79067778899", "ogneva.v@example.ru"),
]


def moment(year: int, month: int, day: int = 10, hour: int = 11) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=ZoneInfo("Europe/Moscow"))


def citizens() -> list[User]:
    out = []
    for name, _phone, email in PEOPLE:
        user = User.objects.filter(email=email).first() or factories.make_citizen(
            full_name=name, email=email
        )
        out.append(user)
    return out


def file_at(
    at: datetime,
    applicant: User,
    *,
    theme: str = "tech-login",
    region: str = "",
    answer: str | None = None,
    staff: User | None = None,
    text: str = "После ввода пароля страница обновляется и снова просит логин.",
) -> Appeal:
    """File an appeal at ``at`` (as ``applicant``); answer it the next hour with ``answer``."""
    person = next((p for p in PEOPLE if p[2] == applicant.email), None)
    with clock.travel_to(at):
        appeal = services.appeal_submit(
            actor=applicant,
            data=factories.appeal_input(
                theme=theme,
                region=region,
                text=text,
                contact_email=applicant.email or "reply@example.ru",
                contact_phone=person[1] if person else "",
            ),
        )
    if answer is not None:
        assert staff is not None
        with clock.travel_to(at.replace(hour=at.hour + 1)):
            appeal = services.appeal_take(appeal=appeal, actor=staff)
            appeal = services.appeal_answer(
                appeal=appeal, actor=staff, outcome=answer, text="Проблема устранена."
            )
    return appeal


def file_many(n: int, at: datetime, people: list[User], **kwargs) -> list[Appeal]:
    return [file_at(at, people[i % len(people)], **kwargs) for i in range(n)]


def settle() -> None:
    """Flag what is overdue by now and hand every event to the rollups (the worker's job)."""
    sweep_deadlines()
    while relay_once():
        pass
