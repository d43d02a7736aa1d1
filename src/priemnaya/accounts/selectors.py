from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models.query import get_related_populators
from django.utils import timezone

from priemnaya.accounts.models import ApiToken, User
from priemnaya.core.contacts import ContactInvalid, normalize_email, normalize_phone


def user_find_by_login(*, login: str) -> User | None:
    """Return the active or inactive user whose e-mail or phone is ``login``, or None."""
    login = (login or "").strip()
    if "@" in login:
        try:
            email = normalize_email(login)
        except ContactInvalid:
            return None
        return User.objects.filter(email__iexact=email).first()
    try:
        phone = normalize_phone(login)
    except ContactInvalid:
        return None
    return User.objects.filter(phone=phone).first()


class _TokenQuery:
    """The bearer token's query (the token with its user), compiled once per process.

    Every API call runs it, and Django builds its SQL anew each time: ~20% of a submission's CPU
    in the issue 11 profile, for two tables' worth of columns. The compiled statement and the
    compiler's column map are kept; each call only executes it with its own key and moment and
    makes the two objects as Django's ModelIterable would (converters, ``from_db``,
    select_related's populator).
    """

    KEY, MOMENT = "\x00token-key\x00", datetime(2000, 1, 1, tzinfo=UTC)

    def __init__(self) -> None:
        query = ApiToken.objects.select_related("user").filter(
            key_hash=self.KEY, expires_at__gt=self.MOMENT, revoked_at__isnull=True
        )[:2]
        self.compiler = query.query.get_compiler(DEFAULT_DB_ALIAS)
        self.sql, params = self.compiler.as_sql()
        ops = connections[DEFAULT_DB_ALIAS].ops
        moment = ops.adapt_datetimefield_value(self.MOMENT)
        # Where the two values sit among the parameters (the LIMIT may be one of them too).
        self.params = list(params)
        self.key_at = self.params.index(self.KEY)
        self.moment_at = self.params.index(moment)
        # The compiler's map of which columns make which model (set by as_sql above).
        info: dict[str, Any] = cast(dict[str, Any], self.compiler.klass_info)
        self.info = info
        start, end = info["select_fields"][0], info["select_fields"][-1] + 1
        self.slice = slice(start, end)
        self.names = [f[0].target.attname for f in self.compiler.select[start:end]]

    def get(self, key_hash: str, now: datetime) -> ApiToken | None:
        params = list(self.params)
        params[self.key_at] = key_hash
        params[self.moment_at] = connection.ops.adapt_datetimefield_value(now)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if len(rows) != 1:  # key_hash is unique: none or one
            return None
        compiler = self.compiler
        row = next(iter(compiler.results_iter([rows])))
        token = ApiToken.from_db(DEFAULT_DB_ALIAS, self.names, row[self.slice])
        populators = cast(Any, get_related_populators)  # the stubs follow a newer Django
        for populator in populators(self.info, compiler.select, DEFAULT_DB_ALIAS):
            populator.populate(row, token)
        return token


_token_query: _TokenQuery | None = None


def _token_for(key_hash: str) -> ApiToken | None:
    global _token_query
    if _token_query is None:
        _token_query = _TokenQuery()
    return _token_query.get(key_hash, timezone.now())


def user_for_api_token(*, key: str) -> User | None:
    """Return the active user a bearer token belongs to, or None.

    None for an unknown, expired or revoked token, and for one made before the account's
    password last changed (a reset or a change ends every token).
    """
    token = _token_for(ApiToken.hash_key(key))
    if token is None or not token.user.is_active:
        return None
    changed = token.user.password_changed_at
    if changed is not None and token.created_at < changed:
        return None
    return token.user
