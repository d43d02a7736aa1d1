"""Fixtures of the answers tests: a private attachments folder and an answered appeal with files."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from priemnaya.answers.models import Rendition
from priemnaya.appeals.models import Appeal
from priemnaya.attachments.models import Attachment


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
