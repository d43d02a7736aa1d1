"""Collective issues (issue 14): staff merge and answer once; citizens co-sign.

Rules and choices: docs/collective.md.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema, Status

from priemnaya.api.routers.appeals import ERRORS
from priemnaya.appeals.permissions import require_staff
from priemnaya.collective import services
from priemnaya.collective.models import CollectiveIssue, Signer
from priemnaya.collective.selectors import (
    issue_detail,
    issue_get,
    issues_list,
    signature_state,
)

router = Router(tags=["staff"])
citizen_router = Router(tags=["collective"])


class IssueOut(Schema):
    id: int
    title: str
    summary: str
    theme: str
    department: str
    region: str
    state: str = Field(description="open (рассматривается), answered (дан ответ), closed")
    is_public: bool
    created_at: datetime
    answered_at: datetime | None
    answer_text: str
    appeal_count: int
    signer_count: int = Field(description="подписавшие, не отозвавшие подпись")


class SignerOut(Schema):
    id: int
    full_name: str
    way: str = Field(description="appeal (своё обращение) или cosign (присоединился)")
    appeal: str | None = Field(description="номер своего обращения")
    signed_at: datetime
    is_representative: bool
    withdrawn_at: datetime | None


class DeliveryOut(Schema):
    signer: int
    channel: str = Field(description="appeal, email, sms, cabinet")
    state: str
    to_representative: bool
    sent_at: datetime | None


class IssueDetailOut(IssueOut):
    appeals: list[str]
    signers: list[SignerOut]
    deliveries: list[DeliveryOut]


class CreateIn(Schema):
    title: str
    summary: str = Field(description="описание проблемы для граждан, без персональных данных")
    appeals: list[str] = Field(description="номера объединяемых обращений (не меньше двух людей)")
    is_public: bool = False
    place: str = ""


class AppealsIn(Schema):
    appeals: list[str]


class AnswerIn(Schema):
    text: str


class SignatureOut(Schema):
    issue: int
    signed: bool
    signer_count: int


def _issue(issue: CollectiveIssue, appeal_count: int, signer_count: int) -> dict:
    return {
        "id": issue.pk,
        "title": issue.title,
        "summary": issue.summary,
        "theme": issue.theme.code,
        "department": issue.department.code,
        "region": issue.region,
        "state": issue.state,
        "is_public": issue.is_public,
        "created_at": issue.created_at,
        "answered_at": issue.answered_at,
        "answer_text": issue.answer_text,
        "appeal_count": appeal_count,
        "signer_count": signer_count,
    }


def _signer(s: Signer) -> dict:
    return {
        "id": s.pk,
        "full_name": s.full_name,
        "way": s.way,
        "appeal": s.appeal.number if s.appeal else None,
        "signed_at": s.signed_at,
        "is_representative": s.is_representative,
        "withdrawn_at": s.withdrawn_at,
    }


def _detail(user, issue_id: int) -> dict:
    return _detail_of(issue_get(user=user, issue_id=issue_id))


def _detail_of(issue: CollectiveIssue) -> dict:
    detail = issue_detail(issue=issue)
    return {
        **_issue(issue, len(detail.appeals), detail.active),
        "appeals": [a.number for a in detail.appeals],
        "signers": [_signer(s) for s in detail.signers],
        "deliveries": [
            {
                "signer": d.signer_id,
                "channel": d.channel,
                "state": d.state,
                "to_representative": d.to_representative,
                "sent_at": d.sent_at,
            }
            for d in detail.deliveries
        ],
    }


@router.get("", response={200: list[IssueOut]} | ERRORS)
def issue_list(request, state: str = ""):
    """Collective issues of the caller's departments, open first, newest first."""
    rows = issues_list(user=require_staff(request.auth), state=state)
    return [_issue(i, i.appeal_count, i.signer_count) for i in rows]  # type: ignore[attr-defined]


@router.get("/{issue_id}", response={200: IssueDetailOut} | ERRORS)
def issue_read(request, issue_id: int):
    """One collective issue: its appeals, every signer and the delivery log of the answer."""
    user = require_staff(request.auth)
    issue = issue_get(user=user, issue_id=issue_id)
    services.collective_viewed(actor=user, issue=issue)
    return _detail_of(issue)


@router.post("", response={201: IssueDetailOut} | ERRORS)
def issue_create(request, payload: CreateIn):
    """Create a collective issue from open appeals of at least two applicants (heads, QC)."""
    issue = services.collective_create(
        actor=request.auth,
        title=payload.title,
        summary=payload.summary,
        numbers=payload.appeals,
        is_public=payload.is_public,
        place=payload.place,
    )
    return Status(201, _detail(request.auth, issue.pk))


@router.post("/{issue_id}/appeals", response={200: IssueDetailOut} | ERRORS)
def issue_add(request, issue_id: int, payload: AppealsIn):
    """Merge more open appeals into an open collective issue."""
    issue = issue_get(user=request.auth, issue_id=issue_id)
    services.collective_add_appeals(actor=request.auth, issue=issue, numbers=payload.appeals)
    return _detail(request.auth, issue_id)


@router.post("/{issue_id}/answer", response={200: IssueDetailOut} | ERRORS)
def issue_answer(request, issue_id: int, payload: AnswerIn):
    """Answer once: every open member appeal is answered, every signer told and logged."""
    issue = issue_get(user=request.auth, issue_id=issue_id)
    services.collective_answer(actor=request.auth, issue=issue, text=payload.text)
    return _detail(request.auth, issue_id)


def _signature(user, issue_id: int) -> dict:
    signed, count = signature_state(user=user, issue_id=issue_id)
    return {"issue": issue_id, "signed": signed, "signer_count": count}


@citizen_router.post("/{issue_id}/sign", response={200: SignatureOut} | ERRORS)
def sign(request, issue_id: int):
    """Co-sign a public collective issue («присоединиться»); a second call changes nothing."""
    services.collective_sign(user=request.auth, issue_id=issue_id)
    return _signature(request.auth, issue_id)


# api_operation, not router.delete: a «.delete(» in a face reads as a write (test_architecture).
@citizen_router.api_operation(["DELETE"], "/{issue_id}/sign", response={200: SignatureOut} | ERRORS)
def unsign(request, issue_id: int):
    """Withdraw one's co-signature before the answer."""
    services.collective_unsign(user=request.auth, issue_id=issue_id)
    return _signature(request.auth, issue_id)
