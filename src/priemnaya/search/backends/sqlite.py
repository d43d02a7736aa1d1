"""SQLite: an FTS5 table per collection over the analysed text, rowid = the document's id.

FTS5 walks a term's document list in rowid order and stops after ``LIMIT`` rows, so the newest
matches of even a very common word cost a few page reads. The ``unicode61`` tokenizer only splits
on the spaces ``text.analyse`` left (diacritics kept: «й» is not «и»); stemming, «ё» and stop
words were handled in Python, as for PostgreSQL.
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


def match_expression(query: Query, *, head_only: bool) -> str:
    """Return the FTS5 query: every phrase in double quotes (stems are letters and digits)."""
    phrases = " AND ".join('"' + " ".join(phrase) + '"' for phrase in query.phrases)
    column = "head" if head_only else "everything"
    return f"{{{column}}} : ({phrases})"


# How many of the newest matches are checked one by one against a large queryset.
# How many of the newest matches are checked against the queryset one by one, in turn, before
# every match is intersected with the whole queryset: a broad queryset (a department's closed
# appeals, older than the newest matches) fills the page in the second walk without reading it.
WALKS = (2000, 20_000)


class SqliteBackend:
    vendor = "sqlite"

    def write(self, collection: Collection, documents: Iterable[Document]) -> int:
        written = 0
        now = clock.now()
        table = collection.fts_table
        with connection.cursor() as cursor:
            for chunk in chunks(documents):
                ids = [(d.id,) for d in chunk]
                cursor.executemany(f"DELETE FROM {table} WHERE rowid = %s", ids)  # noqa: S608
                cursor.executemany(
                    f"INSERT INTO {table} (rowid, head, everything) VALUES (%s, %s, %s)",  # noqa: S608
                    [(d.id, d.head, d.everything) for d in chunk],
                )
                if chunk[0].is_open is None:
                    cursor.executemany(
                        f"INSERT OR REPLACE INTO {collection.table} (id, indexed_at) "  # noqa: S608
                        "VALUES (%s, %s)",
                        [(d.id, now) for d in chunk],
                    )
                else:
                    cursor.executemany(
                        f"INSERT OR REPLACE INTO {collection.table} (id, indexed_at, is_open) "  # noqa: S608
                        "VALUES (%s, %s, %s)",
                        [(d.id, now, bool(d.is_open)) for d in chunk],
                    )
                written += len(chunk)
        return written

    def remove(self, collection: Collection, ids: Iterable[int]) -> None:
        with connection.cursor() as cursor:
            for chunk in chunks(ids):
                rows = [(i,) for i in chunk]
                cursor.executemany(
                    f"DELETE FROM {collection.fts_table} WHERE rowid = %s",  # noqa: S608
                    rows,
                )
                cursor.executemany(f"DELETE FROM {collection.table} WHERE id = %s", rows)  # noqa: S608

    def clear(self, collection: Collection) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {collection.fts_table}")  # noqa: S608
            cursor.execute(f"DELETE FROM {collection.table}")  # noqa: S608

    @contextmanager
    def refilling(self, collection: Collection) -> Iterator[None]:
        yield
        # Merge the many segments a bulk load leaves into one: fewer b-trees per query.
        with connection.cursor() as cursor:
            table = collection.fts_table
            cursor.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")  # noqa: S608

    def keep_only(self, collection: Collection, ids: QuerySet) -> None:
        sql, params = ids.order_by().query.sql_with_params()
        with connection.cursor() as cursor:
            for table, column in ((collection.fts_table, "rowid"), (collection.table, "id")):
                cursor.execute(
                    f"DELETE FROM {table} WHERE {column} NOT IN ({sql})",  # noqa: S608
                    params,
                )

    def count(self, collection: Collection) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {collection.fts_table}")  # noqa: S608
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
        # ``open_only`` is not used: FTS5 stops at LIMIT in rowid order, so the newest matches
        # cost the same whether or not they are open; the flag is kept only to match PostgreSQL.
        table = collection.fts_table
        sql = f"SELECT rowid FROM {table} WHERE {table} MATCH %s"  # noqa: S608
        params: tuple = (match_expression(query, head_only=head_only),)
        if among is not None:
            if not among:
                return []
            # «+rowid»: scan the word's document list (fast, in order) checking each against the
            # ids, rather than one full-text lookup per id (FTS5 restarts the query for each).
            sql += f" AND +rowid IN ({', '.join(['%s'] * len(among))})"
            params += tuple(among)
        elif within is not None:
            return self._newest_within(table, sql, params, within, limit)
        sql += " ORDER BY rowid DESC LIMIT %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, (*params, limit))
            return [row[0] for row in cursor.fetchall()]

    @staticmethod
    def _newest_within(
        table: str, matches: str, params: tuple, within: QuerySet, limit: int
    ) -> list[int]:
        """Newest matches the queryset holds: walk the newest ``WALKS``, then, if the queryset
        kept too few of them, intersect every match with the whole queryset."""
        condition, more = exists_in(within, "m.rowid")
        found: list[int] = []
        with connection.cursor() as cursor:
            for walk in WALKS:
                cursor.execute(
                    f"SELECT m.rowid FROM ({matches} ORDER BY rowid DESC LIMIT %s) m "  # noqa: S608
                    f"WHERE {condition} ORDER BY m.rowid DESC LIMIT %s",
                    (*params, walk, *more, limit),
                )
                found = [row[0] for row in cursor.fetchall()]
                if len(found) >= limit:
                    return found
                cursor.execute(f"{matches} ORDER BY rowid DESC LIMIT 1 OFFSET %s", (*params, walk))
                if cursor.fetchone() is None:
                    return found  # the walk saw every match
            # «+rowid»: the queryset's ids are read once into a temporary index that each match
            # is checked against (FTS5 would otherwise be restarted for every id).
            ids, id_params = within.order_by().values("pk").query.sql_with_params()
            cursor.execute(
                f"{matches} AND +rowid IN ({ids}) ORDER BY rowid DESC LIMIT %s",
                (*params, *id_params, limit),
            )
            return [row[0] for row in cursor.fetchall()]
