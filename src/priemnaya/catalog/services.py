from __future__ import annotations

from django.db import transaction

from priemnaya.catalog import defaults
from priemnaya.catalog.models import Department, Kind, Theme


@transaction.atomic
def catalog_load_defaults() -> dict[str, int]:
    """Create the default departments, kinds and themes that are missing; never overwrite edits."""
    created = {"departments": 0, "kinds": 0, "themes": 0}
    departments: dict[str, Department] = {}
    for code, name, parent, quality in defaults.DEPARTMENTS:
        dept, was_created = Department.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "parent": departments.get(parent) if parent else None,
                "is_quality_control": quality,
            },
        )
        departments[code] = dept
        created["departments"] += was_created
    for order, (code, name, description, regime, days, unit, first_hours) in enumerate(
        defaults.KINDS
    ):
        _, was_created = Kind.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "regime": regime,
                "resolution_days": days,
                "resolution_unit": unit,
                "first_response_hours": first_hours,
                "sort_order": order,
            },
        )
        created["kinds"] += was_created
    themes: dict[str, Theme] = {}
    for order, (code, name, parent, dept_code, hint, template) in enumerate(defaults.THEMES):
        theme, was_created = Theme.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "parent": themes.get(parent) if parent else None,
                "default_department": Department.objects.get(code=dept_code),
                "hint": hint,
                "template_text": template,
                "sort_order": order,
            },
        )
        themes[code] = theme
        created["themes"] += was_created
    return created
