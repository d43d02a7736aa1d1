"""The lines the seeds name (SPEC §16), loaded by migration 0002 and by the demo loader.

Each: phone as dialled, as shown, name, purpose, notes, hours by ISO weekday (1 = Monday) as
``"HH:MM-HH:MM"`` (``00:00-00:00`` around the clock), works on holidays by its usual week.
"""

from __future__ import annotations

DAILY = (1, 2, 3, 4, 5, 6, 7)

DEFAULT_LINES: list[dict] = [
    {
        "phone": "+78005553535",
        "phone_display": "8 800 555-35-35",
        "name": "Единый контакт-центр",
        "purpose": "Общие вопросы и консультации: регистрация и вход в личный кабинет, подача "
        "обращений и их статус, оплата услуг.",
        "notes": "Звонок по России бесплатный. С мобильного можно набрать +7 800 555-35-35. "
        "Приготовьте номер обращения, если он у вас есть.",
        "hours": dict.fromkeys(DAILY, "08:00-22:00"),
        "works_on_holidays": True,
    },
    {
        "phone": "+78005554455",
        "phone_display": "8 800 555-44-55",
        "name": "Техническая поддержка",
        "purpose": "Технические сбои, ошибки входа и подтверждения кода, восстановление доступа.",
        "notes": "Звонок по России бесплатный.",
        "hours": dict.fromkeys(DAILY, "00:00-00:00"),
        "works_on_holidays": True,
    },
    {
        "phone": "+78007778899",
        "phone_display": "8 800 777-88-99",
        "name": "Электронная подпись и сертификаты",
        "purpose": "Вопросы об электронной подписи, сертификатах и их проверке.",
        "notes": "Звонок по России бесплатный.",
        "hours": dict.fromkeys(DAILY, "00:00-00:00"),
        "works_on_holidays": True,
    },
    {
        "phone": "+74951234567",
        "phone_display": "8 495 123-45-67",
        "name": "Москва и Московская область",
        "purpose": "Региональная линия: консультации и приём заявлений для жителей Москвы и "
        "Московской области.",
        "notes": "Звонок по тарифу вашего оператора связи.",
        "hours": {
            1: "08:00-20:00",
            2: "08:00-20:00",
            3: "08:00-20:00",
            4: "08:00-20:00",
            5: "08:00-20:00",
            6: "09:00-18:00",
            7: "10:00-16:00",
        },
        "works_on_holidays": False,
    },
    {
        "phone": "+78009990000",
        "phone_display": "8 800 999-00-00",
        "name": "Корпоративные клиенты",
        "purpose": "Поддержка организаций и индивидуальных предпринимателей.",
        "notes": "Звонок по России бесплатный.",
        "hours": dict.fromkeys(DAILY, "07:00-23:00"),
        "works_on_holidays": False,
    },
]


def lines_load(line_model, hours_model) -> int:
    """Create the default lines missing by phone (models passed in: migrations use their own)."""
    from datetime import time

    created = 0
    existing = set(line_model.objects.values_list("phone", flat=True))
    for order, row in enumerate(DEFAULT_LINES, start=1):
        if row["phone"] in existing:
            continue
        line = line_model.objects.create(
            phone=row["phone"],
            phone_display=row["phone_display"],
            name=row["name"],
            purpose=row["purpose"],
            notes=row["notes"],
            works_on_holidays=row["works_on_holidays"],
            order=order * 10,
        )
        rows = []
        for weekday, span in row["hours"].items():
            opens, closes = (time.fromisoformat(part) for part in span.split("-"))
            rows.append(hours_model(line=line, weekday=weekday, opens=opens, closes=closes))
        hours_model.objects.bulk_create(rows)
        created += 1
    return created
