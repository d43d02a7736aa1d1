"""The retention API: counts, acts and holds; administrators and auditors read, others 403."""

from __future__ import annotations

import pytest

from priemnaya.core import clock
from priemnaya.retention.models import LegalHold
from priemnaya.retention.services import retention_run
from tests import factories
from tests.retention.factories_retention import NOW, closed_on, years_ago

pytestmark = pytest.mark.django_db


def test_the_auditor_reads_counts_and_acts(citizen, operator, auditor):
    appeal = closed_on(years_ago(11), applicant=citizen, staff=operator)
    with clock.travel_to(NOW):
        retention_run()
    call = factories.api(auditor)
    assert call("get", "/retention/summary").json()["anonymised"] == 1
    acts = call("get", "/retention/acts").json()
    assert [a["count"] for a in acts] == [1]
    detail = call("get", f"/retention/acts/{acts[0]['id']}").json()
    assert [i["number"] for i in detail["items"]] == [appeal.number]
    assert detail["audit_head_hash"]
    assert call("get", "/retention/acts/999999").status_code == 404


@pytest.mark.parametrize("who", ["citizen", "operator", "supervisor"])
def test_other_roles_are_refused(request, who):
    response = factories.api(request.getfixturevalue(who))("get", "/retention/summary")
    assert response.status_code == 403


def test_an_administrator_places_and_lifts_a_hold(citizen, operator, auditor, administrator):
    appeal = closed_on(years_ago(11), applicant=citizen, staff=operator)
    call = factories.api(administrator)
    missing = call("post", "/retention/holds", {"number": appeal.number, "reason": ""})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "reason"
    placed = call("post", "/retention/holds", {"number": appeal.number, "reason": "Запрос суда"})
    assert placed.status_code == 201
    again = call("post", "/retention/holds", {"number": appeal.number, "reason": "Ещё"})
    assert again.status_code == 409
    by_auditor = factories.api(auditor)(
        "post", f"/retention/holds/{placed.json()['id']}/lift", {"reason": "Снят"}
    )
    assert by_auditor.status_code == 403
    lifted = call("post", f"/retention/holds/{placed.json()['id']}/lift", {"reason": "Снят"})
    assert lifted.status_code == 200
    assert LegalHold.objects.get().lifted_at is not None
