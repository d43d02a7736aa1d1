"""`priemnaya pd-check`: where personal data are stored; exit code 1 if any place is not RU."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from priemnaya.privacy.storage import pd_stores


class Command(BaseCommand):
    help = "Перечислить хранилища персональных данных и их размещение (152-ФЗ ст. 18 ч. 5)."

    def handle(self, *args, **options) -> None:
        stores = pd_stores()
        bad = [s for s in stores if not s.in_russia]
        for store in stores:
            mark = "ok " if store.in_russia else "НЕТ"
            self.stdout.write(
                f"[{mark}] {store.name}: {store.where} — {store.location} ({store.holds})"
            )
        if bad:
            self.stderr.write(
                f"Нарушение: {len(bad)} хранилищ(е) вне РФ или без указанного размещения. "
                "Укажите PRIEMNAYA_PD_LOCATIONS (docs/security-personal-data.md)."
            )
            sys.exit(1)
        self.stdout.write("Все хранилища персональных данных размещены в РФ.")
