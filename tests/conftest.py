"""Shared fixtures: the default catalog, one user per role and appeals in each state of SPEC §4.

They are thin wrappers over tests/factories.py, which tests call directly for anything more.

The whole suite (`uv run pytest` with no paths) runs in parallel: pytest-xdist starts one worker
process per core (`-n auto --dist loadgroup`, see pytest_cmdline_main below); a run naming paths
(`uv run pytest tests/api`) stays in one process, and `-n 0` turns the workers off. So every test
must be safe to run beside another test, and beside another run of the suite (the SQLite and the
PostgreSQL runs, other people's runs on the same machine). The rules:

- Ports: never a fixed one; bind port 0 (`tests.proctree.free_port`) and pass the port on.
- Files: `tmp_path` / `tmp_path_factory` only (per worker); never the work tree, `var/`, or a
  fixed name under /tmp. A server or command a test starts gets `PRIEMNAYA_VAR_DIR=<tmp_path>`.
- Databases: pytest-django gives each worker its own test database (`test_<name>_gw0`, …); a test
  that needs a database of its own for child processes takes `tests.databases.fresh_database_url`
  (a unique name, dropped at the end).
- Redis: db 9 of 127.0.0.1:6379 is the suite's, shared by all workers and runs: every key,
  channel-layer and cache prefix must be unique per test (`uuid4`), and a test may delete only its
  own keys — never FLUSHDB.
- Module- and session-scoped fixtures run once per worker. An expensive one shared by a module
  (a migrated template database, a started server) wants its tests kept on one worker:
  `pytestmark = pytest.mark.xdist_group("<module>")`.
- Processes: look only at the process tree a test started itself (by pid / process group), never
  at "all python processes" or by name.
- No timed assertions, no sleeps standing for a condition: poll the condition with a timeout
  (`tests.proctree.wait_for`). Timeouts must allow for a loaded machine (two workers per core).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings

from priemnaya.appeals.states import Status
from priemnaya.catalog.cache import catalog_changed
from priemnaya.catalog.calendars import calendar_cache_clear
from priemnaya.catalog.services import catalog_load_defaults
from tests import factories

# Property tests run under the profile named by HYPOTHESIS_PROFILE: "ci" (the default, what CI
# runs) keeps Hypothesis's own settings; "quick" tries few examples for a fast local run.
hypothesis_settings.register_profile("ci")
hypothesis_settings.register_profile("quick", max_examples=10)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """Spread a whole-suite run over the cores: one xdist worker per core.

    Runs before xdist's own hook (both try first; a conftest registers later, so it is called
    earlier). Only when no paths were named, no `-n` was given, and this is not a worker itself.
    """
    if (
        getattr(config.option, "numprocesses", False) is None
        and config.args_source == pytest.Config.ArgsSource.TESTPATHS
        and "PYTEST_XDIST_WORKER" not in os.environ
        and not config.option.collectonly
        and not config.option.usepdb
    ):
        config.option.numprocesses = "auto"
        if config.option.dist == "no":
            config.option.dist = "loadgroup"


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://…")
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # These start their own processes on an embedded SQLite file (the demo's own database),
        # never on the run's database: on the PostgreSQL run they would repeat the SQLite run's
        # work exactly, at about four minutes of CI time.
        same = pytest.mark.skip(reason="embedded SQLite processes: run by the SQLite run")
        for item in items:
            if "embedded" in item.keywords:
                item.add_marker(same)
        return
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # A calendar (or a catalog answer) cached in one test must not outlive that test's
    # rolled-back database.
    calendar_cache_clear()
    catalog_changed()
    yield
    calendar_cache_clear()
    catalog_changed()


class _CatalogSnapshot:
    """The rows catalog_load_defaults() adds to a fresh test database, replayed in bulk.

    Loading the defaults row by row (get_or_create: about 70 queries and savepoints) took 20% of
    a typical test's time, and most tests need the catalog. The first load in a process runs the
    real service and notes every row it added to any table; later tests insert exactly those rows
    with one bulk INSERT per table — the same database state, far fewer round trips. Replay only
    happens when the tables start as they did for that first load (same row counts, e.g. not
    after a transactional test flushed the migrations' data); otherwise the real service runs.
    The service itself is tested in tests/catalog/test_defaults.py.
    """

    def __init__(self) -> None:
        self.key: tuple | None = None  # (database name, row counts before the load)
        self.rows: list[tuple[type, list[dict]]] = []
        self.off = False  # the first load did more than add rows: always run the service
        self.replays = 0
        self.watched: list[type] = []

    @staticmethod
    def _models() -> list[type]:
        from django.apps import apps

        return [
            m
            for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and not m._meta.proxy
        ]

    @staticmethod
    def _state(models: list[type]) -> dict[type, set]:
        return {m: set(m._base_manager.values_list("pk", flat=True)) for m in models}

    def load(self) -> None:
        from django.db import connection

        if self.off:
            catalog_load_defaults()
            return
        if self.key is None:
            self._record(connection.settings_dict["NAME"])
            return
        name, counts = self.key
        if name != connection.settings_dict["NAME"] or counts != self._counts():
            catalog_load_defaults()
            return
        self._replay(connection)

    def _record(self, name: str) -> None:
        models = self._models()
        before = self._state(models)
        before_values = {m: list(m._base_manager.order_by("pk").values()) for m in models}
        catalog_load_defaults()
        after = self._state(models)
        changed = [m for m in models if after[m] != before[m]]
        # The load must only have added rows, or a replay could not reproduce it.
        for model in models:
            now = list(model._base_manager.filter(pk__in=before[model]).order_by("pk").values())
            if not before[model] <= after[model] or now != before_values[model]:
                self.off = True
                return
        if not changed:
            self.off = True
            return
        ordered = self._dependency_order(changed)
        self.rows = [
            (m, list(m._base_manager.filter(pk__in=after[m] - before[m]).order_by("pk").values()))
            for m in ordered
        ]
        # The tables the loader fills and every table they point at (the calendar that a
        # transactional test's flush removed, say): the replay's precondition.
        self.watched = sorted(
            {*ordered}
            | {
                f.related_model
                for m in ordered
                for f in m._meta.concrete_fields
                if f.is_relation and f.related_model is not None
            },
            key=lambda m: m._meta.label,
        )
        self.key = (name, tuple(len(before[m]) for m in self.watched))

    def _counts(self) -> tuple[int, ...]:
        return tuple(model._base_manager.count() for model in self.watched)

    @staticmethod
    def _dependency_order(models: list[type]) -> list[type]:
        ordered: list[type] = []
        pending = list(models)
        while pending:
            for model in pending:
                targets = {
                    f.related_model
                    for f in model._meta.concrete_fields
                    if f.is_relation and f.related_model is not model
                }
                if not targets & (set(pending) - {model}):
                    ordered.append(model)
                    pending.remove(model)
                    break
            else:  # a cycle: keep the first load's order; deferred constraints allow it
                ordered.extend(pending)
                break
        return ordered

    def _replay(self, connection) -> None:
        from django.core.management.color import no_style

        for model, rows in self.rows:
            model._base_manager.bulk_create([model(**row) for row in rows])
        # Explicit keys leave PostgreSQL's sequences behind; move them past the replayed rows.
        statements = connection.ops.sequence_reset_sql(no_style(), [m for m, _ in self.rows])
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
        calendar_cache_clear()
        self.replays += 1


_catalog_snapshot = _CatalogSnapshot()


@pytest.fixture
def catalog(db):
    _catalog_snapshot.load()


@pytest.fixture
def citizen(catalog):
    return factories.make_citizen()


@pytest.fixture
def other_citizen(catalog):
    return factories.make_citizen()


@pytest.fixture
def operator(catalog):
    """An operator of the portal support service (where tech themes are routed)."""
    return factories.make_operator()


@pytest.fixture
def head(catalog):
    """The head of the support department, where `operator` works."""
    return factories.make_head("support")


@pytest.fixture
def colleague(catalog):
    """Another operator of the support department."""
    return factories.make_operator(full_name="Коллегин Борис")


@pytest.fixture
def specialist(catalog):
    return factories.make_specialist()


@pytest.fixture
def supervisor(catalog):
    return factories.make_supervisor()


@pytest.fixture
def auditor(catalog):
    return factories.make_auditor()


@pytest.fixture
def submit(catalog):
    """Return a function that files an appeal for a citizen (support theme → support dept)."""
    return factories.submit_appeal


# Appeals in each state of SPEC §4, filed by `citizen` and worked by `operator`.


@pytest.fixture
def registered(citizen, submit):
    """A support appeal: routed to the «support» department, where `operator` works."""
    return submit(citizen)


@pytest.fixture
def move(citizen, operator):
    """Return a function that brings a registered appeal to a state."""

    def _move(appeal, status):
        return factories.bring_to(appeal, status, applicant=citizen, staff=operator)

    return _move


@pytest.fixture
def in_progress(registered, move):
    return move(registered, Status.IN_PROGRESS)


@pytest.fixture
def needs_info(registered, move):
    return move(registered, Status.NEEDS_INFO)


@pytest.fixture
def answered(registered, move):
    return move(registered, Status.ANSWERED)


@pytest.fixture
def complaint(citizen, submit):
    """A 59-FZ complaint about a refused service: routed to «services» (`specialist`)."""
    return submit(
        citizen,
        kind="complaint",
        theme="services-refusal",
        subject="Отказ в приёме заявления",
        text="Заявление на услугу отклонено без объяснения причин.",
    )


@pytest.fixture
def fresh_suggest_model():
    """The theme model's per-process cache, empty before and after: SQLite may hand a
    rolled-back model's id out again, so a cached model must not outlive its test."""
    from priemnaya.search import suggest

    suggest._cached = None
    yield
    suggest._cached = None
