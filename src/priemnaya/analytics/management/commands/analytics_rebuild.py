"""`priemnaya analytics rebuild`: recompute the statistics from the appeals table."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from priemnaya.analytics.services import rollups_rebuild


class Command(BaseCommand):
    help = "Пересчитать сводки аналитики по таблице обращений (можно повторять)."

    def handle(self, *args, **options) -> None:
        def progress(done: int) -> None:
            if options.get("verbosity", 1) > 1:
                self.stdout.write(f"  учтено обращений: {done}")

        total = rollups_rebuild(progress=progress)
        self.stdout.write(f"Сводки аналитики пересчитаны: обращений {total}.")
