"""Issue 9 item 7: every page and API operation × every role × own/other object.

Allowed role + own object → works; allowed role + another's object → 404 without a trace of it;
a role the route is not for → 403; anonymous → the login page (pages) or 401 JSON (API). The
routes and the rules are in tests/security/matrix.py; docs/security-matrix.md explains them.

The people and objects are made once for the module (tests/security/world.py) inside a
transaction that is rolled back at the end; each case runs in its own savepoint, so a case that
withdraws or answers an appeal leaves it as it was for the next one.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import resolve, reverse

from tests.factories import PASSWORD
from tests.security import matrix
from tests.security.matrix import ANONYMOUS, Case, Rule
from tests.security.world import (
    World,
    addressed,
    build_world,
    extend_to,
    secrets_of,
    side_of,
    url_values,
)

CASES = matrix.cases()
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def _params(case: Case) -> Any:
    marks = []
    reason = case.rule.xfail.get(case.role)
    if reason and case.relation in ("denied", "own", "other"):
        marks.append(pytest.mark.xfail(reason=f"mismatch: {reason}", strict=True))
    return pytest.param(case, id=case.id, marks=marks)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The matrix's people and objects, made once and rolled back after the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# ---- calling a route --------------------------------------------------------------------


class Context:
    """What a rule's body builder may use."""

    def __init__(self, world: World, case: Case, obj) -> None:
        self.user = world.users.get(case.role) or world.users["citizen"]
        self.password = PASSWORD
        self.appeal = obj if case.rule.object_kind == "appeal" else None
        self.extend_to = extend_to(obj) if self.appeal is not None else None
        # A member of the appeal's department, who may be made its assignee.
        self.member = world.workers[side_of(case)]


def call(world: World, case: Case, obj):
    rule = case.rule
    values = {**url_values(case, obj), **rule.params}
    path = case.route.path.format(**values)
    if rule.query:
        path += "?" + rule.query.format(**values)
    client: Client = world.client(case.role)
    headers: dict[str, str] = {}
    if rule.kind == "api" and case.role != ANONYMOUS:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[case.role]}"
    body = rule.body(Context(world, case, obj)) if callable(rule.body) else rule.body
    if rule.method == "get":
        return client.get(path, **headers)
    if rule.multipart:
        return client.post(path, body or {}, **headers)
    if rule.kind in ("api", "json"):
        data = json.dumps(body) if body is not None else ""
        return client.generic(
            rule.method.upper(), path, data, content_type="application/json", **headers
        )
    return client.post(path, body or {}, **headers)


# ---- the matrix -----------------------------------------------------------------------------


def _expect_anonymous(rule: Rule, response) -> None:
    if ANONYMOUS in rule.roles:
        assert response.status_code in rule.ok, response.content[:300]
    elif rule.kind == "page":
        assert response.status_code == 302, response.content[:300]
        assert response["Location"].startswith(reverse("web:login") + "?next="), response[
            "Location"
        ]
    else:
        assert response.status_code == 401, response.content[:300]
        assert response["Content-Type"].startswith("application/json")
        assert CYRILLIC.search(response.json()["detail"])


@pytest.mark.parametrize("case", [_params(c) for c in CASES])
def test_access(world, db, case: Case):
    rule = case.rule
    obj = addressed(world, case)
    response = call(world, case, obj)
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode(errors="replace")
    assert response.status_code != 500
    if case.relation == "anonymous":
        _expect_anonymous(rule, response)
    elif case.relation == "denied":
        assert response.status_code == rule.denied_for(case.role), body[:300]
        if rule.kind != "page":
            assert response["Content-Type"].startswith("application/json")
            assert CYRILLIC.search(response.json()["detail"])
        elif response.status_code == 403:
            assert "Нет доступа" in body
    elif case.relation == "own":
        assert response.status_code in rule.ok, body[:500]
        if response.status_code in (301, 302):
            assert not response["Location"].startswith(reverse("web:login"))
        if rule.shows:
            assert secrets_of(world, case, obj)[0] in body
    else:
        assert response.status_code == rule.other, body[:300]
    if case.relation != "own":
        # Rule 16: another's appeal (or feed item, or incident) never shows, whatever the answer.
        for secret in secrets_of(world, case, obj):
            assert secret not in body
    if not rule.cacheable:
        # Item 10: no answer may stay in a browser's or a proxy's cache.
        assert "no-store" in response.get("Cache-Control", ""), response.get("Cache-Control")
    # Nor anything else the role may not see, on any route (lists, feeds, counters included).
    leaked = [secret for secret in world.hidden[case.role] if secret in body]
    assert not leaked, leaked


# ---- the table covers the routes ------------------------------------------------------------


def test_every_route_is_classified():
    missing = matrix.unclassified()
    assert not missing, (
        "classify this route in tests/security/matrix.py RULES (docs/security-matrix.md): "
        + ", ".join(missing)
    )


def test_the_table_names_only_routes_that_exist():
    assert not matrix.stale(), f"RULES name routes that are gone: {matrix.stale()}"


def test_each_page_rule_builds_a_path_of_its_route(world, db):
    # The table's fixed params (an action, a token) must make a URL of the route they are for.
    number = world.appeals["a", "registered"].number
    sample = {"number": number, **dict.fromkeys(matrix.OBJECT_PARAMS.values(), 1)}
    sample["number"] = number
    for route in matrix.web_routes():
        for rule in matrix.rules_of(matrix.RULES.get(route.key, matrix.Skip(""))):
            values = {**sample, "token": "x", "name": "x", **rule.params}
            match = resolve(route.path.format(**values))
            assert match.view_name == route.key, (route.key, match.view_name)


def test_every_rule_is_tried_by_every_role_and_objects_by_a_stranger():
    by_rule: dict[tuple[str, int], list[Case]] = {}
    for case in CASES:
        by_rule.setdefault((case.route.key, id(case.rule)), []).append(case)
    for (key, _), found in by_rule.items():
        assert {c.role for c in found} == set(matrix.ROLES), key
        rule = found[0].rule
        # Objects only all-seeing roles reach (a parked delivery, a breach) have no «other».
        strangers = [
            r for r in rule.roles - {ANONYMOUS} if rule.object and matrix.has_other(rule, r)
        ]
        if rule.object is not None and rule.object_kind not in matrix.OFFICERS_ONLY:
            assert strangers, f"{key}: nobody tries another's object"
        assert len([c for c in found if c.relation == "other"]) == len(strangers), key
    print(f"access matrix: {len(CASES)} cases over {len(by_rule)} rules")


# ---- routes outside the matrix --------------------------------------------------------------


@pytest.mark.parametrize("role", matrix.ROLES)
@override_settings(DEBUG=False)
def test_dev_pages_are_404_without_debug(world, db, role):
    client = world.client(role)
    for route in matrix.dev_routes():
        path = route.path.format(name="x.eml")
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code == 404, (path, method)


@pytest.mark.parametrize("role", matrix.ROLES)
def test_admin_is_for_staff_only(world, db, role):
    # Django admin keeps its own permissions (is_staff); nobody in the matrix has them.
    client = world.client(role)
    for path in ("/admin/", "/admin/accounts/user/", "/admin/appeals/appeal/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/login/"), path


def test_api_docs_are_public(world, db):
    client = world.client(ANONYMOUS)
    assert client.get("/api/v1/docs").status_code == 200
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/appeals/{number}" in schema.json()["paths"]
    assert client.get("/api/v1/").status_code == 404
