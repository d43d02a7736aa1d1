"""Notification pages: the bell, the feeds, preferences, push endpoints, failed deliveries, the
unsubscribe page, the demo outbox and the SMS short link, driven by the test client."""

from __future__ import annotations

import base64
import json
from email.message import EmailMessage

import pytest
from django.test import Client

from priemnaya.notifications import devoutbox
from priemnaya.notifications.models import Notification, Preference, PushSubscription, State
from tests.factories import make_citizen, signed_in, submit_appeal
from tests.notification_factories import failed_email, feed_item

P256DH = base64.urlsafe_b64encode(b"\x04" + b"k" * 64).rstrip(b"=").decode()
AUTH = base64.urlsafe_b64encode(b"a" * 16).rstrip(b"=").decode()
SETTINGS_FORM = {
    "email": "on",
    "push": "on",
    "kinds": ["complaint", "support"],
    "quiet_from": "22:30",
    "quiet_to": "07:00",
    "timezone": "Asia/Novosibirsk",
}


# ---- the bell -----------------------------------------------------------------------------------


def test_bell_shows_the_unread_count_to_eyes_and_screen_readers(citizen):
    # given
    feed_item(citizen)
    feed_item(citizen)
    feed_item(citizen)
    feed_item(citizen, read=True)
    # when
    html = signed_in(citizen).get("/cabinet/").content.decode()
    # then
    assert 'aria-label="Уведомления, 3 непрочитанных"' in html
    assert 'href="/cabinet/notifications/"' in html
    assert ">3</span>" in html


def test_bell_for_staff_leads_to_the_console_feed_and_not_for_anonymous(operator, client, catalog):
    html = signed_in(operator).get("/console/").content.decode()
    assert 'aria-label="Уведомления, нет непрочитанных"' in html
    assert 'href="/console/notifications/"' in html
    assert "data-bell" not in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("count", "label"),
    [
        (1, "1 непрочитанное"),
        (2, "2 непрочитанных"),
        (11, "11 непрочитанных"),
        (21, "21 непрочитанное"),
    ],
)
def test_bell_label_agrees_with_the_number(count, label):
    from priemnaya.web.templatetags.ui import unread_label

    assert unread_label(count) == f"Уведомления, {label}"


def test_unread_json_is_own_count_and_401_for_anonymous(citizen, other_citizen, client):
    feed_item(other_citizen)
    feed_item(citizen)
    assert signed_in(citizen).get("/cabinet/notifications/unread.json").json() == {"unread": 1}
    assert client.get("/cabinet/notifications/unread.json").status_code == 401


# ---- the feeds ----------------------------------------------------------------------------------


def test_cabinet_feed_lists_own_items_with_links_and_read_state(citizen, other_citizen):
    # given
    appeal = submit_appeal(citizen)
    unread = feed_item(citizen, appeal, title="Ответ готов")
    feed_item(citizen, title="Обращение зарегистрировано", read=True)
    feed_item(other_citizen, title="Чужое уведомление")
    # when
    response = signed_in(citizen).get("/cabinet/notifications/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ответ готов</h2>" in html
    assert f'href="/cabinet/appeals/{appeal.number}/"' in html
    assert "Чужое уведомление" not in html
    assert "Прочитано" in html
    assert f'name="id" value="{unread.pk}"' in html
    assert "Отметить все прочитанными" in html
    unread_only = signed_in(citizen).get("/cabinet/notifications/?unread=1").content.decode()
    assert "Обращение зарегистрировано" not in unread_only


def test_mark_one_and_all_read(citizen, other_citizen):
    # given
    first, second = feed_item(citizen), feed_item(citizen)
    theirs = feed_item(other_citizen)
    page = signed_in(citizen)
    # when: one item, and someone else's id (changes nothing)
    response = page.post("/cabinet/notifications/read/", {"id": [first.pk, theirs.pk]})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/cabinet/notifications/"
    assert Notification.objects.get(pk=first.pk).read_at is not None
    assert Notification.objects.get(pk=second.pk).read_at is None
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    # when: all
    page.post("/cabinet/notifications/read/", {"all": "1"})
    assert Notification.objects.get(pk=second.pk).read_at is not None
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    html = page.get("/cabinet/notifications/").content.decode()
    assert "Все уведомления отмечены прочитанными." in html


@pytest.mark.parametrize("value", ["²", "abc", "9" * 40, "-1"])
def test_odd_ids_and_pages_change_nothing(citizen, value):
    item = feed_item(citizen)
    response = signed_in(citizen).post("/cabinet/notifications/read/", {"id": value, "page": value})
    assert response.status_code == 302
    assert response["Location"] == "/cabinet/notifications/"
    assert Notification.objects.get(pk=item.pk).read_at is None


def test_console_feed_links_to_console_pages(operator, citizen):
    appeal = submit_appeal(citizen)
    feed_item(operator, appeal, title="Вам назначено обращение", audience="staff")
    html = signed_in(operator).get("/console/notifications/").content.decode()
    assert f'href="/console/appeals/{appeal.number}/"' in html
    assert "Вам назначено обращение" in html
    assert "Недоставленные" not in html  # only quality control retries
    signed_in(operator).post("/console/notifications/read/", {"all": "1"})
    assert Notification.objects.get(user=operator).read_at is not None


@pytest.mark.parametrize(
    "path",
    [
        "/cabinet/notifications/",
        "/cabinet/notifications/settings/",
        "/console/notifications/",
        "/console/notifications/settings/",
        "/console/notifications/failed/",
    ],
)
def test_anonymous_is_sent_to_login(client, catalog, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_roles_keep_to_their_pages(citizen, operator):
    assert signed_in(citizen).get("/console/notifications/").status_code == 403
    assert signed_in(operator).get("/cabinet/notifications/").status_code == 403
    assert signed_in(citizen).get("/console/notifications/failed/").status_code == 403
    assert signed_in(operator).get("/console/notifications/failed/").status_code == 403


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/cabinet/notifications/read/", {"all": "1"}),
        ("/cabinet/notifications/settings/", SETTINGS_FORM),
    ],
)
def test_forms_need_the_csrf_token(citizen, path, data):
    feed_item(citizen)
    response = signed_in(citizen, enforce_csrf_checks=True).post(path, data)
    assert response.status_code == 403
    assert Notification.objects.get().read_at is None
    assert not Preference.objects.exists()


# ---- preferences --------------------------------------------------------------------------------


def test_settings_form_shows_the_defaults_and_saves(citizen):
    page = signed_in(citizen)
    html = page.get("/cabinet/notifications/settings/").content.decode()
    assert "Europe/Moscow" in html
    assert "Камчатский" in html
    assert 'name="digest"' not in html  # the digest is for staff
    assert "Включить уведомления в браузере" in html
    assert "data-push hidden" in html  # shown by push.js only where the browser can push
    response = page.post("/cabinet/notifications/settings/", SETTINGS_FORM)
    assert response.status_code == 302
    saved = Preference.objects.get(user=citizen)
    assert (saved.email, saved.sms, saved.push) == (True, False, True)
    assert saved.kinds == ["complaint", "support"]
    assert saved.timezone == "Asia/Novosibirsk"
    assert "Настройки уведомлений сохранены." in page.get(response["Location"]).content.decode()


def test_settings_errors_are_russian_name_the_field_and_keep_input(catalog):
    # given: a citizen without a phone who asks for SMS, in a zone that does not exist
    person = make_citizen()
    form = {**SETTINGS_FORM, "sms": "on", "timezone": "Europe/Atlantis", "quiet_to": "25:99"}
    # when
    response = signed_in(person).post("/cabinet/notifications/settings/", form)
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert "Время указывается как ЧЧ:ММ." in html
    assert 'id="id_quiet_to_error"' in html
    assert 'value="22:30"' in html
    assert not Preference.objects.exists()
    # when the shape is right, the service names its fields
    form["quiet_to"] = "07:00"
    html = signed_in(person).post("/cabinet/notifications/settings/", form).content.decode()
    assert 'id="id_sms_error"' in html
    assert "укажите телефон" in html
    assert 'id="id_timezone_error"' in html
    assert "Неизвестный часовой пояс «Europe/Atlantis»." in html
    assert "Europe/Atlantis</option>" in html  # kept, though not in the list


def test_unknown_kind_is_named(citizen):
    form = {**SETTINGS_FORM, "kinds": ["nope"]}
    html = signed_in(citizen).post("/cabinet/notifications/settings/", form).content.decode()
    assert 'id="id_kinds_error"' in html
    assert "Неизвестный вид обращения: nope." in html


def test_staff_settings_have_the_digest(operator):
    page = signed_in(operator)
    html = page.get("/console/notifications/settings/").content.decode()
    assert 'name="digest"' in html
    assert "data-push" not in html
    response = page.post("/console/notifications/settings/", {**SETTINGS_FORM, "digest": ""})
    assert response.status_code == 302
    assert Preference.objects.get(user=operator).digest is False


# ---- push ---------------------------------------------------------------------------------------


def test_push_key_subscribe_and_unsubscribe(citizen, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    page = signed_in(citizen, enforce_csrf_checks=True)
    page.get("/cabinet/notifications/settings/")  # sets the csrftoken cookie
    token = page.cookies["csrftoken"].value
    key = page.get("/cabinet/push/key").json()["key"]
    assert len(base64.urlsafe_b64decode(key + "=")) == 65
    assert page.get("/cabinet/push/key").json()["key"] == key  # kept, not made again
    body = {"endpoint": "https://push.example.org/x", "keys": {"p256dh": P256DH, "auth": AUTH}}

    def post(path, data):
        return page.post(
            path, json.dumps(data), content_type="application/json", HTTP_X_CSRFTOKEN=token
        )

    assert post("/cabinet/push/subscribe", body).status_code == 201
    assert PushSubscription.objects.get().user == citizen
    refused = post("/cabinet/push/subscribe", {**body, "keys": {"p256dh": "x", "auth": AUTH}})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "p256dh"
    assert post("/cabinet/push/unsubscribe", {"endpoint": body["endpoint"]}).json() == {
        "removed": 1
    }
    assert not PushSubscription.objects.exists()


def test_push_subscribe_needs_login_and_csrf(citizen, client):
    body = json.dumps({"endpoint": "https://push.example.org/x"})
    assert client.post("/cabinet/push/subscribe", body, "application/json").status_code == 401
    no_token = signed_in(citizen, enforce_csrf_checks=True)
    assert no_token.post("/cabinet/push/subscribe", body, "application/json").status_code == 403
    assert (
        signed_in(citizen)
        .post("/cabinet/push/subscribe", "[1]", "application/json")
        .json()["errors"][0]["field"]
        == "body"
    )
    assert not PushSubscription.objects.exists()


def test_service_worker_is_served_from_the_root(client):
    response = client.get("/push-sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    text = response.content.decode()
    assert 'addEventListener("push"' in text
    assert 'addEventListener("notificationclick"' in text


# ---- failed deliveries --------------------------------------------------------------------------


def test_failed_deliveries_page_and_retry(citizen, supervisor):
    # given
    appeal = submit_appeal(citizen)
    parked = failed_email(appeal)
    page = signed_in(supervisor)
    # when
    html = page.get("/console/notifications/failed/").content.decode()
    # then: masked address, reason, appeal and attempts
    assert "iv***@example.ru" in html
    assert "ivanov@example.ru" not in html  # nor in the SMTP server's answer
    assert "550 5.1.1 &lt;iv***@example.ru&gt;: Recipient address rejected" in html
    assert f"№ {appeal.display_number}" in html
    assert ">8</td>" in html
    assert "Недоставленные" in page.get("/console/notifications/").content.decode()
    # when: «Повторить»
    response = page.post(f"/console/notifications/failed/{parked.pk}/retry/")
    assert response.status_code == 302
    assert Notification.objects.get(pk=parked.pk).state == State.PENDING
    html = page.get(response["Location"]).content.decode()
    assert "снова поставлено в очередь" in html
    assert "Недоставленных уведомлений нет." in html
    # a second click: already pending
    page.post(f"/console/notifications/failed/{parked.pk}/retry/")
    assert (
        "Повторить можно только недоставленное"
        in page.get("/console/notifications/failed/").content.decode()
    )


def test_retry_refused_to_operators_and_unknown_is_404(citizen, operator, supervisor):
    parked = failed_email(submit_appeal(citizen))
    refused = signed_in(operator).post(f"/console/notifications/failed/{parked.pk}/retry/")
    assert refused.status_code == 403
    assert Notification.objects.get(pk=parked.pk).state == State.FAILED
    missing = signed_in(supervisor).post("/console/notifications/failed/999999/retry/")
    assert missing.status_code == 404
    no_csrf = signed_in(supervisor, enforce_csrf_checks=True)
    assert no_csrf.post(f"/console/notifications/failed/{parked.pk}/retry/").status_code == 403
    assert Notification.objects.get(pk=parked.pk).state == State.FAILED


# ---- unsubscribe --------------------------------------------------------------------------------


def test_unsubscribe_confirms_then_applies_one_click_without_csrf(citizen):
    from priemnaya.notifications.unsubscribe import unsubscribe_token

    # given the link from a notification e-mail's List-Unsubscribe header
    token = unsubscribe_token(address=citizen.email, user_id=citizen.pk)
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/u/{token}/")
    assert page.status_code == 200
    assert "Отписаться" in page.content.decode()
    # GET changes nothing (link scanners open links)
    assert not Preference.objects.filter(user=citizen).exists()
    # when the mail client posts the one-click unsubscribe (no CSRF token: RFC 8058)
    done = client.post(f"/u/{token}/", {"List-Unsubscribe": "One-Click"})
    # then e-mail is off for that account and the page says for which address
    assert done.status_code == 200
    assert citizen.email in done.content.decode()
    assert Preference.objects.get(user=citizen).email is False


def test_unsubscribe_with_a_bad_token_says_why(db):
    response = Client().post("/u/forged/")
    assert response.status_code == 400
    assert "недействительна" in response.content.decode()


# ---- the demo outbox ----------------------------------------------------------------------------


@pytest.fixture
def outbox(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.DEBUG = True
    message = EmailMessage()
    message["Subject"] = "Обращение № 26-0001234-9: ответ готов"
    message["From"] = "Приёмная <noreply@priemnaya.local>"
    message["To"] = "ivanov@example.ru"
    message["Date"] = "Thu, 26 Nov 2026 14:05:00 +0300"
    message.set_content("Здравствуйте!\nОтвет готов.")
    message.add_alternative('<p>Ответ <b>готов</b></p><script>alert("x")</script>', subtype="html")
    (devoutbox.outbox_dir("email") / "20261126-140500-000001-0.eml").write_bytes(bytes(message))
    devoutbox.store_sms("+79161234567", "Обращение № 26-0001234-9: ответ готов.")
    return tmp_path


def test_outbox_lists_emails_and_sms(outbox, client):
    response = client.get("/dev/outbox/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Обращение № 26-0001234-9: ответ готов" in html
    assert "ivanov@example.ru" in html
    assert "+79161234567" in html
    assert 'href="/dev/outbox/email/20261126-140500-000001-0.eml/"' in html


def test_outbox_email_shows_html_in_a_sandbox(outbox, client):
    html = client.get("/dev/outbox/email/20261126-140500-000001-0.eml/").content.decode()
    assert "<iframe" in html
    assert "sandbox srcdoc=" in html
    assert "<script>alert" not in html  # the letter's HTML is an escaped attribute
    assert "Здравствуйте!" in html
    assert client.get("/dev/outbox/email/..%2Fsecret.eml/").status_code == 404
    assert client.get("/dev/outbox/email/missing.eml/").status_code == 404


def test_outbox_is_404_without_debug(outbox, client, settings):
    settings.DEBUG = False
    assert client.get("/dev/outbox/").status_code == 404
    assert client.get("/dev/outbox/email/20261126-140500-000001-0.eml/").status_code == 404


# ---- the short link -----------------------------------------------------------------------------


def test_short_link_leads_each_reader_to_their_page(citizen, operator, client):
    appeal = submit_appeal(citizen)
    anonymous = client.get(f"/a/{appeal.number}")
    assert anonymous.status_code == 302
    assert anonymous["Location"] == (f"/accounts/login/?next=/cabinet/appeals/{appeal.number}/")
    assert signed_in(citizen).get(f"/a/{appeal.number}")["Location"] == (
        f"/cabinet/appeals/{appeal.number}/"
    )
    assert signed_in(operator).get(f"/a/{appeal.number}")["Location"] == (
        f"/console/appeals/{appeal.number}/"
    )


def test_short_link_takes_the_number_as_sms_print_it(citizen, client):
    from priemnaya.core.numbering import format_number
    from priemnaya.notifications.rendering import short_url

    appeal = submit_appeal(citizen)
    path = short_url(appeal).split("://", 1)[1].split("/", 1)[1]
    assert path == f"a/{format_number(appeal.number)}"
    assert signed_in(citizen).get(f"/{path}")["Location"] == f"/cabinet/appeals/{appeal.number}/"
    assert client.get("/a/26-0000000-1").status_code == 404
