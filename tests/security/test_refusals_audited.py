"""«Bad input» of issue 9: every refusal leaves an audit entry, with no personal data in it."""

import pytest
from django.test import Client

from priemnaya.accounts.codes import code_check, code_issue
from priemnaya.accounts.models import CodePurpose
from priemnaya.audit.models import AuditEntry
from priemnaya.core.errors import ValidationFailed
from tests.factories import make_appeal, make_citizen, make_operator

pytestmark = pytest.mark.django_db


def _refusals(action: str = "request.refused"):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_another_citizens_appeal_is_refused_and_audited_on_the_page_and_in_the_api(catalog):
    owner, stranger = make_citizen(), make_citizen()
    appeal = make_appeal("registered", applicant=owner, staff=make_operator())
    client = Client()
    client.force_login(stranger)
    assert client.get(f"/cabinet/appeals/{appeal.number}/").status_code == 404
    assert client.get(f"/api/v1/appeals/{appeal.number}").status_code == 404
    entries = _refusals()
    assert [e.details["reason"] for e in entries] == ["not_found", "not_found"]
    assert {e.actor_id for e in entries} == {stranger.pk}
    # The route's pattern, never the number or anything typed.
    assert all(appeal.number not in e.target_id for e in entries)
    assert all(appeal.number not in str(e.details) for e in entries)


def test_a_page_of_another_role_a_csrf_less_post_and_a_revoked_token_are_audited():
    citizen = make_citizen()
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    assert client.get("/console/").status_code == 403
    assert client.post("/cabinet/notifications/read/", {"all": "1"}).status_code == 403
    api = Client()
    assert api.get("/api/v1/appeals", HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401
    assert [e.details["reason"] for e in _refusals()] == ["role", "csrf", "bad_token"]


def test_wrong_expired_and_replayed_codes_are_audited():
    citizen = make_citizen()
    purpose = CodePurpose.CONFIRM_PHONE
    code = code_issue(user=citizen, purpose=purpose, channel="sms", destination="+79160000000")
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ValidationFailed):
        code_check(user=citizen, purpose=purpose, code=wrong)
    code_check(user=citizen, purpose=purpose, code=code)
    with pytest.raises(ValidationFailed):
        code_check(user=citizen, purpose=purpose, code=code)  # replayed
    entries = _refusals("code.refused")
    assert [e.details["reason"] for e in entries] == ["wrong", "expired"]
    assert all(e.target_id == str(citizen.pk) for e in entries)
    assert all(code not in str(e.details) for e in entries)
