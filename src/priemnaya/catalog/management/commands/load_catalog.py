from django.core.management.base import BaseCommand

from priemnaya.catalog.services import catalog_load_defaults


class Command(BaseCommand):
    # The calendar check fails while a year is missing; this command is how it gets loaded.
    requires_system_checks = []
    help = (
        "Добавить недостающие ведомства, виды, темы, политики сроков и годы календаря "
        "по умолчанию (правки не трогает)."
    )

    def handle(self, *args, **options):
        created = catalog_load_defaults()
        self.stdout.write(
            "Каталог: добавлено ведомств {departments}, видов {kinds}, тем {themes}, "
            "политик сроков {policies}, лет календаря {calendar_years}.".format(**created)
        )
