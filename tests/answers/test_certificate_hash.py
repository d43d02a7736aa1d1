"""LEGAL.md §6 rule 30: ``client_certificate_hash`` is Streebog-256 of the certificate's DER."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from priemnaya.answers.signing import certificate_hash, streebog256

FIXTURES = Path(__file__).parent / "fixtures"
RECORD = json.loads((FIXTURES / "applicant-cert.json").read_text(encoding="utf-8"))
DER = (FIXTURES / RECORD["file"]).read_bytes()


def test_the_fixture_is_the_certificate_recorded():
    # the committed file is intact (else the expected hash below would prove nothing)
    assert len(DER) == RECORD["size"]
    assert hashlib.sha256(DER).hexdigest() == RECORD["sha256"]
    assert x509.load_der_x509_certificate(DER).public_bytes(Encoding.DER) == DER


def test_certificate_hash_of_the_fixture_is_the_recorded_streebog_256():
    # expected value computed once and checked independently with RHash --gost12-256
    assert certificate_hash(DER) == RECORD["streebog256"]
    assert certificate_hash(DER) == (
        "1db16f7769e6d2918fe7006720d9cb71e5bb22fe7ead4839186df7eb8ab0174c"
    )


def test_the_hash_is_of_the_der_not_of_the_pem_text():
    pem = x509.load_der_x509_certificate(DER).public_bytes(Encoding.PEM)
    assert streebog256(pem) != RECORD["streebog256"]
    with pytest.raises(ValueError, match="DER"):
        certificate_hash(pem)


def test_one_changed_byte_changes_the_hash():
    altered = bytearray(DER)
    altered[-1] ^= 0x01
    assert certificate_hash(bytes(altered)) != RECORD["streebog256"]


def test_empty_input_is_refused():
    with pytest.raises(ValueError, match="DER"):
        certificate_hash(b"")
