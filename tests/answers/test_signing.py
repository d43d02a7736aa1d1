"""Signatures of the service (issue 10, item 4): Ed25519 and GOST R 34.10-2012, rotation, tamper."""

import json
import stat

import pytest
from django.core.management import call_command

from priemnaya.answers.signing import (
    ED25519,
    GOST,
    KeyError_,
    Signature,
    SigningKey,
    key_generate,
    keys_load,
    sign,
    signing_key,
    streebog256,
    verify,
)

DOCUMENT = "Ответ по обращению № 26-0000001-7: проблема устранена.".encode()


def test_streebog256_of_the_empty_string_is_the_vector_of_legal_rule_31():
    assert streebog256(b"") == "3f539a213e97c802cc229d474c6aa32a825a360b2a933a949fd925208d9ce1bb"


@pytest.mark.parametrize("algorithm", [ED25519, GOST])
def test_a_signature_verifies_and_one_flipped_byte_breaks_it(algorithm):
    key = key_generate(algorithm)
    signature = sign(DOCUMENT, key)
    assert (signature.algorithm, signature.key_id) == (algorithm, key.key_id)
    assert verify(DOCUMENT, signature, [key])
    altered = bytearray(DOCUMENT)
    altered[5] ^= 0x01
    assert not verify(bytes(altered), signature, [key])
    forged = Signature(algorithm, key.key_id, bytes(len(signature.value)))
    assert not verify(DOCUMENT, forged, [key])


def test_a_signature_travels_as_json_and_an_unknown_key_does_not_verify():
    key, other = key_generate(), key_generate()
    signature = Signature.from_json(sign(DOCUMENT, key).as_json())
    assert verify(DOCUMENT, signature, [key])
    assert not verify(DOCUMENT, signature, [other])
    with pytest.raises(KeyError_):
        Signature.from_json("{not json")


def test_a_key_survives_its_json_and_a_wrong_key_id_is_refused():
    key = key_generate(GOST)
    assert SigningKey.from_json(key.as_json()) == key
    public_only = SigningKey.from_json(key.as_json(with_private=False))
    assert public_only.private is None
    data = json.loads(key.as_json())
    data["key_id"] = "0" * 16
    with pytest.raises(KeyError_, match="key_id"):
        SigningKey.from_json(json.dumps(data))


def test_keys_generate_writes_a_private_file_and_rotation_keeps_old_signatures_valid(
    settings, tmp_path
):
    settings.PRIEMNAYA_SIGNING_KEYS_DIR = str(tmp_path)
    settings.PRIEMNAYA_SIGNING_KEY = ""
    with pytest.raises(KeyError_, match="keys generate"):
        signing_key()
    call_command("keys_generate")
    (first,) = tmp_path.glob("*.json")
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    old = sign(DOCUMENT)
    call_command("keys_generate", algorithm=GOST)
    # The newest key signs now; the rotated-out one still verifies what it signed.
    assert signing_key().algorithm == GOST
    assert len(keys_load()) == 2
    assert verify(DOCUMENT, old)
    assert verify(DOCUMENT, sign(DOCUMENT))


def test_a_key_in_the_environment_signs_and_can_be_named(settings, tmp_path):
    settings.PRIEMNAYA_SIGNING_KEYS_DIR = str(tmp_path)
    key = key_generate()
    settings.PRIEMNAYA_SIGNING_KEY = key.as_json()
    assert signing_key() == key
    settings.PRIEMNAYA_SIGNING_KEY_ID = "f" * 16
    with pytest.raises(KeyError_):
        signing_key()
