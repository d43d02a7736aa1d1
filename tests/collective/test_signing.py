"""Citizens co-sign a public collective issue (issue 14 item 5): service, pages without JS, API."""

from __future__ import annotations

import pytest

from priemnaya.appeals.models import Appeal
from priemnaya.collective.models import Signer
from priemnaya.collective.selectors import collective_offers
from priemnaya.collective.services import collective_sign, collective_unsign
from priemnaya.core.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from tests.collective.factories_collective import SMS_TEXTS, make_issue, sms_appeals
from tests.factories import APPEAL_FORM, api, make_citizen, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]

DRAFT = {
    **APPEAL_FORM,
    "theme": "tech-sms",
    "subject": "Не приходит SMS",
    "text": "Уже третий день не приходит SMS с кодом подтверждения, не могу войти в кабинет.",
}


@pytest.fixture
def issue(supervisor):
    return make_issue(supervisor, is_public=True)


def test_signing_is_idempotent_and_may_be_withdrawn_before_the_answer(issue):
    citizen = make_citizen(full_name="Орлова Вера Павловна", phone="+79160000001")
    first = collective_sign(user=citizen, issue_id=issue.pk)
    again = collective_sign(user=citizen, issue_id=issue.pk)
    assert first.pk == again.pk
    assert first.way == Signer.Way.COSIGN
    assert (first.full_name, first.email, first.phone) == (
        "Орлова Вера Павловна",
        citizen.email,
        "+79160000001",
    )
    assert issue.signers.filter(user=citizen).count() == 1
    collective_unsign(user=citizen, issue_id=issue.pk)
    row = issue.signers.get(user=citizen)
    assert row.withdrawn_at is not None  # stored, not deleted (rule 13)
    assert collective_sign(user=citizen, issue_id=issue.pk).withdrawn_at is None


def test_signing_needs_a_citizen_a_public_issue_and_a_confirmed_contact(supervisor, issue):
    with pytest.raises(NotPermitted):
        collective_sign(user=supervisor, issue_id=issue.pk)
    hidden = make_issue(supervisor, is_public=False)
    with pytest.raises(NotFound):
        collective_sign(user=make_citizen(), issue_id=hidden.pk)
    unconfirmed = make_citizen()
    unconfirmed.email_confirmed_at = None
    unconfirmed.save(update_fields=["email_confirmed_at"])
    with pytest.raises(ValidationFailed) as refused:
        collective_sign(user=unconfirmed, issue_id=issue.pk)
    assert refused.value.field == "contact"


def test_a_signer_by_appeal_withdraws_the_appeal_not_the_signature(issue):
    signer = issue.signers.first()
    with pytest.raises(InvalidTransition):
        collective_unsign(user=signer.user, issue_id=issue.pk)


def test_the_draft_finds_the_public_issue(issue):
    offers = collective_offers(
        user=make_citizen(), subject=DRAFT["subject"], text=DRAFT["text"], theme_code="tech-sms"
    )
    assert [o.issue.pk for o in offers] == [issue.pk]
    assert offers[0].words
    unrelated = collective_offers(
        user=None, subject="Справка", text="Как получить справку о доходах за год?"
    )
    assert unrelated == []


def test_join_from_the_help_before_filing_without_javascript(issue):
    # given a citizen typing the same problem
    citizen = make_citizen()
    client = signed_in(citizen, enforce_csrf_checks=False)
    # when the first «Отправить» stops at the offers
    response = client.post("/cabinet/new/", {**DRAFT, "offer_help": "1", "submit": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="collective-offers"' in page
    assert f'formaction="/collective/{issue.pk}/sign/"' in page
    assert not Appeal.objects.filter(applicant=citizen).exists()
    # and the citizen presses «Присоединиться» (the filing form posted to the sign URL)
    response = client.post(f"/collective/{issue.pk}/sign/", {**DRAFT, "offer_help": "1"})
    # then they signed, filed nothing, and land on the public page saying so
    assert response.status_code == 302
    assert response.url == f"/collective/{issue.pk}/"
    assert issue.signers.filter(user=citizen, way=Signer.Way.COSIGN).exists()
    assert not Appeal.objects.filter(applicant=citizen).exists()
    page = client.get(response.url).content.decode()
    assert 'data-testid="collective-signed"' in page
    # and the offers now say they joined
    response = client.post("/cabinet/new/help/", DRAFT)
    assert 'data-testid="collective-offer-signed"' in response.content.decode()
    # and the cabinet lists the issue
    assert issue.title in client.get("/cabinet/collective/").content.decode()


def test_the_sign_form_needs_csrf(issue):
    client = signed_in(make_citizen(), enforce_csrf_checks=True)
    assert client.post(f"/collective/{issue.pk}/sign/").status_code == 403
    assert not issue.signers.filter(way=Signer.Way.COSIGN).exists()


def test_withdraw_from_the_public_page(issue):
    citizen = make_citizen()
    client = signed_in(citizen)
    client.post(f"/collective/{issue.pk}/sign/")
    response = client.post(f"/collective/{issue.pk}/withdraw/")
    assert response.status_code == 302
    assert issue.signers.get(user=citizen).withdrawn_at is not None
    assert (
        'data-testid="collective-join"' in client.get(f"/collective/{issue.pk}/").content.decode()
    )


def test_sign_and_withdraw_through_the_api(issue, supervisor):
    citizen = make_citizen()
    call = api(citizen)
    first = call("post", f"/collective/{issue.pk}/sign")
    assert first.status_code == 200, first.content
    assert first.json() == {"issue": issue.pk, "signed": True, "signer_count": 3}
    assert call("post", f"/collective/{issue.pk}/sign").json()["signer_count"] == 3
    gone = call("delete", f"/collective/{issue.pk}/sign")
    assert gone.json() == {"issue": issue.pk, "signed": False, "signer_count": 2}
    hidden = make_issue(supervisor, sms_appeals(2), is_public=False)
    missing = call("post", f"/collective/{hidden.pk}/sign")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["field"] == "issue"
    staff = api(supervisor)("post", f"/collective/{issue.pk}/sign")
    assert staff.status_code == 403


def test_the_public_page_shows_no_personal_data(issue):
    cosigner = make_citizen(full_name="Зайцева Нина Олеговна")
    collective_sign(user=cosigner, issue_id=issue.pk)
    appeal = Appeal.objects.filter(collective_member__issue=issue).first()
    for viewer in (make_citizen(), cosigner):
        page = signed_in(viewer).get(f"/collective/{issue.pk}/").content.decode()
        assert issue.title in page
        assert issue.summary in page
        assert 'data-testid="collective-signers">3<' in page
        for signer in issue.signers.exclude(user=viewer):  # the viewer's own name is in the menu
            assert signer.full_name not in page
        assert appeal.text not in page
        assert SMS_TEXTS[1][1] not in page
        assert appeal.display_number not in page
    from django.test import Client

    assert Client().get(f"/collective/{issue.pk}/").status_code == 200
