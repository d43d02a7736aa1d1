"""Collections defined outside the search app, rebuilt by `priemnaya search rebuild`.

An app that owns a collection registers it with its rebuild function in its ``ready()``; the
search app never imports those apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from priemnaya.search.backends.base import Collection

Rebuild = Callable[..., int]


@dataclass(frozen=True)
class Registered:
    collection: Collection
    rebuild: Rebuild  # (clear: bool, progress: Callable[[int], None] | None) -> count


_registry: dict[str, Registered] = {}


def register_collection(collection: Collection, rebuild: Rebuild) -> None:
    """Make ``rebuild`` part of the rebuild command (registering twice replaces)."""
    _registry[collection.name] = Registered(collection, rebuild)


def registered() -> list[Registered]:
    return [_registry[name] for name in sorted(_registry)]
