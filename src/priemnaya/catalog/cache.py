"""What the catalog says, kept in each process and dropped whenever the catalog changes.

Kinds, themes, departments, policies and routing rules change a few times a year, but the cheapest
API call (GET /api/v1/catalog/kinds) read three tables on every request. A value built from them
is kept in the process under the catalog's version, a token in the shared cache (Redis in
production) that every save or delete of a catalog row replaces: once right away (this process,
and others that read the version meanwhile, rebuild) and once more when the transaction commits
(so a process that rebuilt from the old rows before the commit rebuilds again). A request pays one
cache read for the version (once per HTTP request: the first catalog lookup of a request reads it,
the others reuse it); the next request after an edit in admin sees the edit.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from priemnaya.catalog.models import Department, Kind, Policy, PolicyAssignment, RoutingRule, Theme

T = TypeVar("T")
VERSION_KEY = "priemnaya:catalog-version"
_memo: dict[str, tuple[str, Any]] = {}
# The version as this thread's current HTTP request first read it; None outside a request (a
# worker, a shell), where every lookup reads it again.
_request = threading.local()


def catalog_version() -> str:
    """Return the catalog's current version token (made on first use)."""
    seen = getattr(_request, "version", None)
    if seen is not None:
        return seen
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    if getattr(_request, "active", False):
        _request.version = str(version)
    return str(version)


def catalog_changed() -> None:
    """Give the catalog a new version: every value built from the old one is rebuilt."""
    _memo.clear()
    _request.version = None
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


@receiver(request_started)
def _request_begins(**kwargs: Any) -> None:
    _request.active, _request.version = True, None


@receiver(request_finished)
def _request_ends(**kwargs: Any) -> None:
    _request.active, _request.version = False, None


def catalog_cached(name: str, build: Callable[[], T]) -> T:
    """Return the value ``build`` makes from the catalog, built once per catalog version."""
    version = catalog_version()
    hit = _memo.get(name)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = build()
    _memo[name] = (version, value)
    return value


@receiver(post_save, sender=Kind)
@receiver(post_delete, sender=Kind)
@receiver(post_save, sender=Theme)
@receiver(post_delete, sender=Theme)
@receiver(post_save, sender=Department)
@receiver(post_delete, sender=Department)
@receiver(post_save, sender=Policy)
@receiver(post_delete, sender=Policy)
@receiver(post_save, sender=PolicyAssignment)
@receiver(post_delete, sender=PolicyAssignment)
@receiver(post_save, sender=RoutingRule)
@receiver(post_delete, sender=RoutingRule)
def _catalog_row_changed(**kwargs: Any) -> None:
    catalog_changed()
    transaction.on_commit(catalog_changed, using=kwargs.get("using"))
