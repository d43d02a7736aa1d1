"""What of an appeal is searched: the text the applicant sees, read in bulk for the index."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext

from django.db import transaction
from django.db.models import Exists, OuterRef

from priemnaya.appeals.models import Answer, Appeal, Message
from priemnaya.appeals.states import OPEN_STATUSES
from priemnaya.search.backends import Collection, Document, backend
from priemnaya.search.backends.common import chunks
from priemnaya.search.models import AppealEntry
from priemnaya.search.text import analyse, phone_forms

APPEALS = Collection("appeal")
REBUILD_CHUNK = 2000

_APPEAL_FIELDS = (
    "id",
    "number",
    "subject",
    "text",
    "desired_result",
    "applicant_name",
    "contact_phone",
    "contact_email",
    "status",
)


def _head(appeal: Appeal) -> str:
    """The short identifying part: number, contacts, name, subject (ranked first)."""
    parts = [appeal.number or "", *phone_forms(appeal.contact_phone)]
    parts += [appeal.contact_email, appeal.applicant_name, appeal.subject]
    # «;» is in no number's or phone's separators: one field's digits never join the next's.
    return analyse(" ; ".join(p for p in parts if p))


def appeal_documents(ids: Iterable[int]) -> tuple[list[Document], list[int]]:
    """Return the documents of the appeals with these ids, and the ids no longer present.

    Three queries for any number of ids: the appeals, their public messages and their answers
    (internal notes are never indexed: one index serves the applicant and staff).
    """
    wanted = sorted(set(ids))
    appeals = list(Appeal.objects.filter(pk__in=wanted).only(*_APPEAL_FIELDS).order_by("id"))
    bodies: dict[int, list[str]] = defaultdict(list)
    messages = (
        Message.objects.filter(appeal_id__in=wanted, is_internal=False)
        .order_by("appeal_id", "created_at", "id")
        .values_list("appeal_id", "text")
    )
    answers = (
        Answer.objects.filter(appeal_id__in=wanted)
        .order_by("appeal_id", "issued_at", "id")
        .values_list("appeal_id", "text")
    )
    for appeal_id, text in [*messages, *answers]:
        bodies[appeal_id].append(text)
    documents = [
        Document(
            id=a.pk,
            head=_head(a),
            body=analyse(" \n".join([a.text, a.desired_result, *bodies[a.pk]])),
            is_open=a.status in OPEN_STATUSES,
        )
        for a in appeals
    ]
    found = {a.pk for a in appeals}
    return documents, [i for i in wanted if i not in found]


def appeals_reindex(ids: Iterable[int]) -> int:
    """Write the current documents of these appeals to the index; forget deleted ones."""
    documents, gone = appeal_documents(ids)
    engine = backend()
    if gone:
        engine.remove(APPEALS, gone)
    return engine.write(APPEALS, documents)


def appeals_reflag(ids: Iterable[int]) -> int:
    """Set the open flag of these appeals' index entries from their status (one UPDATE)."""
    wanted = sorted(set(ids))
    if not wanted:
        return 0
    is_open = Exists(Appeal.objects.filter(pk=OuterRef("pk"), status__in=OPEN_STATUSES))
    return AppealEntry.objects.filter(pk__in=wanted).update(is_open=is_open)


def _id_chunks(size: int) -> Iterator[list[int]]:
    ids = Appeal.objects.order_by("id").values_list("id", flat=True)
    yield from chunks(ids.iterator(chunk_size=size), size)


def appeals_rebuild(*, clear: bool = False, progress: Callable[[int], None] | None = None) -> int:
    """Index every appeal again and forget deleted ones; return how many were indexed.

    Chunk by chunk, each in its own transaction, over the index in place: search keeps working
    during a rebuild. ``clear`` empties the index first (after a change of the analysis, say)
    and fills it faster (PostgreSQL builds its GIN indexes at the end); search finds less until
    it is done.
    """
    engine = backend()
    if clear:
        engine.clear(APPEALS)
    total = 0
    with engine.refilling(APPEALS) if clear else nullcontext():
        for ids in _id_chunks(REBUILD_CHUNK):
            with transaction.atomic():
                documents, _gone = appeal_documents(ids)
                total += engine.write(APPEALS, documents)
            if progress is not None:
                progress(total)
    with transaction.atomic():
        engine.keep_only(APPEALS, Appeal.objects.values("id"))
    return total
