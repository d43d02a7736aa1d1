"""Health probes for load balancers and orchestrators: /healthz (alive) and /readyz (ready).

Plain Django views, outside the API and the pages: no session, no user, no CSRF, and both paths
are in SECURE_REDIRECT_EXEMPT so a balancer probing over plain HTTP gets an answer, not a 301.
"""

from __future__ import annotations

import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

logger = logging.getLogger("priemnaya.health")


def migrations_pending(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Return whether the database lacks a migration this code expects (as `migrate --check`)."""
    executor = MigrationExecutor(connections[alias])
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _database_answers(alias: str = DEFAULT_DB_ALIAS) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("readyz: the database does not answer", exc_info=True)
        return False
    return True


def _unavailable(reason: str) -> JsonResponse:
    return JsonResponse({"status": "unavailable", "reason": reason}, status=503)


@csrf_exempt
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer that the process serves requests; touch nothing else, the database least of all."""
    return JsonResponse({"status": "ok"})


@csrf_exempt
@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database answers and its schema is current, else 503 with a reason."""
    if not _database_answers():
        return _unavailable("database unavailable")
    try:
        pending = migrations_pending()
    except DatabaseError:
        logger.warning("readyz: could not read applied migrations", exc_info=True)
        return _unavailable("database unavailable")
    if pending:
        return _unavailable("migrations pending")
    return JsonResponse({"status": "ok"})
