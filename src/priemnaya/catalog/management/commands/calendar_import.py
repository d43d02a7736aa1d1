"""`priemnaya manage calendar_import`: load production-calendar years and days.

    priemnaya manage calendar_import --year 2028 [--replace]      # from the pinned `holidays`
    priemnaya manage calendar_import --file days.csv              # a late decree, federal
    priemnaya manage calendar_import --file primorye.csv --calendar ru-25 --parent ru \\
        --name "Приморский край"                                  # regional holidays
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from priemnaya.catalog.calendars import (
    FEDERAL,
    CalendarFileError,
    calendar_import,
    calendar_import_days,
    calendar_rows_from_csv,
    work_calendar,
)
from priemnaya.catalog.models import Calendar, CalendarYear


class Command(BaseCommand):
    # The calendar check fails while a year is missing; this command is how it gets loaded.
    requires_system_checks = []
    help = (
        "Загрузить годы производственного календаря из пакета holidays (--year) или дни из "
        "CSV-файла date,working,hours,note (--file): региональные праздники, поздние переносы."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, nargs="+", default=[], help="годы из holidays")
        parser.add_argument(
            "--replace", action="store_true", help="заменить уже загруженные годы или дни файла"
        )
        parser.add_argument("--file", type=Path, help="CSV: date,working,hours,note")
        parser.add_argument("--calendar", default=FEDERAL, help="код календаря (по умолчанию ru)")
        parser.add_argument("--parent", help="основной календарь нового регионального (ru)")
        parser.add_argument("--name", help="название нового календаря")

    def handle(self, *args, **options):
        years, path, code = options["year"], options["file"], options["calendar"]
        if not years and path is None:
            raise CommandError("Укажите --year ГОД (из пакета holidays) или --file ФАЙЛ.csv.")
        for year in years:
            self._year(year, code, replace=options["replace"])
        if path is not None:
            self._file(path, code, options)

    def _year(self, year: int, code: str, *, replace: bool) -> None:
        if not 1990 <= year <= 2100:
            raise CommandError(f"Год {year} вне допустимого диапазона 1990–2100.")
        calendar = Calendar.objects.filter(code=code).first()
        if calendar is not None and calendar.parent is not None:
            raise CommandError(
                f"Календарь «{code}» региональный: годы он берёт из «{calendar.parent.code}»; "
                "загрузите год туда, а свои дни — через --file."
            )
        existing = CalendarYear.objects.filter(calendar__code=code, year=year).first()
        if existing and not replace:
            source = existing.source or "источник не указан"
            self.stdout.write(
                f"{year} год календаря «{code}» уже загружен ({source}): не изменён. "
                "Чтобы перезагрузить из holidays, добавьте --replace."
            )
            return
        written = calendar_import(year, code=code, replace=replace)
        working = work_calendar(code).working_days_in(year)
        verb = "перезагружен" if existing else "загружен"
        self.stdout.write(
            f"{year} год календаря «{code}» {verb} из holidays: дней, отличных от пятидневки, "
            f"— {written}; рабочих дней в году — {working}."
        )

    def _file(self, path: Path, code: str, options) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                f"Не удалось прочитать файл {path}: {exc.strerror or exc}."
            ) from None
        except UnicodeDecodeError:
            raise CommandError(f"Файл {path} не в кодировке UTF-8.") from None
        try:
            days = calendar_rows_from_csv(text)
            if not days:
                raise CommandError(f"В файле {path} нет ни одного дня.")
            done = calendar_import_days(
                days,
                code=code,
                parent=options["parent"],
                name=options["name"],
                source=f"файл {path.name}",
                replace=options["replace"],
            )
        except CalendarFileError as exc:
            raise CommandError(str(exc)) from None
        if done.created:
            parent = done.calendar.parent
            based = f", основан на «{parent.code}»" if parent is not None else ""
            self.stdout.write(f"Создан календарь «{code}» ({done.calendar.name}{based}).")
        span = ", ".join(map(str, done.years))
        self.stdout.write(
            f"Календарь «{code}»: из файла {path.name} записано дней — {done.written} "
            f"(годы: {span})."
        )
        for year in done.uncovered:
            self.stdout.write(
                self.style.WARNING(
                    f"Внимание: {year} год не загружен в основной календарь — сроки в нём "
                    f"по-прежнему будут ошибкой. Загрузите его: calendar_import --year {year}."
                )
            )
