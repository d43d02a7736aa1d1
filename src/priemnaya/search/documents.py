"""What of an appeal is searched: the text the applicant sees, read in bulk for the index."""

from __future__ import annotations

import os
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing import get_context

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
# A rebuild of more appeals than this analyses in worker processes, one per core.
PARALLEL_FROM = 20_000


# Parts of a document are joined by «;», in no number's or phone's separators: one field's digits
# never join the next's, so a document's analysis is its parts' analyses joined by spaces.
SEPARATOR = " ; "


@dataclass(frozen=True)
class Raw:
    """An appeal's searched text before analysis (picklable: analysed in worker processes)."""

    id: int
    is_open: bool
    ids: tuple[str, ...]  # number (unique to the appeal), then phone forms and e-mail
    head: tuple[str, ...]  # name, subject
    body: tuple[str, ...]  # text, desired result, public messages, answers


@lru_cache(maxsize=100_000)
def _analysed(part: str) -> str:
    # Names, subjects, answers and clarifications repeat across appeals (templates, the same
    # applicant): each distinct text is analysed once per process.
    return analyse(part)


def analyse_raw(raw: Raw) -> Document:
    """Return the analysed document of ``raw`` (the same as analysing its joined parts)."""
    number, *contacts = raw.ids or ("",)
    head = [analyse(number)] + [_analysed(p) for p in (*contacts, *raw.head)]
    body = [_analysed(p) for p in raw.body]
    return Document(
        id=raw.id,
        head=" ".join(h for h in head if h),
        body=" ".join(b for b in body if b),
        is_open=raw.is_open,
    )


def _analyse_many(raws: list[Raw]) -> list[Document]:
    return [analyse_raw(r) for r in raws]


def appeal_raws(ids: Iterable[int], *, span: bool = False) -> tuple[list[Raw], list[int]]:
    """Return the unanalysed text of the appeals with these ids, and the ids no longer present.

    Three queries for any number of ids: the appeals, their public messages and their answers
    (internal notes are never indexed: one index serves the applicant and staff). ``span``:
    read every appeal from the least id to the greatest (a rebuild's chunk, where those are
    the ids): a range is cheaper to send and plan than thousands of ids.
    """
    wanted = sorted(set(ids))
    if not wanted:
        return [], []
    where = {"pk__gte": wanted[0], "pk__lte": wanted[-1]} if span else {"pk__in": wanted}
    of = {"appeal_id" + k.removeprefix("pk"): v for k, v in where.items()}
    appeals = Appeal.objects.filter(**where).order_by("id").values_list(*_APPEAL_FIELDS)
    bodies: dict[int, list[str]] = defaultdict(list)
    messages = (
        Message.objects.filter(**of, is_internal=False)
        .order_by("appeal_id", "created_at", "id")
        .values_list("appeal_id", "text")
    )
    answers = (
        Answer.objects.filter(**of)
        .order_by("appeal_id", "issued_at", "id")
        .values_list("appeal_id", "text")
    )
    for appeal_id, text in [*messages, *answers]:
        bodies[appeal_id].append(text)
    raws = []
    for pk, number, subject, text, desired, name, phone, email, status in appeals:
        raws.append(
            Raw(
                id=pk,
                is_open=status in OPEN_STATUSES,
                ids=(number or "", *(p for p in (*phone_forms(phone), email) if p)),
                head=tuple(p for p in (name, subject) if p),
                body=tuple(p for p in (text, desired, *bodies[pk]) if p),
            )
        )
    found = {r.id for r in raws}
    return raws, ([] if span else [i for i in wanted if i not in found])


def appeal_documents(ids: Iterable[int]) -> tuple[list[Document], list[int]]:
    """Return the documents of the appeals with these ids, and the ids no longer present."""
    raws, gone = appeal_raws(ids)
    return _analyse_many(raws), gone


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
    entries = AppealEntry.objects.filter(pk__in=wanted)  # index rows, not appeals
    return entries.update(is_open=is_open)


def _id_chunks(size: int) -> Iterator[list[int]]:
    ids = Appeal.objects.order_by("id").values_list("id", flat=True)
    yield from chunks(ids.iterator(chunk_size=size), size)


def _analysed_chunks(chunks_of_ids: Iterator[list[int]], workers: int) -> Iterator[list[Document]]:
    """Yield the documents of each chunk in order; with ``workers`` > 1 the analysis runs in
    that many processes while this one reads the next chunks and writes the analysed ones."""
    if workers <= 1:
        for ids in chunks_of_ids:
            yield _analyse_many(appeal_raws(ids, span=True)[0])
        return
    # fork: the workers need only the analysis (no database); they inherit the loaded stemmer.
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        pending: deque[Future[list[Document]]] = deque()
        for ids in chunks_of_ids:
            pending.append(pool.submit(_analyse_many, appeal_raws(ids, span=True)[0]))
            if len(pending) > 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def appeals_rebuild(
    *,
    clear: bool = False,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> int:
    """Index every appeal again and forget deleted ones; return how many were indexed.

    Chunk by chunk, each in its own transaction, over the index in place: search keeps working
    during a rebuild. ``clear`` empties the index first (after a change of the analysis, say)
    and fills it faster (PostgreSQL builds its GIN indexes at the end); search finds less until
    it is done. The analysis runs in ``workers`` processes (default: one per core for a large
    rebuild), the reading and writing here.
    """
    engine = backend()
    if workers is None:
        many = Appeal.objects.count() >= PARALLEL_FROM
        workers = min(os.cpu_count() or 1, 8) if many else 1
    if clear:
        engine.clear(APPEALS)
    total = 0
    with engine.refilling(APPEALS) if clear else nullcontext():
        for documents in _analysed_chunks(_id_chunks(REBUILD_CHUNK), workers):
            # An appeal deleted meanwhile may be written here: keep_only below forgets it.
            with transaction.atomic():
                total += engine.write(APPEALS, documents)
            if progress is not None:
                progress(total)
    with transaction.atomic():
        engine.keep_only(APPEALS, Appeal.objects.values("id"))
    return total
