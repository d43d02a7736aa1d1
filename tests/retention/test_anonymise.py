"""Anonymisation at the end of retention: personal data gone from every table, rows and counts
kept, the act lists exactly what was anonymised and points at the audit chain."""

from __future__ import annotations

import hashlib

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Count

from priemnaya.accounts.models import User
from priemnaya.appeals import services
from priemnaya.appeals.models import Appeal, Event, StatusAccess
from priemnaya.appeals.outbox import pending_count, relay_once
from priemnaya.appeals.services.retention import MARKER
from priemnaya.attachments.models import Attachment
from priemnaya.attachments.services import storage
from priemnaya.audit.models import AuditChainHead, AuditEntry
from priemnaya.chat.models import Chat, ChatMessage
from priemnaya.collective.models import CollectiveIssue, Delivery, Signer
from priemnaya.core import clock
from priemnaya.hotline.models import Call
from priemnaya.mail_intake.models import InboundMessage
from priemnaya.retention.models import DestructionAct
from priemnaya.retention.services import retention_run
from priemnaya.search.selectors import search_appeals
from tests import factories
from tests.retention.factories_retention import NOW, closed_on, years_ago

pytestmark = pytest.mark.django_db

NAME = "Приметова Евлампия Саввична"
PHONE = "+79990001122"
EMAIL = "primetova-pd@example.ru"
ADDRESS = "г. Тверь, ул. Приметная, д. 13"
TOKENS = (NAME, PHONE, EMAIL, "Приметная", "primetova")


def _relay() -> None:
    for _ in range(100):
        if not relay_once() and not pending_count():
            return


@pytest.fixture
def person(catalog):
    return factories.make_citizen(full_name=NAME, email=EMAIL, phone=PHONE)


@pytest.fixture
def rich(person, operator):
    """An appeal closed 11 years ago whose personal data reached every store."""
    text = f"Меня зовут {NAME}, телефон {PHONE}, адрес {ADDRESS}."
    with clock.travel_to(NOW.replace(day=10)):
        appeal = factories.submit_appeal(
            person, text=text, contact_email=EMAIL, contact_address=ADDRESS
        )
        services.appeal_comment(appeal=appeal, actor=person, text=f"Пишу снова: {PHONE}")
        appeal = services.appeal_take(appeal=appeal, actor=operator)
        services.appeal_note(appeal=appeal, actor=operator, text=f"Звонила {NAME}")
        appeal = services.appeal_answer(
            appeal=appeal, actor=operator, outcome="resolved", text=f"Уважаемая {NAME}! Готово."
        )
        appeal = services.appeal_rate(appeal=appeal, actor=person, rating=5, comment=f"{NAME}")
        appeal = services.appeal_close(appeal=appeal, actor=person)
        _relay()
    key = f"retention-test-{appeal.pk}"
    storage().save(key, ContentFile(b"scan of a passport"))
    Attachment.objects.create(
        key=key,
        name=f"паспорт {NAME}.pdf",
        content_type="application/pdf",
        size=18,
        sha256=hashlib.sha256(b"scan of a passport").hexdigest(),
        purpose="appeal",
        uploaded_by=person,
        appeal=appeal,
    )
    chat = Chat.objects.create(citizen=person, appeal=appeal, rating_comment=NAME)
    ChatMessage.objects.create(chat=chat, side="citizen", author=person, text=f"Я {NAME}")
    InboundMessage.objects.create(
        mail_from=EMAIL, sender=f"{NAME} <{EMAIL}>", subject=NAME, raw=NAME.encode(), appeal=appeal
    )
    Call.objects.create(
        cti_id=f"call-{appeal.pk}", started_at=NOW, caller=PHONE, caller_raw=PHONE, appeal=appeal
    )
    StatusAccess.objects.create(number=appeal.number)
    issue = CollectiveIssue.objects.create(
        title="Не работает подтверждение",
        summary="Коды не приходят.",
        theme=appeal.theme,
        department=appeal.department,
        created_by=operator,
    )
    signer = Signer.objects.create(
        issue=issue, user=person, appeal=appeal, full_name=NAME, phone=PHONE, email=EMAIL,
        way=Signer.Way.APPEAL,
    )  # fmt: skip
    Delivery.objects.create(issue=issue, signer=signer, channel="email", address=EMAIL)
    closed = closed_on_moved(appeal)
    return closed


def closed_on_moved(appeal: Appeal) -> Appeal:
    moment = years_ago(11)
    shift = appeal.closed_at - moment
    Appeal.objects.filter(pk=appeal.pk).update(
        created_at=appeal.created_at - shift,
        registered_at=appeal.registered_at - shift,
        answered_at=appeal.answered_at - shift,
        closed_at=moment,
    )
    appeal.refresh_from_db()
    return appeal


def _text_fields(model) -> list[str]:
    kinds = (models.CharField, models.TextField, models.JSONField, models.BinaryField)
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, kinds)]


def _leaks() -> list[str]:
    """Every row of every table (but the person's own account) that still holds a token."""
    found = []
    for model in apps.get_models():
        if model is User or model._meta.app_label in {"accounts", "sessions", "admin"}:
            continue
        fields = _text_fields(model)
        if not fields or model._meta.managed is False:
            continue
        for row in model.objects.values_list("pk", *fields):
            blob = " ".join(
                bytes(v).decode("utf-8", "replace") if isinstance(v, bytes | memoryview) else str(v)
                for v in row[1:]
            )
            found += [f"{model._meta.label}#{row[0]}: {t}" for t in TOKENS if t in blob]
    return found


def _stats():
    return list(
        Appeal.objects.values("kind__code", "theme__code", "status", "department__code", "channel")
        .annotate(n=Count("id"))
        .order_by("kind__code", "theme__code", "status")
    )


def test_anonymisation_removes_the_personal_data_everywhere(
    rich, person, django_capture_on_commit_callbacks
):
    # given: the data are everywhere before the run, the search index too
    assert _leaks()
    assert search_appeals("Приметова", within=Appeal.objects.all()) == [rich.pk]
    stats = _stats()
    events = Event.objects.filter(appeal=rich).count()
    # when
    with django_capture_on_commit_callbacks(execute=True), clock.travel_to(NOW):
        report = retention_run()
    # then: archived and anonymised in one run, nothing personal left, the rows kept
    assert report.archived == 1
    assert report.anonymised == 1
    assert _leaks() == []
    assert search_appeals("Приметова", within=Appeal.objects.all()) == []
    rich.refresh_from_db()
    assert rich.anonymised_at == NOW
    assert rich.applicant_id is None
    assert rich.subject == MARKER
    assert rich.text == MARKER
    assert (rich.rating, rich.status, rich.kind.code) == (5, "closed", "support")
    assert rich.answers.get().outcome == "resolved"
    assert rich.answers.get().text == MARKER
    assert rich.messages.count() == 2
    assert Event.objects.filter(appeal=rich).count() == events + 2  # archived, anonymised
    anonymised = Event.objects.get(appeal=rich, type="anonymised")
    assert anonymised.is_public is False
    assert anonymised.actor is None
    assert _stats() == stats
    # the file's content is deleted, its row kept without the name
    attachment = Attachment.objects.get(appeal=rich)
    assert not storage().exists(attachment.key)
    assert NAME not in attachment.name
    assert not StatusAccess.objects.filter(number=rich.number).exists()
    # the collective issue still counts the signer (rule 13), without a name or contacts
    signer = Signer.objects.get(appeal=rich)
    assert (signer.full_name, signer.phone, signer.email, signer.user_id) == (MARKER, "", "", None)
    # the account belongs to the person: kept as it was
    person.refresh_from_db()
    assert person.is_active
    assert person.full_name == NAME


def test_the_act_lists_exactly_the_anonymised_numbers_and_the_audit_chain(rich, citizen, operator):
    # given: one more due appeal and one that is only archived
    due = closed_on(years_ago(10, days=1), applicant=citizen, staff=operator)
    young = closed_on(years_ago(6), applicant=citizen, staff=operator)
    # when
    with clock.travel_to(NOW):
        report = retention_run(batch=1)
    # then
    act = DestructionAct.objects.get()
    assert report.act == act.number
    assert sorted(act.items.values_list("number", flat=True)) == sorted([rich.number, due.number])
    assert act.count == 2
    young.refresh_from_db()
    assert young.archived_at is not None
    assert young.anonymised_at is None
    # the act points at the audit range of the run and the chain's head at its end
    head = AuditChainHead.objects.get()
    assert act.audit_to == head.last_id
    assert act.audit_head_hash == head.last_hash
    actions = set(
        AuditEntry.objects.filter(id__gte=act.audit_from, id__lte=act.audit_to).values_list(
            "action", flat=True
        )
    )
    assert {"retention.anonymised", "retention.act"} <= actions
    item = act.items.get(number=due.number)
    assert item.retention_years == 10
    assert item.kind
    assert item.closed_at == due.closed_at
