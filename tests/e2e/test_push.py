"""A citizen enables browser notifications; a push delivered to the page's service worker updates
the bell without a reload.

Headless Chromium cannot reach a real push service, so ``PushManager.subscribe`` resolves to a
subscription whose endpoint is a local receiver and whose keys this test made; the push message
itself goes to the service worker through the DevTools protocol
(``ServiceWorker.deliverPushMessage``).
"""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from priemnaya.notifications.models import PushSubscription
from tests.e2e.test_round_trip import sign_in
from tests.factories import submit_appeal
from tests.notification_factories import feed_item

pytestmark = pytest.mark.e2e


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Receiver(BaseHTTPRequestHandler):
    """A stand-in push service at the subscription's endpoint: accepts what is posted to it."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def push_service():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/push/"
    server.shutdown()
    server.server_close()


FAKE_SUBSCRIBE = """
(() => {
  if (!("PushManager" in self)) { return; }
  const data = %s;
  let subscribed = false;
  const subscription = {
    endpoint: data.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true },
    getKey() { return null; },
    toJSON() { return { endpoint: data.endpoint, expirationTime: null, keys: data.keys }; },
    unsubscribe() { subscribed = false; return Promise.resolve(true); },
  };
  PushManager.prototype.subscribe = function (options) {
    self.__pushOptions = {
      userVisibleOnly: options.userVisibleOnly,
      keyLength: new Uint8Array(options.applicationServerKey).length,
    };
    subscribed = true;
    return Promise.resolve(subscription);
  };
  PushManager.prototype.getSubscription = function () {
    return Promise.resolve(subscribed ? subscription : null);
  };
})();
"""


def test_enable_push_and_see_the_bell_update(
    transactional_db, live_server, browser, shot, citizen, push_service, settings, tmp_path
):
    settings.VAR_DIR = tmp_path  # the VAPID key of this run
    base = live_server.url
    # given: a subscription the browser would get, with keys this test holds
    browser_key = ec.generate_private_key(ec.SECP256R1())
    keys = {
        "p256dh": b64url(
            browser_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        ),
        "auth": b64url(b"sixteen byte sec"),
    }
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    ctx.grant_permissions(["notifications"], origin=base)
    ctx.add_init_script(FAKE_SUBSCRIBE % json.dumps({"endpoint": push_service, "keys": keys}))
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
    assert stored.endpoint == push_service
    assert (stored.p256dh, stored.auth) == (keys["p256dh"], keys["auth"])
    assert page.evaluate("self.__pushOptions") == {"userVisibleOnly": True, "keyLength": 65}
    assert page.get_by_role("button", name="Выключить").is_visible()
    bell = page.locator("[data-bell]")
    assert bell.get_attribute("aria-label") == "Уведомления, нет непрочитанных"

    # when: something happens on an appeal and a push reaches the service worker
    appeal = submit_appeal(citizen)
    feed_item(citizen, appeal, title="Ответ готов")
    cdp = ctx.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_function("navigator.serviceWorker.ready.then(r => !!r.active)")
    while not [r for r in registrations if r["scopeURL"].startswith(base)]:
        page.wait_for_timeout(50)  # let Playwright dispatch the protocol's events
    registration = next(r for r in registrations if r["scopeURL"].startswith(base))
    message = {
        "title": f"Обращение № {appeal.display_number}",
        "body": "Ответ готов",
        "url": f"/cabinet/appeals/{appeal.number}/",
        "tag": f"appeal-{appeal.number}",
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": base,
            "registrationId": registration["registrationId"],
            "data": json.dumps(message),
        },
    )

    # then: the bell counts it, with no reload
    page.wait_for_function(
        "document.querySelector('[data-bell]').getAttribute('aria-label')"
        " === 'Уведомления, 1 непрочитанное'"
    )
    count = page.locator("[data-bell-count]")
    assert count.is_visible()
    assert count.inner_text() == "1"
    assert page.locator("[data-bell-live]").inner_text().startswith("Новое уведомление")
    shot(page, "push-02-bell-updated")

    # when: turned off again
    page.get_by_role("button", name="Выключить").click()
    status.filter(has_text="выключены").wait_for()
    assert not PushSubscription.objects.exists()
    ctx.close()
