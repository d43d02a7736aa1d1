"""Registration with confirmed contacts, answering the same way whether or not an account exists.

A new account is created unconfirmed and not signed in: a six-digit code goes to its phone by SMS
and a link to its e-mail. If a contact already belongs to an account, nothing is created: the
owner of that contact gets a short notice instead, the password is hashed anyway (equal time),
and the caller sees the same next step. The code check of that "decoy" runs against a real code
issued to the existing account and never sent, so a wrong code, an expired one, too many tries
and a resend too soon read exactly as they do for a new account; even a correct guess is refused.

The face keeps the ``Pending`` registration in its session; the API finds it by the phone.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from django.contrib.auth.hashers import make_password
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from priemnaya.accounts.codes import CODE_EXPIRED, CODE_WRONG, code_check, code_issue
from priemnaya.accounts.consent import CONSENT_VERSION
from priemnaya.accounts.models import CodePurpose, Consent, User
from priemnaya.accounts.roles import Role
from priemnaya.accounts.services import user_register_problems
from priemnaya.appeals.services.contact_link import appeals_link_to_account
from priemnaya.audit.services import audit_record
from priemnaya.core import clock
from priemnaya.core.contacts import ContactInvalid, normalize_email, normalize_phone
from priemnaya.core.errors import TooManyRequests, ValidationFailed
from priemnaya.core.text import clean_text
from priemnaya.notifications.sms import SmsError, sms_gateway
from priemnaya.security.delivery import CodeNotSent, code_send_email, code_send_sms

logger = logging.getLogger(__name__)

# Session key of a registration waiting for its phone code: Pending as a dict.
PENDING_KEY = "priemnaya_pending_registration"
CONSENT_MISSING = "Без согласия на обработку данных мы не сможем ответить вам."
NOTICE_SMS = (
    "Приёмная: с этим номером пытались зарегистрироваться, но он уже используется. "
    "Если это были вы — войдите или восстановите пароль. Если нет — ничего делать не нужно."
)
NOTICE_EMAIL_SUBJECT = "Попытка регистрации с вашим адресом"
NOTICE_EMAIL_BODY = (
    "Здравствуйте!\n\nС этим адресом электронной почты пытались зарегистрироваться в Приёмной, "
    "но он уже используется учётной записью.\n\nЕсли это были вы — войдите или восстановите "
    "пароль. Если нет — ничего делать не нужно: новая учётная запись не создана.\n"
)
SMS_NOT_SENT = "Не удалось отправить SMS. Запросите код ещё раз через минуту."


@dataclass(frozen=True)
class Pending:
    """A registration between the form and the code: what the next page needs.

    ``phone_user_id`` is the account whose phone code is checked: the new account, or for a
    decoy the account that already has the phone (None if the phone was not given, or if only
    the e-mail was taken). ``decoy`` is never shown: the pages read the same either way.
    """

    phone: str | None
    email: str | None
    phone_user_id: int | None
    email_user_id: int | None
    decoy: bool
    problem: str = ""  # a sending failure to show on the next page (the same for a decoy)

    def as_session(self) -> dict:
        return asdict(self)

    @classmethod
    def from_session(cls, data: object) -> Pending | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(**data)
        except TypeError:
            return None


def pending_after(previous: Pending | None, new: Pending) -> Pending:
    """Return the registration a browser now waits on, given the one it waited on before.

    A form sent twice (a double click, «back» and send again) finds the account its first send
    created: that answer is a decoy, but the browser keeps waiting on its own new account.
    """
    if (
        previous is not None
        and not previous.decoy
        and new.decoy
        and (previous.phone, previous.email) == (new.phone, new.email)
    ):
        return previous
    return new


def _normalised(email: str, phone: str) -> tuple[str | None, str | None]:
    norm_email = normalize_email(email) if email.strip() else None
    norm_phone = normalize_phone(phone) if phone.strip() else None
    return norm_email, norm_phone


def registration_problems(
    *, full_name: str, email: str, phone: str, password: str, consent: bool
) -> dict[str, list[str]]:
    """Return every rule the registration input breaks, per field (nothing is looked up)."""
    problems = user_register_problems(
        full_name=full_name, email=email, phone=phone, password=password
    )
    if not consent:
        problems["consent"] = [CONSENT_MISSING]
    return problems


def _send_sms(phone: str, send) -> str:
    """Run ``send``; return the page's message if the SMS did not go (never raises)."""
    try:
        send()
    except TooManyRequests:
        # A code sent moments ago is still live: the page lets the person ask again later.
        return ""
    except (CodeNotSent, SmsError) as exc:
        logger.warning("registration SMS not sent: %s", exc)
        return SMS_NOT_SENT
    return ""


def _send_email(send) -> None:
    try:
        send()
    except TooManyRequests as exc:
        # A link sent moments ago is still live; the page offers to send it again later.
        logger.info("registration e-mail link not resent: retry in %s s", exc.retry_after)
    except Exception as exc:
        logger.warning("registration e-mail not sent: %s", exc)


def _decoy(*, existing_phone: User | None, existing_email: User | None, phone, email) -> Pending:
    """Create nothing; tell the owners of the taken contacts; return the same next step."""
    problem = ""
    # The notices go to the contacts as the accounts hold them (the same, maybe spelt otherwise).
    if existing_phone is not None and phone:
        to_phone = existing_phone.phone or phone

        def notify_phone() -> None:
            # A code nobody receives: the confirm page then behaves as for a new account.
            code_issue(
                user=existing_phone,
                purpose=CodePurpose.CONFIRM_PHONE,
                channel="sms",
                destination=to_phone,
            )
            sms_gateway().send(to_phone, NOTICE_SMS)

        problem = _send_sms(to_phone, notify_phone)
    if existing_email is not None and email:
        to_email = existing_email.email or email

        def notify_email() -> None:
            code_issue(
                user=existing_email,
                purpose=CodePurpose.CONFIRM_EMAIL,
                channel="email",
                destination=to_email,
                link=True,
            )
            send_mail(NOTICE_EMAIL_SUBJECT, NOTICE_EMAIL_BODY, None, [to_email])

        _send_email(notify_email)
    return Pending(
        phone=phone,
        email=email,
        phone_user_id=existing_phone.pk if existing_phone is not None and phone else None,
        email_user_id=existing_email.pk if existing_email is not None and email else None,
        decoy=True,
        problem=problem,
    )


def registration_start(
    *,
    full_name: str,
    email: str = "",
    phone: str = "",
    password: str,
    consent: bool,
    ip: str | None = None,
) -> Pending:
    """Register a citizen (unconfirmed, not signed in) and send the codes; see the module.

    Raises ValidationFailed with every problem of the input at once; otherwise the answer is the
    same whether the e-mail or the phone already belongs to someone.
    """
    problems = registration_problems(
        full_name=full_name, email=email, phone=phone, password=password, consent=consent
    )
    if problems:
        raise ValidationFailed(problems)
    norm_email, norm_phone = _normalised(email, phone)
    existing_email = User.objects.filter(email__iexact=norm_email).first() if norm_email else None
    existing_phone = User.objects.filter(phone=norm_phone).first() if norm_phone else None
    if existing_email is not None or existing_phone is not None:
        make_password(password)  # the same work as creating the account
        return _decoy(
            existing_phone=existing_phone,
            existing_email=existing_email,
            phone=norm_phone,
            email=norm_email,
        )
    user = User(full_name=clean_text(full_name), email=norm_email, phone=norm_phone)
    user.role = Role.CITIZEN
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            Consent.objects.create(
                user=user, text_version=CONSENT_VERSION, accepted_at=clock.now(), ip=ip
            )
            audit_record(
                action="consent.given",
                actor=user,
                target_type="user",
                target_id=user.pk,
                details={"version": CONSENT_VERSION},
            )
    except IntegrityError:
        # Someone registered the same contact a moment ago: answer as for a taken contact.
        return _decoy(
            existing_phone=User.objects.filter(phone=norm_phone).first() if norm_phone else None,
            existing_email=(
                User.objects.filter(email__iexact=norm_email).first() if norm_email else None
            ),
            phone=norm_phone,
            email=norm_email,
        )
    problem = ""
    if norm_phone:
        problem = _send_sms(
            norm_phone,
            lambda: code_send_sms(user=user, purpose=CodePurpose.CONFIRM_PHONE, phone=norm_phone),
        )
    if norm_email:
        _send_email(
            lambda: code_send_email(user=user, purpose=CodePurpose.CONFIRM_EMAIL, email=norm_email)
        )
    return Pending(
        phone=norm_phone,
        email=norm_email,
        phone_user_id=user.pk if norm_phone else None,
        email_user_id=user.pk if norm_email else None,
        decoy=False,
        problem=problem,
    )


# ---- confirming contacts ------------------------------------------------------------------------

LINK_INVALID = (
    "Ссылка устарела или уже использована. Войдите и запросите новую на странице "
    "«Подтверждение контактов»."
)
NO_PHONE = "В учётной записи нет телефона."
NO_EMAIL = "В учётной записи нет адреса электронной почты."
PHONE_DONE = "Телефон уже подтверждён."
EMAIL_DONE = "Адрес электронной почты уже подтверждён."


def _confirmed(user: User, contact: str) -> User:
    """Mark the contact confirmed and audit it (after the code was spent, in its own commit)."""
    with transaction.atomic():
        setattr(user, f"{contact}_confirmed_at", clock.now())
        user.save(update_fields=[f"{contact}_confirmed_at"])
        audit_record(
            action="contact.confirmed",
            actor=user,
            target_type="user",
            target_id=user.pk,
            details={"contact": contact},
        )
    # Calls and letters registered for this contact now join the account (issue 13).
    appeals_link_to_account(user=user)
    return user


# No confirm function below runs in a wider transaction: a wrong code's counted attempt must stay.


def registration_confirm_phone(*, pending: Pending, code: str) -> User:
    """Confirm the pending registration's phone with the SMS code; return the account.

    Raises ValidationFailed on field ``code``; a decoy answers as a wrong or expired code does.
    """
    user = (
        User.objects.filter(pk=pending.phone_user_id).first()
        if pending.phone_user_id is not None
        else None
    )
    if user is None:
        raise ValidationFailed.single("code", CODE_EXPIRED)
    live = code_check(user=user, purpose=CodePurpose.CONFIRM_PHONE, code=code)
    if pending.decoy or user.phone_confirmed_at is not None or live.destination != user.phone:
        raise ValidationFailed.single("code", CODE_WRONG)
    return _confirmed(user, "phone")


def phone_confirm_anonymous(*, phone: str, code: str) -> User:
    """Confirm the unconfirmed account with ``phone`` by its SMS code (the API's next step)."""
    try:
        norm_phone = normalize_phone(phone)
    except ContactInvalid as exc:
        raise ValidationFailed.single("phone", str(exc)) from exc
    user = User.objects.filter(phone=norm_phone).first()
    if user is None:
        raise ValidationFailed.single("code", CODE_EXPIRED)
    live = code_check(user=user, purpose=CodePurpose.CONFIRM_PHONE, code=code)
    # A confirmed account only ever gets decoy codes that nobody receives.
    if user.phone_confirmed_at is not None or live.destination != user.phone:
        raise ValidationFailed.single("code", CODE_WRONG)
    return _confirmed(user, "phone")


def registration_resend(*, pending: Pending) -> None:
    """Send the pending registration's phone code again (a decoy re-issues a code nobody gets).

    Raises TooManyRequests (field ``code``) within the pause or over the hourly limit, and
    CodeNotSent when the gateway fails.
    """
    if not pending.phone:
        raise ValidationFailed.single("code", NO_PHONE)
    user = (
        User.objects.filter(pk=pending.phone_user_id).first()
        if pending.phone_user_id is not None
        else None
    )
    if user is None:
        return
    if pending.decoy or user.phone_confirmed_at is not None:
        code_issue(
            user=user, purpose=CodePurpose.CONFIRM_PHONE, channel="sms", destination=pending.phone
        )
        return
    code_send_sms(user=user, purpose=CodePurpose.CONFIRM_PHONE, phone=pending.phone)


def contact_phone_code_send(*, user: User) -> None:
    """Send a signed-in person a code that confirms their phone."""
    if not user.phone:
        raise ValidationFailed.single("phone", NO_PHONE)
    if user.phone_confirmed_at is not None:
        raise ValidationFailed.single("phone", PHONE_DONE)
    code_send_sms(user=user, purpose=CodePurpose.CONFIRM_PHONE, phone=user.phone)


def contact_phone_confirm(*, user: User, code: str) -> User:
    """Confirm a signed-in person's phone with the SMS code (field ``code`` on refusal)."""
    if not user.phone:
        raise ValidationFailed.single("phone", NO_PHONE)
    if user.phone_confirmed_at is not None:
        raise ValidationFailed.single("code", PHONE_DONE)
    live = code_check(user=user, purpose=CodePurpose.CONFIRM_PHONE, code=code)
    if live.destination != user.phone:
        raise ValidationFailed.single("code", CODE_EXPIRED)
    return _confirmed(user, "phone")


def contact_email_link_send(*, user: User) -> None:
    """Send a signed-in person a link that confirms their e-mail address."""
    if not user.email:
        raise ValidationFailed.single("email", NO_EMAIL)
    if user.email_confirmed_at is not None:
        raise ValidationFailed.single("email", EMAIL_DONE)
    code_send_email(user=user, purpose=CodePurpose.CONFIRM_EMAIL, email=user.email)


def email_confirm(*, user_id: int, secret: str) -> User:
    """Confirm the e-mail address the link was sent to; ValidationFailed («secret») if stale."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.email:
        raise ValidationFailed.single("secret", LINK_INVALID)
    if user.email_confirmed_at is not None:
        raise ValidationFailed.single("secret", EMAIL_DONE)
    try:
        live = code_check(user=user, purpose=CodePurpose.CONFIRM_EMAIL, code=secret, field="secret")
    except ValidationFailed as exc:
        raise ValidationFailed.single("secret", LINK_INVALID) from exc
    if live.destination.lower() != user.email.lower():
        raise ValidationFailed.single("secret", LINK_INVALID)
    return _confirmed(user, "email")
