import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("catalog", "0004_policy_answer_review"),
    ]

    operations = [
        migrations.CreateModel(
            name="Line",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, verbose_name="название")),
                ("purpose", models.CharField(help_text="С какими вопросами звонить на эту линию.", max_length=500, verbose_name="назначение")),
                ("phone", models.CharField(help_text="Как его набирает телефон: +7XXXXXXXXXX (ссылка tel:).", max_length=16, unique=True, verbose_name="номер для набора")),
                ("phone_display", models.CharField(blank=True, help_text="Например, «8 800 555-35-35»; пусто — составить из номера для набора.", max_length=32, verbose_name="номер, как он показан")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="порядок")),
                ("is_active", models.BooleanField(default=True, verbose_name="показывать")),
                ("works_on_holidays", models.BooleanField(default=False, help_text="Без отметки в нерабочий праздничный день линия работает по графику воскресенья (а если в воскресенье она закрыта — не работает).", verbose_name="в праздники — по обычному графику")),
                ("notes", models.TextField(blank=True, help_text="Показывается на странице контактов под графиком («звонок бесплатный»).", verbose_name="примечание для посетителей")),
                ("calendar", models.ForeignKey(blank=True, help_text="Откуда брать праздники; пусто — федеральный календарь.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="catalog.calendar", verbose_name="производственный календарь")),
            ],
            options={
                "verbose_name": "линия",
                "verbose_name_plural": "линии горячей линии",
                "ordering": ["order", "id"],
            },
        ),
        migrations.CreateModel(
            name="LineHours",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("weekday", models.PositiveSmallIntegerField(choices=[(1, "понедельник"), (2, "вторник"), (3, "среда"), (4, "четверг"), (5, "пятница"), (6, "суббота"), (7, "воскресенье")], verbose_name="день недели")),
                ("opens", models.TimeField(verbose_name="с")),
                ("closes", models.TimeField(help_text="00:00 — до полуночи; раньше начала — до этого часа следующего дня.", verbose_name="до")),
                ("line", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="hours", to="hotline.line")),
            ],
            options={
                "verbose_name": "часы работы",
                "verbose_name_plural": "график по дням недели",
                "ordering": ["weekday"],
                "constraints": [
                    models.UniqueConstraint(fields=("line", "weekday"), name="hotline_hours_one_per_day"),
                    models.CheckConstraint(condition=models.Q(("weekday__gte", 1), ("weekday__lte", 7)), name="hotline_hours_weekday"),
                ],
            },
        ),
    ]
