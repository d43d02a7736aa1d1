"""What a person does with inbound mail in the console: a request or a join by hand, and the
59-FZ appeal registered from an e-mailed request once the sender is identified (SPEC §6)."""

from __future__ import annotations

from django.db import transaction

from priemnaya.accounts.models import User
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.services import AppealInput, appeal_note, appeal_submit
from priemnaya.appeals.states import FINAL_STATUSES, Channel
from priemnaya.audit.services import audit_record
from priemnaya.catalog.models import Kind, Regime
from priemnaya.core.contacts import ContactInvalid, normalize_email
from priemnaya.core.errors import Conflict, NotFound, NotPermitted, ValidationFailed
from priemnaya.core.numbering import MalformedNumber, format_number, normalize_number
from priemnaya.mail_intake import parsing
from priemnaya.mail_intake.models import (
    IdentityCheck,
    IdentityMethod,
    InboundMessage,
    Outcome,
    State,
)
from priemnaya.mail_intake.selectors import MAIL_ROLES
from priemnaya.mail_intake.services import (
    _appeal_by_number,
    _create_request,
    _finish,
    _join,
    _plain,
    mail_robot,
)

# ---- by hand, from the console ------------------------------------------------------------------

_HANDLEABLE = (State.PARKED, State.IGNORED)


def _locked_for_hand(message_id: int) -> InboundMessage:
    message = InboundMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None:
        raise NotFound("Письмо не найдено.")
    if message.state not in _HANDLEABLE:
        raise Conflict("Это письмо уже обработано.")
    return message


_AUDIT_ACTIONS: dict[str, str] = {
    Outcome.CREATED: "mail.request_created",
    Outcome.JOINED: "mail.attached",
}


def _handled(
    message: InboundMessage, *, actor: User, appeal: Appeal, refused: list[str], outcome: str
) -> Appeal:
    """Mark the letter handled by a person (remarks kept) and record who did it."""
    remarks = [message.remarks, *refused] if message.remarks else refused
    _finish(message, State.PROCESSED, reason=message.reason, remarks=remarks,
            outcome=outcome, appeal=appeal)  # fmt: skip
    audit_record(
        actor=actor,
        action=_AUDIT_ACTIONS[outcome],
        target_type="inbound_message",
        target_id=message.pk,
        details={"appeal": appeal.pk},
    )
    return appeal


@transaction.atomic
def inbound_create_request(*, message_id: int, actor: User) -> Appeal:
    """An operator registers a parked or skipped letter as a support request (no auto-answer)."""
    message = _locked_for_hand(message_id)
    mail = parsing.parse(bytes(message.raw), envelope_from=message.mail_from)
    try:
        mail.sender = normalize_email(mail.sender)
    except ContactInvalid:
        mail.sender = ""
    appeal, refused = _create_request(message, mail, actor=actor, robot=mail_robot(), answer=False)
    return _handled(message, actor=actor, appeal=appeal, refused=refused, outcome=Outcome.CREATED)


@transaction.atomic
def inbound_attach(*, message_id: int, actor: User, number: str) -> Appeal:
    """An operator adds a parked or skipped letter to the appeal with this number."""
    message = _locked_for_hand(message_id)
    try:
        digits = normalize_number(number)
    except MalformedNumber as exc:
        raise ValidationFailed.single("number", str(exc)) from None
    appeal = _appeal_by_number(digits)
    if appeal is None:
        raise NotFound("Обращение с таким номером не найдено.", field="number")
    mail = parsing.parse(bytes(message.raw), envelope_from=message.mail_from)
    refused = _join(message, mail, appeal, actor=actor, robot=mail_robot())
    return _handled(message, actor=actor, appeal=appeal, refused=refused, outcome=Outcome.JOINED)


# ---- a 59-FZ appeal after the sender is identified ----------------------------------------------

METHOD_MISSING = "Укажите, как установлена личность заявителя."
DETAILS_MISSING = "Опишите проверку: документ и его номер, телефон и время звонка, подпись."
KIND_NOT_FZ59 = "Выберите вид обращения по 59-ФЗ: жалоба, предложение или заявление."


@transaction.atomic
def request_register_fz59(
    *, request: Appeal, actor: User, data: AppealInput, method: str, details: str
) -> Appeal:
    """Register a 59-FZ appeal from an e-mailed request once the operator identified the sender.

    E-mail is not a way to file a 59-FZ appeal (547-FZ): the appeal is the operator's act, with
    the record of how identity was checked (SPEC §6 «Identity first»).
    """
    if actor.role not in MAIL_ROLES:
        raise NotPermitted("Регистрировать обращения из писем могут операторы и контроль качества.")
    if request.channel != Channel.EMAIL or request.regime == Regime.FZ59:
        raise ValidationFailed.single("kind", "Это не запрос, поступивший по электронной почте.")
    problems: dict[str, list[str]] = {}
    if method not in IdentityMethod.values:
        problems["method"] = [METHOD_MISSING]
    details = _plain(details, 2000)
    if not details:
        problems["details"] = [DETAILS_MISSING]
    kind = Kind.objects.filter(code=data.kind, is_active=True).first()
    if data.kind and (kind is None or kind.regime != Regime.FZ59):
        problems["kind"] = [KIND_NOT_FZ59]
    if problems:
        raise ValidationFailed(problems)
    appeal = appeal_submit(
        actor=actor, data=data, channel=Channel.EMAIL, client_token=f"fz59:{request.pk}"
    )
    if IdentityCheck.objects.filter(appeal=appeal).exists():
        return appeal  # the same form sent twice: the first registration stands
    check = IdentityCheck.objects.create(
        appeal=appeal, request=request, method=method, details=details, checked_by=actor
    )
    robot = mail_robot()
    number, source = format_number(appeal.number or ""), format_number(request.number or "")
    appeal_note(
        appeal=appeal,
        actor=robot,
        text=f"Зарегистрировано оператором {actor.full_name} из запроса по e-mail № {source} "
        f"после установления личности: {check.get_method_display()}. {details}",
    )
    if request.status not in FINAL_STATUSES:
        appeal_note(
            appeal=request,
            actor=robot,
            text=f"Личность заявителя установлена ({actor.full_name}): зарегистрировано "
            f"обращение по 59-ФЗ № {number}.",
        )
    audit_record(
        actor=actor,
        action="mail.fz59_registered",
        target_type="appeal",
        target_id=appeal.pk,
        details={"request": request.pk, "method": method},
    )
    return appeal
