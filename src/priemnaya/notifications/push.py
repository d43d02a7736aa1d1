"""The server's VAPID key pair for Web Push: made once, kept in ``VAR_DIR``.

Browsers subscribe with the public key (``applicationServerKey``); the push sender signs its
requests with the private one. Losing the file means every browser must subscribe again.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings


def vapid_key_path() -> Path:
    return Path(settings.VAR_DIR) / "vapid_private.pem"


def vapid_private_key() -> ec.EllipticCurvePrivateKey:
    """Return the EC P-256 private key, generated and stored on first use."""
    path = vapid_key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Two processes may race on first use: write aside, then link; the loser reads the winner's.
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pem)
        os.chmod(temporary, 0o600)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, ec.EllipticCurvePrivateKey):
        raise TypeError(f"{path} holds no EC private key")
    return loaded


def vapid_public_key() -> str:
    """Return the public key as browsers take it: the uncompressed point, base64url, no padding."""
    point = (
        vapid_private_key()
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode("ascii")
