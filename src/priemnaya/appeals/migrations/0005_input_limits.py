"""Limits of the long texts on the model, and no incident date before 1900 (defect 1).

Rows stored before the check (PostgreSQL kept dates down to year 1, which it then could not
read back) lose the impossible date before the constraint is added.
"""

import datetime

from django.db import migrations, models

INCIDENT_FLOOR = datetime.datetime(1899, 12, 31, tzinfo=datetime.UTC)


def forget_impossible_incident_dates(apps, schema_editor):
    Appeal = apps.get_model("appeals", "Appeal")
    # One UPDATE: the bad values are never read into Python, where year 0 cannot exist.
    Appeal.objects.filter(incident_at__lt=INCIDENT_FLOOR).update(incident_at=None)


class Migration(migrations.Migration):
    dependencies = [("appeals", "0004_clock_defaults")]

    operations = [
        migrations.AlterField(
            model_name="appeal",
            name="desired_result",
            field=models.TextField(blank=True, max_length=2000, verbose_name="желаемый результат"),
        ),
        migrations.AlterField(
            model_name="appeal",
            name="text",
            field=models.TextField(max_length=5000, verbose_name="описание"),
        ),
        migrations.RunPython(forget_impossible_incident_dates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="appeal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("incident_at__isnull", True),
                    ("incident_at__gte", INCIDENT_FLOOR),
                    _connector="OR",
                ),
                name="appeal_incident_from_1900",
            ),
        ),
    ]
