"""The probe consumer: records every event it is handed, optionally slowly (to be killed)."""

from __future__ import annotations

import sys
import time

from priemnaya.appeals.models import Event
from tests.outbox_probe.models import Handled


class ProbeConsumer:
    def __init__(self, name: str = "probe", *, delay: float = 0.0, report: bool = False):
        self.name = name
        self.delay = delay
        self.report = report
        self.fail_on: set[int] = set()

    def wants(self, event: Event) -> bool:
        return True

    def handle(self, event: Event) -> None:
        if event.pk in self.fail_on:
            raise RuntimeError(f"probe refuses event {event.pk}")
        Handled.objects.create(consumer=self.name, event_id=event.pk)
        if self.report:
            # Written before the batch commits: the parent kills us after some of these lines.
            print(f"handled {event.pk}", flush=True)
            sys.stdout.flush()
        if self.delay:
            time.sleep(self.delay)
