"""Web push VAPID keys: the server's identity to push services (RFC 8292).

The private key comes from ``VAPID_PRIVATE_KEY`` (PEM, or the raw 32-byte scalar in base64url).
Without it (the demo, tests, a first start) a key is generated once and kept in
``VAR_DIR/vapid_private.pem`` (mode 0600): browsers subscribe with its public key, so losing it
orphans every subscription — production sets the variable.
"""

from __future__ import annotations

import base64
import logging
import os
import threading
from email.utils import parseaddr
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from py_vapid import Vapid02

logger = logging.getLogger(__name__)

KEY_FILE = "vapid_private.pem"

_lock = threading.Lock()
_loaded: dict[tuple[str, str], Vapid02] = {}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _from_setting(value: str) -> ec.EllipticCurvePrivateKey:
    try:
        if "-----BEGIN" in value:
            key = serialization.load_pem_private_key(value.encode(), password=None)
        else:
            raw = b64url_decode(value)
            if len(raw) != 32:
                raise ValueError("a raw key is 32 bytes")
            key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    except ValueError as exc:
        raise ImproperlyConfigured(f"VAPID_PRIVATE_KEY is not a P-256 key: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ImproperlyConfigured("VAPID_PRIVATE_KEY must be a P-256 (prime256v1) key")
    return key


def _from_file(path: Path) -> ec.EllipticCurvePrivateKey:
    """Read the generated key, generating it first if absent (safe with several processes)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        try:
            # link() fails if another process got there first: its key wins, ours is dropped.
            os.link(temporary, path)
            if not settings.DEBUG:
                logger.warning(
                    "VAPID key generated in %s; set VAPID_PRIVATE_KEY in production", path
                )
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ImproperlyConfigured(f"{path} does not hold a P-256 key")
    return key


def vapid() -> Vapid02:
    """Return the server's VAPID signer (from the setting, else the generated key file)."""
    configured = settings.VAPID_PRIVATE_KEY
    path = Path(settings.VAR_DIR) / KEY_FILE
    cache_key = (configured, str(path))
    if cache_key not in _loaded:
        with _lock:
            if cache_key not in _loaded:
                key = _from_setting(configured) if configured else _from_file(path)
                _loaded[cache_key] = Vapid02(key)
                _check_public(_loaded[cache_key])
    return _loaded[cache_key]


def _public_bytes(signer: Vapid02) -> bytes:
    return signer.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def _check_public(signer: Vapid02) -> None:
    given = settings.VAPID_PUBLIC_KEY
    if given and given.strip().rstrip("=") != b64url(_public_bytes(signer)):
        raise ImproperlyConfigured("VAPID_PUBLIC_KEY does not match VAPID_PRIVATE_KEY")


def vapid_public_key() -> str:
    """Return the public key as the browser's ``applicationServerKey`` takes it (base64url)."""
    return b64url(_public_bytes(vapid()))


def vapid_subject() -> str:
    """Return the contact push services see: VAPID_SUBJECT, else mailto: the sender address."""
    if settings.VAPID_SUBJECT:
        return settings.VAPID_SUBJECT
    return "mailto:" + parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def vapid_reset() -> None:
    """Forget loaded keys (tests change VAPID_PRIVATE_KEY and VAR_DIR)."""
    _loaded.clear()
