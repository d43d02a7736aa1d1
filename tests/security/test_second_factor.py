"""The second factor: TOTP enrolment, the sign-in's second step, recovery and SMS codes, staff."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from priemnaya.accounts.models import SignInEvent
from priemnaya.audit.chain import chain_verify
from priemnaya.audit.models import AuditEntry
from priemnaya.core import clock
from priemnaya.security.second_factor import PENDING_KEY, second_factor_required
from tests.factories import make_citizen, make_operator, signed_in
from tests.security.helpers import enrol_totp, pending_client, totp_code

pytestmark = pytest.mark.django_db
PAGE = "/accounts/second-factor/"
CODES = re.compile(r"<li>([a-z2-7]{8})</li>")


def _codes(response) -> list[str]:
    return CODES.findall(response.content.decode())


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


# ---- enrolment ----------------------------------------------------------------------------------


def test_enrolling_an_authenticator_shows_a_local_qr_and_the_secret_then_ten_recovery_codes():
    # given
    citizen = make_citizen()
    client = signed_in(citizen)
    # when the page is opened twice, the secret being set up stays the same
    first = client.get("/account/security/totp/").content.decode()
    second = client.get("/account/security/totp/").content.decode()
    device = TOTPDevice.objects.get(user=citizen)
    # then the QR code is inline SVG made here: nothing is fetched from elsewhere
    assert "<svg" in first
    assert "<img" not in first.split('data-testid="totp-qr"')[1].split("</div>")[0]
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', first).group(1)
    assert secret.replace(" ", "") in second.replace(" ", "")
    assert not device.confirmed
    assert not second_factor_required(citizen)
    # when the code from the app is typed
    response = client.post("/account/security/totp/", {"otp": totp_code(device)})
    # then the app is confirmed and 10 single-use recovery codes are shown once
    device.refresh_from_db()
    assert device.confirmed
    codes = _codes(response)
    assert len(codes) == 10 == len(set(codes))
    assert StaticToken.objects.filter(device__user=citizen).count() == 10
    assert "Сохраните их сейчас" in response.content.decode()
    assert [e.details for e in _audit("second_factor.enrolled")] == [{"method": "totp"}]
    assert second_factor_required(citizen)
    # and the security page says so, without the codes
    page = client.get("/account/security/").content.decode()
    assert "Подключено." in page
    assert codes[0] not in page
    assert chain_verify().ok


def test_a_wrong_code_does_not_confirm_the_authenticator():
    citizen = make_citizen()
    client = signed_in(citizen)
    client.get("/account/security/totp/")
    device = TOTPDevice.objects.get(user=citizen)
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    for typed, message in [
        (wrong, "Код не подошёл"),
        ("12ab", "Введите 6 цифр из приложения."),
        ("", "Введите 6 цифр из приложения."),
    ]:
        response = client.post("/account/security/totp/", {"otp": typed})
        assert response.status_code == 422
        assert message in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not _audit("second_factor.enrolled")


def test_removing_the_authenticator_needs_a_current_code():
    citizen = make_citizen()
    client = signed_in(citizen)
    device = enrol_totp(client, citizen)
    # a wrong code removes nothing
    response = client.post("/account/security/totp/remove/", {"remove-otp": "000000"})
    assert response.status_code == 422
    assert "Неверный код из приложения." in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    # a current code removes the app and the recovery codes
    code = totp_code(device, steps_ahead=1)
    response = client.post("/account/security/totp/remove/", {"remove-otp": code})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=citizen).exists()
    assert not StaticToken.objects.filter(device__user=citizen).exists()
    assert [e.details for e in _audit("second_factor.removed")] == [{"method": "totp"}]
    assert not second_factor_required(citizen)


def test_new_recovery_codes_replace_the_old_ones():
    citizen = make_citizen()
    client = signed_in(citizen)
    device = enrol_totp(client, citizen)
    old = list(StaticToken.objects.filter(device__user=citizen).values_list("token", flat=True))
    response = client.post("/account/security/recovery-codes/")
    new = _codes(response)
    assert len(new) == 10
    assert not set(new) & set(old)
    assert set(
        StaticToken.objects.filter(device__user=citizen).values_list("token", flat=True)
    ) == set(new)
    assert len(_audit("second_factor.recovery_codes")) == 1
    # the old codes no longer sign in
    client = pending_client(citizen)
    assert client.post(PAGE, {"otp": old[0]}).status_code == 200
    assert not _signed_in(client)
    assert device.pk


# ---- the sign-in's second step ------------------------------------------------------------------


def test_without_a_waiting_sign_in_the_page_sends_to_the_login_page(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_totp_code_completes_the_sign_in_and_is_recorded():
    # given a citizen with an app whose password step passed
    citizen = make_citizen()
    device = enrol_totp(signed_in(citizen), citizen)
    client = pending_client(citizen, next_url="/cabinet/notifications/")
    # when the page is opened it asks for the code (nobody is signed in yet)
    page = client.get(PAGE, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0")
    assert page.status_code == 200
    assert "Подтверждение входа" in page.content.decode()
    assert not _signed_in(client)
    # when the app's code is typed
    response = client.post(
        PAGE,
        {"otp": totp_code(device, steps_ahead=1)},
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0",
    )
    # then the person is signed in and sent where they were going
    assert response.status_code == 302
    assert response["Location"] == "/cabinet/notifications/"
    assert _signed_in(client)
    assert PENDING_KEY not in client.session
    assert client.get("/cabinet/").status_code == 200
    event = SignInEvent.objects.get(user=citizen)
    assert (event.method, event.outcome) == ("second_factor", "ok")
    assert event.user_agent.startswith("Mozilla/5.0")
    assert _audit("signin.ok")[-1].details == {"method": "second_factor", "factor": "totp"}
    # and the same code does not sign in twice
    again = pending_client(citizen)
    assert again.post(PAGE, {"otp": totp_code(device, steps_ahead=1)}).status_code == 200
    assert not _signed_in(again)


def test_a_recovery_code_signs_in_once():
    citizen = make_citizen()
    enrolment = signed_in(citizen)
    enrolment.get("/account/security/totp/")
    device = TOTPDevice.objects.get(user=citizen, confirmed=False)
    codes = _codes(enrolment.post("/account/security/totp/", {"otp": totp_code(device)}))
    # when a recovery code is used (spaces and capitals forgiven)
    first = pending_client(citizen)
    response = first.post(PAGE, {"otp": f" {codes[3].upper()} "})
    assert response.status_code == 302
    assert _signed_in(first)
    assert _audit("signin.ok")[-1].details["factor"] == "recovery_code"
    assert StaticToken.objects.filter(device__user=citizen).count() == 9
    # then the same code is refused the second time
    second = pending_client(citizen)
    response = second.post(PAGE, {"otp": codes[3]})
    assert response.status_code == 200
    assert "Неверный код второго фактора." in response.content.decode()
    assert not _signed_in(second)


def test_remember_me_keeps_the_session_for_30_days_otherwise_until_the_browser_closes():
    citizen = make_citizen()
    device = enrol_totp(signed_in(citizen), citizen)
    remembered = pending_client(citizen, remember=True)
    remembered.post(PAGE, {"otp": totp_code(device, steps_ahead=1)})
    assert _signed_in(remembered)
    assert not remembered.session.get_expire_at_browser_close()
    assert remembered.session.get_expiry_age() == 30 * 86400
    assert remembered.cookies["sessionid"]["max-age"] == 30 * 86400
    forgotten = pending_client(citizen, remember=False)
    recovery = StaticToken.objects.filter(device__user=citizen).first()
    forgotten.post(PAGE, {"otp": recovery.token})
    assert _signed_in(forgotten)
    assert forgotten.session.get_expire_at_browser_close()
    assert not forgotten.cookies["sessionid"]["max-age"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_a_foreign_next_address_is_ignored(target):
    citizen = make_citizen()
    device = enrol_totp(signed_in(citizen), citizen)
    client = pending_client(citizen, next_url=target)
    response = client.post(PAGE, {"otp": totp_code(device, steps_ahead=1)})
    assert response["Location"] == "/cabinet/"


def test_a_waiting_sign_in_lasts_five_minutes():
    citizen = make_citizen()
    device = enrol_totp(signed_in(citizen), citizen)
    start = clock.now()
    client = pending_client(citizen, at=start)
    with clock.travel_to(start + timedelta(minutes=5, seconds=1)):
        response = client.post(PAGE, {"otp": totp_code(device, steps_ahead=1)})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert not _signed_in(client)
    assert PENDING_KEY not in client.session
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Время на ввод кода истекло (5 минут). Войдите снова."]


def test_five_wrong_codes_end_the_waiting_sign_in():
    citizen = make_citizen()
    device = enrol_totp(signed_in(citizen), citizen)
    client = pending_client(citizen)
    right = totp_code(device, steps_ahead=1)
    wrong = "000000" if right != "000000" else "111111"
    for left in (4, 3, 2, 1):
        response = client.post(PAGE, {"otp": wrong})
        assert response.status_code == 200
        page = response.content.decode()
        assert "Неверный код второго фактора." in page
        assert f"Осталось попыток: {left}." in page
    response = client.post(PAGE, {"otp": wrong})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    # even the right code no longer helps: the password must be typed again
    response = client.post(PAGE, {"otp": right})
    assert response["Location"].startswith("/accounts/login/")
    assert not _signed_in(client)
    outcomes = list(SignInEvent.objects.filter(user=citizen).values_list("outcome", flat=True))
    assert outcomes == ["bad_code"] * 5
    failed = _audit("signin.failed")
    assert len(failed) == 5
    assert all(e.details["reason"] == "bad_code" for e in failed)
    assert all(e.actor_id == citizen.pk for e in failed)


def test_a_deactivated_account_cannot_finish_the_sign_in():
    citizen = make_citizen()
    device = enrol_totp(signed_in(citizen), citizen)
    client = pending_client(citizen)
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    response = client.post(PAGE, {"otp": totp_code(device, steps_ahead=1)})
    assert response["Location"] == "/accounts/login/"
    assert not _signed_in(client)


# ---- SMS codes ----------------------------------------------------------------------------------


def test_a_citizen_turns_on_sms_codes_and_signs_in_with_the_code_sent_automatically(sms):
    # given a citizen with a confirmed phone
    citizen = make_citizen(email="sms@example.ru", phone="+79161112233")
    page = signed_in(citizen)
    assert page.post("/account/security/sms/", {"on": "1"}).status_code == 302
    citizen.refresh_from_db()
    assert citizen.second_factor_sms
    assert second_factor_required(citizen)
    assert [e.details for e in _audit("second_factor.enrolled")] == [{"method": "sms"}]
    # when the password step passed and the second step opens: the code goes out by itself, once
    client = pending_client(citizen)
    response = client.get(PAGE)
    assert "Код отправлен по SMS на номер +7 *** ***-22-33" in response.content.decode()
    client.get(PAGE)
    assert len(sms.sent) == 1
    assert sms.sent[0][0] == "+79161112233"
    # then the code signs in
    response = client.post(PAGE, {"otp": sms.last_code()})
    assert response.status_code == 302
    assert _signed_in(client)
    assert _audit("signin.ok")[-1].details["factor"] == "sms"


def test_sms_codes_need_a_confirmed_phone_and_can_be_turned_off(sms):
    no_phone = make_citizen()
    client = signed_in(no_phone)
    client.post("/account/security/sms/", {"on": "1"})
    no_phone.refresh_from_db()
    assert not no_phone.second_factor_sms
    citizen = make_citizen(email="sms2@example.ru", phone="+79161112234")
    client = signed_in(citizen)
    client.post("/account/security/sms/", {"on": "1"})
    client.post("/account/security/sms/", {"on": "0"})
    citizen.refresh_from_db()
    assert not citizen.second_factor_sms
    assert [e.details for e in _audit("second_factor.removed")] == [{"method": "sms"}]


def test_with_an_app_the_sms_code_is_sent_only_on_request(sms):
    citizen = make_citizen(email="both@example.ru", phone="+79161112235")
    enrol_totp(signed_in(citizen), citizen)
    client = pending_client(citizen)
    page = client.get(PAGE).content.decode()
    assert "Отправить код по SMS" in page
    assert sms.sent == []
    response = client.post(PAGE, {"send_sms": "1"})
    assert "Код отправлен по SMS" in response.content.decode()
    # asking again at once is refused politely, not with an error page
    again = client.post(PAGE, {"send_sms": "1"})
    assert again.status_code == 200
    assert "Новый код можно запросить через" in again.content.decode()
    assert len(sms.sent) == 1
    assert client.post(PAGE, {"otp": sms.last_code()}).status_code == 302
    assert _signed_in(client)


# ---- staff --------------------------------------------------------------------------------------


@override_settings(PRIEMNAYA_STAFF_SECOND_FACTOR=True)
def test_staff_without_a_second_factor_are_sent_to_set_up_an_app(catalog):
    operator = make_operator()
    assert operator.phone is None
    client = signed_in(operator)
    for path in ("/console/", "/console/notifications/", "/cabinet/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/account/security/totp/"
    # the security pages, signing out and the API stay open
    assert client.get("/account/security/").status_code == 200
    assert client.get("/account/security/totp/").status_code == 200
    # once the app is set up, the console opens
    device = TOTPDevice.objects.get(user=operator, confirmed=False)
    client.post("/account/security/totp/", {"otp": totp_code(device)})
    assert client.get("/console/").status_code == 200


@override_settings(PRIEMNAYA_STAFF_SECOND_FACTOR=True)
def test_staff_with_a_confirmed_phone_may_use_sms_codes(catalog, sms):
    operator = make_operator(email="op-sms@example.ru", phone="+79161112236")
    assert second_factor_required(operator)
    assert signed_in(operator).get("/console/").status_code == 200
    client = pending_client(operator)
    client.get(PAGE)
    assert len(sms.sent) == 1
    response = client.post(PAGE, {"otp": sms.last_code()})
    assert response["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


@override_settings(PRIEMNAYA_STAFF_SECOND_FACTOR=True)
def test_staff_with_no_factor_yet_are_let_in_only_to_set_up_the_app(catalog):
    operator = make_operator()
    client = pending_client(operator)
    response = client.get(PAGE)
    assert response["Location"] == "/account/security/totp/"
    assert _signed_in(client)
    assert client.get("/console/")["Location"] == "/account/security/totp/"
    assert _audit("signin.ok")[-1].details["factor"] == "none"


@override_settings(PRIEMNAYA_STAFF_SECOND_FACTOR=False)
def test_with_the_setting_off_staff_need_no_second_factor(catalog):
    operator = make_operator()
    assert not second_factor_required(operator)
    assert signed_in(operator).get("/console/").status_code == 200


def test_the_pending_time_is_checked_with_an_aware_timestamp():
    citizen = make_citizen()
    client = pending_client(citizen, at=timezone.now().replace(tzinfo=None))
    assert client.get(PAGE)["Location"] == "/accounts/login/"


def test_signing_in_by_sms_does_not_pile_up_waits_on_the_app(sms, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    citizen = make_citizen(email="wait@example.ru", phone="+79161112237")
    device = enrol_totp(signed_in(citizen), citizen)
    for minute in range(3):
        with clock.travel_to(clock.now() + timedelta(minutes=2 * minute)):
            client = pending_client(citizen)
            client.post(PAGE, {"send_sms": "1"})
            assert client.post(PAGE, {"otp": sms.last_code()}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    client = pending_client(citizen)
    assert client.post(PAGE, {"otp": totp_code(device, steps_ahead=1)}).status_code == 302
