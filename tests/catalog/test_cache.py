"""The catalog answers kept per catalog version (priemnaya.catalog.cache, issue 11)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from priemnaya.catalog.cache import catalog_cached, catalog_changed, catalog_version
from priemnaya.catalog.models import Department, Kind, PolicyAssignment, RoutingRule
from tests.factories import APPEAL_BODY, api


def kinds_call():
    return api()("get", "/catalog/kinds")


def test_kinds_are_read_once_per_catalog_version(catalog):
    # given one call that built the answer
    first = kinds_call()
    # when the same is asked again
    with CaptureQueriesContext(connection) as queries:
        again = kinds_call()
    # then the answer is the same bytes and no query was made
    assert again.status_code == 200
    assert again.content == first.content
    assert len(queries) == 0


def test_an_edited_kind_shows_in_the_very_next_answer(catalog):
    kinds_call()
    kind = Kind.objects.get(code="support")
    kind.name = "Поддержка портала (новое название)"
    kind.save()
    with CaptureQueriesContext(connection) as queries:
        names = {k["code"]: k["name"] for k in kinds_call().json()}
    assert names["support"] == "Поддержка портала (новое название)"
    assert len(queries) == 3


def test_a_deleted_assignment_and_a_new_rule_change_the_version(catalog):
    before = catalog_version()
    PolicyAssignment.objects.filter(theme__isnull=True).first().delete()
    after_delete = catalog_version()
    RoutingRule.objects.create(order=1, name="Тест", department=Department.objects.first())
    assert before != after_delete
    assert catalog_version() != after_delete


def test_etag_answers_304_until_the_catalog_changes(catalog):
    etag = kinds_call()["ETag"]
    unchanged = api()("get", "/catalog/kinds", **{"If-None-Match": etag})
    assert unchanged.status_code == 304
    Kind.objects.filter(code="support").update(name="Поддержка")  # no signal: bulk update
    catalog_changed()  # what an admin save does through the signal
    changed = api()("get", "/catalog/kinds", **{"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_catalog_cached_builds_once_per_version(db):
    built = []

    def build():
        built.append(1)
        return len(built)

    assert catalog_cached("test:value", build) == 1
    assert catalog_cached("test:value", build) == 1
    catalog_changed()
    assert catalog_cached("test:value", build) == 2


def test_one_request_reads_the_version_once(catalog, citizen):
    from unittest import mock

    from priemnaya.catalog import cache as catalog_cache

    kinds_call()  # built
    with mock.patch.object(catalog_cache.cache, "get", wraps=catalog_cache.cache.get) as reads:
        response = api(citizen)(
            "post",
            "/appeals",
            APPEAL_BODY,
        )
    assert response.status_code == 201, response.content
    version_reads = [c for c in reads.call_args_list if c.args[0] == catalog_cache.VERSION_KEY]
    assert len(version_reads) == 1
    # outside a request every lookup reads the version again
    assert catalog_cache.catalog_version() == catalog_cache.catalog_version()
