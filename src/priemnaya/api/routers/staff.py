"""The staff side of the API: the queue and the transitions of SPEC §4."""

from __future__ import annotations

from ninja import Field, File, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile

from priemnaya.answers.models import AnswerDraft
from priemnaya.answers.review import answer_give
from priemnaya.api.idempotency import run_idempotent
from priemnaya.api.routers.answer_review import AnswerDraftOut
from priemnaya.api.routers.appeals import (
    AFTER_DESCRIPTION,
    ERRORS,
    appeal_body,
    list_page,
    page_body,
)
from priemnaya.api.schemas import (
    AnswerIn,
    AppealOut,
    AppealPageOut,
    AssignIn,
    AttachmentOut,
    CommentIn,
    ExtendIn,
    QuestionIn,
    ReasonIn,
    RedirectIn,
    RegimeIn,
    StaffAppealIn,
    StaffMemberOut,
    TextIn,
    detail_of,
)
from priemnaya.appeals import services
from priemnaya.appeals.audit_trail import appeal_viewed
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.permissions import require_staff
from priemnaya.appeals.selectors import (
    AppealFilters,
    appeal_page_of,
    assignee_candidates,
    staff_appeal_get,
    staff_queue,
    staff_queue_counts,
)

router = Router(tags=["staff"])


class QueueFilters(Schema):
    page: int = 1
    after: str = Field("", description=AFTER_DESCRIPTION)
    queue: str = Field(
        "", description="due_soon (скоро срок), overdue (просрочено), unrouted (нераспределённые)"
    )
    status: str = ""
    kind: str = ""
    theme: str = ""
    department: str = ""
    overdue: bool = False
    mine: bool = False
    review: bool = False
    archived: bool = Field(
        False,
        description="архив: переданные на хранение обращения (только чтение, docs/retention.md)",
    )
    q: str = ""


@router.post("", response={201: AppealOut} | ERRORS)
def register(
    request,
    payload: StaffAppealIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    """Register an appeal that came by phone, e-mail, letter, МФЦ, social media or chat."""
    user = require_staff(request.auth)

    def submit():
        appeal = services.appeal_submit(
            actor=user,
            data=services.AppealInput(**payload.dict(exclude={"channel", "attachments"})),
            channel=payload.channel,
            attachment_ids=payload.attachments,
            client_token=f"api:{idempotency_key}" if idempotency_key else None,
        )
        return 201, AppealOut.model_validate(appeal_body(appeal, user)).model_dump(mode="json")

    if idempotency_key is None:
        return Status(*submit())
    result = run_idempotent(
        user=user,
        key=idempotency_key,
        endpoint="staff_register",
        payload=payload.dict(),
        call=submit,
    )
    return Status(*result)


@router.get("", response={200: AppealPageOut} | ERRORS)
def queue(request, filters: Query[QueueFilters]):
    """The caller's queue: open appeals of their departments, soonest due first.

    With `q`: the queue's appeals (its other filters apply) that hold every word, in rank
    order (subject first, then newer first), up to 1000 results.
    """
    user = request.auth
    given = filters.dict(exclude={"page", "after", "q"})
    qs = staff_queue(user=user, filters=AppealFilters(**given))
    found, number = list_page(qs, order="due", page=filters.page, after=filters.after, q=filters.q)
    return page_body(found, number=number, staff=True)


class QueueCountsOut(Schema):
    open: int = Field(description="все открытые обращения ваших ведомств")
    due_soon: int = Field(description="срок ответа в пределах окна предупреждения политики")
    overdue: int = Field(description="срок ответа истёк")
    unrouted: int | None = Field(
        description="не распределены правилами (первой линии и контролю качества; иначе null)"
    )


@router.get("/queues", response={200: QueueCountsOut} | ERRORS)
def queue_counts(request):
    """How many open appeals each of the caller's queues holds (the console's tabs)."""
    counts = staff_queue_counts(user=request.auth)
    return {
        "open": counts.open,
        "due_soon": counts.due_soon,
        "overdue": counts.overdue,
        "unrouted": counts.unrouted,
    }


def _act(request, number: str, service, **kwargs):
    user = request.auth
    appeal = staff_appeal_get(user=user, number=number)
    result = service(appeal=appeal, actor=user, **kwargs)
    # Answer with the appeal as the action left it, even when the action (a redirect or an
    # escalation) took it out of the caller's departments: `in_your_queue` is then false.
    return appeal_body(result if isinstance(result, Appeal) else result.appeal, user)


@router.get("/{number}", response={200: AppealOut} | ERRORS)
def detail(request, number: str):
    """One appeal as staff see it."""
    appeal = staff_appeal_get(user=request.auth, number=number)
    appeal_viewed(appeal=appeal, user=request.auth)
    return detail_of(appeal_page_of(appeal=appeal, user=request.auth, with_timeline=False))


@router.post("/{number}/take", response={200: AppealOut} | ERRORS)
def take(request, number: str):
    """Take the appeal into work."""
    return _act(request, number, services.appeal_take)


@router.post("/{number}/request-info", response={200: AppealOut} | ERRORS)
def request_info(request, number: str, payload: QuestionIn):
    """Ask the applicant a question; the clock pauses."""
    return _act(request, number, services.appeal_request_info, question=payload.question)


@router.post("/{number}/answer", response={200: AppealOut, 202: AnswerDraftOut} | ERRORS)
def answer(request, number: str, payload: AnswerIn):
    """Issue the answer with its outcome (and, for «no_answer», the ground of 59-FZ art. 11).

    When the appeal's policy has the head review answers and the caller is not a head, the
    answer is not issued: it goes to review, and the reply is 202 with the draft.
    """
    user = request.auth
    appeal = staff_appeal_get(user=user, number=number)
    values = payload.dict()
    given = answer_give(
        appeal=appeal, actor=user, attachment_ids=values.pop("attachments"), **values
    )
    if isinstance(given, AnswerDraft):
        return Status(202, AnswerDraftOut.of(given))
    return appeal_body(given, user)


@router.post("/{number}/answer/attachments", response={201: list[AttachmentOut]} | ERRORS)
def answer_attachments(request, number: str, files: File[list[UploadedFile]]):
    """Upload files for the answer being prepared (multipart `files`, repeatable); send their
    ids as `attachments` with POST …/answer. Refusals are a 422 naming each file."""
    user = request.auth
    appeal = staff_appeal_get(user=user, number=number)
    staged = services.answer_files_stage(appeal=appeal, actor=user, uploads=files)
    return Status(201, [AttachmentOut.of(a) for a in staged])


@router.post("/{number}/redirect", response={200: AppealOut} | ERRORS)
def redirect(request, number: str, payload: RedirectIn):
    """Send the appeal to another department."""
    return _act(
        request,
        number,
        services.appeal_redirect,
        department_code=payload.department,
        reason=payload.reason,
    )


@router.post("/{number}/extend", response={200: AppealOut} | ERRORS)
def extend(request, number: str, payload: ExtendIn):
    """Extend the resolution deadline with a reason."""
    return _act(
        request, number, services.appeal_extend, due_date=payload.due_date, reason=payload.reason
    )


@router.post("/{number}/regime", response={200: AppealOut} | ERRORS)
def change_regime(request, number: str, payload: RegimeIn):
    """Consider the appeal as a 59-FZ appeal or a message; the term is counted again."""
    return _act(
        request,
        number,
        services.appeal_change_regime,
        regime=payload.regime,
        reason=payload.reason,
    )


@router.post("/{number}/escalate", response={200: AppealOut} | ERRORS)
def escalate(request, number: str, payload: ReasonIn):
    """Escalate to the parent department or quality control."""
    return _act(request, number, services.appeal_escalate, reason=payload.reason)


@router.post("/{number}/note", response={200: AppealOut} | ERRORS)
def note(request, number: str, payload: TextIn):
    """Add an internal note."""
    return _act(request, number, services.appeal_note, text=payload.text)


@router.post("/{number}/comment", response={201: AppealOut} | ERRORS)
def comment(request, number: str, payload: TextIn):
    """Write to the applicant (a new message: 201, as on the applicant's side)."""
    return Status(201, _act(request, number, services.appeal_comment, text=payload.text))


@router.post("/{number}/reopen", response={200: AppealOut} | ERRORS)
def reopen(request, number: str, payload: ReasonIn):
    """Return an answered appeal to work (heads and quality control)."""
    return _act(request, number, services.appeal_reopen, reason=payload.reason)


@router.post("/{number}/confirm", response={200: AppealOut} | ERRORS)
def confirm(request, number: str, payload: CommentIn):
    """Confirm an answer the applicant asked to re-review (heads and quality control)."""
    return _act(request, number, services.appeal_confirm, comment=payload.comment)


@router.get("/{number}/assignees", response={200: list[StaffMemberOut]} | ERRORS)
def assignees(request, number: str):
    """Who may be made the assignee: active staff of the appeal's department."""
    user = request.auth
    appeal = staff_appeal_get(user=user, number=number)
    return [
        {"id": u.pk, "full_name": u.full_name, "position": u.position}
        for u in assignee_candidates(appeal=appeal)
    ]


@router.post("/{number}/assign", response={200: AppealOut} | ERRORS)
def assign(request, number: str, payload: AssignIn):
    """Make a member of the department the assignee (heads and quality control)."""
    user = request.auth
    appeal = staff_appeal_get(user=user, number=number)
    appeal = services.appeal_assign(appeal=appeal, actor=user, assignee_id=payload.assignee_id)
    return appeal_body(appeal, user)


# ---- canned responses and earlier appeals (issue 12) ----


class ResponseTemplateOut(Schema):
    id: int
    title: str
    text: str = Field(description="текст шаблона с подставленными данными обращения")


class EarlierAppealOut(Schema):
    number: str
    registered_at: str | None
    theme: str
    status: str
    subject: str
    repeat: bool = Field(description="возможно, повторное: та же тема или похожий текст за 12 мес.")
    reason: str = Field(description="почему отмечено: «совпадают тема и слова: …»")


class EarlierAppealsOut(Schema):
    items: list[EarlierAppealOut]
    more: bool = Field(description="у заявителя есть ещё видимые вам обращения сверх первых 10")
    hidden: int = Field(description="обращения заявителя в отделах, недоступных вам (только число)")


@router.get("/{number}/templates", response={200: list[ResponseTemplateOut]} | ERRORS)
def response_templates(request, number: str):
    """Canned responses for this appeal's theme and kind, with the text already filled in."""
    from priemnaya.answers.canned import templates_for_appeal

    user = request.auth
    appeal = staff_appeal_get(user=user, number=number)
    return [
        {"id": f.template.pk, "title": f.template.title, "text": f.text}
        for f in templates_for_appeal(appeal=appeal, author=user)
    ]


@router.get("/{number}/earlier", response={200: EarlierAppealsOut} | ERRORS)
def earlier(request, number: str):
    """The applicant's other appeals this member may see, newest first, with the repeat mark."""
    from priemnaya.search.earlier import earlier_appeals

    user = request.auth
    appeal = staff_appeal_get(user=user, number=number)
    found = earlier_appeals(appeal=appeal, user=user)
    return {
        "items": [
            {
                "number": e.appeal.display_number,
                "registered_at": e.appeal.registered_at.isoformat()
                if e.appeal.registered_at
                else None,
                "theme": e.appeal.theme.name,
                "status": e.appeal.status,
                "subject": e.appeal.subject,
                "repeat": e.repeat,
                "reason": e.reason,
            }
            for e in found.items
        ],
        "more": found.more,
        "hidden": found.hidden,
    }
