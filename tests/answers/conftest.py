"""Answers issued to sign and keys to sign them with; a private attachments folder and stored
renditions for the exports tests (issue 10).

The test settings carry one fixed test-only Ed25519 key (settings_test.py); these fixtures point
the key settings at a fresh folder instead when a test needs its own key, a GOST key or none.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from priemnaya.accounts.models import User
from priemnaya.answers.models import Rendition
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


@pytest.fixture
def attachments_dir(settings, tmp_path):
    """Point the attachments storage at a folder of this test (storages reset on the change)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments"), "base_url": None},
        },
    }
    return tmp_path / "attachments"


def attach(appeal: Appeal, name: str, content: bytes, **extra) -> Attachment:
    """Store a file and bind it to the appeal, as the upload service leaves it."""
    key = uuid.uuid4().hex
    storages["attachments"].save(key, ContentFile(content))
    return Attachment.objects.create(
        key=key,
        name=name,
        content_type=extra.pop("content_type", "application/pdf"),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        purpose=extra.pop("purpose", "appeal"),
        uploaded_by=appeal.applicant,
        appeal=appeal,
        **extra,
    )


def rendition(answer, fmt: str, content: bytes) -> Rendition:
    """A rendition row as the renditions service stores it (the signature is opaque here)."""
    return Rendition.objects.create(
        answer=answer,
        format=fmt,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        code="TEST-CODE-1",
        signature=f'{{"algorithm": "ed25519", "key_id": "k1", "value": "{fmt}"}}',
        algorithm="ed25519",
        key_id="k1",
    )
