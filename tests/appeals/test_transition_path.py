"""The transition helper is the only way an appeal's state changes (issue 6, part 2).

Checked on the source: nothing but ``appeal_transition`` assigns a status or saves an appeal,
nothing but the constructors of ``appeals.events`` writes the journal, and every service that
changes an appeal goes through the helper (the state-machine property test checks behaviour).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import priemnaya
from priemnaya.appeals.lifecycle import TRANSITIONS, Action

SRC = Path(priemnaya.__file__).parent
HELPER = SRC / "appeals" / "services" / "journal.py"
CONSTRUCTORS = SRC / "appeals" / "events.py"


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, parse(path.read_text(encoding="utf-8"))


def parse(source: str) -> ast.Module:
    """ast.parse, retried: CPython 3.11 keeps the AST builder's recursion depth in interpreter-wide
    state, so work in another thread (a test's server) can make it raise "AST constructor
    recursion depth mismatch" on valid code (python/cpython#106905)."""
    for _ in range(4):
        try:
            return ast.parse(source)
        except SystemError:
            continue
    return ast.parse(source)


def test_only_the_transition_helper_assigns_a_status():
    offenders = [
        f"{path.relative_to(SRC)}:{node.lineno}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Attribute) and target.attr == "status" and path != HELPER
    ]
    assert offenders == []


def test_only_the_transition_helper_saves_an_appeal():
    offenders = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"save", "update", "bulk_update"}
                and path != HELPER
            ):
                owner = ast.unparse(node.func.value)
                if "appeal" in owner.lower() and "answers" not in owner:
                    offenders.append(f"{path.relative_to(SRC)}:{node.lineno} {owner}")
    assert offenders == []


def test_only_the_event_constructors_write_the_journal():
    offenders = [
        f"{path.relative_to(SRC)}:{node.lineno}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        # the journal's Event, not other models named …Event (accounts.SignInEvent)
        and re.search(r"(^|\.)Event\.objects\.", ast.unparse(node.func))
        and ast.unparse(node.func).endswith((".create", ".bulk_create", ".update"))
        and path != CONSTRUCTORS
        # the outbox sets its marker, the one column the append-only trigger lets change
        and not (path.name == "outbox.py" and "dispatched_at=" in ast.unparse(node))
    ]
    assert offenders == []


def test_every_event_constructor_is_used_by_a_service():
    names = {
        node.name
        for node in parse(CONSTRUCTORS.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef)
        and node.name.endswith("_event")
        and not node.name.startswith("_")
    }
    # The head's review of answers (issue 10) journals through the helper from answers.review.
    services = [*(SRC / "appeals" / "services").glob("*.py"), SRC / "answers" / "review.py"]
    service_source = "".join(path.read_text(encoding="utf-8") for path in services)
    assert names
    assert {n for n in names if f"events.{n}" not in service_source} == set()


@pytest.mark.parametrize("action", [a for a in Action if TRANSITIONS[a].target])
def test_each_state_changing_action_has_a_service_using_the_helper(action):
    source = "".join(
        path.read_text(encoding="utf-8") for path in (SRC / "appeals" / "services").glob("*.py")
    )
    assert f"action=Action.{action.name}" in source
