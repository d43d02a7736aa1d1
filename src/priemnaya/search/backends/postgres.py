"""PostgreSQL: tsvectors of the analysed text with GIN indexes, one table per collection.

The text arrives stemmed and stop-worded (``text.analyse``), so it is indexed with the ``simple``
configuration: PostgreSQL only splits on spaces, and a word is found here exactly when SQLite
finds it. (The stems are those of PostgreSQL's own ``russian`` Snowball dictionary; a test
compares them.)

A GIN index gives matches in no order, and ``ORDER BY id DESC LIMIT n`` lets the planner walk the
primary key checking every row — fast for a common word, hundreds of milliseconds for a rare or
missing one. So the newest documents are searched first, in slices going back (``WINDOWS``: the
newest 25,000 ids, the 75,000 before them, …, then all the rest): a common word fills the page
from the first slice (a few thousand matches read), a rare or missing one costs a GIN lookup per
slice; the primary key is never walked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import QuerySet

from priemnaya.core import clock
from priemnaya.search.backends.base import Collection, Document
from priemnaya.search.backends.common import chunks, exists_in
from priemnaya.search.text import Query

# Where each slice of the search ends, counted back from the newest document (the first slice is
# the newest 25,000, the next the 75,000 before them, …; the last, all the rest). A broad
# queryset of older appeals (a department's closed ones: the newest 25,000 are mostly open) is
# served by the second slice; joining every match with the whole queryset cost ~0.3 s at 1M, and
# one wide slice ~0.13 s (the planner reads it by primary key, checking every row).
WINDOWS = (25_000, 100_000, 400_000)
PARALLEL = "max_parallel_workers_per_gather"
WORK_MEM = "work_mem"
INDEX_SCAN = "enable_indexscan"
SAVED = (PARALLEL, WORK_MEM, INDEX_SCAN)
SEARCH_WORK_MEM = "32MB"
# Past this many matches the last pass joins them with the queryset instead of probing each.
MANY_MATCHES = 5000
# Documents per INSERT (sent as arrays).
BULK_CHUNK = 2000


def _many(cursor, table: str, match: str, text: str) -> bool:
    """Return whether more than MANY_MATCHES documents match (a capped count, from GIN)."""
    cursor.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {table} s WHERE s.{match} LIMIT %s) c",  # noqa: S608
        (text, MANY_MATCHES + 1),
    )
    return cursor.fetchone()[0] > MANY_MATCHES


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
            for chunk in chunks(documents, BULK_CHUNK):
                # Arrays, not a VALUES row per document: one short statement whatever the chunk's
                # size (thousands of placeholders cost more to send than the rows themselves).
                flagged = chunk[0].is_open is not None
                flag, update, more = ("", "", "")
                if flagged:
                    flag, update = ", is_open", ", is_open = EXCLUDED.is_open"
                    more = ", %s::boolean[]"
                params: list = [
                    [d.id for d in chunk],
                    [d.head for d in chunk],
                    [d.everything for d in chunk],
                ]
                if flagged:
                    params.append([bool(d.is_open) for d in chunk])
                cursor.execute(
                    f"INSERT INTO {collection.table} (id, indexed_at, head_tsv, all_tsv{flag}) "  # noqa: S608
                    f"SELECT d.id, %s, to_tsvector('simple', d.head), to_tsvector('simple', d.body)"
                    f"{', d.is_open' if flagged else ''} "
                    f"FROM unnest(%s::bigint[], %s::text[], %s::text[]{more}) "
                    f"AS d(id, head, body{', is_open' if flagged else ''}) "
                    "ON CONFLICT (id) DO UPDATE SET "
                    "indexed_at = EXCLUDED.indexed_at, head_tsv = EXCLUDED.head_tsv, "
                    f"all_tsv = EXCLUDED.all_tsv{update}",
                    [now, *params],
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
            # Whatever GIN indexes the collection's migrations made (full and open-only ones).
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "JOIN pg_class c ON c.relname = i.indexname JOIN pg_am a ON a.oid = c.relam "
                "WHERE i.schemaname = current_schema() AND i.tablename = %s AND a.amname = 'gin'",
                [collection.table],
            )
            indexes = cursor.fetchall()
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for _name, definition in indexes:
                    again = definition.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1)
                    cursor.execute(again)

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
        open_only: bool = False,
    ) -> list[int]:
        table = collection.table
        column = "head_tsv" if head_only else "all_tsv"
        # An open queue reads the matches of open documents only, from the partial GIN indexes
        # (``WHERE is_open``): a word common in closed appeals no longer costs each of its matches.
        match = f"{column} @@ %s::tsquery" + (" AND s.is_open" if open_only else "")
        text = tsquery(query)
        with connection.cursor() as cursor:
            if among is not None:
                if not among:
                    return []
                cursor.execute(
                    f"SELECT id FROM {table} s WHERE id = ANY(%s) AND {match} "  # noqa: S608
                    "ORDER BY id DESC LIMIT %s",
                    (among, text, limit),
                )
                return [row[0] for row in cursor.fetchall()]
            cursor.execute(f"SELECT max(id) FROM {table}")  # noqa: S608
            top = cursor.fetchone()[0] or 0
            with transaction.atomic():
                # A slice's matches are read through the GIN bitmap ANDed with the id range, not by
                # walking the primary key and checking each row's tsvector (2× faster for a
                # common word at 1M); the probes into appeals still use their primary key.
                # A handful of rows is no work for parallel workers (starting them costs more);
                # a bitmap of every match of a common word must stay exact (a lossy one rechecks
                # whole pages). Put back at once: inside a caller's transaction a local setting
                # would outlive this search.
                cursor.execute(
                    "SELECT current_setting(%s), current_setting(%s), current_setting(%s), "
                    "set_config(%s, '0', true), set_config(%s, %s, true), "
                    "set_config(%s, 'off', true)",
                    [*SAVED, PARALLEL, WORK_MEM, SEARCH_WORK_MEM, INDEX_SCAN],
                )
                parallel, work_mem, index_scan = cursor.fetchone()[:3]
                try:
                    return self._windows(cursor, table, match, text, top, within, limit)
                finally:
                    cursor.execute(
                        "SELECT set_config(%s, %s, true), set_config(%s, %s, true), "
                        "set_config(%s, %s, true)",
                        [PARALLEL, parallel, WORK_MEM, work_mem, INDEX_SCAN, index_scan],
                    )

    @staticmethod
    def _windows(
        cursor, table: str, match: str, text: str, top: int, within: QuerySet | None, limit: int
    ) -> list[int]:
        """Search slice by slice back from the newest id (``WINDOWS``), the last slice all the
        rest, until the page is full: each slice's matches come from the index (a materialised
        CTE has no ORDER BY for the planner to serve by walking the primary key), newest first,
        and are checked against the queryset one by one only until the page is full (a join
        would let the planner walk the appeals' primary key instead). Slices do not overlap, so
        going deeper never reads a slice twice."""
        found: list[int] = []
        newest = top
        for back in (*(w for w in WINDOWS if w < top), None):
            oldest = top - back if back is not None else 0
            matches = (
                f"WITH m AS MATERIALIZED (SELECT s.id FROM {table} s WHERE s.{match}"  # noqa: S608
                " AND s.id > %s AND s.id <= %s) "
            )
            params: tuple = (text, oldest, newest)
            if within is None:
                sql = f"{matches} SELECT id FROM m ORDER BY id DESC LIMIT %s"  # noqa: S608
            elif back is None and _many(cursor, table, match, text):
                # Many matches, few of them within (a narrow queue): one hash join, not a probe
                # per match. Materialised before ordering, so that no merge join in id order can
                # walk the appeals' primary key.
                ids, more = within.order_by().values("pk").query.sql_with_params()
                sql = (
                    f"{matches}, j AS MATERIALIZED (SELECT id FROM m WHERE id IN ({ids})) "  # noqa: S608
                    "SELECT id FROM j ORDER BY id DESC LIMIT %s"
                )
                params += tuple(more)
            else:
                # OFFSET 0 keeps the check out of the sorted subquery: it runs row by row, newest
                # first, and stops with the page. The outer ORDER BY is served by that order (no
                # sort); without it a small table's plan may hash the matches and lose the order.
                condition, more = exists_in(within, "o.id")
                sql = (
                    f"{matches} SELECT o.id FROM (SELECT id FROM m ORDER BY id DESC OFFSET 0) o "  # noqa: S608
                    f"WHERE {condition} ORDER BY o.id DESC LIMIT %s"
                )
                params += tuple(more)
            cursor.execute(sql, (*params, limit - len(found)))
            found += [row[0] for row in cursor.fetchall()]
            if len(found) >= limit:
                return found
            newest = oldest
        return found
