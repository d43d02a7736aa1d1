"""`priemnaya manage retention_run [--dry-run]`: one retention run now, with its counts."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from priemnaya.retention.services import retention_run


class Command(BaseCommand):
    help = (
        "Передать в архив и обезличить обращения, срок хранения которых истёк (акт об уничтожении)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="только посчитать, ничего не менять"
        )
        parser.add_argument("--batch", type=int, default=None, help="обращений в одной транзакции")

    def handle(self, *args, **options) -> None:
        report = retention_run(dry_run=options["dry_run"], batch=options["batch"])
        if report.dry_run:
            self.stdout.write(
                f"Проверка без изменений: в архив — {report.archived}, "
                f"обезличить — {report.anonymised}, под запретом — {report.on_hold}."
            )
            return
        self.stdout.write(
            f"Передано в архив: {report.archived}; обезличено: {report.anonymised}; "
            f"под запретом уничтожения: {report.on_hold}."
        )
        if report.act:
            self.stdout.write(f"Составлен акт № {report.act}.")
