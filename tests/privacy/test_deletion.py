"""Deleting one's account: personal fields anonymised, sign-in impossible, appeals kept."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from priemnaya.accounts.models import ApiToken, Consent, OneTimeCode, SignInEvent, User, UserSession
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.states import Status
from priemnaya.audit.models import AuditEntry
from priemnaya.core.errors import NotPermitted, ValidationFailed
from priemnaya.notifications.feed import preferences_get
from priemnaya.notifications.models import Preference, PushSubscription
from priemnaya.privacy.deletion import ANONYMOUS_NAME, account_delete
from priemnaya.security.registration import registration_start
from tests import factories


@pytest.fixture
def account(citizen, operator, django_capture_on_commit_callbacks):
    """A citizen with an appeal, a token, a session, consents, push and notification settings."""
    appeal = factories.make_appeal(Status.ANSWERED, applicant=citizen, staff=operator)
    token = factories.api_token(citizen)
    browser = factories.signed_in(citizen, password=factories.PASSWORD)
    session_key = browser.session.session_key
    # Signing in recorded the browser's session; give it an address to see erased.
    assert UserSession.objects.filter(user=citizen, session_key=session_key).update(ip="10.1.1.1")
    SignInEvent.objects.create(user=citizen, method="password", outcome="ok", ip="10.1.1.1")
    Consent.objects.create(user=citizen, text_version="2026-1", ip="10.1.1.1")
    PushSubscription.objects.create(
        user=citizen, endpoint="https://push.example.ru/1", p256dh="k", auth="a"
    )
    preferences_get(citizen)
    return appeal, token, browser


def test_deletion_anonymises_and_ends_everything(
    citizen, account, django_capture_on_commit_callbacks
):
    appeal, token, browser = account
    email, phone = citizen.email, citizen.phone

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=citizen, password=factories.PASSWORD)

    user = User.objects.get(pk=citizen.pk)
    assert user.full_name == ANONYMOUS_NAME
    assert user.email == f"deleted-{user.pk}@anonymised.invalid"
    assert user.email != email
    assert user.phone is None or user.phone != phone
    assert not user.has_usable_password()
    assert not user.is_active
    assert user.anonymised_at is not None
    # sessions and tokens ended
    assert not UserSession.objects.filter(user=user, ended_at__isnull=True).exists()
    assert not Session.objects.filter(session_key=browser.session.session_key).exists()
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() == 0
    assert (
        factories.api(client=Client())
        .client.get("/api/v1/account/export", HTTP_AUTHORIZATION=f"Bearer {token}")
        .status_code
        == 401
    )
    assert browser.get("/cabinet/privacy/").status_code == 302  # back to the sign-in page
    # push, preferences, codes removed; consents withdrawn; IPs erased
    assert not PushSubscription.objects.filter(user=user).exists()
    assert not Preference.objects.filter(user=user).exists()
    assert not OneTimeCode.objects.filter(user=user).exists()
    assert not Consent.objects.filter(user=user, withdrawn_at__isnull=True).exists()
    assert not SignInEvent.objects.filter(user=user, ip__isnull=False).exists()
    # the appeal is kept as it was
    kept = Appeal.objects.get(pk=appeal.pk)
    assert kept.applicant_id == user.pk
    assert kept.text == appeal.text
    # audited, without personal data
    entry = AuditEntry.objects.get(action="account.deleted")
    assert entry.target_id == str(user.pk)
    assert email not in str(entry.details)


def test_deleted_person_cannot_sign_in_and_may_register_again(citizen, account):
    email = citizen.email
    account_delete(user=citizen, password=factories.PASSWORD)

    refused = Client().post("/accounts/login/", {"login": email, "password": factories.PASSWORD})
    assert refused.status_code != 302
    token = Client().post(
        "/api/v1/auth/token",
        {"login": email, "password": factories.PASSWORD},
        content_type="application/json",
    )
    assert token.status_code in (401, 422, 429)

    pending = registration_start(
        full_name="Новый Человек", email=email, password="Другой-пароль-9!", consent=True
    )
    assert not pending.decoy
    again = User.objects.get(pk=pending.email_user_id)
    assert again.pk != citizen.pk
    assert again.email == email


def test_wrong_password_changes_nothing(citizen, account):
    with pytest.raises(ValidationFailed) as refused:
        account_delete(user=citizen, password="not-it")

    assert refused.value.field == "password"
    user = User.objects.get(pk=citizen.pk)
    assert user.is_active
    assert user.full_name == citizen.full_name
    assert not AuditEntry.objects.filter(action="account.deleted").exists()


def test_staff_cannot_delete_themselves(operator):
    with pytest.raises(NotPermitted):
        account_delete(user=operator, password=factories.PASSWORD)


def test_page_confirms_with_the_password_and_signs_out(citizen, account):
    client = factories.signed_in(citizen)

    wrong = client.post("/cabinet/privacy/delete/", {"password": "nope", "confirm": "on"})
    unconfirmed = client.post("/cabinet/privacy/delete/", {"password": factories.PASSWORD})
    done = client.post(
        "/cabinet/privacy/delete/", {"password": factories.PASSWORD, "confirm": "on"}
    )

    assert wrong.status_code == 422
    assert "Неверный пароль" in wrong.content.decode()
    assert unconfirmed.status_code == 422
    assert "Подтвердите" in unconfirmed.content.decode()
    assert done.status_code == 302
    assert User.objects.get(pk=citizen.pk).anonymised_at is not None
    assert client.get("/cabinet/privacy/").status_code == 302


def test_open_appeals_of_a_deleted_account_are_answered_at_the_appeal_contacts(citizen, operator):
    from priemnaya.appeals import services
    from priemnaya.notifications.planner import applicant_targets

    appeal = factories.make_appeal(Status.IN_PROGRESS, applicant=citizen, staff=operator)
    account_delete(user=citizen, password=factories.PASSWORD)

    answered = services.appeal_answer(
        appeal=Appeal.objects.get(pk=appeal.pk), actor=operator, outcome="resolved", text="Готово."
    )
    event = answered.events.order_by("-id").first()
    targets = applicant_targets(event, now=event.created_at)

    addresses = {t.address for t in targets}
    assert "reply@example.ru" in addresses  # the e-mail given on the appeal
    assert not any("anonymised.invalid" in a for a in addresses)
    assert f"user:{citizen.pk}" not in addresses


def test_deletion_anonymises_co_signatures_but_keeps_their_count(citizen, operator, account):
    from priemnaya.collective.models import CollectiveIssue, Delivery, Signer

    appeal, _, _ = account
    issue = CollectiveIssue.objects.create(
        title="Нет света во дворе",
        summary="Не горят фонари.",
        theme=appeal.theme,
        department=appeal.department,
        created_by=operator,
    )
    name, email = citizen.full_name, citizen.email
    signer = Signer.objects.create(
        issue=issue, user=citizen, full_name=name, email=email, way=Signer.Way.COSIGN
    )
    Delivery.objects.create(issue=issue, signer=signer, channel="email", address=email)

    account_delete(user=citizen, password=factories.PASSWORD)

    signer.refresh_from_db()
    assert (signer.full_name, signer.email, signer.phone) == (ANONYMOUS_NAME, "", "")
    assert Delivery.objects.get(signer=signer).address == ""
    assert issue.signers.count() == 1


def test_deletion_blanks_chats_and_letters_of_no_appeal_and_keeps_those_of_appeals(
    citizen, account, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    from priemnaya.attachments.models import Attachment
    from priemnaya.attachments.services import storage
    from priemnaya.chat.models import Chat, ChatFile, ChatMessage
    from priemnaya.mail_intake.models import InboundMessage
    from priemnaya.privacy.conversations import REMOVED

    appeal, _, _ = account
    email = citizen.email
    loose = Chat.objects.create(citizen=citizen, rating_comment="Спасибо, Тестов")
    said = ChatMessage.objects.create(chat=loose, side="citizen", author=citizen, text="Мой СНИЛС")
    key = f"chat-file-{loose.pk}"
    storage().save(key, ContentFile(b"passport"))
    scan = Attachment.objects.create(
        key=key, name="паспорт.pdf", content_type="application/pdf", size=8, sha256="0" * 64,
        purpose="chat", uploaded_by=citizen,
    )  # fmt: skip
    ChatFile.objects.create(message=said, attachment=scan)
    filed = Chat.objects.create(citizen=citizen, appeal=appeal)
    kept = ChatMessage.objects.create(chat=filed, side="citizen", author=citizen, text="По делу")
    letter = InboundMessage.objects.create(sender=email, subject="Мой вопрос", raw=b"From: me")
    of_appeal = InboundMessage.objects.create(sender=email, subject="Дело", raw=b"x", appeal=appeal)

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=citizen, password=factories.PASSWORD)

    said.refresh_from_db()
    loose.refresh_from_db()
    assert (said.text, loose.rating_comment) == (REMOVED, "")
    scan.refresh_from_db()
    assert scan.name == "удалено"
    assert not storage().exists(key)
    letter.refresh_from_db()
    assert (bytes(letter.raw), letter.sender, letter.subject) == (b"", "", "")
    # what belongs to an appeal's file stays until the appeal's retention ends
    kept.refresh_from_db()
    of_appeal.refresh_from_db()
    assert kept.text == "По делу"
    assert of_appeal.subject == "Дело"
    entry = AuditEntry.objects.get(action="account.deleted")
    assert (entry.details["chat_messages"], entry.details["letters"]) == (1, 1)
