"""ARCHITECTURE.md, "Dependency rules": layers of imports, and faces that never write models."""

from __future__ import annotations

import ast
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "priemnaya"
WRITES = {
    "save",
    "delete",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
# The API owns its idempotency records; those writes are its own, not domain writes.
OWN_MODELS = {SRC / "api" / "idempotency.py"}


def test_import_layers_hold(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(no_cache=True, no_logo=True) == EXIT_STATUS_SUCCESS


def _writes(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        chain = ast.unparse(node.func)
        if name in WRITES or (name == "update" and ".objects." in chain):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {chain}()")
    return found


def test_pages_and_api_write_only_through_services():
    offenders = [
        hit
        for face in ("web", "api")
        for path in sorted((SRC / face).rglob("*.py"))
        if "migrations" not in path.parts and path not in OWN_MODELS
        for hit in _writes(path)
    ]
    assert offenders == []


def test_models_and_migrations_agree(db):
    """A model change without its migration fails here, not on somebody's production upgrade."""
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit:
        raise AssertionError("missing migrations:\n" + out.getvalue()) from None
