"""Files on the pages (issue 10): staging, removal before submit, downloads.

Without JavaScript a form posts its files with the rest (multipart): ``take_files`` stages them
first, whatever else is wrong with the form, so that a refused round keeps them (listed, with their
ids in hidden inputs). With JavaScript (static/web/attachments.js) each chosen file is staged at
once through ``stage`` and the form posts only the ids.
"""

from __future__ import annotations

from contextlib import suppress
from functools import wraps

from django.http import FileResponse, Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from priemnaya.appeals.audit_trail import appeal_file_downloaded
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.selectors import appeal_get
from priemnaya.attachments import selectors as attachment_selectors
from priemnaya.attachments import services as attachment_services
from priemnaya.attachments.models import Attachment
from priemnaya.core.errors import ApplicationError, NotFound, ValidationFailed
from priemnaya.web.forms_files import FilesMixin
from priemnaya.web.views.common import citizen_required, get_or_404, staff_required

# Which purposes each side may stage files for (the page's script names one).
CITIZEN_PURPOSES = ("appeal", "addition")
STAFF_PURPOSES = ("answer",)


def refusal_messages(exc: ApplicationError) -> list[str]:
    """Every message of a refusal about files, as «имя»: причина lines."""
    if isinstance(exc, ValidationFailed):
        return [message for messages in exc.errors.values() for message in messages]
    return [exc.message]


def staged_of(user, ids: list[int]) -> list[Attachment]:
    """The user's own files still staged, among ``ids``, in the order given."""
    if not ids:
        return []
    staged = attachment_selectors.staged_attachments(uploaded_by_id=user.pk, ids=ids)
    found = {a.pk: a for a in staged}
    return [found[i] for i in ids if i in found]


def take_files(
    request, form: FilesMixin, *, purpose: str = "", appeal: Appeal | None = None
) -> list[int]:
    """Stage the files the form brought and return the ids it now carries.

    Removals ticked on the form are discarded; a refused upload is put on the ``files`` field
    (all or nothing: a refused batch stages none). ``form.staged`` is set for the page.
    """
    data = getattr(form, "cleaned_data", None)
    if data is None:
        form.is_valid()
        data = form.cleaned_data
    # These fields never fail their own check: they are in cleaned_data even on a refused form.
    posted: list[int] = data.get("attachment_ids") or []
    removed = set(data.get("remove_attachments") or [])
    for attachment_id in removed & set(posted):
        # Already gone or not this person's: it simply stays off the list.
        with suppress(ApplicationError):
            attachment_services.attachment_discard(attachment_id=attachment_id, actor=request.user)
    ids = [i for i in posted if i not in removed]
    uploads = request.FILES.getlist(form.add_prefix("files"))
    if uploads:
        try:
            staged = attachment_services.attachments_stage(
                uploads=uploads,
                uploaded_by=request.user,
                purpose=purpose or form.purpose,
                appeal_id=appeal.pk if appeal is not None else None,
            )
        except ApplicationError as exc:
            for message in refusal_messages(exc):
                form.add_error("files", message)
        else:
            ids += [a.pk for a in staged]
    form.staged = staged_of(request.user, ids)
    ids = [a.pk for a in form.staged]
    if "attachment_ids" in data:
        data["attachment_ids"] = ids
    return ids


# ---- the page script's endpoints ------------------------------------------------------------


def _json_error(message: str, *, status: int, field: str | None = None) -> JsonResponse:
    errors = {field: [message]} if field else {}
    return JsonResponse({"detail": message, "errors": errors}, status=status)


def _json_role(predicate, refusal: str):
    """A JSON endpoint of the pages: 401/403 in JSON rather than the login page or a 403 page."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return _json_error("Войдите, чтобы продолжить.", status=401)
            if not predicate(request.user):
                return _json_error(refusal, status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


_citizen_json = _json_role(lambda u: u.is_citizen, "Загружать файлы к обращению может заявитель.")
_staff_json = _json_role(lambda u: u.works_appeals, "Файлы к ответу загружают сотрудники.")


def _stage(request, *, purposes: tuple[str, ...]) -> JsonResponse:
    purpose = request.POST.get("purpose") or purposes[0]
    if purpose not in purposes:
        return _json_error("Неизвестное назначение файла.", status=422, field="purpose")
    appeal_id = None
    if number := request.POST.get("appeal", ""):
        try:
            appeal_id = appeal_get(user=request.user, number=number).pk
        except ApplicationError:
            return _json_error("Обращение не найдено.", status=404)
    uploads = request.FILES.getlist("file") or request.FILES.getlist("files")
    if not uploads:
        return _json_error("Выберите файл.", status=422, field="files")
    try:
        staged = attachment_services.attachments_stage(
            uploads=uploads, uploaded_by=request.user, purpose=purpose, appeal_id=appeal_id
        )
    except ApplicationError as exc:
        messages = refusal_messages(exc)
        return JsonResponse(
            {"detail": messages[0], "errors": {"files": messages}}, status=exc.status
        )
    files = [{"id": a.pk, "name": a.name, "size": a.size} for a in staged]
    return JsonResponse({**files[0], "files": files}, status=201)


def _discard(request, attachment_id: int) -> JsonResponse:
    try:
        attachment_services.attachment_discard(attachment_id=attachment_id, actor=request.user)
    except NotFound:
        return _json_error("Файл не найден.", status=404)
    except ApplicationError as exc:
        return _json_error(exc.message, status=exc.status)
    return JsonResponse({"deleted": attachment_id})


@require_POST
@never_cache
@_citizen_json
def cabinet_stage(request):
    """Stage one chosen file of the applicant's form (JSON {id, name, size} or 422 {errors})."""
    return _stage(request, purposes=CITIZEN_PURPOSES)


@require_POST
@never_cache
@_citizen_json
def cabinet_discard(request, attachment_id: int):
    return _discard(request, attachment_id)


@require_POST
@never_cache
@_staff_json
def console_stage(request):
    """Stage one file of the staff answer form."""
    return _stage(request, purposes=STAFF_PURPOSES)


@require_POST
@never_cache
@_staff_json
def console_discard(request, attachment_id: int):
    return _discard(request, attachment_id)


# ---- downloads ------------------------------------------------------------------------------


def download(attachment: Attachment) -> FileResponse:
    """Stream a file as a download under its own (Cyrillic) name, never sniffed or cached."""
    try:
        content = attachment_services.attachment_open(attachment)
    except (FileNotFoundError, OSError) as exc:
        raise Http404("Файл не найден.") from exc
    response = FileResponse(content, content_type=attachment.content_type)
    response["Content-Length"] = str(attachment.size)
    response["Content-Disposition"] = attachment_services.content_disposition(attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # A file a browser would render (a PDF) must not run as this site's page.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _file_of(appeal: Appeal, attachment_id: int, *, applicant: bool) -> Attachment:
    # The applicant never reaches files of an answer under review or of internal notes.
    try:
        return attachment_selectors.attachment_for_appeal(
            appeal.pk, attachment_id, include_internal=not applicant, include_drafts=not applicant
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_GET
@citizen_required
def cabinet_file(request, number: str, attachment_id: int):
    appeal = get_or_404(appeal_get, user=request.user, number=number)
    return download(_file_of(appeal, attachment_id, applicant=True))


@require_GET
@staff_required
def console_file(request, number: str, attachment_id: int):
    appeal = get_or_404(appeal_get, user=request.user, number=number)
    attachment = _file_of(appeal, attachment_id, applicant=False)
    # Staff opening a file the applicant gave is an access to personal data (like appeal.viewed).
    appeal_file_downloaded(attachment=attachment, user=request.user)
    return download(attachment)


def appeal_files(appeal: Appeal, *, applicant: bool) -> list[Attachment]:
    """The appeal's files for its page (the applicant's leaves out unissued answers' and notes')."""
    files = attachment_selectors.appeal_attachments(
        appeal.pk, include_internal=not applicant, include_drafts=not applicant
    )
    return list(files.select_related("uploaded_by"))
