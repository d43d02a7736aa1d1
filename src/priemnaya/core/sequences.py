"""Race-free counters in the database."""

from __future__ import annotations

from django.db import connection

from priemnaya.core.models import NumberSequence

# One statement: create the row at 1 or add 1 to it, and read the value back. PostgreSQL and SQLite
# (3.35+) both take the upsert with RETURNING; before, this was an insert-if-missing, an UPDATE and
# a SELECT inside a savepoint — five round trips per appeal.
_NEXT = (
    "INSERT INTO {table} ({scope}, {value}) VALUES (%s, 1) "
    "ON CONFLICT ({scope}) DO UPDATE SET {value} = {table}.{value} + 1 "
    "RETURNING {value}"
)


def sequence_next(*, scope: str) -> int:
    """Return the next value of a counter, taken under the row's write lock.

    The upsert locks the row until the surrounding transaction ends (PostgreSQL row lock; SQLite
    database write lock), so concurrent callers get distinct values and none is handed out twice.
    """
    quote = connection.ops.quote_name
    sql = _NEXT.format(
        table=quote(NumberSequence._meta.db_table),
        scope=quote("scope"),  # the fields' columns are their names
        value=quote("last_value"),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [scope])
        row = cursor.fetchone()
    return int(row[0])
