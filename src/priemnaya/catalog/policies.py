"""Which deadline policy an appeal gets: the most specific assignment of its kind and theme."""

from __future__ import annotations

from priemnaya.catalog.cache import catalog_cached
from priemnaya.catalog.models import Kind, Policy, PolicyAssignment, Theme


class PolicyMissing(LookupError):
    """No assignment matches and no default policy exists: the catalog is incomplete."""

    def __init__(self) -> None:
        super().__init__(
            "Не задана политика сроков по умолчанию: загрузите каталог (priemnaya manage "
            "load_catalog) или отметьте политику «по умолчанию» в администрировании."
        )


def policy_for(kind: Kind, theme: Theme | None) -> Policy:
    """Return the policy for a kind and theme: kind+theme, then theme, then kind, then default.

    A theme's assignment also covers its sub-themes unless they have their own.
    """
    # Ids only: reading the parent row would cost a query per registration.
    theme_ids = [i for i in (theme.pk, theme.parent_id) if i] if theme is not None else []
    assignments, default = catalog_cached("policies:assignments", _assignments)
    matches = [
        a
        for a in assignments
        if (a.theme_id in theme_ids and a.kind_id in (kind.pk, None))
        or (a.kind_id == kind.pk and a.theme_id is None)
    ]

    def rank(a: PolicyAssignment) -> tuple[int, int]:
        depth = theme_ids.index(a.theme_id) if a.theme_id in theme_ids else len(theme_ids)
        specific = 0 if a.kind_id and a.theme_id else 1 if a.theme_id else 2
        return (specific, depth)

    if matches:
        return min(matches, key=rank).policy
    if default is None:
        raise PolicyMissing
    return default


def _assignments() -> tuple[list[PolicyAssignment], Policy | None]:
    """Every assignment with its policy, and the default policy: the whole table is small and
    kept per catalog version in each process (catalog/cache.py), not read per registration."""
    return (
        list(PolicyAssignment.objects.select_related("policy").order_by("pk")),
        Policy.objects.filter(is_default=True).first(),
    )
