"""What reaches the audit log: transitions, staff views of appeals, role and configuration
changes — each with ids and codes only, never a name, contact or text (LEGAL.md §6 rule 26)."""

import json

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType

from priemnaya.appeals import services
from priemnaya.appeals.outbox import relay_once
from priemnaya.audit.chain import chain_verify
from priemnaya.audit.models import AuditEntry
from priemnaya.audit.services import acting_as
from priemnaya.catalog.models import Department
from tests.factories import PASSWORD, api, make_user, save_draft, signed_in

pytestmark = pytest.mark.django_db


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def no_personal_data(entry: AuditEntry, *people) -> None:
    """The entry's stored text holds none of the people's names or contacts, nor appeal text."""
    text = json.dumps(
        [entry.action, entry.target_type, entry.target_id, entry.details], ensure_ascii=False
    )
    for person in people:
        for value in (person.full_name, person.email, person.phone):
            if value:
                assert value not in text


# ---- transitions, through the journal's outbox --------------------------------------------------


def test_each_transition_is_recorded_once_through_the_outbox(citizen, operator, registered):
    services.appeal_take(appeal=registered, actor=operator)
    assert entries("appeal.transition") == []  # the request does not wait on the chain
    relay_once()
    relay_once()
    recorded = entries("appeal.transition")
    assert [(e.target_type, e.target_id) for e in recorded] == [("appeal", str(registered.pk))] * 2
    assert [e.details["event"] for e in recorded] == ["registered", "taken"]
    assert [(e.actor_id, e.actor_role) for e in recorded] == [
        (citizen.pk, "citizen"),
        (operator.pk, "operator"),
    ]
    taken = recorded[1]
    assert taken.details == {
        "event": "taken",
        "event_id": registered.events.get(type="taken").pk,
        "from": "registered",
        "status": "in_progress",
    }
    for entry in recorded:
        no_personal_data(entry, citizen, operator)
        assert registered.subject not in json.dumps(entry.details, ensure_ascii=False)
    assert chain_verify().ok


def test_a_saved_draft_is_not_a_transition(citizen):
    save_draft(citizen)
    relay_once()
    assert entries("appeal.transition") == []


# ---- staff views of personal data ---------------------------------------------------------------


def test_a_staff_view_of_an_appeal_page_is_recorded(operator, registered):
    response = signed_in(operator).get(f"/console/appeals/{registered.number}/")
    assert response.status_code == 200
    (entry,) = entries("appeal.viewed")
    assert (entry.actor_id, entry.actor_role, entry.target_type, entry.target_id) == (
        operator.pk,
        "operator",
        "appeal",
        str(registered.pk),
    )
    assert entry.details == {}


def test_a_staff_view_through_the_api_is_recorded(operator, registered):
    response = api(operator)("get", f"/staff/appeals/{registered.number}")
    assert response.status_code == 200
    (entry,) = entries("appeal.viewed")
    assert (entry.actor_id, entry.target_id) == (operator.pk, str(registered.pk))


def test_a_refused_view_and_the_applicants_own_view_are_not_staff_views(
    citizen, specialist, registered
):
    # The specialist's departments do not hold this appeal: 404, nothing seen, nothing recorded.
    assert signed_in(specialist).get(f"/console/appeals/{registered.number}/").status_code == 404
    assert api(specialist)("get", f"/staff/appeals/{registered.number}").status_code == 404
    assert signed_in(citizen).get(f"/cabinet/appeals/{registered.number}/").status_code == 200
    assert entries("appeal.viewed") == []


# ---- role changes -------------------------------------------------------------------------------


def test_a_role_change_is_recorded_with_from_and_to(catalog):
    user = make_user("citizen")
    user.role = "operator"
    user.save()
    (entry,) = entries("role.changed")
    assert (entry.target_type, entry.target_id, entry.actor_id) == ("user", str(user.pk), None)
    assert entry.details == {"field": "role", "from": "citizen", "to": "operator"}
    no_personal_data(entry, user)


def test_admin_access_changes_are_recorded_with_the_acting_user(catalog):
    admin = make_user("administrator")
    user = make_user("operator")
    before = len(entries("role.changed"))
    user.is_staff = True
    user.is_superuser = True
    with acting_as(admin):
        user.save()
    recorded = entries("role.changed")[before:]
    assert [(e.details["field"], e.details["from"], e.details["to"]) for e in recorded] == [
        ("is_staff", False, True),
        ("is_superuser", False, True),
    ]
    assert {e.actor_id for e in recorded} == {admin.pk}


def test_a_new_account_with_a_role_is_recorded_a_new_citizen_is_not(catalog):
    citizen = make_user("citizen")
    auditor = make_user("auditor")
    targets = [e.target_id for e in entries("role.changed")]
    assert str(citizen.pk) not in targets
    assert targets == [str(auditor.pk)]
    assert entries("role.changed")[0].details == {
        "field": "role",
        "from": "citizen",
        "to": "auditor",
    }


def test_saves_of_other_fields_record_nothing_and_read_nothing(catalog, django_assert_num_queries):
    user = make_user("operator")
    before = AuditEntry.objects.count()
    user.full_name = "Другое Имя"
    user.save()  # a full save: the old values are read, nothing changed, nothing recorded
    with django_assert_num_queries(1):
        user.save(update_fields=["last_login"])
    assert AuditEntry.objects.count() == before


# ---- configuration changes (the admin's log) ----------------------------------------------------


@pytest.fixture
def administrator(catalog):
    return make_user("administrator", is_staff=True, is_superuser=True)


def test_every_admin_log_entry_becomes_config_changed(administrator):
    department = Department.objects.get(code="support")
    for flag in (ADDITION, CHANGE, DELETION):
        LogEntry.objects.log_actions(administrator.pk, [department], flag, change_message="")
    recorded = entries("config.changed")
    assert [e.details for e in recorded] == [
        {"model": "catalog.department", "object_id": str(department.pk), "action": action}
        for action in ("added", "changed", "deleted")
    ]
    assert {(e.actor_id, e.target_type, e.target_id) for e in recorded} == {
        (administrator.pk, "catalog.department", str(department.pk))
    }
    assert ContentType.objects.get_for_model(Department).model == "department"


def test_a_role_changed_in_the_admin_is_audited_twice_with_the_administrator(administrator):
    user = make_user("operator", position="Оператор")
    client = signed_in(administrator)
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    data = {
        "email": user.email,
        "phone": "",
        "full_name": user.full_name,
        "role": "supervisor",
        "position": "",
        "work_phone": "",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-10",
        "date_joined_1": "10:00:00",
        "_save": "Сохранить",
    }
    response = client.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.role == "supervisor"
    new = [(e.action, e.target_id) for e in AuditEntry.objects.filter(pk__gt=before)]
    assert new == [("role.changed", str(user.pk)), ("config.changed", str(user.pk))]
    role, config = AuditEntry.objects.filter(pk__gt=before).order_by("id")
    assert (role.actor_id, role.details) == (
        administrator.pk,
        {"field": "role", "from": "operator", "to": "supervisor"},
    )
    assert (config.actor_id, config.details) == (
        administrator.pk,
        {"model": "accounts.user", "object_id": str(user.pk), "action": "changed"},
    )
    no_personal_data(config, user)
    assert PASSWORD not in json.dumps(config.details)
