"""Roles of SPEC §1 and what each may reach."""

from django.db import models


class Role(models.TextChoices):
    CITIZEN = "citizen", "Заявитель"
    OPERATOR = "operator", "Оператор"
    SPECIALIST = "specialist", "Специалист"
    SUPERVISOR = "supervisor", "Контроль качества"
    ADMINISTRATOR = "administrator", "Администратор"
    AUDITOR = "auditor", "Аудитор"


# Staff who work appeals; supervisors and administrators see every department.
WORKING_ROLES = frozenset({Role.OPERATOR, Role.SPECIALIST, Role.SUPERVISOR, Role.ADMINISTRATOR})
ALL_DEPARTMENTS_ROLES = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})
