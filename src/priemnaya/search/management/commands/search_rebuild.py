"""`priemnaya search rebuild`: index every appeal again (after a restore, or new analysis), and
every collection other apps registered (search/registry.py: the knowledge base's articles)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from priemnaya.search.documents import appeals_rebuild
from priemnaya.search.registry import registered


class Command(BaseCommand):
    help = "Перестроить поисковый индекс обращений (поиск работает и во время перестройки)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--clear",
            action="store_true",
            help="сначала очистить индекс (после изменения правил разбора текста)",
        )

    def handle(self, *args, clear: bool = False, **options) -> None:
        def progress(done: int) -> None:
            if options.get("verbosity", 1) > 1:
                self.stdout.write(f"  проиндексировано: {done}")

        total = appeals_rebuild(clear=clear, progress=progress)
        self.stdout.write(f"Поисковый индекс перестроен: обращений {total}.")
        for entry in registered():
            count = entry.rebuild(clear=clear, progress=progress)
            self.stdout.write(f"Коллекция «{entry.collection.name}» перестроена: {count}.")
