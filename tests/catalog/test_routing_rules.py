"""Routing rules (SPEC §8): the first active rule that matches sends the appeal; else the theme's
department; else the first line, «не распределено». Every automatic route is journaled."""

from __future__ import annotations

import pytest

from priemnaya.accounts.roles import Role
from priemnaya.appeals import services
from priemnaya.appeals.models import Event
from priemnaya.appeals.presenters import Audience, event_describe
from priemnaya.appeals.states import EventType, Priority
from priemnaya.catalog.models import Department, Kind, RoutingRule, Theme
from priemnaya.catalog.routing import (
    RouteBy,
    RouteInput,
    route_for,
    rule_matches,
    stems,
)
from priemnaya.core.errors import ValidationFailed
from tests.factories import api, make_operator, make_user, signed_in, submit_appeal


def rule(order: int = 100, department: str = "privacy", **conditions) -> RoutingRule:
    for name, model in (("kind", Kind), ("theme", Theme)):
        if isinstance(conditions.get(name), str):
            conditions[name] = model.objects.get(code=conditions[name])
    return RoutingRule.objects.create(
        order=order,
        name=conditions.pop("name", f"Правило {order}"),
        department=Department.objects.get(code=department),
        **conditions,
    )


def route(*, kind="support", theme="tech-login", service_code="", text="", region=""):
    return RouteInput.of(
        kind=Kind.objects.get(code=kind) if kind else None,
        theme=Theme.objects.select_related("default_department").get(code=theme) if theme else None,
        service_code=service_code,
        text=text,
        region=region,
    )


# ---- matching ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keywords", "text", "hit"),
    [
        ("жалобы на оператора", "Пишу жалобу на операторов горячей линии", True),
        ("жалоба на оператора", "Жалоба оператору колл-центра", True),  # function words aside
        ("Ёлка", "про елки", True),  # case and ё/е folded
        ("пошлина, штраф", "Мне выписали штрафы", True),  # any keyword
        ("возврат пошлины", "Пошлину не вернули, прошу возврата пошлины", True),
        ("возврат пошлины", "Прошу вернуть пошлину", False),  # every word of a keyword
        ("налог", "Не приходит SMS", False),
    ],
)
def test_keywords_match_by_russian_stems(catalog, keywords, text, hit):
    assert rule_matches(rule(keywords=keywords), **_of(route(text=text))) is hit


def _of(r: RouteInput) -> dict:
    return {
        "kind": r.kind,
        "theme": r.theme,
        "service_code": r.service_code,
        "text": r.text,
        "region": r.region,
    }


def test_stems_fold_forms_of_a_word():
    assert stems("Операторов") == stems("оператора") == stems("ОПЕРАТОР")
    assert stems("ёжик") == stems("ежик")


def test_every_set_condition_must_hold(catalog):
    # given a rule on kind, theme section, service code and region
    r = rule(kind="support", theme="tech", service_code="10000001", region="77")
    base = {"kind": "support", "theme": "tech-login", "service_code": "10000001", "region": "77"}
    # then it matches its appeal (the theme «tech-login» is in the section «tech»)…
    assert route_for(route(**base)).rule == r
    # …and each condition that fails alone sends the appeal elsewhere
    for changed in (
        {"kind": "request"},
        {"theme": "cabinet"},
        {"service_code": "10000002"},
        {"region": "50"},
    ):
        decision = route_for(route(**(base | changed)))
        assert decision.rule is None, changed


def test_the_first_active_rule_by_order_wins(catalog):
    # given three matching rules, the lowest order inactive
    rule(order=5, department="quality", is_active=False)
    second = rule(order=20, department="esign")
    rule(order=10, department="privacy", keywords="налоговая")  # does not match the text
    rule(order=30, department="services")
    # when
    decision = route_for(route(text="Не могу войти"))
    # then the inactive one is ignored, the non-matching skipped, the next by order wins
    assert decision.rule == second
    assert decision.department.code == "esign"
    assert decision.by == RouteBy.RULE


def test_equal_order_falls_back_to_creation_order(catalog):
    first = rule(order=10, department="esign")
    rule(order=10, department="privacy")
    assert route_for(route()).rule == first


def test_no_rule_uses_the_theme_department_then_the_first_line(catalog):
    rule(keywords="налог")
    by_theme = route_for(route(theme="tech-login"))
    assert (by_theme.department.code, by_theme.by, by_theme.unrouted) == (
        "support",
        RouteBy.THEME,
        False,
    )
    unrouted = route_for(route(kind="request", theme="unsure"))
    assert (unrouted.department.code, unrouted.by, unrouted.unrouted) == (
        "citizens",
        RouteBy.FIRST_LINE,
        True,
    )


# ---- at registration ---------------------------------------------------------------------------


def test_registration_follows_the_rule_and_journals_it(citizen):
    # given a rule on keywords with a priority
    r = rule(
        name="Персональные данные в тексте",
        keywords="персональные данные, утечка",
        priority=Priority.HIGH,
    )
    # when an appeal mentions it in another form
    appeal = submit_appeal(citizen, text="Похоже на утечку моих персональных данных.")
    # then it is routed by the rule
    assert appeal.department.code == "privacy"
    assert appeal.routing_rule == r
    assert appeal.priority == Priority.HIGH
    assert not appeal.unrouted
    event = Event.objects.get(appeal=appeal, type=EventType.REGISTERED)
    assert event.data["route"] == {
        "by": "rule",
        "rule": r.pk,
        "name": "Персональные данные в тексте",
        "department": "privacy",
    }
    # staff read why; the applicant reads nothing internal
    staff = event_describe(event, audience=Audience.STAFF)
    assert "Направлено по правилу «Персональные данные в тексте»" in staff.details
    applicant = event_describe(event, audience=Audience.APPLICANT)
    assert "route" not in applicant.data
    assert not any("правил" in line for line in applicant.details)


def test_registration_without_a_rule_goes_by_theme(citizen):
    appeal = submit_appeal(citizen)
    assert appeal.department.code == "support"
    assert appeal.routing_rule is None
    assert not appeal.unrouted
    event = Event.objects.get(appeal=appeal, type=EventType.REGISTERED)
    assert event.data["route"] == {"by": "theme", "department": "support"}


def test_registration_by_region(citizen):
    rule(region="78", department="esign")
    spb = submit_appeal(citizen, region="78")
    moscow = submit_appeal(citizen, region="77")
    assert (spb.department.code, spb.region) == ("esign", "78")
    assert moscow.department.code == "support"


def test_an_unknown_region_is_refused_naming_the_field(citizen):
    with pytest.raises(ValidationFailed) as caught:
        submit_appeal(citizen, region="999")
    assert "region" in caught.value.errors


def test_unrouted_goes_to_the_first_line_and_an_operator_routes_it(citizen):
    # given an appeal whose theme has no department and no rule
    appeal = submit_appeal(citizen, kind="request", theme="unsure")
    assert appeal.department.code == "citizens"
    assert appeal.unrouted
    assert Event.objects.get(appeal=appeal, type=EventType.REGISTERED).data["route"] == {
        "by": "first_line",
        "department": "citizens",
    }
    # when a first-line operator redirects it
    first_line = make_operator(departments=("citizens",))
    routed = services.appeal_redirect(
        appeal=appeal, actor=first_line, department_code="services", reason="Вопрос об услуге."
    )
    # then it is routed, and the journal says it was a manual route
    routed.refresh_from_db()
    assert routed.department.code == "services"
    assert not routed.unrouted
    event = routed.events.get(type=EventType.REDIRECTED)
    assert event.data["routed"] is True
    assert "Распределено вручную" in " ".join(
        event_describe(event, audience=Audience.STAFF).details
    )


def test_the_staff_api_shows_the_route_and_hides_it_from_the_applicant(citizen, operator):
    rule(name="Вход", keywords="войти", department="support", priority=Priority.HIGH)
    appeal = submit_appeal(citizen)
    staff_events = api(operator)("get", f"/staff/appeals/{appeal.number}").json()
    assert staff_events["unrouted"] is False
    own = api(citizen)("get", f"/appeals/{appeal.number}/events").json()
    registered = next(e for e in own if e["type"] == "registered")
    assert registered["data"].get("route") is None


# ---- admin ---------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(catalog):
    return signed_in(make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))


def test_admin_lists_rules_and_previews_which_matches(admin_client):
    # given two rules
    rule(order=10, name="Налоги", keywords="налог", department="services")
    rule(order=20, name="Поддержка из Москвы", region="77", department="esign")
    # the list opens with the preview link
    page = admin_client.get("/admin/catalog/routingrule/")
    assert page.status_code == 200
    assert "Проверить правило" in page.content.decode()
    # when the administrator checks an appeal
    kind = Kind.objects.get(code="support")
    theme = Theme.objects.get(code="tech-login")
    result = admin_client.get(
        "/admin/catalog/routingrule/check/",
        {"kind": kind.pk, "theme": theme.pk, "text": "Не могу войти", "region": "77"},
    )
    # then they see which rule matches, why the other does not, and the department and policy
    html = result.content.decode()
    assert result.status_code == 200
    assert "Удостоверяющий центр" in html
    assert "по правилу «Поддержка из Москвы»" in html
    assert "в тексте нет ни одного из ключевых слов: налог" in html
    assert "Техподдержка" in html  # the support policy


def test_admin_preview_says_when_nothing_matches(admin_client):
    theme = Theme.objects.get(code="unsure")
    html = admin_client.get(
        "/admin/catalog/routingrule/check/", {"theme": theme.pk, "region": "999"}
    ).content.decode()
    assert "Выберите регион из списка" in html
    html = admin_client.get("/admin/catalog/routingrule/check/", {"theme": theme.pk}).content
    assert "Нераспределённые" in html.decode()


def test_admin_refuses_a_policy_that_breaks_its_model_rules(admin_client):
    from priemnaya.catalog.models import Policy

    policy = Policy.objects.get(code="message")
    page = admin_client.post(
        f"/admin/catalog/policy/{policy.pk}/change/",
        {
            "code": "message",
            "name": policy.name,
            "regime": policy.regime,
            "first_response_unit": "working_hours",
            "resolution_value": "100",
            "resolution_unit": "working_days",
            "last_day": "preceding",
            "max_extensions": "1",
            "max_extension_value": "10",
            "extension_approver": "head",
            "breach_action": "notify",
            "warn_before_hours": "24",
            "autoclose_days": "10",
            "policyassignment_set-TOTAL_FORMS": "0",
            "policyassignment_set-INITIAL_FORMS": "0",
        },
    )
    assert page.status_code == 200
    assert "не может превышать 90 дней" in page.content.decode()
    policy.refresh_from_db()
    assert policy.resolution_value == 10


def test_a_draft_on_a_theme_without_a_department_is_saved_and_routed_at_submission(citizen):
    draft = services.appeal_draft_save(
        actor=citizen, data=services.AppealInput(kind="request", theme="unsure")
    )
    assert draft.pk is not None


def test_the_cabinet_form_takes_a_region_and_a_rule_routes_by_it(citizen):
    # given a rule for Saint Petersburg
    rule(region="78", department="esign", name="Петербург")
    client = signed_in(citizen)
    form = client.get("/cabinet/new/").content.decode()
    assert '<option value="78">78 — Санкт-Петербург</option>' in form
    # when the applicant picks the region
    done = client.post(
        "/cabinet/new/",
        {
            "kind": "support",
            "theme": "tech-login",
            "subject": "Не могу войти",
            "text": "Страница входа обновляется.",
            "contact_email": "me@example.ru",
            "region": "78",
            "client_token": "t-region",
        },
    )
    # then the appeal keeps it and goes where the rule says
    assert done.status_code == 302
    appeal = citizen.appeals.get()
    assert (appeal.region, appeal.department.code) == ("78", "esign")
    wrong = client.post("/cabinet/new/", {"region": "00", "client_token": "t-2"})
    assert "Выберите регион из списка" in wrong.content.decode()


def test_admin_saves_a_rule_with_normalised_keywords(admin_client):
    department = Department.objects.get(code="privacy")
    saved = admin_client.post(
        "/admin/catalog/routingrule/add/",
        {
            "order": "10",
            "name": "Утечки",
            "is_active": "on",
            "keywords": " утечка ,, персональные данные ",
            "department": department.pk,
            "priority": str(Priority.HIGH),
            "region": "",
            "service_code": "",
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    created = RoutingRule.objects.get(name="Утечки")
    assert created.keywords == "утечка, персональные данные"
    assert created.priority == Priority.HIGH


def test_the_staff_api_takes_a_region_and_names_it_when_wrong(operator):
    caller = api(operator)
    body = {
        "channel": "phone",
        "applicant_name": "Сидоров Пётр Ильич",
        "kind": "support",
        "theme": "tech-sms",
        "subject": "Не приходит SMS",
        "text": "Код подтверждения не приходит.",
        "contact_phone": "+79161234567",
    }
    made = caller("post", "/staff/appeals", body | {"region": "7"})
    assert made.status_code == 201
    assert made.json()["region"] == "07"
    wrong = caller("post", "/staff/appeals", body | {"region": "Москва"})
    assert wrong.status_code == 422
    assert [e["field"] for e in wrong.json()["errors"]] == ["region"]


def test_the_rule_form_offers_the_appeal_priorities():
    from priemnaya.catalog.admin_routing import PRIORITY_CHOICES

    assert [(p.value, p.label) for p in Priority] == PRIORITY_CHOICES


def test_policy_and_assignment_lists_open_in_admin(admin_client):
    assert admin_client.get("/admin/catalog/policy/").status_code == 200
    assert admin_client.get("/admin/catalog/policyassignment/").status_code == 200


def test_the_console_marks_an_unrouted_appeal_for_the_first_line(citizen):
    appeal = submit_appeal(citizen, kind="request", theme="unsure")
    first_line = make_operator(departments=("citizens",))
    page = signed_in(first_line).get(f"/console/appeals/{appeal.number}/").content.decode()
    assert "не распределено" in page
    assert "Не распределено: ни одно правило не подошло" in page  # the journal line


def test_the_preview_needs_the_right_to_view_rules(catalog):
    clerk = signed_in(make_user(Role.OPERATOR, is_staff=True))
    assert clerk.get("/admin/catalog/routingrule/check/").status_code == 403
