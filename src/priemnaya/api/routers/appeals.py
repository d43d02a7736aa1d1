"""The applicant's side of the API: file, follow and act on own appeals."""

from __future__ import annotations

from django.http import FileResponse
from ninja import Field, File, Form, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile

from priemnaya.api.idempotency import run_idempotent
from priemnaya.api.schemas import (
    AppealEditIn,
    AppealIn,
    AppealOut,
    AppealPageOut,
    AttachmentOut,
    ErrorOut,
    ProvideInfoIn,
    RateIn,
    ReasonIn,
    TextIn,
    detail_of,
    summary_of,
)
from priemnaya.api.schemas_events import EventOut, event_of
from priemnaya.appeals import services
from priemnaya.appeals.audit_trail import appeal_file_downloaded
from priemnaya.appeals.follow_ups import FollowUp
from priemnaya.appeals.inputs import input_from_appeal
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.paging import Order, Page, keyset_page, offset_page
from priemnaya.appeals.selectors import (
    AppealFilters,
    appeal_file_get,
    appeal_files,
    appeal_get,
    appeal_page,
    appeal_page_of,
    appeal_timeline,
    applicant_appeals,
    audience_of,
)
from priemnaya.appeals.states import Channel
from priemnaya.attachments.services import attachment_open, content_disposition
from priemnaya.core.errors import ApplicationError, NotPermitted, ValidationFailed
from priemnaya.search.selectors import search_page

router = Router(tags=["appeals"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
PAGE_SIZE = 20


def appeal_body(appeal: Appeal, user) -> dict:
    """Return the detail representation of an appeal the user has just reached or acted on."""
    # The detail has no journal (it is GET …/events): don't read it.
    return detail_of(appeal_page_of(appeal=appeal, user=user, with_timeline=False))


def _follow_up(user, payload: AppealIn) -> tuple[FollowUp, Appeal] | None:
    """Return the earlier own appeal the payload repeats or contests, if it names one."""
    named = [(f, getattr(payload, f.field)) for f in FollowUp if getattr(payload, f.field)]
    if not named:
        return None
    if len(named) > 1:
        raise ValidationFailed.single(
            "contest_of", "Укажите одно из двух: repeat_of или contest_of."
        )
    link, number = named[0]
    try:
        return link, appeal_get(user=user, number=number)
    except ApplicationError as exc:
        raise ValidationFailed.single(link.field, exc.message) from exc


AFTER_DESCRIPTION = "курсор из поля next предыдущего ответа; с ним page не нужен"


def page_body(page: Page, *, number: int, staff: bool) -> dict:
    return {
        "items": [summary_of(a, staff=staff) for a in page.rows],
        "page": number,
        "has_next": page.has_next,
        "next": page.next_cursor or None,
    }


def list_page(qs, *, order: Order, page: int, after: str, q: str = "") -> tuple[Page, int]:
    """A page by cursor when one is given (reported as page 0), else by number.

    With ``q`` the rows are the search's, best first, paged by rank (search_page).
    """
    if q.strip():
        found = search_page(qs, term=q, page=page, after=after, size=PAGE_SIZE)
        return found, 0 if after else max(page, 1)
    if after:
        return keyset_page(qs, order=order, after=after, size=PAGE_SIZE), 0
    return offset_page(qs, order=order, page=page, size=PAGE_SIZE), max(page, 1)


class ListFilters(Schema):
    page: int = 1
    after: str = Field("", description=AFTER_DESCRIPTION)
    status: str = ""
    kind: str = ""
    theme: str = ""
    q: str = ""


@router.post("", response={201: AppealOut} | ERRORS)
def appeal_create(
    request,
    payload: AppealIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    """File an appeal. Send an `Idempotency-Key` header so that retries never make two."""
    user = request.auth
    if not user.is_citizen:
        raise NotPermitted("Подавать обращения через это API может заявитель.")

    def submit():
        data = services.AppealInput(
            **payload.dict(exclude={"repeat_of", "contest_of", "attachments"})
        )
        client_token = f"api:{idempotency_key}" if idempotency_key else None
        if (follow_up := _follow_up(user, payload)) is not None:
            link, source = follow_up
            appeal = services.appeal_submit_follow_up(
                actor=user,
                data=data,
                link=link,
                source=source,
                client_token=client_token,
                channel=Channel.MOBILE,
                attachment_ids=payload.attachments,
            )
        else:
            appeal = services.appeal_submit(
                actor=user,
                data=data,
                channel=Channel.MOBILE,
                client_token=client_token,
                attachment_ids=payload.attachments,
            )
        return 201, AppealOut.model_validate(appeal_body(appeal, user)).model_dump(mode="json")

    def respond(result: tuple[int, dict]) -> Status:
        return Status(*result)

    if idempotency_key is None:
        return respond(submit())
    return respond(
        run_idempotent(
            user=user,
            key=idempotency_key,
            endpoint="appeal_create",
            payload=payload.dict(),
            call=submit,
        )
    )


@router.get("", response={200: AppealPageOut} | ERRORS)
def appeal_list(request, filters: Query[ListFilters]):
    """List own appeals, newest first, a page at a time (no total count).

    With `q`: the appeals whose text, messages, answers, number or contacts hold every word
    (any inflection; «"…"» for a phrase), those with the words in the subject first, then
    newer first; up to 1000 results.
    """
    qs = applicant_appeals(
        user=request.auth,
        filters=AppealFilters(status=filters.status, kind=filters.kind, theme=filters.theme),
    )
    found, number = list_page(
        qs, order="created", page=filters.page, after=filters.after, q=filters.q
    )
    return page_body(found, number=number, staff=False)


@router.get("/{number}", response={200: AppealOut} | ERRORS)
def appeal_detail(request, number: str):
    """Return one appeal with its answer once there is one."""
    return detail_of(appeal_page(user=request.auth, number=number, with_timeline=False))


@router.get("/{number}/events", response={200: list[EventOut]} | ERRORS)
def appeal_events(request, number: str):
    """Return the appeal's journal as the caller reads it (public events for the applicant).

    Each event has a `type` and the documented `data` of that type (see the schemas
    `…EventOut`); `title`, `details` and `status_label` are ready to show.
    """
    appeal = appeal_get(user=request.auth, number=number)
    return [event_of(e) for e in appeal_timeline(appeal=appeal, user=request.auth)]


@router.patch("/{number}", response={200: AppealOut} | ERRORS)
def appeal_update(request, number: str, payload: AppealEditIn):
    """Edit the appeal while it is «Получено» and nobody has taken it."""
    appeal = appeal_get(user=request.auth, number=number)
    data = input_from_appeal(appeal)
    for name, value in payload.dict(exclude_unset=True).items():
        setattr(data, name, "" if value is None and name != "incident_at" else value)
    appeal = services.appeal_edit(appeal=appeal, actor=request.auth, data=data)
    return appeal_body(appeal, request.auth)


@router.post("/{number}/comment", response={201: AppealOut} | ERRORS)
def appeal_comment(request, number: str, payload: TextIn):
    """Add a comment to the appeal."""
    appeal = appeal_get(user=request.auth, number=number)
    message = services.appeal_comment(appeal=appeal, actor=request.auth, text=payload.text)
    return Status(201, appeal_body(message.appeal, request.auth))


@router.post("/{number}/provide-info", response={200: AppealOut} | ERRORS)
def appeal_provide_info(request, number: str, payload: ProvideInfoIn):
    """Answer the clarification request (files uploaded first go with it); back to work."""
    appeal = appeal_get(user=request.auth, number=number)
    appeal = services.appeal_provide_info(
        appeal=appeal, actor=request.auth, text=payload.text, attachment_ids=payload.attachments
    )
    return appeal_body(appeal, request.auth)


@router.post("/{number}/withdraw", response={200: AppealOut} | ERRORS)
def appeal_withdraw(request, number: str, payload: ReasonIn | None = None):
    """Withdraw the appeal before the answer."""
    appeal = appeal_get(user=request.auth, number=number)
    reason = payload.reason if payload else ""
    appeal = services.appeal_withdraw(appeal=appeal, actor=request.auth, reason=reason)
    return appeal_body(appeal, request.auth)


@router.post("/{number}/close", response={200: AppealOut} | ERRORS)
def appeal_close(request, number: str):
    """Accept the answer and close the appeal («Завершить»)."""
    appeal = appeal_get(user=request.auth, number=number)
    appeal = services.appeal_close(appeal=appeal, actor=request.auth)
    return appeal_body(appeal, request.auth)


@router.post("/{number}/rate", response={200: AppealOut} | ERRORS)
def appeal_rate(request, number: str, payload: RateIn):
    """Rate the answer from 1 to 5."""
    appeal = appeal_get(user=request.auth, number=number)
    appeal = services.appeal_rate(
        appeal=appeal, actor=request.auth, rating=payload.rating, comment=payload.comment
    )
    return appeal_body(appeal, request.auth)


@router.post("/{number}/escalate", response={200: AppealOut} | ERRORS)
def appeal_escalate(request, number: str, payload: ReasonIn):
    """Ask for the appeal to be escalated to the higher level («Эскалация»)."""
    appeal = appeal_get(user=request.auth, number=number)
    appeal = services.appeal_escalate(appeal=appeal, actor=request.auth, reason=payload.reason)
    return appeal_body(appeal, request.auth)


@router.post("/{number}/attachments", response={201: list[AttachmentOut]} | ERRORS)
def appeal_attachments_add(
    request,
    number: str,
    files: File[list[UploadedFile]],
    text: Form[str] = "",
):
    """Add documents to your appeal while it is considered (multipart: `files`, repeatable,
    and an optional `text`). A refused file is a 422 naming it and the reason; then none is
    added."""
    appeal = appeal_get(user=request.auth, number=number)
    added = services.appeal_documents_upload(
        appeal=appeal, actor=request.auth, uploads=files, text=text
    )
    return Status(201, [AttachmentOut.of(a, number=appeal.display_number) for a in added])


@router.get("/{number}/attachments", response={200: list[AttachmentOut]} | ERRORS)
def appeal_attachments_list(request, number: str):
    """The appeal's files the caller may see (the applicant's and the answers')."""
    appeal = appeal_get(user=request.auth, number=number)
    files = appeal_files(appeal=appeal, audience=audience_of(request.auth, appeal))
    return [AttachmentOut.of(a, number=appeal.display_number) for a in files]


@router.get("/{number}/attachments/{attachment_id}", response={200: None} | ERRORS)
def appeal_attachment_download(request, number: str, attachment_id: int):
    """Download one file of the appeal (the applicant and staff working it; others get 404)."""
    attachment = appeal_file_get(user=request.auth, number=number, attachment_id=attachment_id)
    if request.auth.works_appeals:
        appeal_file_downloaded(attachment=attachment, user=request.auth)
    response = FileResponse(attachment_open(attachment), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition(attachment.name)
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # A file opened in the browser runs nothing of ours (a PDF viewer, an image).
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
