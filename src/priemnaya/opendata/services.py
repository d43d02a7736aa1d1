"""Publishing answers of public interest (LEGAL.md §6 rule 16) and withdrawing them; audited."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from priemnaya.accounts.models import User
from priemnaya.appeals.models import Answer, Appeal
from priemnaya.appeals.permissions import may_review
from priemnaya.appeals.states import Outcome, Status
from priemnaya.audit.services import audit_record
from priemnaya.core import clock
from priemnaya.core.errors import Conflict, NotFound, NotPermitted, ValidationFailed
from priemnaya.opendata.anonymise import Personal, anonymise, leftovers
from priemnaya.opendata.models import PublishedAnswer

QUESTION_MAX = 2000
TEXT_MAX = 10000


@dataclass(frozen=True)
class Draft:
    """The anonymiser's proposal shown in the publishing form."""

    question: str
    text: str


def personal_of(appeal: Appeal) -> Personal:
    """The applicant's identifiers as the appeal and their account hold them."""
    names = [appeal.applicant_name]
    phones = [appeal.contact_phone]
    emails = [appeal.contact_email]
    if appeal.applicant is not None:
        names.append(appeal.applicant.full_name)
        phones.append(appeal.applicant.phone or "")
        emails.append(appeal.applicant.email or "")
    return Personal(
        names=tuple(n for n in names if n),
        phones=tuple(p for p in phones if p),
        emails=tuple(e for e in emails if e),
        addresses=tuple(a for a in [appeal.contact_address] if a),
        numbers=tuple(n for n in [appeal.number or ""] if n),
    )


def current_answer(appeal: Appeal) -> Answer | None:
    """The answer in force (not superseded by a later one), if any."""
    return appeal.answers.filter(superseded_at__isnull=True).order_by("-issued_at", "-id").first()


def may_publish(user: User, appeal: Appeal) -> bool:
    """Quality control, administrators, and heads of the appeal's department publish answers."""
    if not user.is_authenticated or not user.works_appeals:
        return False
    return appeal.status in (Status.ANSWERED, Status.CLOSED) and may_review(user, appeal)


def publishable_answer(user: User, appeal: Appeal) -> Answer:
    """The answer the user may publish, or the reason why not."""
    if not may_publish(user, appeal):
        raise NotPermitted(
            "Публиковать ответы могут руководитель отдела, контроль качества и администратор,"
            " и только по обращению с ответом."
        )
    answer = current_answer(appeal)
    if answer is None:
        raise NotFound("У обращения нет действующего ответа.")
    if answer.outcome == Outcome.NO_ANSWER:
        raise ValidationFailed.single(
            "public_interest", "Уведомление об оставлении без ответа не публикуется."
        )
    return answer


def publication_draft(appeal: Appeal, answer: Answer) -> Draft:
    """The anonymiser's proposal: the appeal's subject and text as the question, the answer."""
    personal = personal_of(appeal)
    question = f"{appeal.subject}\n\n{appeal.text}"
    return Draft(
        question=anonymise(question, personal)[:QUESTION_MAX],
        text=anonymise(answer.text, personal)[:TEXT_MAX],
    )


@transaction.atomic
def answer_publish(
    *, actor: User, appeal: Appeal, public_interest: bool, question: str, text: str
) -> PublishedAnswer:
    """Publish the appeal's answer in force, anonymised; refused while identifiers remain."""
    answer = publishable_answer(actor, appeal)
    errors: dict[str, list[str]] = {}
    if not public_interest:
        errors["public_interest"] = [
            "Отметьте, что ответ общественно значим: без этого публиковать нельзя."
        ]
    personal = personal_of(appeal)
    for field, value, limit in (("question", question, QUESTION_MAX), ("text", text, TEXT_MAX)):
        value = value.strip()
        if not value:
            errors[field] = ["Заполните поле."]
        elif len(value) > limit:
            errors[field] = [f"Не длиннее {limit} знаков."]
        elif found := leftovers(value, personal):
            errors[field] = ["В тексте остались персональные данные: " + ", ".join(found) + "."]
    if errors:
        raise ValidationFailed(errors)
    if PublishedAnswer.objects.filter(answer=answer, withdrawn_at__isnull=True).exists():
        raise Conflict("Этот ответ уже опубликован.", field="public_interest")
    try:
        with transaction.atomic():
            published = PublishedAnswer.objects.create(
                answer=answer,
                theme_id=appeal.theme_id,
                public_interest=True,
                question=question.strip(),
                text=text.strip(),
                published_by=actor,
            )
    except IntegrityError:
        raise Conflict("Этот ответ уже опубликован.", field="public_interest") from None
    audit_record(
        action="answer.published",
        actor=actor,
        target_type="appeal",
        target_id=appeal.pk,
        details={"publication": published.pk, "answer": answer.pk},
    )
    return published


@transaction.atomic
def answer_withdraw(*, actor: User, publication: PublishedAnswer) -> PublishedAnswer:
    """Take a published answer off the public list (kept for the audit trail)."""
    appeal = publication.answer.appeal
    if not may_review(actor, appeal):
        raise NotFound("Публикация не найдена.")
    if publication.withdrawn_at is None:
        publication.withdrawn_at, publication.withdrawn_by = clock.now(), actor
        publication.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit_record(
            action="answer.publication_withdrawn",
            actor=actor,
            target_type="appeal",
            target_id=appeal.pk,
            details={"publication": publication.pk},
        )
    return publication
