from __future__ import annotations

from django.db.models import QuerySet

from priemnaya.catalog.cache import catalog_cached
from priemnaya.catalog.models import Department, Kind, Policy, PolicyAssignment, Theme


def kinds_active() -> QuerySet[Kind]:
    return Kind.objects.filter(is_active=True)


def kinds_with_policies() -> list[tuple[Kind, Policy | None]]:
    """Return the active kinds, each with the policy it gets when no theme overrides it."""
    by_kind = {
        a.kind_id: a.policy
        for a in PolicyAssignment.objects.filter(theme__isnull=True).select_related("policy")
    }
    default = Policy.objects.filter(is_default=True).first()
    return [(k, by_kind.get(k.pk, default)) for k in kinds_active()]


def themes_active() -> QuerySet[Theme]:
    return Theme.objects.filter(is_active=True).select_related("parent", "default_department")


def theme_tree() -> list[tuple[Theme, list[Theme]]]:
    """Return the active top-level themes, each with its active children, in catalog order."""
    themes = list(themes_active())
    children: dict[int, list[Theme]] = {}
    for theme in themes:
        if theme.parent_id:
            children.setdefault(theme.parent_id, []).append(theme)
    return [(t, children.get(t.pk, [])) for t in themes if t.parent_id is None]


def departments_active() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).select_related("parent")


def kind_active(code: str) -> Kind | None:
    """Return the active kind with this code, from the process's copy of the catalog."""
    by_code = catalog_cached(
        "kinds:active-by-code", lambda: {k.code: k for k in Kind.objects.filter(is_active=True)}
    )
    return by_code.get(code)


def theme_active(code: str) -> Theme | None:
    """Return the active theme with this code and its default department, from the process's
    copy of the catalog."""
    by_code = catalog_cached(
        "themes:active-by-code",
        lambda: {
            t.code: t
            for t in Theme.objects.filter(is_active=True).select_related("default_department")
        },
    )
    return by_code.get(code)
