"""Answers issued to sign and keys to sign them with (issue 10, renditions).

The test settings carry one fixed test-only Ed25519 key (settings_test.py); these fixtures point
the key settings at a fresh folder instead when a test needs its own key, a GOST key or none.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from priemnaya.accounts.models import User
from priemnaya.answers.signing import GOST, SigningKey, key_generate
from priemnaya.appeals import services
from priemnaya.appeals.models import Answer, Appeal
from priemnaya.attachments.models import Attachment, Purpose
from tests import factories

APPLICANT = "Иванова Мария Петровна"
EXECUTOR = "Петров Пётр Петрович"
# Long enough to wrap over several lines of the PDF.
ANSWER_TEXT = (
    "Доступ к личному кабинету восстановлен; ошибка входа исправлена 12 марта. Причиной была "
    "устаревшая запись о втором факторе: её удалили, и вход по паролю и коду из SMS снова "
    "работает. Если ошибка повторится, сообщите об этом в ответе на это письмо — «ёлка» № 5."
)
SUBJECT = "Не могу войти в личный кабинет"


@dataclass
class Issued:
    appeal: Appeal
    answer: Answer
    applicant: User
    executor: User


def issue_answer(applicant: User, executor: User, **overrides) -> Issued:
    """File an appeal as ``applicant`` and have ``executor`` answer it (no outbox relay)."""
    appeal = factories.submit_appeal(applicant, subject=overrides.pop("subject", SUBJECT))
    appeal = services.appeal_take(appeal=appeal, actor=executor)
    appeal = services.appeal_answer(
        appeal=appeal, actor=executor, outcome="resolved", text=overrides.pop("text", ANSWER_TEXT)
    )
    answer = Answer.objects.get(appeal=appeal, superseded_at__isnull=True)
    return Issued(appeal, answer, applicant, executor)


@pytest.fixture
def applicant(catalog):
    return factories.make_citizen(full_name=APPLICANT)


@pytest.fixture
def executor(catalog):
    return factories.make_operator(
        full_name=EXECUTOR, position="Главный специалист", work_phone="+74951234567"
    )


@pytest.fixture
def issued(applicant, executor) -> Issued:
    """An answered appeal whose answer has one file attached."""
    found = issue_answer(applicant, executor)
    Attachment.objects.create(
        key="k" * 32,
        name="Справка о восстановлении доступа.pdf",
        content_type="application/pdf",
        size=2048,
        sha256="ab" * 32,
        purpose=Purpose.ANSWER,
        uploaded_by=executor,
        appeal=found.appeal,
        answer=found.answer,
    )
    return found


def _use_key(settings, tmp_path, key: SigningKey | None) -> SigningKey | None:
    folder = tmp_path / "keys"
    folder.mkdir()
    settings.PRIEMNAYA_SIGNING_KEYS_DIR = str(folder)
    settings.PRIEMNAYA_SIGNING_KEY = key.as_json() if key else ""
    settings.PRIEMNAYA_SIGNING_KEY_ID = ""
    return key


@pytest.fixture
def gost_key(settings, tmp_path) -> SigningKey:
    """The service signs with a GOST R 34.10-2012 key."""
    key = _use_key(settings, tmp_path, key_generate(GOST))
    assert key is not None
    return key


@pytest.fixture
def no_key(settings, tmp_path) -> None:
    """The service has no signing key configured at all."""
    _use_key(settings, tmp_path, None)
