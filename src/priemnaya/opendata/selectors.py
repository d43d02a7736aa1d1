"""Reads of the published answers: the public list and one publication."""

from __future__ import annotations

from django.db.models import QuerySet

from priemnaya.appeals.models import Appeal
from priemnaya.opendata.models import PublishedAnswer


def published_answers() -> QuerySet[PublishedAnswer]:
    """Publications in force, newest first, with their theme (never the appeal or applicant)."""
    return (
        PublishedAnswer.objects.filter(withdrawn_at__isnull=True)
        .select_related("theme")
        .only("pk", "question", "text", "published_at", "theme__name", "theme__code")
    )


def publications_of(appeal: Appeal) -> QuerySet[PublishedAnswer]:
    """Every publication of the appeal's answers, withdrawn ones too (the console's list)."""
    return PublishedAnswer.objects.filter(answer__appeal=appeal).order_by("-published_at", "-id")
