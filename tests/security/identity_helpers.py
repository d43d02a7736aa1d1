"""Helpers of the identity tests: the dev outbox's SMS, registration form data, page comparison."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings

from tests.factories import PASSWORD

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')
CODE = re.compile(r"\b(\d{6})\b")


def sms_sent(phone: str | None = None) -> list[dict]:
    """Every SMS in the dev outbox (VAR_DIR/outbox/sms), oldest first, to ``phone`` if given."""
    folder = Path(settings.VAR_DIR) / "outbox" / "sms"
    found = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))]
    return [m for m in found if phone is None or m["to"] == phone]


def last_code(phone: str) -> str:
    """The six digits of the last SMS with a code sent to ``phone``."""
    for message in reversed(sms_sent(phone)):
        if match := CODE.search(message["text"]):
            return match.group(1)
    raise AssertionError(f"no code was sent to {phone}")


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def form(**overrides) -> dict:
    """The registration form, filled in."""
    data = {
        "full_name": "Новикова Анна Сергеевна",
        "email": "",
        "phone": "+79161234567",
        "password": PASSWORD,
        "password2": PASSWORD,
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def page_text(response, *replace: str) -> str:
    """The page's HTML with the CSRF token and the given strings blanked out."""
    html = CSRF.sub(r"\1…\2", response.content.decode())
    for text in replace:
        html = html.replace(text, "…")
    return html
