"""Seed and inspect the database of the cluster test (tests/production/test_cluster.py).

python -m tests.production.cluster seed --webhook-url URL   # prints the citizen's API token
python -m tests.production.cluster status                   # JSON: appeals, journal, deliveries
"""

from __future__ import annotations

import json
import os
import sys


def seed(webhook_url: str) -> None:
    from priemnaya.accounts.services import api_token_create
    from priemnaya.catalog.services import catalog_load_defaults
    from priemnaya.webhooks.models import Endpoint
    from tests.factories import make_citizen

    catalog_load_defaults()
    Endpoint.objects.create(name="Приёмник", url=webhook_url, event_types=[])
    citizen = make_citizen(email="cluster@example.ru", full_name="Кластерова Вера")
    print(api_token_create(citizen, name="cluster-test"), flush=True)


def status() -> None:
    from django.db.models import Count

    from priemnaya.appeals.models import Appeal, Event, EventDelivery
    from priemnaya.notifications.models import Notification
    from priemnaya.webhooks.models import Delivery

    def states(queryset) -> dict[str, int]:
        return dict(queryset.values_list("state").annotate(n=Count("id")).values_list("state", "n"))

    tokens = Appeal.objects.values_list("client_token").annotate(n=Count("id"))
    print(
        json.dumps(
            {
                "appeals": Appeal.objects.count(),
                "client_tokens": dict(tokens),
                "events": Event.objects.count(),
                "events_by_type": dict(
                    Event.objects.values_list("type")
                    .annotate(n=Count("id"))
                    .values_list("type", "n")
                ),
                "undispatched": Event.objects.filter(dispatched_at__isnull=True).count(),
                "undelivered": EventDelivery.objects.filter(handled_at__isnull=True).count(),
                "email": states(Notification.objects.filter(channel="email")),
                "email_ids": sorted(
                    Notification.objects.filter(channel="email").values_list("id", flat=True)
                ),
                "webhooks": states(Delivery.objects.all()),
                "webhook_ids": sorted(Delivery.objects.values_list("id", flat=True)),
            }
        ),
        flush=True,
    )


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "priemnaya.settings")
    import django

    django.setup()
    if argv[0] == "seed":
        seed(argv[argv.index("--webhook-url") + 1])
    elif argv[0] == "status":
        status()
    else:
        raise SystemExit(f"unknown command {argv[0]}")


if __name__ == "__main__":
    main(sys.argv[1:])
