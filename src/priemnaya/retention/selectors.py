"""Reads of the retention pages: policies per kind, holds, acts and an act's rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from priemnaya.catalog.models import Kind
from priemnaya.core.errors import NotFound
from priemnaya.retention.models import DestructionAct, LegalHold, RetentionPolicy
from priemnaya.retention.services import default_term


@dataclass(frozen=True)
class KindTerm:
    code: str
    name: str
    archive_years: int
    destroy_years: int
    basis: str
    is_default: bool


def kind_terms() -> list[KindTerm]:
    """Return every kind with the term it follows: its own row, or the default from settings."""
    default = default_term()
    rows = {p.kind_id: p for p in RetentionPolicy.objects.all()}
    terms = []
    for kind in Kind.objects.order_by("sort_order", "name"):
        row = rows.get(kind.pk)
        terms.append(
            KindTerm(
                code=kind.code,
                name=kind.name,
                archive_years=row.archive_after_years if row else default.archive_years,
                destroy_years=row.destroy_after_years if row else default.destroy_years,
                basis=(row.basis if row and row.basis else default.basis),
                is_default=row is None,
            )
        )
    return terms


def holds_active() -> QuerySet[LegalHold]:
    return (
        LegalHold.objects.filter(lifted_at__isnull=True)
        .select_related("appeal", "placed_by")
        .order_by("-placed_at", "-id")
    )


def acts_list() -> QuerySet[DestructionAct]:
    return DestructionAct.objects.select_related("signed_by").order_by("-created_at", "-id")


def act_get(*, act_id: int) -> DestructionAct:
    act = DestructionAct.objects.select_related("signed_by").filter(pk=act_id).first()
    if act is None:
        raise NotFound("Акт не найден.", field="act")
    return act
