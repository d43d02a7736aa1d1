from __future__ import annotations

from django.db.models import QuerySet

from priemnaya.catalog.models import Department, Kind, Theme


def kinds_active() -> QuerySet[Kind]:
    return Kind.objects.filter(is_active=True)


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
