"""A citizen enables browser notifications; a member of staff writes on their appeal; the real
pipeline (outbox relay → planner → push sender) posts an encrypted, VAPID-signed message to the
subscription's endpoint; what arrived, decrypted, reaches the page's service worker and the bell
updates without a reload.

Headless Chromium cannot reach a real push service, so ``PushManager.subscribe`` resolves to a
subscription whose endpoint is a local receiver and whose keys this test holds (as a browser would
hold them). The test plays the push service: it decrypts what our sender posted there and hands
exactly that to the service worker through the DevTools protocol
(``ServiceWorker.deliverPushMessage``).
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from priemnaya.appeals import services
from priemnaya.appeals.outbox import relay_once
from priemnaya.appeals.states import EventType
from priemnaya.notifications import push
from priemnaya.notifications.models import Channel, Notification, PushSubscription, State
from priemnaya.notifications.sender import deliver_once
from tests.e2e.test_round_trip import sign_in
from tests.factories import submit_appeal
from tests.notifications.local_http import Reply, local_server
from tests.notifications.test_push import Browser, verify_vapid

pytestmark = pytest.mark.e2e


@pytest.fixture
def push_service():
    """A stand-in push service at the subscription's endpoint: records what is posted to it."""
    with local_server(default=Reply(201, b"", content_type="text/plain")) as service:
        yield service


@pytest.fixture
def own_vapid_key(settings, tmp_path):
    """This run's VAPID key, generated under its own VAR_DIR (never one left by another test)."""
    settings.VAR_DIR = tmp_path
    settings.VAPID_PRIVATE_KEY = ""
    settings.VAPID_PUBLIC_KEY = ""
    push.vapid_reset()
    yield
    push.vapid_reset()


FAKE_SUBSCRIBE = """
(() => {
  if (!("PushManager" in self)) { return; }
  const data = %s;
  // Kept across the page's navigations, as a browser keeps its subscription.
  const remember = (on) => sessionStorage.setItem("fakePush", on ? "1" : "");
  const remembered = () => !!sessionStorage.getItem("fakePush");
  const subscription = {
    endpoint: data.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true },
    getKey() { return null; },
    toJSON() { return { endpoint: data.endpoint, expirationTime: null, keys: data.keys }; },
    unsubscribe() { remember(false); return Promise.resolve(true); },
  };
  PushManager.prototype.subscribe = function (options) {
    self.__pushOptions = {
      userVisibleOnly: options.userVisibleOnly,
      keyLength: new Uint8Array(options.applicationServerKey).length,
    };
    remember(true);
    return Promise.resolve(subscription);
  };
  PushManager.prototype.getSubscription = function () {
    return Promise.resolve(remembered() ? subscription : null);
  };
})();
"""

# What the service worker posts to the open pages, kept for the test to read.
RECORD_WORKER_MESSAGES = """
() => {
  window.__workerMessages = [];
  navigator.serviceWorker.addEventListener("message", (event) => {
    window.__workerMessages.push(event.data);
  });
}
"""


def service_worker_registration(ctx, page, base: str) -> tuple[object, str]:
    """Return a DevTools session and the id of the page's service worker registration."""
    cdp = ctx.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_function("navigator.serviceWorker.ready.then(r => !!r.active)")
    for _ in range(200):
        if any(r["scopeURL"].startswith(base) for r in registrations):
            break
        page.wait_for_timeout(50)  # let Playwright dispatch the protocol's events
    registration = next(r for r in registrations if r["scopeURL"].startswith(base))
    return cdp, registration["registrationId"]


def test_enable_push_and_see_the_bell_update(
    transactional_db,
    live_server,
    browser,
    shot,
    citizen,
    operator,
    push_service,
    own_vapid_key,
    settings,
):
    base = live_server.url
    settings.PRIEMNAYA_SITE_URL = base  # links in messages lead to this server
    # given: the citizen's appeal, its registration already in their feed (no push yet)
    appeal = submit_appeal(citizen)
    relay_once()
    assert not Notification.objects.filter(channel=Channel.PUSH).exists()
    # and a browser whose push subscription will be at the local push service
    device = Browser()
    endpoint = f"{push_service.url}/push/citizen-phone"
    keys = {"p256dh": device.p256dh, "auth": push.b64url(device.auth_secret)}
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    ctx.grant_permissions(["notifications"], origin=base)
    ctx.add_init_script(FAKE_SUBSCRIBE % json.dumps({"endpoint": endpoint, "keys": keys}))
    page = ctx.new_page()
    sign_in(page, base, citizen.email)
    page.wait_for_url(f"{base}/cabinet/")

    # when: the citizen turns browser notifications on
    page.goto(f"{base}/cabinet/notifications/settings/")
    enable = page.get_by_role("button", name="Включить уведомления в браузере")
    enable.click()
    status = page.locator("[data-push-status]")
    status.filter(has_text="уведомления в этом браузере включены").wait_for()
    shot(page, "push-01-enabled")

    # then: the server keeps the subscription, made with the server's key for visible pushes only
    stored = PushSubscription.objects.get(user=citizen)
    assert stored.endpoint == endpoint
    assert (stored.p256dh, stored.auth) == (keys["p256dh"], keys["auth"])
    assert page.evaluate("self.__pushOptions") == {"userVisibleOnly": True, "keyLength": 65}
    expect(page.get_by_role("button", name="Выключить")).to_be_visible()
    bell = page.locator("[data-bell]")
    assert bell.get_attribute("aria-label") == "Уведомления, 1 непрочитанное"
    cdp, registration_id = service_worker_registration(ctx, page, base)
    page.evaluate(RECORD_WORKER_MESSAGES)

    # when: an operator writes to the citizen, and the pipeline runs: the relay hands the event to
    # the planner (feed item + push), the push sender posts the push to the subscription's endpoint
    services.appeal_comment(
        appeal=appeal, actor=operator, text="Проверьте, пожалуйста, папку «Спам»."
    )
    assert relay_once() >= 1
    planned = Notification.objects.filter(appeal=appeal, event__type=EventType.COMMENTED)
    assert planned.filter(channel=Channel.PUSH).count() == 1
    assert planned.filter(channel=Channel.FEED, user=citizen, read_at=None).exists()
    assert deliver_once(channel=Channel.PUSH) == 1

    # then: the push service got one message, signed with our VAPID key, that only this browser
    # can read, about this appeal
    pushed = planned.get(channel=Channel.PUSH)
    assert pushed.state == State.SENT, pushed.last_error
    assert pushed.address == f"push:{stored.pk}"
    [request] = push_service.received
    assert request.path == "/push/citizen-phone"
    assert request.headers["content-encoding"] == "aes128gcm"
    verify_vapid(request.headers["authorization"], audience=push_service.url)
    message = device.decrypt(request.body)
    number = appeal.display_number
    assert message == {
        "title": pushed.subject,
        "body": f"Обращение № {number}: новое сообщение специалиста.",
        "url": f"{base}/cabinet/appeals/{appeal.number}/",
        "tag": f"appeal-{number}",
    }
    assert message["title"]

    # when: the push service hands exactly that to the page's service worker
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": base,
            "registrationId": registration_id,
            "data": json.dumps(message, ensure_ascii=False),
        },
    )

    # then: the worker tells the page, and the bell counts the new item with no reload (well
    # before the page's 30-second fallback poll)
    # (a locator assertion, not wait_for_function: the page's CSP forbids eval of a predicate)
    expect(page.locator("[data-bell]")).to_have_attribute(
        "aria-label", "Уведомления, 2 непрочитанных", timeout=5_000
    )
    count = page.locator("[data-bell-count]")
    expect(count).to_be_visible()
    assert count.inner_text() == "2"
    assert page.locator("[data-bell-live]").inner_text().startswith("Новое уведомление")
    assert page.evaluate("window.__workerMessages") == [
        {"type": "notification", "unread": 2, "url": message["url"], "title": message["title"]}
    ]
    assert page.url == f"{base}/cabinet/notifications/settings/"  # the same page, not reloaded
    shot(page, "push-02-bell-updated")

    # when: the citizen opens the feed
    bell.click()
    page.wait_for_url(f"{base}/cabinet/notifications/")
    shot(page, "push-03-feed")

    # then: the new item is on top, unread, about this appeal, and links to it
    feed_row = planned.get(channel=Channel.FEED)
    items = page.get_by_test_id("feed").locator(".feed-item")
    assert items.count() == 2
    item = items.first
    expect(item.locator(".badge--unread")).to_be_visible()
    # and says what happened: the event's title heads it, what changed follows
    assert item.get_by_role("heading").inner_text().endswith(feed_row.subject)
    assert feed_row.subject == "Комментарий"
    assert f"№ {number}" in item.inner_text()
    mark_read = item.get_by_role("button", name="Отметить прочитанным")
    assert mark_read.text_content() == f"Отметить прочитанным: {feed_row.subject}"
    link = item.get_by_role("link", name=f"№ {number}")
    assert link.get_attribute("href") == f"/cabinet/appeals/{appeal.number}/"
    link.click()
    page.wait_for_url(f"{base}/cabinet/appeals/{appeal.number}/")
    expect(page.get_by_text("Проверьте, пожалуйста, папку «Спам».").first).to_be_visible()
    # when: turned off again
    page.goto(f"{base}/cabinet/notifications/settings/")
    page.get_by_role("button", name="Выключить").click()
    status.filter(has_text="выключены").wait_for()
    assert not PushSubscription.objects.exists()
    ctx.close()
