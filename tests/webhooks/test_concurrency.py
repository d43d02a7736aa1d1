"""Several senders at once never POST one delivery twice (PostgreSQL: SKIP LOCKED and leases)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from priemnaya.appeals import services
from priemnaya.webhooks import sender
from priemnaya.webhooks.models import Delivery, DeliveryState
from priemnaya.webhooks.services import endpoint_create
from tests.factories import make_citizen, make_user, submit_appeal
from tests.webhooks.conftest import relay


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_senders_never_post_one_delivery_twice_on_postgresql(catalog, receiver):
    # given 60 queued deliveries and a receiver slow enough for the senders to overlap
    admin = make_user("administrator")
    endpoint_create(admin, name="CRM", url=receiver.url)
    citizen = make_citizen()
    appeal = submit_appeal(citizen)
    for i in range(59):
        services.appeal_comment(appeal=appeal, actor=citizen, text=f"Дополнение {i}.")
    relay()
    assert Delivery.objects.count() == 60
    receiver.delay = 0.02
    start = threading.Barrier(2)

    def send():
        try:
            start.wait(10)
            while sender.deliver_once(limit=7):
                pass
        finally:
            connection.close()

    # when two senders drain the queue at once
    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    # then every delivery was POSTed exactly once and recorded delivered
    posted = Counter(r.delivery for r in receiver.requests)
    assert len(posted) == 60
    assert set(posted.values()) == {1}
    assert Delivery.objects.filter(state=DeliveryState.DELIVERED).count() == 60
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
