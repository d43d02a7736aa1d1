# Issue 13 — the public status lookup by number and a one-time code.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('appeals', '0019_partial_link_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='StatusAccess',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=10, unique=True, verbose_name='номер')),
                ('code_hash', models.CharField(blank=True, max_length=64)),
                ('code_expires_at', models.DateTimeField(blank=True, null=True)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('hour_started_at', models.DateTimeField(blank=True, null=True)),
                ('sends', models.PositiveSmallIntegerField(default=0)),
                ('failures', models.PositiveSmallIntegerField(default=0)),
                ('locked_until', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'проверка статуса по номеру',
                'verbose_name_plural': 'проверки статуса по номеру',
            },
        ),
    ]
