"""Passwords are kept as Argon2id at OWASP's parameters; older hashes are upgraded at sign-in.

The suite hashes with MD5 for speed (settings_test); these tests put the production hashers back.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher
from django.test import Client

from priemnaya.accounts.models import User
from priemnaya.settings import PASSWORD_HASHERS as PRODUCTION_HASHERS

pytestmark = pytest.mark.django_db

PASSWORD = "Vesna-2026!"


@pytest.fixture(autouse=True)
def production_hashers(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS


def test_a_new_password_is_stored_as_argon2id_with_owasp_parameters():
    user = User.objects.create_user(email="argon@example.ru", password=PASSWORD, full_name="Ар Гон")

    algorithm, variant, version, params, _salt, _hash = user.password.split("$")
    assert (algorithm, variant, version) == ("argon2", "argon2id", "v=19")
    # OWASP Password Storage Cheat Sheet: 19 MiB, 2 iterations, 1 degree of parallelism.
    assert params == "m=19456,t=2,p=1"
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD + "x")


def test_an_old_pbkdf2_hash_still_signs_in_and_is_upgraded_to_argon2id():
    # given an account whose password was hashed before Argon2id was chosen
    user = User.objects.create_user(email="old@example.ru", password=None, full_name="Ста Рый")
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    # when its owner signs in on the page
    response = Client().post("/accounts/login/", {"login": "old@example.ru", "password": PASSWORD})
    # then the sign-in works and the stored hash is now Argon2id
    assert response.status_code == 302
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert "m=19456,t=2,p=1" in user.password
