"""The demo's outbox: e-mail and SMS that would have left the machine, kept to be looked at.

Without ``EMAIL_URL`` (and without an SMS gateway) messages are stored as files under
``PRIEMNAYA_VAR_DIR/outbox`` and listed at ``/dev/outbox/`` (DEBUG only).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from email.message import EmailMessage as MimeMessage
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

from priemnaya.core import clock


def outbox_dir(kind: str) -> Path:
    path = Path(settings.VAR_DIR) / "outbox" / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def _name() -> str:
    return f"{clock.now():%Y%m%d-%H%M%S-%f}"


class DevOutboxEmailBackend(BaseEmailBackend):
    """Keep each message as an .eml file in the dev outbox instead of sending it."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = outbox_dir("email")
        for index, message in enumerate(email_messages):
            mime: MimeMessage | Any = message.message()
            (folder / f"{_name()}-{index}.eml").write_bytes(mime.as_bytes())
        return len(email_messages)


def store_sms(phone: str, text: str) -> str:
    """Keep an SMS in the dev outbox; return its file name as the provider's id."""
    name = f"{_name()}.json"
    (outbox_dir("sms") / name).write_text(
        json.dumps({"to": phone, "text": text, "at": clock.now().isoformat()}, ensure_ascii=False),
        encoding="utf-8",
    )
    return name
