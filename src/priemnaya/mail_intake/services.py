"""E-mail intake (SPEC §6 «E-mail», 547-FZ): a stored message becomes a support request, joins
the appeal it answers, or is parked or ignored with its reason. Rules: docs/mail-intake.md."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, linebreaks

from priemnaya.accounts.models import User
from priemnaya.accounts.roles import Role
from priemnaya.appeals.models import Appeal, Event
from priemnaya.appeals.services import AppealInput, appeal_note, appeal_submit
from priemnaya.appeals.states import FINAL_STATUSES, Channel, EventType
from priemnaya.appeals.status_links import status_link
from priemnaya.attachments.models import Purpose
from priemnaya.attachments.services import UploadRefused, attachments_bind, attachments_stage
from priemnaya.core import clock
from priemnaya.core.contacts import ContactInvalid, normalize_email
from priemnaya.core.errors import ApplicationError, ValidationFailed
from priemnaya.core.numbering import MalformedNumber, format_number, normalize_number
from priemnaya.core.text import BIDI_CONTROLS
from priemnaya.mail_intake import parsing
from priemnaya.mail_intake.models import (
    InboundMessage,
    Outcome,
    State,
)
from priemnaya.notifications.channels.email import mail_domain
from priemnaya.notifications.models import Audience, Notification
from priemnaya.notifications.models import Channel as NotifyChannel

logger = logging.getLogger("priemnaya.mail_intake")

ROBOT_EMAIL = "mail-intake@robot.invalid"
NOTE_MAX = 5000
SUBJECT_MAX = 200
# A message that failed this many times for a reason of ours is parked for a person.
MAX_ATTEMPTS = 5
_NUMBER_IN_SUBJECT = re.compile(r"(?<!\d)(\d{2})[-\s]?(\d{7})[-\s]?(\d)(?!\d)")
_NOTIFICATION_ID = re.compile(r"^<notification-(\d+)@(.+)>$")
_APPEAL_ID = re.compile(r"^<appeal-(\d{10})@(.+)>$")

PORTAL_POINTER = (
    "Обращение по электронной почте рассматривается как запрос в службу поддержки. С 2025 года "
    "(Федеральный закон № 547-ФЗ) жалобу, заявление или предложение по Федеральному закону "
    "№ 59-ФЗ подают через форму на портале после входа в личный кабинет: {portal}"
)


def _setting(name: str, default):
    return getattr(settings, name, default)


def mail_robot() -> User:
    """Return the service account that registers e-mailed requests (it cannot sign in).

    The journal needs an actor for what arrived by e-mail, as it names the operator for a call.
    """
    robot = User.objects.filter(email=ROBOT_EMAIL).first()
    if robot is None:
        robot = User(
            email=ROBOT_EMAIL,
            full_name="Электронная почта приёмной (автоматически)",
            role=Role.SUPERVISOR,
        )
        robot.set_unusable_password()
        robot.save()
    return robot


def own_addresses() -> set[str]:
    """The addresses the inbound endpoint accepts mail for (lowercased)."""
    raw = _setting("PRIEMNAYA_MAIL_ADDRESSES", ["priem@priemnaya.local"])
    return {a.strip().lower() for a in raw if a.strip()}


# ---- storing ------------------------------------------------------------------------------------


def inbound_store(raw: bytes, *, mail_from: str, rcpt_to: list[str]) -> InboundMessage:
    """Store an accepted message as it came, before anything else is done with it."""
    head = parsing.parse_head(raw, envelope_from=mail_from)
    return InboundMessage.objects.create(
        raw=raw,
        size=len(raw),
        mail_from=mail_from[:320],
        rcpt_to=", ".join(rcpt_to)[:1000],
        message_id=head.message_id,
        sender=head.sender,
        subject=_plain(head.subject, 500),
        received_at=clock.now(),
    )


# ---- processing ---------------------------------------------------------------------------------


def _plain(text: str, limit: int) -> str:
    """Return text safe to store and show: no control, direction or unstorable characters."""
    out = []
    for ch in unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n")):
        category = unicodedata.category(ch)
        if ch == "\t":
            out.append(" ")
        elif (
            ch in BIDI_CONTROLS
            or category in ("Cs", "Co")
            or (category == "Cc" and ch != "\n")
            or (category == "Cn" and (ord(ch) & 0xFFFE) == 0xFFFE)
        ):
            continue
        else:
            out.append(ch)
    return "".join(out).strip()[:limit]


@dataclass
class _Thread:
    appeal: Appeal | None = None
    problem: str = ""  # why the message was not joined to what it names


def _appeal_by_number(digits: str) -> Appeal | None:
    return Appeal.objects.filter(number=digits).select_related("applicant").first()


def _thread_of(mail: parsing.ParsedMail) -> _Thread:
    """Find the appeal a reply belongs to: our Message-IDs it answers, else the subject's number."""
    domain = mail_domain()
    for ref in mail.thread_ids:
        if (m := _NOTIFICATION_ID.match(ref)) and m.group(2) == domain:
            row = Notification.objects.filter(pk=int(m.group(1))).only("appeal_id").first()
            if row is not None:
                found = Appeal.objects.filter(pk=row.appeal_id).select_related("applicant").first()
                if found is not None:
                    return _Thread(found)
        if (
            (m := _APPEAL_ID.match(ref))
            and m.group(2) == domain
            and (found := _appeal_by_number(m.group(1))) is not None
        ):
            return _Thread(found)
    for groups in _NUMBER_IN_SUBJECT.findall(mail.subject):
        try:
            digits = normalize_number("".join(groups))
        except MalformedNumber:
            continue
        if (found := _appeal_by_number(digits)) is not None:
            return _Thread(found)
        return _Thread(
            None, f"В теме указан номер {format_number(digits)}, но такого обращения нет."
        )
    return _Thread()


def _sender_matches(appeal: Appeal, sender: str) -> bool:
    known = {appeal.contact_email.lower()}
    if appeal.applicant is not None and appeal.applicant.email:
        known.add(appeal.applicant.email.lower())
    return sender.lower() in known - {""}


def _finish(
    message: InboundMessage,
    state: str,
    *,
    reason: str = "",
    remarks: list[str] | None = None,
    outcome: str = Outcome.NONE,
    appeal: Appeal | None = None,
) -> InboundMessage:
    message.state, message.reason = state, reason[:2000]
    message.remarks = "\n".join(remarks or [])
    message.outcome, message.appeal = outcome, appeal
    message.processed_at = clock.now()
    message.save(
        update_fields=["state", "reason", "remarks", "outcome", "appeal", "processed_at",
                       "auto_answered", "attempts"]
    )  # fmt: skip
    return message


def _stage_files(
    files: list[parsing.Attachment], *, robot: User, purpose: str, appeal_id: int | None
) -> tuple[list[int], list[str]]:
    """Check each attached file by the attachments rules; return the accepted ids and refusals."""
    ids: list[int] = []
    refusals: list[str] = []
    for item in files:
        upload = SimpleUploadedFile(item.name[:200] or "файл", item.data)
        try:
            ids += [a.pk for a in attachments_stage(
                uploads=[upload], uploaded_by=robot, purpose=purpose, appeal_id=appeal_id
            )]  # fmt: skip
        except UploadRefused as exc:
            refusals += [f"Вложение {r} — не принято." for r in exc.refusals]
        except ApplicationError as exc:
            refusals.append(f"Вложение «{item.name[:100]}»: {exc.message}")
    return ids, refusals


def _bind_files(
    ids: list[int], *, robot: User, appeal: Appeal, purpose: str, message_id: int | None = None
) -> list[str]:
    """Bind staged files one by one, so that a file over the appeal's limits refuses only itself."""
    refusals = []
    for pk in ids:
        try:
            with transaction.atomic():
                attachments_bind(
                    ids=[pk], actor=robot, appeal_id=appeal.pk, message_id=message_id,
                    purpose=purpose,
                )  # fmt: skip
        except UploadRefused as exc:
            refusals += [f"Вложение {r} — не принято." for r in exc.refusals]
    return refusals


def _answers_this_hour(sender: str) -> int:
    since = clock.now() - timedelta(hours=1)
    return InboundMessage.objects.filter(
        sender=sender, auto_answered=True, processed_at__gte=since
    ).count()


def _auto_answer(appeal: Appeal, mail: parsing.ParsedMail) -> None:
    """Queue the answer with the number and the status link (the registration notice itself).

    Written before the planner handles the registration event: its own notice to this address has
    the same delivery key and is skipped, so the sender gets one letter, this one.
    """
    event = Event.objects.filter(appeal=appeal, type=EventType.REGISTERED).first()
    if event is None:
        return
    number = format_number(appeal.number or "")
    link = status_link(appeal)
    portal = settings.PRIEMNAYA_SITE_URL.rstrip("/") + reverse("web:appeal_new")
    subject = f"Обращение № {number}: ваше письмо получено"
    quoted = f"«{mail.subject}»" if mail.subject else "без темы"
    paragraphs = [
        "Здравствуйте!",
        f"Ваше письмо {quoted} зарегистрировано как запрос в службу поддержки "
        f"под номером {number}.",
        f"Статус запроса можно проверить по ссылке: {link}",
        "Чтобы дополнить запрос, ответьте на это письмо, не меняя номер в теме.",
        PORTAL_POINTER.format(portal=portal),
        "Это письмо отправлено автоматически.",
    ]
    body = "\n\n".join(paragraphs)
    html = format_html(
        '<div style="max-width:600px;font-family:sans-serif">{}</div>', linebreaks(body)
    )
    Notification.objects.create(
        event=event,
        appeal=appeal,
        user=None,
        channel=NotifyChannel.EMAIL,
        address=appeal.contact_email,
        audience=Audience.APPLICANT,
        subject=subject,
        body=body,
        html=html,
    )


def _request_input(mail: parsing.ParsedMail, message: InboundMessage, extra: str) -> AppealInput:
    text = _plain(mail.text, NOTE_MAX) or "(письмо без текста)"
    if extra:
        text = _plain(f"{extra}\n\n{text}", NOTE_MAX)
    return AppealInput(
        kind=_setting("PRIEMNAYA_MAIL_KIND", "support"),
        theme=_setting("PRIEMNAYA_MAIL_THEME", "general"),
        subject=_plain(mail.subject, SUBJECT_MAX) or "Письмо без темы",
        text=text,
        contact_email=mail.sender,
        applicant_name=_plain(mail.sender_name, 300) or mail.sender,
        received_on=timezone.localdate(message.received_at),
    )


def _cut_remark(mail: parsing.ParsedMail) -> list[str]:
    if len(mail.text.strip()) <= NOTE_MAX - 300:  # room for the heading of a joined letter
        return []
    return [f"Текст длиннее {NOTE_MAX} знаков: вошло начало, целиком — в исходном письме."]


def _create_request(
    message: InboundMessage,
    mail: parsing.ParsedMail,
    *,
    actor: User,
    robot: User,
    extra: str = "",
    answer: bool = True,
) -> tuple[Appeal, list[str]]:
    """Register the message as a support request (never 59-FZ) with its accepted files."""
    ids, refusals = _stage_files(
        mail.attachments, robot=robot, purpose=Purpose.APPEAL, appeal_id=None
    )
    appeal = appeal_submit(
        actor=actor,
        data=_request_input(mail, message, extra),
        channel=Channel.EMAIL,
        client_token=f"mail:{message.pk}",
    )
    refusals += _bind_files(ids, robot=robot, appeal=appeal, purpose=Purpose.APPEAL)
    refusals += _cut_remark(mail)
    if answer and appeal.contact_email:
        _auto_answer(appeal, mail)
        message.auto_answered = True
    return appeal, refusals


def _join(
    message: InboundMessage, mail: parsing.ParsedMail, appeal: Appeal, *, actor: User, robot: User
) -> list[str]:
    """Add the letter to the appeal as a note staff see, with its accepted files."""
    when = timezone.localtime(message.received_at).strftime("%d.%m.%Y %H:%M")
    head = f"Письмо заявителя по e-mail ({mail.sender or message.mail_from}, {when})"
    if mail.subject:
        head += f", тема «{_plain(mail.subject, 200)}»"
    text = _plain(f"{head}:\n\n{mail.text or '(без текста)'}", NOTE_MAX)
    note = appeal_note(appeal=appeal, actor=actor, text=text)
    ids, refusals = _stage_files(
        mail.attachments, robot=robot, purpose=Purpose.ADDITION, appeal_id=appeal.pk
    )
    bound = _bind_files(
        ids, robot=robot, appeal=appeal, purpose=Purpose.ADDITION, message_id=note.pk
    )
    return refusals + bound + _cut_remark(mail)


def _earlier_copy(message: InboundMessage) -> InboundMessage | None:
    if not message.message_id:
        return None
    return (
        InboundMessage.objects.filter(message_id=message.message_id, pk__lt=message.pk)
        .order_by("pk")
        .first()
    )


def _decide(message: InboundMessage) -> InboundMessage:
    mail = parsing.parse(bytes(message.raw), envelope_from=message.mail_from)
    remarks = list(mail.remarks)
    if (first := _earlier_copy(message)) is not None:
        return _finish(
            message, State.IGNORED, reason=f"Повтор письма № {first.pk} (тот же Message-ID)."
        )
    if mail.robot:
        return _finish(
            message, State.IGNORED, reason=mail.robot + ": не отвечаем, обращение не создаём."
        )
    if mail.sender in own_addresses() | {parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()}:
        return _finish(message, State.IGNORED, reason="Письмо от адреса самой приёмной: петля.")
    try:
        mail.sender = normalize_email(mail.sender)
    except ContactInvalid:
        return _finish(
            message, State.PARKED, reason="Адрес отправителя не распознан.", remarks=remarks
        )
    robot = mail_robot()
    thread = _thread_of(mail)
    if thread.problem:
        return _finish(message, State.PARKED, reason=thread.problem, remarks=remarks)
    extra = ""
    if (appeal := thread.appeal) is not None:
        number = format_number(appeal.number or "")
        if not _sender_matches(appeal, mail.sender):
            reason = f"Ответ на обращение № {number} пришёл не с адреса заявителя ({mail.sender})."
            return _finish(message, State.PARKED, reason=reason, remarks=remarks, appeal=appeal)
        if appeal.status not in FINAL_STATUSES:
            remarks += _join(message, mail, appeal, actor=robot, robot=robot)
            return _finish(
                message, State.PROCESSED, remarks=remarks, outcome=Outcome.JOINED, appeal=appeal
            )
        extra = f"Письмо в ответ на завершённое обращение № {number}."
    if _answers_this_hour(mail.sender) >= _setting("PRIEMNAYA_MAIL_ANSWERS_PER_HOUR", 5):
        reason = (
            "Слишком много писем с этого адреса за час: возможна петля автоответов. "
            "Запрос не создан, автоответ не отправлен."
        )
        return _finish(message, State.PARKED, reason=reason, remarks=remarks)
    appeal, refused = _create_request(message, mail, actor=robot, robot=robot, extra=extra)
    return _finish(
        message, State.PROCESSED, remarks=remarks + refused, outcome=Outcome.CREATED, appeal=appeal
    )


def inbound_process(message_id: int) -> InboundMessage:
    """Handle one stored message once; a failure leaves it stored and counted, never lost."""
    with transaction.atomic():
        message = InboundMessage.objects.select_for_update().get(pk=message_id)
        if message.state != State.NEW:
            return message
        message.attempts += 1
        try:
            with transaction.atomic():
                return _decide(message)
        except ApplicationError as exc:
            message.auto_answered = False  # rolled back with the rest
            # The request could not be registered (a catalog gap, a closed calendar…): a person
            # sees why in «Почта» and registers it by hand.
            words = (
                [m for ms in exc.errors.values() for m in ms]
                if isinstance(exc, ValidationFailed)
                else [exc.message]
            )
            return _finish(message, State.PARKED, reason="Не зарегистрировано: " + " ".join(words))
        except Exception as exc:
            logger.exception("inbound message %s failed", message.pk)
            message.auto_answered = False
            message.reason = f"Ошибка обработки: {type(exc).__name__}"
            if message.attempts >= MAX_ATTEMPTS:
                return _finish(message, State.PARKED, reason=message.reason)
            message.save(update_fields=["attempts", "reason"])
            return message


def inbound_process_pending(limit: int = 50) -> int:
    """Handle stored messages still waiting (a crash after storing); return how many."""
    ids = list(
        InboundMessage.objects.filter(state=State.NEW)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        inbound_process(pk)
    return len(ids)
