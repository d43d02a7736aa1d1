"""Reading inbound mail for the console: the parked and skipped letters, one letter safely."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from priemnaya.accounts.models import User
from priemnaya.accounts.roles import Role
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.states import Channel
from priemnaya.catalog.models import Regime
from priemnaya.core.errors import NotFound
from priemnaya.mail_intake import parsing
from priemnaya.mail_intake.models import IdentityCheck, InboundMessage, State

# First-line operators sort the mailbox; supervisors and administrators oversee it.
MAIL_ROLES = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMINISTRATOR})
# The raw letter shown on the page at most (the whole one stays in the database).
RAW_SHOWN = 200_000
LIST_FIELDS = ("id", "received_at", "sender", "mail_from", "subject", "state", "reason", "size",
               "outcome", "appeal__number")  # fmt: skip


def may_sort_mail(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in MAIL_ROLES)


def inbound_list(*, state: str = "") -> QuerySet[InboundMessage]:
    """Letters waiting for a person (parked, skipped) or those of one state, newest first."""
    states = [state] if state in State.values else [State.PARKED, State.IGNORED]
    return (
        InboundMessage.objects.filter(state__in=states)
        .select_related("appeal")
        .only(*LIST_FIELDS)
        .order_by("-received_at", "-id")
    )


def inbound_counts() -> dict[str, int]:
    from django.db.models import Count

    rows = InboundMessage.objects.values("state").annotate(n=Count("id")).order_by()
    return {row["state"]: row["n"] for row in rows}


@dataclass(frozen=True)
class Letter:
    message: InboundMessage
    mail: parsing.ParsedMail
    raw_text: str  # the letter as text: never rendered as HTML, cut at RAW_SHOWN
    raw_cut: bool


def inbound_letter(*, message_id: int) -> Letter:
    """One letter with its reading and its raw text for the page (NotFound if there is none)."""
    message = InboundMessage.objects.select_related("appeal").filter(pk=message_id).first()
    if message is None:
        raise NotFound("Письмо не найдено.")
    raw = bytes(message.raw)
    mail = parsing.parse(raw, envelope_from=message.mail_from)
    text = raw[:RAW_SHOWN].decode("utf-8", errors="replace")
    return Letter(message, mail, text, len(raw) > RAW_SHOWN)


def email_request(*, number: str) -> Appeal | None:
    """The support request that came by e-mail with this number (None for anything else)."""
    return (
        Appeal.objects.filter(number=number, channel=Channel.EMAIL)
        .exclude(regime=Regime.FZ59)
        .first()
    )


def identity_checks(*, request: Appeal) -> list[IdentityCheck]:
    return list(
        IdentityCheck.objects.filter(request=request).select_related("appeal", "checked_by")
    )
