"""Administrators read the journal and issued answers in admin; nobody changes or deletes them."""

from __future__ import annotations

import pytest

from priemnaya.accounts.roles import Role
from priemnaya.appeals.models import Answer, Event
from tests.factories import make_user, signed_in


@pytest.fixture
def admin_client(catalog):
    return signed_in(make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))


@pytest.mark.django_db
def test_an_issued_answer_cannot_be_deleted_in_admin(admin_client, answered):
    answer = Answer.objects.get(appeal=answered)
    # the answer is listed and can be opened…
    assert admin_client.get("/admin/appeals/answer/").status_code == 200
    assert admin_client.get(f"/admin/appeals/answer/{answer.pk}/change/").status_code == 200
    # …but neither deleted nor changed
    assert admin_client.get(f"/admin/appeals/answer/{answer.pk}/delete/").status_code == 403
    refused = admin_client.post(f"/admin/appeals/answer/{answer.pk}/delete/", {"post": "yes"})
    assert refused.status_code == 403
    admin_client.post(
        "/admin/appeals/answer/",
        {"action": "delete_selected", "_selected_action": [answer.pk], "post": "yes"},
    )
    assert Answer.objects.filter(pk=answer.pk).exists()
    assert answered.__class__.objects.get(pk=answered.pk).status == "answered"


@pytest.mark.django_db
def test_appeals_and_their_journal_are_read_only_in_admin(admin_client, answered):
    events = Event.objects.filter(appeal=answered).count()
    page = admin_client.get(f"/admin/appeals/appeal/{answered.pk}/change/")
    assert page.status_code == 200
    assert "Взято в работу" in page.content.decode()  # the journal is shown inline
    assert admin_client.get(f"/admin/appeals/appeal/{answered.pk}/delete/").status_code == 403
    assert Event.objects.filter(appeal=answered).count() == events
