"""Administrators manage endpoints and read the delivery log in admin; every page renders."""

from __future__ import annotations

import pytest

from priemnaya.accounts.roles import Role
from priemnaya.webhooks.models import Delivery, DeliveryState, Endpoint
from priemnaya.webhooks.sender import deliver_once
from tests.factories import make_user, signed_in
from tests.webhooks.conftest import relay


@pytest.fixture
def admin_client(administrator):
    return signed_in(administrator)


@pytest.fixture
def delivered(citizen, submit, endpoint, receiver):
    submit(citizen)
    relay()
    deliver_once()
    return Delivery.objects.get()


def test_every_webhook_admin_page_renders(admin_client, endpoint, delivered):
    pages = [
        "/admin/webhooks/",
        "/admin/webhooks/endpoint/",
        "/admin/webhooks/endpoint/add/",
        f"/admin/webhooks/endpoint/{endpoint.pk}/change/",
        "/admin/webhooks/endpoint/?is_active__exact=1",
        "/admin/webhooks/delivery/",
        "/admin/webhooks/delivery/?state__exact=delivered",
        f"/admin/webhooks/delivery/?endpoint__id__exact={endpoint.pk}",
        "/admin/webhooks/delivery/?event__type__exact=registered",
        "/admin/webhooks/delivery/?q=26",
        f"/admin/webhooks/delivery/{delivered.pk}/change/",
    ]
    for page in pages:
        response = admin_client.get(page)
        assert response.status_code == 200, page
    change = admin_client.get(f"/admin/webhooks/endpoint/{endpoint.pk}/change/").content.decode()
    assert endpoint.secret in change  # the secret stays available to administrators
    assert "Обращение получено" in change  # event types by their Russian names
    log = admin_client.get(f"/admin/webhooks/delivery/{delivered.pk}/change/").content.decode()
    assert "Доставлено" in log
    assert '<td class="field-status_code">' in log  # the attempt inline


def test_the_delivery_log_is_read_only(admin_client, delivered):
    assert admin_client.get("/admin/webhooks/delivery/add/").status_code == 403
    assert admin_client.get(f"/admin/webhooks/delivery/{delivered.pk}/delete/").status_code == 403


def test_an_endpoint_added_in_admin_gets_a_secret_shown_once(admin_client):
    response = admin_client.post(
        "/admin/webhooks/endpoint/add/",
        {
            "name": "СЭД",
            "url": "https://sed.example.ru/hook",
            "event_types": ["answered", "closed"],
            "is_active": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    endpoint = Endpoint.objects.get()
    assert endpoint.event_types == ["answered", "closed"]
    assert len(endpoint.secret) >= 40
    assert endpoint.secret in response.content.decode()


def test_bad_endpoint_input_is_shown_on_its_field_in_admin(admin_client):
    response = admin_client.post(
        "/admin/webhooks/endpoint/add/", {"name": "СЭД", "url": "ftp://sed.example.ru/"}
    )
    assert response.status_code == 200
    assert "url" in response.context["adminform"].form.errors
    assert not Endpoint.objects.exists()


def test_the_enable_and_redeliver_actions_call_the_services(admin_client, endpoint, delivered):
    Endpoint.objects.filter(pk=endpoint.pk).update(is_active=False, failure_run=10)
    response = admin_client.post(
        "/admin/webhooks/endpoint/",
        {"action": "enable", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    assert "Включено получателей: 1" in response.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert endpoint.failure_run == 0
    response = admin_client.post(
        "/admin/webhooks/delivery/",
        {"action": "redeliver", "_selected_action": [delivered.pk]},
        follow=True,
    )
    assert "Поставлено в очередь повторно: 1" in response.content.decode()
    assert Delivery.objects.get().state == DeliveryState.PENDING


def test_staff_other_than_administrators_do_not_see_webhooks(catalog, endpoint):
    staff = make_user(Role.OPERATOR, is_staff=True, is_superuser=True)
    client = signed_in(staff)
    assert client.get("/admin/webhooks/endpoint/").status_code == 403
    assert client.get("/admin/webhooks/delivery/").status_code == 403


def test_switching_an_endpoint_in_admin_enables_it_or_stops_its_queue(admin_client, endpoint):
    Endpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, failure_run=10, disabled_at=endpoint.created_at, disabled_reason="сбой"
    )
    form = {"name": endpoint.name, "url": endpoint.url}
    page = f"/admin/webhooks/endpoint/{endpoint.pk}/change/"
    # ticking «Включён» enables it as the action does
    assert admin_client.post(page, {**form, "is_active": "on"}).status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.failure_run, endpoint.disabled_at) == (True, 0, None)
    # unticking switches it off by hand: nothing is queued for it any more
    assert admin_client.post(page, form).status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_at is None
