"""`manage.py audit_verify` (and `priemnaya audit verify`): walk the chain, exit 1 if broken."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from priemnaya.audit.services import audit_verify


class Command(BaseCommand):
    help = "Проверить цепочку журнала аудита: первая нарушенная запись или «Цепочка цела»."

    def handle(self, *args, **options) -> None:
        check = audit_verify()
        if not check.ok:
            # CommandError: the message goes to stderr and the process exits with code 1.
            raise CommandError(f"Нарушение цепочки: запись #{check.broken_at} — {check.reason}")
        self.stdout.write(f"Цепочка цела: {check.checked} записей")
        if check.head_hash:
            self.stdout.write(f"Хеш последней записи: {check.head_hash}")
