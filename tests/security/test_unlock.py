"""Unlocking early (image captcha, then an SMS code), and by an operator who recorded the check."""

from __future__ import annotations

import re

import pytest
from captcha.models import CaptchaStore
from django.test import Client

from priemnaya.accounts.roles import Role
from priemnaya.audit.models import AuditEntry
from priemnaya.security.lockout import lock_state
from tests.factories import (
    PASSWORD,
    make_auditor,
    make_citizen,
    make_operator,
    make_specialist,
    make_supervisor,
    make_user,
)
from tests.security.conftest import last_code, sms_to

pytestmark = pytest.mark.django_db

PHONE = "+79167778899"


@pytest.fixture
def person(catalog):
    return make_citizen(email="unlock@example.ru", phone=PHONE)


def _lock(login: str) -> None:
    for _ in range(5):
        Client().post("/accounts/login/", {"login": login, "password": "Wrong-pass-1!"})
    assert lock_state(login).locked


def _captcha(client: Client, *, right: bool = True) -> dict[str, str]:
    page = client.get("/accounts/unlock/").content.decode()
    key = re.search(r'name="captcha_0" value="([^"]+)"', page).group(1)
    answer = CaptchaStore.objects.get(hashkey=key).response if right else "nonsense"
    return {"captcha_0": key, "captcha_1": answer}


def _start(client: Client, login: str, *, right: bool = True):
    return client.post("/accounts/unlock/", {"login": login, **_captcha(client, right=right)})


def _sign_in(login: str = "unlock@example.ru"):
    return Client().post("/accounts/login/", {"login": login, "password": PASSWORD})


def test_captcha_then_sms_code_unlocks_early(person):
    _lock("unlock@example.ru")
    client = Client()
    locked = client.post("/accounts/login/", {"login": "unlock@example.ru", "password": PASSWORD})
    assert locked.status_code == 429
    form = client.get("/accounts/unlock/").content.decode()
    assert 'value="unlock@example.ru"' in form  # carried from the lockout page
    assert 'src="/captcha/image/' in form
    started = _start(client, "unlock@example.ru")
    assert started.status_code == 302
    assert started["Location"] == "/accounts/unlock/code/"
    assert len(sms_to(PHONE)) == 1
    done = client.post("/accounts/unlock/code/", {"code": last_code(PHONE)})
    assert done.status_code == 302
    assert done["Location"] == "/accounts/login/"
    assert not lock_state("unlock@example.ru").locked
    assert _sign_in().status_code == 302
    entry = AuditEntry.objects.get(action="account.unlocked")
    assert entry.details == {"method": "captcha_sms"}
    assert entry.target_id == str(person.pk)


def test_a_wrong_captcha_sends_nothing(person):
    _lock("unlock@example.ru")
    client = Client()
    answer = _start(client, "unlock@example.ru", right=False)
    assert answer.status_code == 200
    assert "Символы с картинки введены неверно" in answer.content.decode()
    assert sms_to(PHONE) == []
    assert client.get("/accounts/unlock/code/")["Location"] == "/accounts/unlock/"


def test_a_wrong_code_does_not_unlock(person):
    _lock("unlock@example.ru")
    client = Client()
    _start(client, "unlock@example.ru")
    code = last_code(PHONE)
    answer = client.post("/accounts/unlock/code/", {"code": "000000" if code != "000000" else "1"})
    assert answer.status_code == 200
    assert "Код неверный или устарел" in answer.content.decode()
    assert lock_state("unlock@example.ru").locked


def test_the_code_page_needs_the_captcha_first(person):
    _lock("unlock@example.ru")
    client = Client()
    answer = client.post("/accounts/unlock/code/", {"code": "123456"})
    assert answer.status_code == 302
    assert answer["Location"] == "/accounts/unlock/"
    assert lock_state("unlock@example.ru").locked


@pytest.mark.parametrize("login", ["nobody@example.ru", "nophone@example.ru"])
def test_without_an_account_or_a_confirmed_phone_the_pages_read_the_same(person, login):
    make_citizen(email="nophone@example.ru")
    _lock("unlock@example.ru")
    _lock(login)
    real, other = Client(), Client()
    first_real, first_other = _start(real, "unlock@example.ru"), _start(other, login)
    assert first_real.status_code == first_other.status_code == 302
    assert first_real["Location"] == first_other["Location"]
    page_real = real.get("/accounts/unlock/code/").content.decode()
    page_other = other.get("/accounts/unlock/code/").content.decode()
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", page_real) == strip.sub("", page_other)
    wrong_real = real.post("/accounts/unlock/code/", {"code": "000001"})
    wrong_other = other.post("/accounts/unlock/code/", {"code": "000001"})
    assert strip.sub("", wrong_real.content.decode()) == strip.sub("", wrong_other.content.decode())
    assert len(sms_to(PHONE)) == 1


# ---- the operator's unlock ----------------------------------------------------------------------


def _console(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "make", [make_operator, make_supervisor, lambda: make_user(Role.ADMINISTRATOR)]
)
def test_operators_supervisors_and_administrators_may_unlock(person, make):
    staff = make()
    _lock("unlock@example.ru")
    client = _console(staff)
    found = client.get("/console/accounts/unlock/", {"login": "8 916 777-88-99"})
    assert found.status_code == 200
    page = found.content.decode()
    assert "заблокирована" in page
    assert "паспорт при личном обращении" in page
    done = client.post(
        "/console/accounts/unlock/",
        {"login": "8 916 777-88-99", "method": "passport", "confirmed": "on"},
    )
    assert done.status_code == 302
    assert not lock_state("unlock@example.ru").locked
    entry = AuditEntry.objects.get(action="account.unlocked")
    assert entry.details == {"method": "passport", "via": "operator"}
    assert (entry.actor_id, entry.target_id) == (staff.pk, str(person.pk))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"confirmed": "on"}, "Выберите, как вы проверили личность."),
        ({"method": "phone_code"}, "Подтвердите, что личность проверена."),
        ({"method": "telepathy", "confirmed": "on"}, "Выберите корректный вариант"),
    ],
)
def test_the_unlock_needs_the_identity_check_recorded(person, data, message):
    _lock("unlock@example.ru")
    client = _console(make_operator())
    answer = client.post("/console/accounts/unlock/", {"login": "unlock@example.ru", **data})
    assert answer.status_code == 200
    assert message in answer.content.decode()
    assert lock_state("unlock@example.ru").locked
    assert not AuditEntry.objects.filter(action="account.unlocked").exists()


def test_the_console_says_when_an_account_is_not_locked_or_not_found(person):
    client = _console(make_operator())
    free = client.get("/console/accounts/unlock/", {"login": "unlock@example.ru"})
    assert "не заблокирована" in free.content.decode()
    missing = client.get("/console/accounts/unlock/", {"login": "nobody@example.ru"})
    assert "не найдена" in missing.content.decode()


@pytest.mark.parametrize("make", [make_citizen, make_specialist, make_auditor])
def test_other_roles_get_403(catalog, make):
    client = _console(make())
    assert client.get("/console/accounts/unlock/").status_code == 403
    assert client.post("/console/accounts/unlock/", {"login": "x@example.ru"}).status_code == 403


def test_anonymous_is_sent_to_the_sign_in(db):
    answer = Client().get("/console/accounts/unlock/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/")
