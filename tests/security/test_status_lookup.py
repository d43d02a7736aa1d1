"""Status without an account (issue 13 item 1): the number and a second factor, never the number
alone — a one-time code sent to the contact on the appeal, or the key of the status link."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from priemnaya.appeals import services
from priemnaya.appeals.models import StatusAccess
from priemnaya.appeals.states import EventType
from priemnaya.appeals.status_access import (
    MAX_FAILURES,
    mask_email,
    mask_phone,
    status_code_check,
    status_code_issue,
)
from priemnaya.appeals.status_links import (
    status_key,
    status_link,
    status_path,
    status_short_link,
)
from priemnaya.core import clock
from priemnaya.core.errors import TooManyRequests, ValidationFailed
from priemnaya.core.numbering import compose_number, format_number
from priemnaya.notifications.models import Audience, Channel, Notification
from priemnaya.notifications.rendering import render, sms_segments, templates_cache_clear
from tests import factories
from tests.notifications.channel_events import make_event
from tests.notifications.conftest import relay
from tests.security.conftest import last_code, sms_to

pytestmark = pytest.mark.django_db

PHONE = "+79161234567"
LONG_SITE = "https://priemnaya.gosuslugi.example.ru"
# A well-formed number no appeal has.
UNKNOWN = format_number(compose_number(2026, 987654))


def call_appeal(operator, *, phone: str = PHONE, email: str = ""):
    """An appeal an operator registered from a call: the caller has no account."""
    data = factories.appeal_input(
        applicant_name="Сидоров Пётр Ильич", contact_email=email, contact_phone=phone
    )
    return services.appeal_submit(actor=operator, data=data, channel="phone")


def page(client: Client, appeal_or_number, **query) -> str:
    number = getattr(appeal_or_number, "display_number", appeal_or_number)
    response = client.get("/status/", {"number": number, **query})
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def ask_code(client: Client, number: str):
    return client.post("/status/", {"number": number, "action": "send"})


def type_code(client: Client, number: str, code: str):
    return client.post("/status/", {"number": number, "action": "check", "code": code})


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


# ---- the rules ----------------------------------------------------------------------------------


def test_the_number_alone_shows_nothing_and_offers_a_code(operator):
    appeal = call_appeal(operator)
    html = page(Client(), appeal)
    assert "Получить код" in html
    assert appeal.subject not in html
    assert "Получено" not in html
    assert "Сидоров" not in html


def test_the_code_goes_to_the_phone_on_the_appeal_only_and_is_stored_hashed(operator):
    appeal = call_appeal(operator, email="caller@example.ru")
    issued = status_code_issue(number=appeal.display_number)
    assert (issued.channel, issued.destination) == ("sms", PHONE)
    assert issued.masked == "+7 *** ***-45-67"
    row = StatusAccess.objects.get(number=appeal.number)
    assert issued.code not in row.code_hash
    assert len(row.code_hash) == 64


def test_an_appeal_with_only_an_email_gets_the_code_by_email(operator, mailoutbox):
    appeal = call_appeal(operator, phone="", email="ivan@mail.ru")
    response = ask_code(Client(), appeal.display_number)
    assert response.status_code == 200
    assert "i***@mail.ru" in response.content.decode()
    [message] = mailoutbox
    assert message.to == ["ivan@mail.ru"]
    assert re.search(r"\b\d{6}\b", message.body)


def test_masks_show_only_the_end_of_a_phone_and_the_first_letter_of_a_mailbox():
    assert mask_phone("+79161234567") == "+7 *** ***-45-67"
    assert mask_email("ivan.petrov@mail.ru") == "i***@mail.ru"


def test_an_unknown_number_gets_the_same_answer_as_a_known_one(operator):
    appeal = call_appeal(operator)
    known = ask_code(Client(), appeal.display_number)
    unknown = ask_code(Client(), UNKNOWN)
    assert known.status_code == unknown.status_code == 200

    def said(response) -> str:
        text = response.content.decode()
        found = re.search(r'<p class="notice" role="status">([^<]*)</p>', text)
        assert found, text
        return re.sub(r"\+7 \*\*\* \*\*\*-\d\d-\d\d|\w\*\*\*@[\w.]+", "<contact>", found.group(1))

    assert said(known) == said(unknown)
    assert "Если номер верный, код отправлен" in said(unknown)
    # Asking again during the pause is refused alike; only the real contact got an SMS.
    assert ask_code(Client(), appeal.display_number).status_code == 429
    assert ask_code(Client(), UNKNOWN).status_code == 429
    assert len(sms_to(PHONE)) == 1
    # A wrong code: the same refusal for both.
    known_try = type_code(Client(), appeal.display_number, "000000")
    unknown_try = type_code(Client(), UNKNOWN, "000000")
    assert known_try.status_code == unknown_try.status_code == 400
    assert "Неверный код" in known_try.content.decode()
    assert "Неверный код" in unknown_try.content.decode()


def test_the_right_code_shows_the_status_to_this_browser_only(operator):
    appeal = call_appeal(operator)
    browser = Client()
    ask_code(browser, appeal.display_number)
    response = type_code(browser, appeal.display_number, last_code(PHONE))
    assert response.status_code == 302
    html = page(browser, appeal)
    assert "Получено" in html
    assert "Зарегистрировано" in html
    assert "Срок ответа" in html
    assert "Получить код" not in html
    # Another browser with the same number still sees nothing.
    assert "Получено" not in page(Client(), appeal)


def test_the_grant_ends_after_thirty_minutes(operator):
    appeal = call_appeal(operator)
    browser = Client()
    ask_code(browser, appeal.display_number)
    type_code(browser, appeal.display_number, last_code(PHONE))
    with clock.travel_to(clock.now() + timedelta(minutes=31)):
        assert "Получить код" in page(browser, appeal)


def test_a_used_code_does_not_work_again(operator):
    appeal = call_appeal(operator)
    ask_code(Client(), appeal.display_number)
    code = last_code(PHONE)
    assert status_code_check(number=appeal.number, code=code).pk == appeal.pk
    with pytest.raises(ValidationFailed) as refused:
        status_code_check(number=appeal.number, code=code)
    assert refused.value.field == "code"
    assert "устарел или уже использован" in refused.value.message


def test_an_expired_code_does_not_work(operator):
    appeal = call_appeal(operator)
    issued = status_code_issue(number=appeal.number)
    with (
        clock.travel_to(clock.now() + timedelta(minutes=10, seconds=1)),
        pytest.raises(ValidationFailed) as refused,
    ):
        status_code_check(number=appeal.number, code=issued.code)
    assert "устарел" in refused.value.message


def test_a_new_code_replaces_the_old_one(operator):
    appeal = call_appeal(operator)
    first = status_code_issue(number=appeal.number)
    with clock.travel_to(clock.now() + timedelta(seconds=61)):
        second = status_code_issue(number=appeal.number)
        with pytest.raises(ValidationFailed):
            status_code_check(number=appeal.number, code=first.code)
        if first.code != second.code:
            assert status_code_check(number=appeal.number, code=second.code).pk == appeal.pk


def test_ten_wrong_codes_lock_the_number_with_a_reason(operator):
    appeal = call_appeal(operator)
    issued = status_code_issue(number=appeal.number)
    wrong = _wrong(issued.code)
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(ValidationFailed):
            status_code_check(number=appeal.number, code=wrong)
    with pytest.raises(TooManyRequests) as locked:
        status_code_check(number=appeal.number, code=wrong)
    assert "Слишком много неверных кодов" in locked.value.message
    # Locked: even the right code, and new codes, are refused for a while…
    with pytest.raises(TooManyRequests):
        status_code_check(number=appeal.number, code=issued.code)
    browser = Client()
    refused = ask_code(browser, appeal.display_number)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 25 * 60
    assert "Слишком много неверных кодов" in refused.content.decode()
    # …and the number opens again after half an hour.
    with clock.travel_to(clock.now() + timedelta(minutes=31)):
        again = status_code_issue(number=appeal.number)
        assert status_code_check(number=appeal.number, code=again.code).pk == appeal.pk


def test_an_unknown_number_locks_like_a_known_one():
    status_code_issue(number=UNKNOWN)
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(ValidationFailed):
            status_code_check(number=UNKNOWN, code="123456")
    with pytest.raises(TooManyRequests):
        status_code_check(number=UNKNOWN, code="123456")


def test_codes_are_limited_per_number(operator):
    appeal = call_appeal(operator)
    start = clock.now()
    for minute in range(5):
        with clock.travel_to(start + timedelta(minutes=minute * 2)):
            status_code_issue(number=appeal.number)
    with (
        clock.travel_to(start + timedelta(minutes=12)),
        pytest.raises(TooManyRequests) as refused,
    ):
        status_code_issue(number=appeal.number)
    assert "за час" in refused.value.message


def test_a_malformed_number_is_refused_before_anything_is_sent():
    response = ask_code(Client(), "26-0001")
    assert response.status_code == 400
    assert "например" in response.content.decode()
    assert not StatusAccess.objects.exists()


# ---- the link with a key ------------------------------------------------------------------------


def test_the_status_link_opens_the_status_without_a_code(operator):
    appeal = factories.bring_to(call_appeal(operator), "answered", applicant=None, staff=operator)
    link = urlsplit(status_link(appeal))
    query = {k: v[0] for k, v in parse_qs(link.query).items()}
    assert link.path == "/status/"
    assert query == {"number": appeal.display_number, "key": status_key(appeal)}
    html = page(Client(), query["number"], key=query["key"])
    assert "Ответ готов" in html
    assert "Проблема устранена." in html


def test_a_tampered_key_is_no_key(operator):
    appeal = call_appeal(operator)
    key = status_key(appeal)
    tampered = ("A" if key[0] != "A" else "B") + key[1:]
    html = page(Client(), appeal, key=tampered)
    assert "Получить код" in html
    assert "Зарегистрировано" not in html
    # Another appeal's key does not open this one.
    other = call_appeal(operator, phone="+79160000000")
    assert "Получить код" in page(Client(), appeal, key=status_key(other))


# ---- the registration message carries the number and the link -----------------------------------


def test_the_registration_sms_and_email_carry_the_number_and_the_status_link(operator):
    templates_cache_clear()
    appeal = call_appeal(operator, email="caller@example.ru")
    relay()
    link = status_link(appeal)
    sms = Notification.objects.get(event__type="registered", channel="sms", address=PHONE)
    assert appeal.display_number in sms.body
    assert sms.body.endswith(status_short_link(appeal))
    assert sms_segments(sms.body) <= 2
    email = Notification.objects.get(
        event__type="registered", channel="email", address="caller@example.ru"
    )
    assert appeal.display_number in email.body
    assert link in email.body
    assert link.replace("&", "&amp;") in email.html


def test_the_short_link_in_the_sms_leads_to_the_status(operator):
    appeal = call_appeal(operator)
    short = urlsplit(status_short_link(appeal))
    response = Client().get(f"{short.path}?{short.query}")
    assert response.status_code == 302
    assert response["Location"] == status_path(appeal)
    html = page(Client(), appeal, key=status_key(appeal))
    assert "Зарегистрировано" in html


def test_every_sms_to_an_applicant_without_an_account_fits_two_segments(operator, settings):
    settings.PRIEMNAYA_SITE_URL = LONG_SITE
    templates_cache_clear()  # the defaults, not a template another test left cached
    appeal = call_appeal(operator)
    for event_type in EventType.values:
        event = make_event(appeal, event_type, actor=operator)
        sms = render(event, channel=Channel.SMS, audience=Audience.APPLICANT).text
        assert sms_segments(sms) <= 2, (event_type, sms)
        assert appeal.display_number in sms
        assert sms.endswith(status_short_link(appeal)), sms


def test_an_applicant_with_an_account_still_gets_the_cabinet_link(citizen, submit):
    appeal = submit(citizen)
    relay()
    email = Notification.objects.get(event__type="registered", channel="email")
    assert "key=" not in email.body
    assert f"/cabinet/appeals/{appeal.number}/" in email.body


def test_the_console_shows_the_operator_the_number_and_the_link_to_print(operator):
    appeal = call_appeal(operator)
    client = factories.signed_in(operator)
    html = client.get(f"/console/appeals/{appeal.number}/").content.decode()
    assert 'data-testid="status-link"' in html
    assert status_link(appeal).replace("&", "&amp;") in html


# ---- owners and staff as before -----------------------------------------------------------------


def test_the_owner_sees_the_own_appeal_without_a_code(citizen, submit):
    appeal = submit(citizen)
    html = page(factories.signed_in(citizen), appeal)
    assert "Открыть обращение" in html
    assert "Получить код" not in html


def test_another_citizen_is_offered_a_code_and_sees_nothing(citizen, other_citizen, submit):
    appeal = submit(other_citizen)
    html = page(factories.signed_in(citizen), appeal)
    assert "Получить код" in html
    assert appeal.subject not in html


# ---- the API ------------------------------------------------------------------------------------


def _api(path: str, body: dict):
    return Client().post(f"/api/v1{path}", body, content_type="application/json")


def test_api_code_then_status(operator):
    appeal = factories.bring_to(call_appeal(operator), "answered", applicant=None, staff=operator)
    sent = _api("/status/code", {"number": appeal.display_number})
    assert sent.status_code == 202
    assert sent.json()["sent_to"] == "+7 *** ***-45-67"
    found = _api("/status", {"number": appeal.display_number, "code": last_code(PHONE)})
    assert found.status_code == 200, found.content
    body = found.json()
    assert body["number"] == appeal.display_number
    assert (body["status"], body["status_label"]) == ("answered", "Ответ готов")
    assert body["registered_at"]
    assert body["answer"]["text"] == "Проблема устранена."
    assert body["answer"]["issued_at"]


def test_api_answers_an_unknown_number_like_a_known_one(operator):
    appeal = call_appeal(operator)
    known = _api("/status/code", {"number": appeal.display_number})
    unknown = _api("/status/code", {"number": UNKNOWN})
    assert known.status_code == unknown.status_code == 202
    assert set(known.json()) == set(unknown.json())
    assert known.json()["detail"].split(":")[0] == unknown.json()["detail"].split(":")[0]


def test_api_wrong_and_reused_codes_are_422_on_code_and_ten_are_429(operator):
    appeal = call_appeal(operator)
    _api("/status/code", {"number": appeal.display_number})
    code = last_code(PHONE)
    assert _api("/status", {"number": appeal.number, "code": code}).status_code == 200
    reused = _api("/status", {"number": appeal.number, "code": code})
    assert reused.status_code == 422
    assert reused.json()["errors"][0]["field"] == "code"
    answers = [
        _api("/status", {"number": appeal.number, "code": "000000"}).status_code
        for _ in range(MAX_FAILURES - 1)
    ]
    assert answers == [422] * (MAX_FAILURES - 2) + [429]


def test_api_key_opens_the_status_and_a_wrong_key_is_no_key(operator):
    appeal = call_appeal(operator)
    ok = _api("/status", {"number": appeal.display_number, "key": status_key(appeal)})
    assert ok.status_code == 200
    assert ok.json()["status_label"] == "Получено"
    assert ok.json()["answer"] is None
    wrong = _api("/status", {"number": appeal.display_number, "key": "x" * 16})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "code"
