"""Retention (issue 14, docs/retention.md): counts, destruction acts and legal holds.

Administrators and auditors read; administrators place and lift holds. Other roles get 403.
"""

from __future__ import annotations

from datetime import date, datetime

from ninja import Router, Schema, Status

from priemnaya.api.routers.appeals import ERRORS
from priemnaya.appeals.selectors import staff_appeal_get
from priemnaya.core.errors import NotPermitted
from priemnaya.retention.models import DestructionAct, LegalHold
from priemnaya.retention.selectors import act_get, acts_list
from priemnaya.retention.services import (
    MANAGERS_ONLY,
    hold_lift,
    hold_place,
    may_read,
    pending_counts,
)

router = Router(tags=["retention"])
READERS_ONLY = "Сроки хранения и акты доступны администратору и аудитору."


class SummaryOut(Schema):
    to_archive: int
    to_anonymise: int
    on_hold: int
    archived: int
    anonymised: int


class ActItemOut(Schema):
    number: str
    kind: str
    theme: str
    registered_at: datetime | None
    closed_at: datetime | None
    retention_years: int
    basis: str


class ActOut(Schema):
    id: int
    number: str
    created_at: datetime
    finished_at: datetime | None
    count: int
    closed_from: date | None
    closed_to: date | None
    audit_from: int | None
    audit_to: int | None
    audit_head_hash: str
    signed_at: datetime | None


class ActDetailOut(ActOut):
    items: list[ActItemOut]


class HoldIn(Schema):
    number: str
    reason: str = ""


class LiftIn(Schema):
    reason: str = ""


class HoldOut(Schema):
    id: int
    number: str
    reason: str
    placed_at: datetime
    lifted_at: datetime | None


def _reader(request) -> None:
    if not may_read(request.auth):
        raise NotPermitted(READERS_ONLY)


def _act(act: DestructionAct) -> dict:
    return {
        "id": act.pk,
        "number": act.number,
        "created_at": act.created_at,
        "finished_at": act.finished_at,
        "count": act.count,
        "closed_from": act.closed_from,
        "closed_to": act.closed_to,
        "audit_from": act.audit_from,
        "audit_to": act.audit_to,
        "audit_head_hash": act.audit_head_hash,
        "signed_at": act.signed_at,
    }


def _hold(hold: LegalHold) -> dict:
    return {
        "id": hold.pk,
        "number": hold.appeal.number,
        "reason": hold.reason,
        "placed_at": hold.placed_at,
        "lifted_at": hold.lifted_at,
    }


@router.get("/summary", response={200: SummaryOut} | ERRORS)
def summary(request):
    """What the next run would archive and anonymise, what a hold keeps, what is done."""
    _reader(request)
    return pending_counts().__dict__


@router.get("/acts", response={200: list[ActOut]} | ERRORS)
def acts(request):
    """The destruction acts, newest first (at most 100)."""
    _reader(request)
    return [_act(a) for a in acts_list()[:100]]


@router.get("/acts/{act_id}", response={200: ActDetailOut} | ERRORS)
def act(request, act_id: int):
    """One act with its appeals (numbers, kinds, themes, dates — no personal data)."""
    _reader(request)
    found = act_get(act_id=act_id)
    items = [
        {
            "number": i.number,
            "kind": i.kind,
            "theme": i.theme,
            "registered_at": i.registered_at,
            "closed_at": i.closed_at,
            "retention_years": i.retention_years,
            "basis": i.basis,
        }
        for i in found.items.all()
    ]
    return {**_act(found), "items": items}


@router.post("/holds", response={201: HoldOut} | ERRORS)
def hold_new(request, payload: HoldIn):
    """Place a legal hold on an appeal (administrators); `reason` is required."""
    _reader(request)
    if request.auth.role != "administrator":
        raise NotPermitted(MANAGERS_ONLY)
    appeal = staff_appeal_get(user=request.auth, number=payload.number)
    return Status(201, _hold(hold_place(actor=request.auth, appeal=appeal, reason=payload.reason)))


@router.post("/holds/{hold_id}/lift", response={200: HoldOut} | ERRORS)
def hold_remove(request, hold_id: int, payload: LiftIn):
    """Lift a legal hold (administrators); `reason` is required."""
    _reader(request)
    hold = hold_lift(actor=request.auth, hold_id=hold_id, reason=payload.reason)
    return _hold(hold)
