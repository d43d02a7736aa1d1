"""Search backends: PostgreSQL full text or SQLite FTS5, chosen by the database in use."""

from __future__ import annotations

from django.db import connection

from priemnaya.search.backends.base import Backend, Collection, Document


def backend() -> Backend:
    """Return the backend of the default database."""
    if connection.vendor == "postgresql":
        from priemnaya.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from priemnaya.search.backends.sqlite import SqliteBackend

    return SqliteBackend()


__all__ = ["Backend", "Collection", "Document", "backend"]
