"""Canned responses (шаблоны ответов): the administrator's texts the operator starts an answer from.

A template's body is text an administrator typed: it is filled in here by plain string
replacement of a fixed list of placeholders (``PLACEHOLDERS``), never by a template engine or
``str.format`` — nothing in it can reach an object's attributes. A placeholder outside the list is
refused when the template is saved, so an operator never sees a half-filled text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from priemnaya.accounts.models import User
from priemnaya.accounts.roles import Role
from priemnaya.answers.models import ResponseTemplate
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.presenters import due_date, format_date
from priemnaya.audit.services import audit_record
from priemnaya.catalog.models import Kind, Theme
from priemnaya.core import clock
from priemnaya.core.errors import NotFound, NotPermitted, ValidationFailed


def _name(appeal: Appeal, author: User | None) -> str:
    # «Иванова Мария Петровна» is addressed as «Мария Петровна»; anything else as written.
    parts = appeal.applicant_name.split()
    return " ".join(parts[1:]) if len(parts) == 3 else appeal.applicant_name


def _executor(appeal: Appeal, author: User | None) -> str:
    # The assignee signs the answer; before anyone took it, the one preparing it now.
    person = appeal.assignee or author
    return person.full_name if person else ""


# The whole vocabulary of a template, with what each word becomes (shown to the administrator).
PLACEHOLDERS: dict[str, tuple[str, Callable[[Appeal, User | None], str]]] = {
    "имя": ("имя и отчество заявителя (или ФИО, как записано)", _name),
    "фио": ("ФИО заявителя полностью", lambda a, _u: a.applicant_name),
    "номер": ("номер обращения, 26-0001234-9", lambda a, _u: a.display_number),
    "дата": (
        "дата регистрации, ДД.ММ.ГГГГ",
        lambda a, _u: format_date(a.registered_at) if a.registered_at else "",
    ),
    "срок": ("срок ответа, ДД.ММ.ГГГГ", lambda a, _u: format_date(due_date(a)) if a.due_at else ""),
    "ведомство": ("ведомство, рассматривающее обращение", lambda a, _u: a.department.name),
    "тема": ("тема обращения", lambda a, _u: a.theme.name),
    "исполнитель": ("исполнитель (или сотрудник, готовящий ответ)", _executor),
}
# Anything in braces that looks like a word is meant as a placeholder; other braces stay text.
_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,40})\}")


def unknown_placeholders(text: str) -> list[str]:
    """Return the placeholders in ``text`` that are not in the list, in order, once each."""
    seen: list[str] = []
    for match in _PLACEHOLDER.finditer(text or ""):
        word = match.group(1)
        if word.lower() not in PLACEHOLDERS and word not in seen:
            seen.append(word)
    return seen


def placeholder_problem(text: str) -> str:
    """Return the Russian message refusing unknown placeholders in ``text``, or ""."""
    unknown = unknown_placeholders(text)
    if not unknown:
        return ""
    listed = ", ".join("{" + w + "}" for w in unknown)
    known = ", ".join("{" + w + "}" for w in PLACEHOLDERS)
    return f"Неизвестная подстановка: {listed}. Можно использовать: {known}."


def fill(text: str, appeal: Appeal, *, author: User | None = None) -> str:
    """Return ``text`` with each known placeholder replaced by the appeal's value."""

    def value(match: re.Match[str]) -> str:
        entry = PLACEHOLDERS.get(match.group(1).lower())
        return entry[1](appeal, author) if entry else match.group(0)

    return _PLACEHOLDER.sub(value, text)


# ---- selectors ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilledTemplate:
    template: ResponseTemplate
    text: str


def _theme_ids(theme: Theme) -> list[int]:
    """The appeal's theme and its sections up the tree: a section's template covers its topics."""
    ids = [theme.pk]
    if theme.parent_id:
        ids.append(theme.parent_id)
    return ids


def templates_matching(*, theme: Theme, kind: Kind) -> QuerySet[ResponseTemplate]:
    """Return the active templates for a theme and a kind (none listed: all), in one query."""
    themes = ResponseTemplate.themes.through.objects.filter(responsetemplate=OuterRef("pk"))
    kinds = ResponseTemplate.kinds.through.objects.filter(responsetemplate=OuterRef("pk"))
    return ResponseTemplate.objects.filter(
        Q(~Exists(themes)) | Q(Exists(themes.filter(theme_id__in=_theme_ids(theme)))),
        Q(~Exists(kinds)) | Q(Exists(kinds.filter(kind_id=kind.pk))),
        active=True,
    )


def templates_for_appeal(*, appeal: Appeal, author: User | None) -> list[FilledTemplate]:
    """Return the templates for the appeal with their text already filled in for it."""
    return [
        FilledTemplate(t, fill(t.body, appeal, author=author))
        for t in templates_matching(theme=appeal.theme, kind=appeal.kind)
    ]


def templates_all() -> QuerySet[ResponseTemplate]:
    """Every template, active first, for the editor's list."""
    return (
        ResponseTemplate.objects.select_related("updated_by")
        .prefetch_related("themes", "kinds")
        .order_by("-active", "title", "id")
    )


# ---- services -----------------------------------------------------------------------------------


def may_edit_templates(user: Any) -> bool:
    """Only administrators edit templates (SPEC §1: configuration is theirs)."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.ADMINISTRATOR)


def _require_editor(user: User) -> None:
    if not may_edit_templates(user):
        raise NotPermitted("Шаблоны ответов изменяет администратор.")


def template_get(*, user: User, template_id: int) -> ResponseTemplate:
    _require_editor(user)
    found = ResponseTemplate.objects.filter(pk=template_id).first()
    if found is None:
        raise NotFound("Шаблон не найден.", field="template")
    return found


@transaction.atomic
def template_save(
    *,
    actor: User,
    template: ResponseTemplate | None,
    title: str,
    body: str,
    themes: Iterable[Theme],
    kinds: Iterable[Kind],
    active: bool = True,
) -> ResponseTemplate:
    """Create or change a template; refuse unknown placeholders naming the field; audit it."""
    _require_editor(actor)
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = ["Укажите название шаблона."]
    if not (body or "").strip():
        errors["body"] = ["Напишите текст шаблона."]
    elif problem := placeholder_problem(body):
        errors["body"] = [problem]
    if errors:
        raise ValidationFailed(errors)
    created = template is None
    template = template or ResponseTemplate()
    template.title, template.body, template.active = title.strip(), body, active
    template.updated_by, template.updated_at = actor, clock.now()
    template.save()
    template.themes.set(list(themes))
    template.kinds.set(list(kinds))
    audit_record(
        action="response_template.created" if created else "response_template.changed",
        actor=actor,
        target_type="response_template",
        target_id=template.pk,
        details={"active": active},
    )
    return template


@transaction.atomic
def template_deactivate(*, actor: User, template: ResponseTemplate) -> ResponseTemplate:
    """Take a template out of the operators' lists (kept for history); audit it."""
    _require_editor(actor)
    if template.active:
        template.active = False
        template.updated_by, template.updated_at = actor, clock.now()
        template.save(update_fields=["active", "updated_by", "updated_at"])
        audit_record(
            action="response_template.deactivated",
            actor=actor,
            target_type="response_template",
            target_id=template.pk,
        )
    return template
