from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from priemnaya.demo.loader import load_accounts, load_demo
from priemnaya.demo.opendata import load_open_data
from priemnaya.demo.retention import load_retention
from priemnaya.search.models import SuggestModel


class Command(BaseCommand):
    help = "Загрузить демо-учётные записи и примеры обращений (только для демонстрации)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="загрузить и при DEBUG=0")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Демо-учётные записи с известным паролем не загружаются при DEBUG=0. "
                "Если это действительно стенд для показа, добавьте --force."
            )
        result = load_demo()
        self.stdout.write(f"Демо-данные: добавлено обращений {result['appeals']}.")
        load_retention()  # issue 14: archived appeals, an anonymised one with its act, a hold
        load_open_data(load_accounts())  # issue 14: open-data appeals by region, published answers
        # Issue 12: the theme suggester, learned once from the demo corpus (a few seconds); a
        # restart keeps the stored model, `manage demo_suggest_train` learns again.
        if not SuggestModel.objects.exists():
            call_command("demo_suggest_train", stdout=self.stdout)
