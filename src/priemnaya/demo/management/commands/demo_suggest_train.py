"""Train the theme suggester for the demo: handled demo appeals plus the labelled demo corpus."""

from django.core.management.base import BaseCommand, CommandError

from priemnaya.demo.corpus import samples
from priemnaya.demo.samples import SAMPLES
from priemnaya.search import suggest
from priemnaya.search.management.commands.suggest_train import write


class Command(BaseCommand):
    help = "Демо: обучить подсказку темы на демо-обращениях и размеченном демо-корпусе"

    def add_arguments(self, parser):
        parser.add_argument("--holdout", type=float, default=0.2)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--results", help="записать метрики в этот JSON-файл")

    def handle(self, *args, holdout: float, seed: int, results: str | None, **options):
        extra = [suggest.Sample(*row) for row in samples()]
        try:
            model = suggest.train(holdout=holdout, seed=seed, extra=extra)
        except suggest.TooLittleData as refused:
            raise CommandError(f"Модель не обучена: {refused}") from None
        # The hand-written demo stories (demo/samples.py) as a second check: texts not made from
        # the corpus' phrase banks (seen in training only when their appeals were handled).
        trained = suggest.current()
        if trained is None:  # just stored: cannot happen
            raise CommandError("Модель не сохранилась.")
        # «Не знаю, какая тема» is not something the model learns (no department): left out.
        check = [
            suggest.Sample(s.subject, s.text, s.theme, "")
            for s in SAMPLES
            if s.theme in trained.departments
        ]
        model.metrics["handwritten"] = suggest.score(trained, check)
        model.save(update_fields=["metrics"])
        write(model, self.stdout, results)
        self.stdout.write(f"Рукописные демо-обращения: {model.metrics['handwritten']}")
