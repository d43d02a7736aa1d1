"""`priemnaya manage calendar_import`: years from `holidays`, days from a CSV (regional holidays,
late decrees), reported in Russian; a calendar edit reaches the next deadline at once."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from priemnaya.catalog.calendars import ADMIN_SOURCE, work_calendar
from priemnaya.catalog.models import Calendar, CalendarDay, CalendarYear
from priemnaya.core.calendar import CalendarMissing


def run(*args: str) -> str:
    out = StringIO()
    call_command("calendar_import", *args, stdout=out)
    return out.getvalue()


def test_a_new_year_is_loaded_from_holidays(catalog):
    with pytest.raises(CalendarMissing):
        work_calendar().is_working(date(2028, 1, 3))
    out = run("--year", "2028")
    assert "2028 год календаря «ru» загружен из holidays" in out
    assert "рабочих дней в году" in out
    year = CalendarYear.objects.get(calendar__code="ru", year=2028)
    assert year.source.startswith("holidays ")
    assert not work_calendar().is_working(date(2028, 1, 3))  # New Year holidays


def test_a_loaded_year_is_kept_unless_replace(catalog):
    row = CalendarDay.objects.get(calendar__code="ru", date=date(2026, 3, 9))
    row.note = "правка администратора"
    row.save()
    out = run("--year", "2026")
    assert "уже загружен" in out
    assert "--replace" in out
    assert CalendarDay.objects.get(pk=row.pk).note == "правка администратора"
    out = run("--year", "2026", "--replace")
    assert "2026 год календаря «ru» перезагружен" in out
    assert "рабочих дней в году — 247" in out
    assert not CalendarDay.objects.filter(note="правка администратора").exists()


def test_a_late_decree_from_a_file_changes_the_federal_calendar(catalog, tmp_path):
    path = tmp_path / "decree.csv"
    path.write_text(
        "date,working,hours,note\n"
        "2027-06-16,0,,Перенос по постановлению (проверка)\n"
        "19.06.2027,да,7,Рабочая суббота\n",
        encoding="utf-8",
    )
    assert work_calendar().is_working(date(2027, 6, 16))
    out = run("--file", str(path))
    assert "записано дней — 2" in out
    assert not work_calendar().is_working(date(2027, 6, 16))
    assert work_calendar().hours(date(2027, 6, 19)) == 7
    assert "файл decree.csv" in CalendarYear.objects.get(calendar__code="ru", year=2027).source


def test_a_regional_calendar_adds_its_holidays_to_the_federal_one(catalog, tmp_path):
    path = tmp_path / "tatarstan.csv"
    path.write_text(
        "date,working,hours,note\n2026-03-20,0,0,Ураза-байрам\n2026-03-19,1,7,Предпраздничный\n",
        encoding="utf-8",
    )
    out = run(
        "--file",
        str(path),
        "--calendar",
        "ru-16",
        "--parent",
        "ru",
        "--name",
        "Республика Татарстан",
    )
    assert "Создан календарь «ru-16» (Республика Татарстан, основан на «ru»)" in out
    regional = work_calendar("ru-16")
    assert not regional.is_working(date(2026, 3, 20))
    assert regional.hours(date(2026, 3, 19)) == 7
    assert not regional.is_working(date(2026, 3, 9))  # the federal day off still applies
    assert work_calendar().is_working(date(2026, 3, 20))  # the federal calendar is untouched
    assert Calendar.objects.get(code="ru-16").parent.code == "ru"


def test_a_file_for_a_year_not_loaded_warns(catalog, tmp_path):
    path = tmp_path / "late.csv"
    path.write_text("date,working,hours,note\n2029-01-08,0,,\n", encoding="utf-8")
    out = run("--file", str(path))
    assert "2029 год не загружен" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("day,working\n2026-01-01,0\n", "нет: date"),
        ("date,working,hours,note\n2026-13-01,0,,\n", "Строка 2: дата «2026-13-01» не читается"),
        ("date,working,hours,note\n2026-01-05,может,,\n", "Строка 2: working «может»"),
        ("date,working,hours,note\n2026-01-05,0,8,\n", "у выходного — 0"),
        ("date,working,hours,note\n2026-01-05,1,25,\n", "от 1 до 24 часов"),
        ("date,working,hours,note\n2026-01-05,1,,\n05.01.2026,0,,\n", "уже была в файле"),
        ("date,working,hours,note\n", "нет ни одного дня"),
    ],
)
def test_a_bad_file_is_refused_with_the_line(catalog, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run("--file", str(path))


def test_bad_arguments_are_refused(catalog, tmp_path):
    with pytest.raises(CommandError, match="Укажите --year"):
        run()
    with pytest.raises(CommandError, match="Не удалось прочитать файл"):
        run("--file", str(tmp_path / "absent.csv"))
    Calendar.objects.create(code="ru-25", name="Приморье", parent=Calendar.objects.get(code="ru"))
    with pytest.raises(CommandError, match="региональный"):
        run("--year", "2028", "--calendar", "ru-25")
    path = tmp_path / "x.csv"
    path.write_text("date,working\n2026-01-05,0\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Нет календаря «xx»"):
        run("--file", str(path), "--calendar", "ru-99", "--parent", "xx")


def test_manage_maps_to_the_django_command():
    # `priemnaya manage calendar_import …` runs Django's command of that name.
    from django.core.management import get_commands

    assert get_commands()["calendar_import"] == "priemnaya.catalog"


def test_the_admin_source_constant_is_russian():
    assert ADMIN_SOURCE == "администратор"
