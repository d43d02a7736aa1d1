"""Sessions: recorded at login, listed on the security page, ended by the owner; sign-in history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, override_settings

from priemnaya.accounts.models import SignInEvent, UserSession
from priemnaya.audit.models import AuditEntry
from priemnaya.core import clock
from priemnaya.security.sessions import SEEN_KEY, SESSION_ID_KEY, device_label
from tests.factories import PASSWORD, make_citizen, make_operator

pytestmark = pytest.mark.django_db
CHROME_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


def _browser(user, agent: str = CHROME_LINUX, ip: str = "203.0.113.7") -> Client:
    """A browser signed in through the login page (so the request's device and IP are known)."""
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _signed_in(client: Client) -> bool:
    return client.get("/account/security/").status_code == 200


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (CHROME_LINUX, "Chrome, Linux"),
        (FIREFOX_WINDOWS, "Firefox, Windows"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari, iOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0 YaBrowser/24.10 Mobile Safari/537.36",
            "Яндекс Браузер, Android",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0 Safari/537.36 Edg/131.0",
            "Edge, Windows",
        ),
        ("curl/8.5.0", "curl"),
        ("", "Неизвестное устройство"),
    ],
)
def test_the_device_is_named_in_a_few_words(agent, label):
    assert device_label(agent) == label


def test_a_login_records_the_session_and_the_page_lists_it_as_this_one():
    citizen = make_citizen()
    client = _browser(citizen)
    row = UserSession.objects.get(user=citizen)
    assert row.ip == "203.0.113.7"
    assert row.user_agent == CHROME_LINUX
    assert row.ended_at is None
    assert client.session[SESSION_ID_KEY] == row.pk
    assert row.session_key == client.session.session_key
    page = client.get("/account/security/").content.decode()
    assert "Chrome, Linux" in page
    assert "203.0.113.7" in page
    assert "этот сеанс" in page
    # with only this session there is nothing else to end
    assert "Завершить все остальные" not in page


def test_ending_another_session_logs_that_browser_out_at_once():
    # given two browsers of one citizen
    citizen = make_citizen()
    laptop = _browser(citizen)
    phone = _browser(citizen, FIREFOX_WINDOWS, "198.51.100.4")
    other = UserSession.objects.get(user=citizen, ip="198.51.100.4")
    page = laptop.get("/account/security/").content.decode()
    assert "Firefox, Windows" in page
    assert f"/account/security/sessions/{other.pk}/end/" in page
    # when the laptop ends the phone's session
    response = laptop.post(f"/account/security/sessions/{other.pk}/end/")
    # then the phone's cookie no longer works; the laptop stays
    assert response.status_code == 302
    assert not _signed_in(phone)
    assert _signed_in(laptop)
    other.refresh_from_db()
    assert other.ended_at is not None
    assert not Session.objects.filter(session_key=other.session_key).exists()
    entry = AuditEntry.objects.get(action="session.ended")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (
        citizen.pk,
        "session",
        str(other.pk),
    )
    assert "198.51.100.4" not in str(entry.details)


def test_end_all_other_sessions():
    citizen = make_citizen()
    browsers = [_browser(citizen, ip=f"192.0.2.{n}") for n in range(1, 4)]
    here = browsers[0]
    assert "Завершить все остальные" in here.get("/account/security/").content.decode()
    here.post("/account/security/sessions/end-others/")
    assert _signed_in(here)
    assert [_signed_in(b) for b in browsers[1:]] == [False, False]
    assert UserSession.objects.filter(user=citizen, ended_at__isnull=True).count() == 1
    assert AuditEntry.objects.filter(action="session.ended").count() == 2


def test_another_persons_session_cannot_be_ended():
    citizen, stranger = make_citizen(), make_citizen()
    mine = _browser(citizen)
    theirs = _browser(stranger)
    row = UserSession.objects.get(user=stranger)
    response = mine.post(f"/account/security/sessions/{row.pk}/end/")
    # Another person's session is an object one may not know of: 404, as for any other.
    assert response.status_code == 404
    assert _signed_in(theirs)
    row.refresh_from_db()
    assert row.ended_at is None
    # and the stranger's session is not even listed
    assert f"sessions/{row.pk}/end/" not in mine.get("/account/security/").content.decode()


def test_logout_ends_the_session_record():
    citizen = make_citizen()
    client = _browser(citizen)
    client.post("/accounts/logout/")
    assert UserSession.objects.get(user=citizen).ended_at is not None


def test_a_session_ended_behind_the_cookie_engine_stops_within_a_minute():
    # given a session whose record was ended but whose Django session survived (cookie engines)
    citizen = make_citizen()
    start = clock.now()
    with clock.travel_to(start):
        client = _browser(citizen)
    UserSession.objects.filter(user=citizen).update(ended_at=start)
    # when the next check comes (at most a minute later), the browser is logged out
    with clock.travel_to(start + timedelta(seconds=61)):
        assert not _signed_in(client)


def test_a_session_whose_record_is_gone_is_logged_out():
    citizen = make_citizen()
    start = clock.now()
    with clock.travel_to(start):
        client = _browser(citizen)
    UserSession.objects.filter(user=citizen).delete()
    with clock.travel_to(start + timedelta(seconds=61)):
        assert not _signed_in(client)


def test_last_seen_is_written_at_most_once_a_minute():
    citizen = make_citizen()
    start = clock.now()
    with clock.travel_to(start):
        client = _browser(citizen)
    with clock.travel_to(start + timedelta(seconds=30)):
        client.get("/account/security/")
    assert UserSession.objects.get(user=citizen).last_seen_at == start
    later = start + timedelta(seconds=75)
    with clock.travel_to(later):
        client.get("/account/security/", REMOTE_ADDR="203.0.113.99")
    row = UserSession.objects.get(user=citizen)
    assert row.last_seen_at == later
    assert row.ip == "203.0.113.99"


def test_a_session_from_before_the_feature_gets_its_record():
    citizen = make_citizen()
    client = _browser(citizen)
    session = client.session
    # what a session made before this feature holds: no record id, no time of the last check
    del session[SESSION_ID_KEY]
    del session[SEEN_KEY]
    session.save()
    UserSession.objects.all().delete()
    assert _signed_in(client)
    assert UserSession.objects.filter(user=citizen).count() == 1


def test_the_page_shows_the_last_50_sign_ins_of_the_owner_only():
    citizen, stranger = make_citizen(), make_citizen()
    start = clock.now() - timedelta(days=1)
    for n in range(55):
        SignInEvent.objects.create(
            user=citizen,
            at=start + timedelta(minutes=n),
            method="password",
            outcome="bad_password" if n % 2 else "ok",
            ip=f"10.0.0.{n}",
            user_agent=FIREFOX_WINDOWS,
        )
    SignInEvent.objects.create(user=stranger, method="password", outcome="ok", ip="10.9.9.9")
    client = _browser(citizen, ip="203.0.113.7")
    page = client.get("/account/security/").content.decode()
    history = page.split('data-testid="history"')[1].split("</table>")[0]
    assert history.count("<tr>") == 51  # header and 50 rows
    assert "10.0.0.54" in history
    assert "10.0.0.4<" not in history  # the oldest five are beyond the 50
    assert "10.9.9.9" not in history
    assert "неверный пароль" in history
    assert "Firefox, Windows" in history


@override_settings(PRIEMNAYA_STAFF_SECOND_FACTOR=False)
def test_staff_see_the_same_page(catalog):
    operator = make_operator()
    client = _browser(operator)
    page = client.get("/account/security/")
    assert page.status_code == 200
    assert "Сотрудникам второй фактор обязателен" in page.content.decode()


def test_the_page_needs_a_signed_in_person(client):
    response = client.get("/account/security/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.post("/account/security/sessions/end-others/").status_code == 302
