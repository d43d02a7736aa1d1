"""The default catalog of SPEC §3 and its loader (catalog.services.catalog_load_defaults)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from priemnaya.catalog.models import Department, Kind, Policy, Regime, TermUnit, Theme
from priemnaya.catalog.selectors import kinds_with_policies, theme_tree, themes_active
from priemnaya.catalog.services import catalog_load_defaults

pytestmark = pytest.mark.django_db

KIND_CODES = ["request", "complaint", "suggestion", "petition", "gratitude", "contest", "support"]
FZ59_KINDS = {"complaint", "suggestion", "petition", "contest"}

# SPEC §3 "Default catalog": each section with the subjects listed for it.
SPEC_SECTIONS = {
    "Технические проблемы": [
        "Ошибки сайта",
        "Вход и авторизация",
        "Загрузка файлов",
        "Подтверждение по SMS",
    ],
    "Вопросы по личному кабинету": ["Персональные данные", "Уведомления", "Доступ"],
    "Проблемы с услугами": ["Статус заявления", "Отказ", "Документы", "Оплата и возврат"],
    "Электронная подпись и сертификаты": [],
    "Общие вопросы": [],
    "Отзывы и предложения": [],
    "Работа службы поддержки": [],
    "Персональные данные": [],
    "Не знаю, какая тема": [],
}


def counts() -> tuple[int, int, int]:
    return Department.objects.count(), Kind.objects.count(), Theme.objects.count()


def test_first_load_creates_everything_and_reports_it():
    # when
    created = catalog_load_defaults()
    # then
    assert created == {
        "departments": Department.objects.count(),
        "kinds": 7,
        "themes": Theme.objects.count(),
        "policies": Policy.objects.count(),
        # The migration seeded 2024–2027 already; the load adds only what is missing.
        "calendar_years": 0,
    }
    assert created["policies"] == 8
    assert created["departments"] > 0
    assert created["themes"] > 0


def test_second_load_creates_nothing():
    # given
    catalog_load_defaults()
    before = counts()
    # when
    created = catalog_load_defaults()
    # then
    assert created == {
        "departments": 0,
        "kinds": 0,
        "themes": 0,
        "policies": 0,
        "calendar_years": 0,
    }
    assert counts() == before


def test_reload_keeps_administrator_edits():
    # given an administrator changed the catalog
    catalog_load_defaults()
    Kind.objects.filter(code="support").update(name="Помощь", is_active=False)
    Theme.objects.filter(code="tech-login").update(
        name="Вход",
        template_text="Свой шаблон",
        default_department=Department.objects.get(code="esign"),
    )
    Department.objects.filter(code="support").update(name="Контакт-центр")
    # when
    catalog_load_defaults()
    # then
    support = Kind.objects.get(code="support")
    assert (support.name, support.is_active) == ("Помощь", False)
    login = Theme.objects.get(code="tech-login")
    assert (login.name, login.template_text, login.default_department.code) == (
        "Вход",
        "Свой шаблон",
        "esign",
    )
    assert Department.objects.get(code="support").name == "Контакт-центр"


def test_reload_adds_back_only_what_is_missing():
    # given a theme the administrator never had (e.g. added by a newer release)
    catalog_load_defaults()
    Theme.objects.filter(code="tech-sms").delete()
    # when
    created = catalog_load_defaults()
    # then
    assert created == {
        "departments": 0,
        "kinds": 0,
        "themes": 1,
        "policies": 0,
        "calendar_years": 0,
    }
    sms = Theme.objects.get(code="tech-sms")
    assert sms.parent.code == "tech"
    assert sms.default_department.code == "support"


def test_load_catalog_command_reports_what_it_added():
    out = StringIO()
    call_command("load_catalog", stdout=out)
    assert "видов 7" in out.getvalue()
    out = StringIO()
    call_command("load_catalog", stdout=out)
    assert out.getvalue().strip() == (
        "Каталог: добавлено ведомств 0, видов 0, тем 0, политик сроков 0, лет календаря 0."
    )


@pytest.mark.usefixtures("catalog")
def test_all_seven_kinds_with_their_regimes_and_spec_5_policies():
    kinds = {k.code: (k, p) for k, p in kinds_with_policies()}
    assert sorted(kinds) == sorted(KIND_CODES)
    for code, (kind, policy) in kinds.items():
        if code in FZ59_KINDS:
            assert (kind.regime, policy.regime) == (Regime.FZ59, Regime.FZ59), code
            assert (policy.resolution_unit, policy.resolution_value) == (
                TermUnit.CALENDAR_DAYS,
                30,
            ), code
            assert (policy.max_extensions, policy.max_extension_value) == (1, 30), code
            assert (policy.registration_days, policy.redirect_days) == (3, 7), code
        else:
            assert (kind.regime, policy.resolution_unit) == (
                Regime.MESSAGE,
                TermUnit.WORKING_DAYS,
            ), code
            assert 1 <= policy.resolution_value <= 10, code
    support = kinds["support"][1]
    assert (support.first_response_value, support.first_response_unit) == (
        24,
        TermUnit.WORKING_HOURS,
    )
    assert kinds["gratitude"][1].resolution_value == 10


@pytest.mark.usefixtures("catalog")
def test_theme_tree_has_the_sections_of_spec_3():
    # when
    tree = {section.name: [child.name for child in children] for section, children in theme_tree()}
    # then every section of SPEC §3 is a top-level theme with the subjects SPEC lists
    assert list(tree) == list(SPEC_SECTIONS)
    for section, subjects in SPEC_SECTIONS.items():
        assert len(tree[section]) == len(subjects), section
        for subject, child in zip(subjects, tree[section], strict=True):
            assert subject.lower() in child.lower(), (section, child)


@pytest.mark.usefixtures("catalog")
def test_every_theme_routes_to_an_active_department_or_to_the_first_line():
    unsure = []
    for theme in themes_active():
        if theme.default_department is None:
            unsure.append(theme.code)
        else:
            assert theme.default_department.is_active, theme.code
        if theme.parent_id is None and theme.children.exists():
            assert theme.template_text == "", theme.code  # sections are not chosen themselves
    assert unsure == ["unsure"]
    assert Department.objects.get(is_first_line=True).code == "citizens"


@pytest.mark.usefixtures("catalog")
def test_departments_form_a_tree_under_quality_control():
    quality = Department.objects.get(is_quality_control=True)
    assert quality.parent is None
    for dept in Department.objects.exclude(pk=quality.pk):
        top = dept
        while top.parent_id:
            top = top.parent
        assert top == quality, dept.code


def _catalog_state() -> dict[str, list]:
    """Every table's rows by their values, keys and references read as what they point at."""
    from django.apps import apps

    def value(row, field):
        if field.is_relation:
            target = getattr(row, field.name)
            return None if target is None else getattr(target, "code", str(target))
        return getattr(row, field.attname)

    state = {}
    for model in apps.get_models(include_auto_created=True):
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        state[model._meta.label] = sorted(
            (tuple(repr(value(row, f)) for f in fields) for row in model._base_manager.all()),
        )
    return state


def test_the_suites_catalog_fixture_makes_what_the_loader_makes(db):
    """tests/conftest.py replays the loader's rows in bulk; the result must be the same data."""
    from django.db import transaction

    from tests.conftest import _catalog_snapshot

    def in_savepoint(work):
        sid = transaction.savepoint()
        try:
            work()
            return _catalog_state()
        finally:
            transaction.savepoint_rollback(sid)

    in_savepoint(_catalog_snapshot.load)  # the first load of this process records the rows
    loaded = in_savepoint(catalog_load_defaults)
    replays = _catalog_snapshot.replays
    replayed = in_savepoint(_catalog_snapshot.load)

    assert _catalog_snapshot.replays == replays + 1, "the fixture fell back to the loader"
    assert replayed == loaded
    assert loaded["catalog.Theme"]
    assert loaded["catalog.Policy"]
