"""Detached signatures of the service (issue 10): Ed25519, or GOST R 34.10-2012 as an option.

A key is a small JSON document ``{"algorithm", "key_id", "public", "private"}`` (hex), kept as a
file in ``PRIEMNAYA_SIGNING_KEYS_DIR`` or given whole in ``PRIEMNAYA_SIGNING_KEY``. Every key found
verifies (so a rotated-out key still checks what it signed); the newest key with a private part —
or the one named by ``PRIEMNAYA_SIGNING_KEY_ID`` — signs. ``priemnaya keys generate`` makes one.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from gostcrypto import gosthash, gostsignature

ED25519 = "ed25519"
GOST = "gost2012-256"  # GOST R 34.10-2012, 256-bit, over a Streebog-256 digest
ALGORITHMS = (ED25519, GOST)
# The TC26 256-bit curve B (the CryptoPro A curve of GOST R 34.10-2001, kept by R 1323565.1.024).
_GOST_CURVE = "id-tc26-gost-3410-2012-256-paramSetB"


class KeyError_(ValueError):
    """A key file or variable that cannot be used; the message says which and why."""


def streebog256(data: bytes) -> str:
    """The Streebog-256 (GOST R 34.11-2012) digest in hex."""
    return gosthash.new("streebog256", data=data).hexdigest()


def certificate_hash(der: bytes) -> str:
    """Streebog-256 hex of an X.509 certificate's DER bytes (LEGAL.md §6 rule 30).

    What an appeal signed with the applicant's qualified certificate records as
    ``client_certificate_hash``: the certificate itself is not stored, its hash identifies it.
    A PEM certificate must be decoded to DER first (the hash of the text would differ).
    """
    if not der or der[:1] != b"\x30":
        raise ValueError("ожидается сертификат X.509 в DER (начинается с SEQUENCE, 0x30)")
    return streebog256(der)


def _gost() -> gostsignature.GOST34102012:
    curve = gostsignature.CURVES_R_1323565_1_024_2019[_GOST_CURVE]
    return gostsignature.new(gostsignature.MODE_256, curve)


@dataclass(frozen=True)
class SigningKey:
    algorithm: str
    key_id: str
    public: bytes
    private: bytes | None = None

    def as_json(self, *, with_private: bool = True) -> str:
        data = {"algorithm": self.algorithm, "key_id": self.key_id, "public": self.public.hex()}
        if with_private and self.private is not None:
            data["private"] = self.private.hex()
        return json.dumps(data, indent=2)

    @classmethod
    def from_json(cls, text: str, *, source: str = "key") -> SigningKey:
        try:
            data = json.loads(text)
            algorithm, public = data["algorithm"], bytes.fromhex(data["public"])
            private = bytes.fromhex(data["private"]) if data.get("private") else None
        except (ValueError, KeyError, TypeError) as exc:
            raise KeyError_(f"{source}: не JSON-ключ Приёмной ({exc})") from exc
        if algorithm not in ALGORITHMS:
            raise KeyError_(f"{source}: неизвестный алгоритм «{algorithm}»")
        key = cls(algorithm, key_id_of(algorithm, public), public, private)
        if data.get("key_id") not in (None, key.key_id):
            raise KeyError_(f"{source}: key_id не соответствует открытому ключу")
        return key


def key_id_of(algorithm: str, public: bytes) -> str:
    """The key's id: the first 16 hex digits of SHA-256 over the algorithm and the public key."""
    return hashlib.sha256(algorithm.encode() + b":" + public).hexdigest()[:16]


def key_generate(algorithm: str = ED25519) -> SigningKey:
    """A new key pair of ``algorithm``."""
    if algorithm == ED25519:
        private_key = Ed25519PrivateKey.generate()
        private = private_key.private_bytes_raw()
        public = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    elif algorithm == GOST:
        signer = _gost()
        while True:
            private = secrets.token_bytes(32)
            try:
                public = bytes(signer.public_key_generate(bytearray(private)))
                break
            except Exception:  # noqa: S112 - a value outside the curve's order: draw again
                continue
    else:
        raise KeyError_(f"неизвестный алгоритм «{algorithm}»: {', '.join(ALGORITHMS)}")
    return SigningKey(algorithm, key_id_of(algorithm, public), public, private)


def keys_load() -> list[SigningKey]:
    """Every configured key, newest file first; the variable's key before the files."""
    found: list[SigningKey] = []
    if settings.PRIEMNAYA_SIGNING_KEY:
        found.append(
            SigningKey.from_json(settings.PRIEMNAYA_SIGNING_KEY, source="PRIEMNAYA_SIGNING_KEY")
        )
    folder = Path(settings.PRIEMNAYA_SIGNING_KEYS_DIR)
    if folder.is_dir():
        files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        found += [SigningKey.from_json(p.read_text(encoding="utf-8"), source=str(p)) for p in files]
    return found


def signing_key() -> SigningKey:
    """The key that signs now: the one named by PRIEMNAYA_SIGNING_KEY_ID, else the newest."""
    wanted = settings.PRIEMNAYA_SIGNING_KEY_ID
    for key in keys_load():
        if key.private is not None and (not wanted or key.key_id == wanted):
            return key
    raise KeyError_(
        "Нет ключа подписи: выполните `priemnaya keys generate` или задайте PRIEMNAYA_SIGNING_KEY."
    )


@dataclass(frozen=True)
class Signature:
    """A detached signature: which algorithm and key made it, and its bytes."""

    algorithm: str
    key_id: str
    value: bytes

    def as_json(self) -> str:
        return json.dumps(
            {"algorithm": self.algorithm, "key_id": self.key_id, "signature": self.value.hex()}
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Signature:
        try:
            data = json.loads(text)
            return cls(data["algorithm"], data["key_id"], bytes.fromhex(data["signature"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise KeyError_(f"подпись не разобрана: {exc}") from exc


def sign(data: bytes, key: SigningKey | None = None) -> Signature:
    """Sign ``data`` with ``key`` (by default the active signing key)."""
    key = key or signing_key()
    if key.private is None:
        raise KeyError_(f"ключ {key.key_id} без закрытой части не подписывает")
    if key.algorithm == ED25519:
        value = Ed25519PrivateKey.from_private_bytes(key.private).sign(data)
    else:
        digest = bytearray(gosthash.new("streebog256", data=data).digest())
        value = bytes(_gost().sign(bytearray(key.private), digest))
    return Signature(key.algorithm, key.key_id, value)


def verify(data: bytes, signature: Signature, keys: list[SigningKey] | None = None) -> bool:
    """True when a known key with the signature's id and algorithm made it over exactly ``data``."""
    for key in keys if keys is not None else keys_load():
        if key.key_id != signature.key_id or key.algorithm != signature.algorithm:
            continue
        if key.algorithm == ED25519:
            try:
                Ed25519PublicKey.from_public_bytes(key.public).verify(signature.value, data)
            except (InvalidSignature, ValueError):
                return False
            return True
        digest = bytearray(gosthash.new("streebog256", data=data).digest())
        try:
            return bool(_gost().verify(bytearray(key.public), digest, bytearray(signature.value)))
        except Exception:
            return False
    return False
