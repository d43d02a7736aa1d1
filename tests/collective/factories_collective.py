"""Appeals about one mass problem and collective issues made of them, through the services."""

from __future__ import annotations

from priemnaya.accounts.models import User
from priemnaya.appeals.models import Appeal
from priemnaya.collective.models import CollectiveIssue
from priemnaya.collective.services import collective_create
from tests.factories import make_citizen, submit_appeal

SMS_TEXTS = [
    (
        "Не приходит SMS с кодом подтверждения",
        "Не приходит SMS с кодом подтверждения при входе в личный кабинет, жду уже час.",
    ),
    (
        "Код подтверждения по SMS не приходит",
        "Код подтверждения по SMS не приходит, не могу войти в личный кабинет.",
    ),
    (
        "Нет SMS с кодом подтверждения",
        "Второй день не приходит SMS: код подтверждения для входа в личный кабинет не получен.",
    ),
]
OTHER_TEXT = (
    "Как сменить адрес электронной почты",
    "Прошу объяснить, как поменять адрес электронной почты в профиле учётной записи.",
)


def sms_appeal(applicant: User, n: int = 0, *, region: str = "50", **extra) -> Appeal:
    """File a support appeal about the missing confirmation SMS (theme «tech-sms»)."""
    subject, text = SMS_TEXTS[n % len(SMS_TEXTS)]
    return submit_appeal(
        applicant, theme="tech-sms", subject=subject, text=text, region=region, **extra
    )


def sms_appeals(count: int = 3, *, region: str = "50") -> list[Appeal]:
    """File ``count`` similar appeals, each by a different new citizen."""
    return [sms_appeal(make_citizen(), n, region=region) for n in range(count)]


def make_issue(
    actor: User, appeals: list[Appeal] | None = None, *, is_public: bool = True
) -> CollectiveIssue:
    appeals = appeals if appeals is not None else sms_appeals(2)
    return collective_create(
        actor=actor,
        title="Не приходят SMS с кодом подтверждения",
        summary="С начала недели у части жителей не приходят SMS с кодом при входе.",
        numbers=[a.number for a in appeals],
        is_public=is_public,
    )
