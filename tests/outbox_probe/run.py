"""Run outbox steps in a separate process (the kill test): seed, consume slowly, drain, count.

python -m tests.outbox_probe.run seed 30
python -m tests.outbox_probe.run consume --delay 0.2     # prints «handled <id>» per event
python -m tests.outbox_probe.run drain
python -m tests.outbox_probe.run count                   # JSON {event_id: times handled}
"""

from __future__ import annotations

import json
import os
import sys


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "priemnaya.settings_test")
    import django

    django.setup()
    from django.db.models import Count

    from priemnaya.appeals import outbox
    from priemnaya.appeals.models import Event
    from tests.outbox_probe.consumer import ProbeConsumer
    from tests.outbox_probe.models import Handled

    command = argv[0]
    if command == "seed":
        from priemnaya.catalog.services import catalog_load_defaults
        from tests.factories import make_citizen, submit_appeal

        catalog_load_defaults()
        citizen = make_citizen(email="probe@example.ru", full_name="Проба")
        for n in range(int(argv[1])):
            submit_appeal(citizen, subject=f"Проба {n}", text="Текст пробы.")
        print(Event.objects.count(), flush=True)
    elif command == "consume":
        delay = float(argv[argv.index("--delay") + 1]) if "--delay" in argv else 0.0
        probe = ProbeConsumer(delay=delay, report=True)
        outbox.register(probe)
        outbox.dispatch()
        outbox.consume(probe, limit=10_000)
    elif command == "drain":
        probe = ProbeConsumer()
        outbox.register(probe)
        while outbox.dispatch() or outbox.consume(probe).handled:
            pass
    elif command == "count":
        name = argv[1] if len(argv) > 1 else "probe"
        rows = Handled.objects.filter(consumer=name).values("event_id").annotate(n=Count("id"))
        print(json.dumps({str(r["event_id"]): r["n"] for r in rows}), flush=True)
        print(json.dumps(sorted(Event.objects.values_list("id", flat=True))), flush=True)
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
