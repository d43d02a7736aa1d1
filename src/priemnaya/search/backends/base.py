"""The interface every search backend implements, and what it is given."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from django.db.models import QuerySet

from priemnaya.search.text import Query


@dataclass(frozen=True)
class Collection:
    """A set of searchable documents of one kind (appeals; knowledge-base articles later).

    Each lives in its own table, ``search_<name>`` (PostgreSQL: id and two tsvectors;
    SQLite: ``search_<name>_fts``, an FTS5 table whose rowid is the id), created by the
    migration of the app that owns the collection. Ids are the owner's primary keys, so a larger
    id is a newer document: recency is id order.
    """

    name: str

    @property
    def table(self) -> str:
        return f"search_{self.name}"

    @property
    def fts_table(self) -> str:
        return f"search_{self.name}_fts"


@dataclass(frozen=True)
class Document:
    """One document, analysed (``text.analyse``): ``head`` ranks above ``body``.

    ``is_open``: whether the document is in an open state (appeals: registered, in progress,
    needs info), kept in the collection's table so a search of an open queue reads only open
    documents' matches; None for a collection without the flag.
    """

    id: int
    head: str
    body: str
    is_open: bool | None = None

    @property
    def everything(self) -> str:
        return f"{self.head} {self.body}".strip()


class Backend(Protocol):
    """Store analysed documents and find the newest that match a query."""

    vendor: str

    def write(self, collection: Collection, documents: Iterable[Document]) -> int:
        """Insert or replace the documents; return how many were written."""
        ...

    def remove(self, collection: Collection, ids: Iterable[int]) -> None:
        """Forget these documents (missing ones are ignored)."""
        ...

    def clear(self, collection: Collection) -> None:
        """Forget every document of the collection (before a rebuild)."""
        ...

    def refilling(self, collection: Collection) -> AbstractContextManager[None]:
        """Return a context in which an emptied collection is written in full, faster."""
        ...

    def keep_only(self, collection: Collection, ids: QuerySet) -> None:
        """Forget every document whose id is not among ``ids`` (a ``values("pk")`` queryset)."""
        ...

    def count(self, collection: Collection) -> int: ...

    def newest(
        self,
        collection: Collection,
        query: Query,
        *,
        head_only: bool,
        within: QuerySet | None,
        among: list[int] | None,
        limit: int,
        open_only: bool = False,
    ) -> list[int]:
        """Return up to ``limit`` ids of matching documents, newest (largest id) first.

        ``within`` restricts the ids to that queryset's primary keys (visibility and filters);
        ``among``, when given, lists those keys already (a small queryset, read once by the
        caller): the search then checks just these documents. None and None: the whole
        collection. ``open_only``: ``within`` holds open documents only (the caller knows it from
        its filter), so documents flagged closed may be skipped without checking them.
        """
        ...
