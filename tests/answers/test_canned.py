"""Canned responses (issue 12): placeholders, the editor, the answer form pre-fill."""

from __future__ import annotations

import pytest
from django.test import Client

from priemnaya.accounts.roles import Role
from priemnaya.answers.admin import ResponseTemplateAdminForm
from priemnaya.answers.canned import (
    fill,
    template_deactivate,
    template_save,
    templates_matching,
    unknown_placeholders,
)
from priemnaya.answers.models import ResponseTemplate
from priemnaya.appeals.models import Answer
from priemnaya.appeals.states import Status
from priemnaya.audit.models import AuditEntry
from priemnaya.catalog.models import Kind, Theme
from priemnaya.core.errors import NotPermitted, ValidationFailed
from tests import factories

BODY = (
    "Уважаемый(ая) {имя}! По обращению № {номер} от {дата} ({тема}, {ведомство}) — {исполнитель}."
)


@pytest.fixture
def admin_user(catalog):
    return factories.make_user(Role.ADMINISTRATOR, full_name="Админов Админ Админович")


def _template(admin, *, title="Шаблон", body=BODY, themes=(), kinds=(), active=True):
    return template_save(
        actor=admin,
        template=None,
        title=title,
        body=body,
        themes=[Theme.objects.get(code=c) for c in themes],
        kinds=[Kind.objects.get(code=c) for c in kinds],
        active=active,
    )


# ---- substitution -------------------------------------------------------------------------------


def test_fill_puts_the_appeals_values_in_place_of_each_placeholder(catalog, operator, in_progress):
    # given an appeal in work of «Тестов …» whose assignee is the operator
    in_progress.applicant_name = "Иванова Мария Петровна"
    # when
    text = fill(BODY + " Срок: {срок}.", in_progress)
    # then
    assert text.startswith("Уважаемый(ая) Мария Петровна! ")
    assert f"№ {in_progress.display_number} " in text
    assert "-" in in_progress.display_number  # grouped: 26-0000001-5
    assert f"от {in_progress.registered_at.astimezone():%d.%m.%Y}" in text
    assert "(Вход и авторизация, " in text
    assert in_progress.department.name in text
    assert operator.full_name in text
    assert "{" not in text


def test_fill_never_reaches_an_objects_attributes(catalog, in_progress):
    # given a body trying attribute access and format specs
    body = "{имя.__class__} {applicant.password} {0} {номер!r} {{номер}}"
    # when
    text = fill(body, in_progress)
    # then only the plain {номер} inside the doubled braces is replaced; the rest stays text
    assert text == (
        "{имя.__class__} {applicant.password} {0} {номер!r} {" + in_progress.display_number + "}"
    )


def test_unknown_placeholders_are_listed_once_in_order():
    assert unknown_placeholders("{фамилия} {имя} {адрес} {фамилия} { пробел }") == [
        "фамилия",
        "адрес",
    ]


def test_saving_refuses_an_unknown_placeholder_naming_the_field(admin_user):
    with pytest.raises(ValidationFailed) as caught:
        _template(admin_user, body="Здравствуйте, {фамилия}!")
    assert caught.value.field == "body"
    assert "{фамилия}" in caught.value.message
    assert not ResponseTemplate.objects.exists()


def test_the_django_admin_form_refuses_an_unknown_placeholder_too(catalog):
    form = ResponseTemplateAdminForm(data={"title": "Т", "body": "{адрес}", "active": True})
    assert not form.is_valid()
    assert "{адрес}" in form.errors["body"][0]


def test_only_administrators_save_templates(operator):
    with pytest.raises(NotPermitted):
        _template(operator)


# ---- which templates an appeal gets -------------------------------------------------------------


def test_templates_match_the_theme_its_section_or_all_and_the_kind(admin_user, in_progress):
    # given templates for every theme, the appeal's section, its theme, another section, and
    # for another kind; one switched off
    everyone = _template(admin_user, title="Для всех")
    section = _template(admin_user, title="Раздел tech", themes=["tech"])
    exact = _template(admin_user, title="SMS", themes=["tech-login", "esign"])
    _template(admin_user, title="Услуги", themes=["services"])
    other_kind = Kind.objects.exclude(pk=in_progress.kind_id).first()
    _template(admin_user, title="Другой вид", kinds=[other_kind.code])
    same_kind = _template(admin_user, title="Этот вид", kinds=[in_progress.kind.code])
    _template(admin_user, title="Отключён", active=False)
    # when
    found = set(templates_matching(theme=in_progress.theme, kind=in_progress.kind))
    # then
    assert found == {everyone, section, exact, same_kind}


# ---- the editor pages ---------------------------------------------------------------------------


def test_the_editor_is_the_administrators(operator, supervisor):
    for user in (operator, supervisor):
        assert factories.signed_in(user).get("/console/templates/").status_code == 403
    assert Client().get("/console/templates/").status_code == 302


def test_an_administrator_creates_edits_and_deactivates_a_template_audited(admin_user):
    client = factories.signed_in(admin_user)
    theme = Theme.objects.get(code="tech-login")
    # when created
    response = client.post(
        "/console/templates/new/",
        {"title": "SMS не приходит", "body": "Здравствуйте, {имя}!", "themes": [theme.pk],
         "active": "on"},
    )  # fmt: skip
    # then
    assert response.status_code == 302
    template = ResponseTemplate.objects.get()
    assert template.updated_by == admin_user
    assert list(template.themes.all()) == [theme]
    assert ">SMS не приходит</a>" in client.get("/console/templates/").content.decode()
    # when edited
    page = client.get(f"/console/templates/{template.pk}/")
    assert "Здравствуйте, {имя}!" in page.content.decode()
    client.post(
        f"/console/templates/{template.pk}/",
        {"title": "SMS", "body": "Добрый день, {имя}.", "active": "on"},
    )
    template.refresh_from_db()
    assert (template.title, template.body, template.themes.count()) == (
        "SMS",
        "Добрый день, {имя}.",
        0,
    )
    # when deactivated
    assert client.post(f"/console/templates/{template.pk}/deactivate/").status_code == 302
    template.refresh_from_db()
    assert not template.active
    actions = list(
        AuditEntry.objects.filter(target_type="response_template").values_list("action", flat=True)
    )
    assert actions == [
        "response_template.created",
        "response_template.changed",
        "response_template.deactivated",
    ]
    assert all(
        e.actor_id == admin_user.pk
        for e in AuditEntry.objects.filter(target_type="response_template")
    )


def test_the_editor_names_the_field_and_the_unknown_placeholder(admin_user):
    response = factories.signed_in(admin_user).post(
        "/console/templates/new/", {"title": "Т", "body": "Здравствуйте, {отчество}!"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_body_error"' in html
    assert "Неизвестная подстановка: {отчество}" in html
    assert not ResponseTemplate.objects.exists()


def test_an_unknown_template_is_404_for_the_editor(admin_user):
    client = factories.signed_in(admin_user)
    assert client.get("/console/templates/999/").status_code == 404
    assert client.post("/console/templates/999/deactivate/").status_code == 404


def test_deactivating_twice_records_once(admin_user):
    template = _template(admin_user)
    template_deactivate(actor=admin_user, template=template)
    template_deactivate(actor=admin_user, template=template)
    assert AuditEntry.objects.filter(action="response_template.deactivated").count() == 1


# ---- the console appeal page --------------------------------------------------------------------


def test_choosing_a_template_prefills_the_answer_form_without_sending(
    admin_user, operator, in_progress
):
    # given a template for the appeal's theme and one for another theme
    mine = _template(
        admin_user, title="Про SMS", body="Здравствуйте, {имя}! № {номер}.", themes=["tech-login"]
    )
    other = _template(admin_user, title="Про услуги", body="Услуги: {номер}", themes=["services"])
    client = factories.signed_in(operator)
    url = f"/console/appeals/{in_progress.number}/"
    # when the page is opened: the list holds only the matching template
    html = client.get(url).content.decode()
    assert "Шаблоны ответов" in html
    assert "Про SMS" in html
    assert "Про услуги" not in html
    assert f'href="?template={mine.pk}#action-answer"' in html
    # when the operator chooses it (a plain GET link: no JavaScript)
    html = client.get(url, {"template": mine.pk}).content.decode()
    # then the answer's textarea holds the filled text and its form is open
    name = " ".join(in_progress.applicant_name.split()[1:])  # «Тестов Citizen 7» → «Citizen 7»
    expected = f"Здравствуйте, {name}! № {in_progress.display_number}."
    textarea = html.split('name="answer-text"', 1)[1].split("</textarea>", 1)[0]
    assert expected in textarea
    assert '<details class="action" id="action-answer" open>' in html
    # and nothing was sent
    in_progress.refresh_from_db()
    assert in_progress.status == Status.IN_PROGRESS
    assert not Answer.objects.filter(appeal=in_progress).exists()
    # a template of another theme is not filled in
    html = client.get(url, {"template": other.pk}).content.decode()
    assert "Услуги:" not in html.split('name="answer-text"', 1)[1].split("</textarea>", 1)[0]


def test_the_templates_are_offered_only_with_the_answer_form(admin_user, operator, registered):
    _template(admin_user, title="Про SMS")
    html = factories.signed_in(operator).get(f"/console/appeals/{registered.number}/").content
    assert "Шаблоны ответов" not in html.decode()


def test_the_answer_form_still_answers(admin_user, operator, in_progress):
    _template(admin_user, title="Про SMS")
    response = factories.signed_in(operator).post(
        f"/console/appeals/{in_progress.number}/answer/",
        {"answer-outcome": "resolved", "answer-text": "Проблема устранена."},
    )
    assert response.status_code == 302
    in_progress.refresh_from_db()
    assert in_progress.status == Status.ANSWERED


# ---- the API ------------------------------------------------------------------------------------


def test_the_api_lists_the_appeals_templates_filled_in(admin_user, operator, in_progress):
    template = _template(admin_user, title="Про SMS", body="№ {номер}", themes=["tech-login"])
    _template(admin_user, title="Услуги", themes=["services"])
    response = factories.api(operator)("get", f"/staff/appeals/{in_progress.number}/templates")
    assert response.status_code == 200
    assert response.json() == [
        {"id": template.pk, "title": "Про SMS", "text": f"№ {in_progress.display_number}"}
    ]


def test_the_api_is_404_for_staff_of_another_department(admin_user, specialist, in_progress):
    _template(admin_user)
    response = factories.api(specialist)("get", f"/staff/appeals/{in_progress.number}/templates")
    assert response.status_code == 404
    assert "Шаблон" not in response.content.decode()
