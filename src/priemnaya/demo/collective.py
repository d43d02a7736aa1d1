"""Collective issues in the demo (issue 14): one open for co-signing, one answered, one to merge.

Made through the same services as in use — appeals filed by demo citizens, merged by the
supervisor, co-signed, answered once — at moments in the past, once.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from priemnaya.accounts.models import User
from priemnaya.appeals import services
from priemnaya.catalog.calendars import work_calendar
from priemnaya.collective.models import CollectiveIssue
from priemnaya.collective.services import collective_answer, collective_create, collective_sign
from priemnaya.core import clock
from priemnaya.demo import DEMO_PASSWORD

# e-mail, full name
PEOPLE = [
    ("belova@demo.priemnaya.ru", "Белова Ирина Андреевна"),
    ("volkov@demo.priemnaya.ru", "Волков Сергей Петрович"),
    ("gusev@demo.priemnaya.ru", "Гусев Артём Денисович"),
    ("danilova@demo.priemnaya.ru", "Данилова Ксения Юрьевна"),
    ("egorov@demo.priemnaya.ru", "Егоров Николай Фёдорович"),
    ("zhukova@demo.priemnaya.ru", "Жукова Татьяна Львовна"),
    ("zuev@demo.priemnaya.ru", "Зуев Михаил Олегович"),
    ("ilina@demo.priemnaya.ru", "Ильина Дарья Сергеевна"),
    ("komarov@demo.priemnaya.ru", "Комаров Олег Игоревич"),
    ("lebedeva@demo.priemnaya.ru", "Лебедева Алина Романовна"),
]
SMS_TITLE = "Не приходят SMS с кодом подтверждения в Московской области"
SMS = [
    ("Не приходит SMS с кодом", "Не приходит SMS с кодом подтверждения при входе, жду час."),
    ("Код подтверждения не приходит", "Код подтверждения по SMS не приходит, не могу войти."),
    ("Нет SMS с кодом подтверждения", "Второй день не приходит SMS с кодом подтверждения."),
    ("SMS с кодом не доходит", "SMS с кодом подтверждения не доходит, оператор МТС, Подольск."),
]
UPLOAD_TITLE = "Не загружаются файлы PDF больше 5 МБ"
UPLOAD = [
    ("Не загружается PDF", "Файл PDF размером 7 МБ не загружается к заявлению, ошибка загрузки."),
    ("Ошибка загрузки файла PDF", "При загрузке файла PDF 6 МБ ошибка загрузки, файл не принят."),
    ("PDF не прикрепляется", "Не загружается файл PDF больше 5 МБ: ошибка загрузки файла."),
]
RESET = [
    ("Не приходит письмо сброса пароля", "Письмо для сброса пароля не приходит на почту."),
    ("Нет письма для сброса пароля", "Запросила сброс пароля, письмо не приходит на почту."),
    ("Письмо сброса пароля не пришло", "Письмо со ссылкой для сброса пароля не приходит."),
]


def _working_days(count: int) -> list:
    """The last ``count`` working days before today, newest first: staff act on them, in office
    hours, as everywhere in the demo; each step falls after the one before it."""
    day, found, calendar = timezone.localdate(clock.now()), [], work_calendar()
    while len(found) < count:
        day -= timedelta(days=1)
        if calendar.is_working(day):
            found.append(day)
    return found


def _on(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _person(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        moment = clock.now() - timedelta(days=120)
        user = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            full_name=name,
            role="citizen",
            date_joined=moment,
            email_confirmed_at=moment,
        )
    return user


def _file(person: User, theme: str, text: tuple[str, str], *, region: str, at: datetime):
    with clock.travel_to(at):
        return services.appeal_submit(
            actor=person,
            data=services.AppealInput(
                kind="support",
                theme=theme,
                subject=text[0],
                text=text[1],
                region=region,
                contact_email=person.email or "",
            ),
        )


def load_collective(users: dict[str, User]) -> int:
    """Create the demo's collective issues once; return how many were made."""
    if CollectiveIssue.objects.filter(title=SMS_TITLE).exists():
        return 0
    supervisor, citizen = users["supervisor"], users["citizen"]
    people = [_person(email, name) for email, name in PEOPLE]
    days = _working_days(16)
    # Answered: uploads of large PDFs failed for three people three weeks ago.
    uploads = [
        _file(people[i], "tech-upload", text, region="77", at=_on(days[15], 10 + 2 * i, 15))
        for i, text in enumerate(UPLOAD)
    ]
    with clock.travel_to(_on(days[14], 11, 5)):
        answered = collective_create(
            actor=supervisor,
            title=UPLOAD_TITLE,
            summary="Файлы PDF больше 5 МБ не прикреплялись к заявлениям: загрузка обрывалась.",
            numbers=[a.number for a in uploads],
            is_public=True,
        )
    with clock.travel_to(_on(days[14], 16, 40)):
        collective_sign(user=people[9], issue_id=answered.pk)
    with clock.travel_to(_on(days[13], 12, 25)):
        collective_answer(
            actor=supervisor,
            issue=answered,
            text="Ограничение размера файла увеличено до 20 МБ, загрузка исправлена. Повторите "
            "загрузку файла к заявлению; если ошибка повторится, напишите нам.",
        )
    # Open for co-signing: the confirmation SMS in one region, this week.
    sms = [
        _file(people[3 + i], "tech-sms", text, region="50", at=_on(days[1], 9 + 2 * i, 20))
        for i, text in enumerate(SMS)
    ]
    with clock.travel_to(_on(days[0], 10, 30)):
        issue = collective_create(
            actor=supervisor,
            title=SMS_TITLE,
            summary="С начала недели жителям Московской области не приходят SMS с кодом "
            "подтверждения при входе. Проверяем с операторами связи.",
            numbers=[a.number for a in sms],
            is_public=True,
            place="Московская область",
        )
    with clock.travel_to(_on(days[0], 13, 10)):
        collective_sign(user=citizen, issue_id=issue.pk)
    with clock.travel_to(_on(days[0], 15, 45)):
        collective_sign(user=people[8], issue_id=issue.pk)
    # Not merged yet: the console suggests them as one cluster.
    for i, text in enumerate(RESET):
        _file(people[i], "tech-login", text, region="", at=_on(days[0], 11 + 2 * i, 5))
    return 2
