from __future__ import annotations

from django.db import transaction

from priemnaya.catalog import defaults
from priemnaya.catalog.calendars import calendar_seed
from priemnaya.catalog.models import Department, Kind, Policy, PolicyAssignment, Theme


@transaction.atomic
def catalog_load_defaults() -> dict[str, int]:
    """Create the default departments, kinds, themes, policies and calendar years that are
    missing; never overwrite edits."""
    created = {"departments": 0, "kinds": 0, "themes": 0, "policies": 0, "calendar_years": 0}
    departments: dict[str, Department] = {}
    for code, name, parent, quality in defaults.DEPARTMENTS:
        dept, was_created = Department.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "parent": departments.get(parent) if parent else None,
                "is_quality_control": quality,
                "is_first_line": code == defaults.FIRST_LINE,
            },
        )
        departments[code] = dept
        created["departments"] += was_created
    for order, (code, name, description, regime) in enumerate(defaults.KINDS):
        _, was_created = Kind.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "regime": regime,
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
                "default_department": departments[dept_code] if dept_code else None,
                "hint": hint,
                "template_text": template,
                "sort_order": order,
            },
        )
        themes[code] = theme
        created["themes"] += was_created
    created["policies"] = _load_policies()
    created["calendar_years"] = calendar_seed()
    return created


def _load_policies() -> int:
    created = 0
    policies: dict[str, Policy] = {}
    has_default = Policy.objects.filter(is_default=True).exists()
    for row in defaults.POLICIES:
        (code, name, regime, fr_value, fr_unit, value, unit, last_day, pause) = row[:9]
        (extensions, extension_value, approver, breach, registration, redirect) = row[9:]
        policy, was_created = Policy.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "regime": regime,
                "first_response_value": fr_value,
                "first_response_unit": fr_unit,
                "resolution_value": value,
                "resolution_unit": unit,
                "last_day": last_day,
                "pause_on_needs_info": pause,
                "max_extensions": extensions,
                "max_extension_value": extension_value,
                "extension_approver": approver,
                "breach_action": breach,
                "registration_days": registration,
                "redirect_days": redirect,
                "is_default": code == defaults.DEFAULT_POLICY and not has_default,
            },
        )
        policies[code] = policy
        created += was_created
    for kind_code, theme_code, policy_code in defaults.POLICY_ASSIGNMENTS:
        kind = Kind.objects.filter(code=kind_code).first() if kind_code else None
        theme = Theme.objects.filter(code=theme_code).first() if theme_code else None
        if (kind_code and kind is None) or (theme_code and theme is None):
            continue
        if not PolicyAssignment.objects.filter(kind=kind, theme=theme).exists():
            PolicyAssignment.objects.create(kind=kind, theme=theme, policy=policies[policy_code])
    return created
