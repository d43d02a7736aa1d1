"""PostgreSQL: tsvectors of the analysed text with GIN indexes, one table per collection.

The text arrives stemmed and stop-worded (``text.analyse``), so it is indexed with the ``simple``
configuration: PostgreSQL only splits on spaces, and a word is found here exactly when SQLite
finds it. (The stems are those of PostgreSQL's own ``russian`` Snowball dictionary; a test
compares them.)

A GIN index gives matches in no order, and ``ORDER BY id DESC LIMIT n`` lets the planner walk the
primary key checking every row — fast for a common word, hundreds of milliseconds for a rare or
missing one. So the number of matches is probed first, capped: up to ``FEW_MATCHES`` they are
fetched from the GIN index and ordered; past that the word is common (≥ 0.5 % of a million) and
walking the newest documents finds a page within a few thousand rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import QuerySet

from priemnaya.core import clock
from priemnaya.search.backends.base import Collection, Document
from priemnaya.search.backends.common import chunks, exists_in
from priemnaya.search.text import Query

FEW_MATCHES = 5000


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
            cursor.execute(
                f"SELECT id FROM {table} WHERE {match} LIMIT %s",  # noqa: S608
                (text, FEW_MATCHES + 1),
            )
            found = [row[0] for row in cursor.fetchall()]
            if len(found) <= FEW_MATCHES:
                if within is None:
                    return sorted(found, reverse=True)[:limit]
                return list(
                    within.filter(pk__in=found).order_by("-pk").values_list("pk", flat=True)[:limit]
                )
            sql = f"SELECT s.id FROM {table} s WHERE s.{match}"  # noqa: S608
            params: tuple = (text,)
            if within is not None:
                condition, more = exists_in(within, "s.id")
                sql += f" AND {condition}"
                params += more
            with transaction.atomic():
                # Many matches: the newest are near the end of the primary key; a bitmap over
                # every match would read them all before sorting. The setting is put back at
                # once: inside a caller's transaction SET LOCAL would outlive this query.
                cursor.execute("SELECT set_config('enable_bitmapscan', 'off', true)")
                try:
                    cursor.execute(f"{sql} ORDER BY s.id DESC LIMIT %s", (*params, limit))
                    return [row[0] for row in cursor.fetchall()]
                finally:
                    cursor.execute("SELECT set_config('enable_bitmapscan', 'on', true)")
