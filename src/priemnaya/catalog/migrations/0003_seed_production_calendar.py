from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    """Load the federal production calendar for 2024–2027 so that deadlines work at once."""
    import holidays

    from priemnaya.catalog.calendars import FEDERAL, FEDERAL_NAME, SEED_YEARS, production_days

    Calendar = apps.get_model("catalog", "Calendar")
    CalendarYear = apps.get_model("catalog", "CalendarYear")
    CalendarDay = apps.get_model("catalog", "CalendarDay")
    calendar, _ = Calendar.objects.get_or_create(code=FEDERAL, defaults={"name": FEDERAL_NAME})
    for year in SEED_YEARS:
        if CalendarYear.objects.filter(calendar=calendar, year=year).exists():
            continue
        CalendarDay.objects.bulk_create(
            CalendarDay(calendar=calendar, date=d.date, working=d.working, hours=d.hours, note=d.note)
            for d in production_days(year)
        )
        CalendarYear.objects.create(
            calendar=calendar,
            year=year,
            source=f"holidays {holidays.__version__}",
            loaded_at=timezone.now(),
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_policies_calendars_routing")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
