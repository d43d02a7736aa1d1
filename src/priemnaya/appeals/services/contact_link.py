"""Staff-registered appeals join the account that confirmed their contact (issue 13, item 1).

A call, a letter, an МФЦ visit or an e-mail is registered by staff with the person's phone or
address and no account. A citizen account that has *confirmed* the same phone or e-mail owns that
contact: the appeal becomes theirs — at registration when the account exists, or when the
account confirms the contact later (``appeals_link_to_account``, called by the confirmation).

Why this is safe: the recorded contact already receives the appeal's number, status link and
answer notices, so its confirmed owner learns nothing they could not read there. Two limits
follow from that reasoning:

- only citizen accounts, active and not anonymised, with that contact *confirmed*;
- phone numbers are reissued to new subscribers, so a contact confirmed later claims only
  appeals registered within ``LINK_WINDOW_DAYS`` before it (an older call was most likely the
  previous subscriber's).

A phone and an e-mail on one appeal that belong to two different accounts link to neither.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q

from priemnaya.accounts.models import User
from priemnaya.accounts.roles import Role
from priemnaya.appeals import events
from priemnaya.appeals.lifecycle import Action
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.services.journal import appeal_transition
from priemnaya.appeals.states import Status
from priemnaya.core import clock

# Russian operators reissue a number after about six months of silence; a year before the
# confirmation covers a caller who registers an account after their appeal was answered.
LINK_WINDOW_DAYS = 365


def _owners() -> Q:
    return Q(role=Role.CITIZEN, is_active=True, anonymised_at__isnull=True)


def _owners_of(*, phone: str, email: str) -> set[int]:
    ids: set[int] = set()
    if phone:
        ids.update(
            User.objects.filter(
                _owners(), phone=phone, phone_confirmed_at__isnull=False
            ).values_list("pk", flat=True)[:1]
        )
    if email:
        ids.update(
            User.objects.filter(
                _owners(), email__iexact=email, email_confirmed_at__isnull=False
            ).values_list("pk", flat=True)[:1]
        )
    return ids


def contact_owner(*, phone: str, email: str) -> User | None:
    """The citizen account that confirmed this phone or e-mail, or None (none, or two differ)."""
    ids = _owners_of(phone=phone, email=email)
    return User.objects.get(pk=ids.pop()) if len(ids) == 1 else None


def _confirmed_contacts(user: User) -> dict[str, Q]:
    contacts = {}
    if user.phone and user.phone_confirmed_at:
        contacts["phone"] = Q(contact_phone=user.phone)
    if user.email and user.email_confirmed_at:
        contacts["email"] = Q(contact_email__iexact=user.email)
    return contacts


class _AlreadyOwned(Exception):
    """Another confirmation linked the appeal between the read and the lock."""


def appeals_link_to_account(*, user: User) -> int:
    """Give the account the unowned appeals registered for its confirmed contacts; return how many.

    Each appeal joins through its own transition and journal entry (``applicant_linked``), so
    staff and the citizen see when and by which contact it happened. Idempotent.
    """
    if not User.objects.filter(_owners(), pk=user.pk).exists():
        return 0
    since = clock.now() - timedelta(days=LINK_WINDOW_DAYS)
    linked = 0
    for contact, condition in _confirmed_contacts(user).items():
        candidates = Appeal.objects.filter(
            condition, applicant__isnull=True, registered_at__gte=since
        ).exclude(status=Status.DRAFT)
        for appeal in candidates.order_by("id"):
            # The appeal's other contact confirmed by someone else: it is not clearly theirs.
            if _owners_of(phone=appeal.contact_phone, email=appeal.contact_email) - {user.pk}:
                continue
            try:
                with appeal_transition(
                    appeal=appeal, action=Action.LINK_APPLICANT, actor=None
                ) as t:
                    if t.appeal.applicant_id is not None:
                        raise _AlreadyOwned
                    t.appeal.applicant = user
                    t.journal(events.appeal_applicant_linked_event, contact=contact)
            except _AlreadyOwned:
                continue
            linked += 1
    return linked
