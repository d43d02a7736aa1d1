"""Drive a burst of journal events in a separate process (the reliability test and benchmarks).

    python -m tests.notifications.burst seed N --webhook-url URL [--comments M]
    python -m tests.notifications.burst status      # JSON: what is still pending, what was sent

`seed` files N appeals from one citizen with an e-mail (each a «registered» event: one e-mail to
the applicant and one webhook delivery), optionally M public staff comments more, and registers a
webhook endpoint for every event type. Nothing is relayed: the worker under test does that.
"""

from __future__ import annotations

import json
import os
import sys


def seed(count: int, webhook_url: str, comments: int) -> None:
    from priemnaya.accounts.models import User
    from priemnaya.appeals import services
    from priemnaya.appeals.models import Event
    from priemnaya.catalog.services import catalog_load_defaults
    from priemnaya.webhooks.models import Endpoint
    from tests.factories import make_citizen, make_operator, submit_appeal

    catalog_load_defaults()
    Endpoint.objects.create(name="Приёмник", url=webhook_url, event_types=[])
    citizen = make_citizen(email="burst@example.ru", full_name="Залпова Анна")
    # Requests, not support appeals: a burst of alike support appeals is an outage, and incident
    # detection would add its own events (tests/appeals/test_incidents.py covers that).
    appeals = [
        submit_appeal(
            citizen,
            kind="request",
            theme="tech-login",
            subject=f"Залп {n}",
            text=f"Проверка доставки номер {n}.",
        )
        for n in range(count)
    ]
    if comments:
        operator: User = make_operator(email="burst-operator@example.ru")
        for n in range(comments):
            services.appeal_comment(
                appeal=appeals[n % len(appeals)], actor=operator, text=f"Комментарий {n}."
            )
    print(Event.objects.count(), flush=True)


def status() -> None:
    from django.db.models import Count

    from priemnaya.appeals.models import Event
    from priemnaya.notifications.models import DeliveryAttempt, Notification
    from priemnaya.webhooks.models import Delivery

    email = dict(
        Notification.objects.filter(channel="email")
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    hooks = dict(
        Delivery.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n")
    )
    print(
        json.dumps(
            {
                "events": Event.objects.count(),
                "undispatched": Event.objects.filter(dispatched_at__isnull=True).count(),
                "email": email,
                "email_ids": sorted(
                    Notification.objects.filter(channel="email").values_list("id", flat=True)
                ),
                # Tries that ended in an error and were retried: a reply lost to a timeout under
                # load is sent again, by design, without any worker being killed.
                "email_failed_attempts": DeliveryAttempt.objects.filter(
                    ok=False, notification__channel="email"
                ).count(),
                "webhooks": hooks,
                "webhook_ids": sorted(Delivery.objects.values_list("id", flat=True)),
            }
        ),
        flush=True,
    )


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "priemnaya.settings_test")
    import django

    django.setup()
    if argv[0] == "seed":
        comments = int(argv[argv.index("--comments") + 1]) if "--comments" in argv else 0
        seed(int(argv[1]), argv[argv.index("--webhook-url") + 1], comments)
    elif argv[0] == "status":
        status()
    else:
        raise SystemExit(f"unknown command {argv[0]}")


if __name__ == "__main__":
    main(sys.argv[1:])
