"""The status link of an appeal: ``/status/?number=…&key=…`` opens its public status without a code.

The key is an HMAC of the appeal's id and number keyed with SECRET_KEY (``salted_hmac``): nothing
is stored, so every appeal has a link from the moment it has a number, and a new SECRET_KEY
retires every link at once. A wrong key is treated as no key at all.
"""

from __future__ import annotations

import base64
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from priemnaya.appeals.models import Appeal
from priemnaya.core.numbering import format_number

_SALT = "priemnaya.appeals.status_link"
# 12 bytes of the HMAC: 96 bits, 16 URL-safe characters — short enough for an SMS.
KEY_BYTES = 12


def status_key(appeal: Appeal) -> str:
    """Return the secret of the appeal's status link (16 URL-safe characters)."""
    digest = salted_hmac(_SALT, f"{appeal.pk}:{appeal.number}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest[:KEY_BYTES]).decode().rstrip("=")


def status_key_matches(appeal: Appeal, key: str) -> bool:
    """Return True if ``key`` is the appeal's status key (compared in constant time)."""
    return bool(key) and constant_time_compare(status_key(appeal), key.strip())


def status_path(appeal: Appeal) -> str:
    """Return the site-relative status link: the number as people read it and the key."""
    query = urlencode({"number": format_number(appeal.number or ""), "key": status_key(appeal)})
    return f"{reverse('web:status')}?{query}"


def status_link(appeal: Appeal) -> str:
    """Return the absolute status link for messages and printed letters."""
    return settings.PRIEMNAYA_SITE_URL.rstrip("/") + status_path(appeal)


def status_short_link(appeal: Appeal) -> str:
    """Return the short form for SMS: ``/a/<number>?k=<key>`` leads to the status link."""
    number = format_number(appeal.number or "")
    path = reverse("web:short_link", args=[number])
    return f"{settings.PRIEMNAYA_SITE_URL.rstrip('/')}{path}?{urlencode({'k': status_key(appeal)})}"
