"""Train the theme suggester on staff-handled appeals and store it (search/suggest.py)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from priemnaya.search import suggest


class Command(BaseCommand):
    help = "Обучить подсказку темы на обработанных обращениях и сохранить модель"

    def add_arguments(self, parser):
        parser.add_argument("--holdout", type=float, default=0.2)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--results", help="записать метрики в этот JSON-файл")

    def handle(self, *args, holdout: float, seed: int, results: str | None, **options):
        if not 0 <= holdout < 1:
            raise CommandError("--holdout: доля от 0 до 1 (например 0.2).")
        try:
            model = suggest.train(holdout=holdout, seed=seed)
        except suggest.TooLittleData as refused:
            raise CommandError(f"Модель не обучена: {refused}") from None
        write(model, self.stdout, results)


def write(model, stdout, results: str | None) -> None:
    """Print the held-out accuracy and, if asked, write the metrics to a JSON file."""
    m = model.metrics
    top1 = "—" if m["top1"] is None else f"{m['top1']:.1%}"
    top3 = "—" if m["top3"] is None else f"{m['top3']:.1%}"
    stdout.write(
        f"Модель v{model.pk}: {m['classifier']}, примеров {m['samples']}, тем {m['themes']}, "
        f"отложено {m['holdout']}; точность top-1 {top1}, top-3 {top3}"
    )
    if results:
        path = Path(results)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"version": model.pk, **m}, ensure_ascii=False, indent=2) + "\n")
