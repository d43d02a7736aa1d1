"""PostgreSQL: tsvectors of the analysed text with GIN indexes, one table per collection.

The text arrives stemmed and stop-worded (``text.analyse``), so it is indexed with the ``simple``
configuration: PostgreSQL only splits on spaces, and a word is found here exactly when SQLite
finds it. (The stems are those of PostgreSQL's own ``russian`` Snowball dictionary; a test
compares them.)

A GIN index gives matches in no order, and ``ORDER BY id DESC LIMIT n`` lets the planner walk the
primary key checking every row — fast for a common word, hundreds of milliseconds for a rare or
missing one. So the newest documents are searched in widening windows of ids (``WINDOWS``): a
common word fills the page in the first (a bounded walk or a bitmap of the window), a rare or
missing one costs a few GIN lookups, the last of them over every match, never a walk.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.models import QuerySet

from priemnaya.core import clock
from priemnaya.search.backends.base import Collection, Document
from priemnaya.search.backends.common import chunks, exists_in
from priemnaya.search.text import Query

# How far back from the newest document each pass looks; the last pass reads every match.
WINDOWS = (25_000, 2**62)


def tsquery(query: Query) -> str:
    """Return the tsquery text: phrases joined by ``&``, words of a phrase by ``<->``."""

    def lexeme(stem: str) -> str:
        return "'" + stem.replace("\\", "\\\\").replace("'", "''") + "'"

    return " & ".join("(" + " <-> ".join(lexeme(s) for s in p) + ")" for p in query.phrases)


class PostgresBackend:
    vendor = "postgresql"

    def write(self, collection: Collection, documents: Iterable[Document]) -> int:
        written = 0
        now = clock.now()
        with connection.cursor() as cursor:
            for chunk in chunks(documents):
                rows = ", ".join(
                    ["(%s, %s, to_tsvector('simple', %s), to_tsvector('simple', %s))"] * len(chunk)
                )
                params: list = []
                for d in chunk:
                    params += [d.id, now, d.head, d.everything]
                cursor.execute(
                    f"INSERT INTO {collection.table} (id, indexed_at, head_tsv, all_tsv) "  # noqa: S608
                    f"VALUES {rows} ON CONFLICT (id) DO UPDATE SET "
                    "indexed_at = EXCLUDED.indexed_at, head_tsv = EXCLUDED.head_tsv, "
                    "all_tsv = EXCLUDED.all_tsv",
                    params,
                )
                written += len(chunk)
        return written

    def remove(self, collection: Collection, ids: Iterable[int]) -> None:
        with connection.cursor() as cursor:
            for chunk in chunks(ids):
                cursor.execute(
                    f"DELETE FROM {collection.table} WHERE id = ANY(%s)",  # noqa: S608
                    [chunk],
                )

    def clear(self, collection: Collection) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {collection.table}")

    @contextmanager
    def refilling(self, collection: Collection) -> Iterator[None]:
        """Drop the GIN indexes while the table fills and build them once at the end (a GIN
        index built in one pass is many times faster than one updated row by row)."""
        with connection.cursor() as cursor:
            for column in ("head", "all"):
                cursor.execute(f"DROP INDEX IF EXISTS {collection.table}_{column}_gin")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for column in ("head", "all"):
                    cursor.execute(
                        f"CREATE INDEX IF NOT EXISTS {collection.table}_{column}_gin "
                        f"ON {collection.table} USING gin ({column}_tsv) WITH (fastupdate = off)"
                    )

    def keep_only(self, collection: Collection, ids: QuerySet) -> None:
        sql, params = ids.order_by().query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {collection.table} s WHERE NOT EXISTS "  # noqa: S608
                f"(SELECT 1 FROM ({sql}) k WHERE k.id = s.id)",
                params,
            )

    def count(self, collection: Collection) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {collection.table} WHERE all_tsv IS NOT NULL"  # noqa: S608
            )
            return cursor.fetchone()[0]

    def newest(
        self,
        collection: Collection,
        query: Query,
        *,
        head_only: bool,
        within: QuerySet | None,
        among: list[int] | None,
        limit: int,
    ) -> list[int]:
        table = collection.table
        column = "head_tsv" if head_only else "all_tsv"
        match = f"{column} @@ %s::tsquery"
        text = tsquery(query)
        with connection.cursor() as cursor:
            if among is not None:
                if not among:
                    return []
                cursor.execute(
                    f"SELECT id FROM {table} WHERE id = ANY(%s) AND {match} "  # noqa: S608
                    "ORDER BY id DESC LIMIT %s",
                    (among, text, limit),
                )
                return [row[0] for row in cursor.fetchall()]
            condition, more = ("TRUE", ()) if within is None else exists_in(within, "s.id")
            cursor.execute(f"SELECT max(id) FROM {table}")  # noqa: S608
            top = cursor.fetchone()[0] or 0
            for window in WINDOWS:
                last = window >= top
                # The newest ids first: a common word fills the page from the first window.
                # The last window is the whole table, read from the GIN index (materialised, so
                # that the planner cannot walk the primary key for a rare or missing word).
                cursor.execute(
                    f"WITH m AS {'MATERIALIZED' if last else 'NOT MATERIALIZED'} ("  # noqa: S608
                    f"SELECT s.id FROM {table} s WHERE s.{match} AND s.id > %s AND {condition}) "
                    "SELECT id FROM m ORDER BY id DESC LIMIT %s",
                    (text, 0 if last else top - window, *more, limit),
                )
                found = [row[0] for row in cursor.fetchall()]
                if last or len(found) >= limit:
                    return found
            return found
