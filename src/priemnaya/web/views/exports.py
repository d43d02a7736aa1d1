"""Downloads of the applicant's documents and the complaint guide (SPEC §11; issue 10, 6–7).

The guide is three plain steps without JavaScript: choose the authority (GET), state the demand
(GET with the authority, pre-filled), preview (POST) — and from the preview download the complaint
as PDF or DOCX (POST: the demand is personal, it stays out of URLs and logs) and the evidence ZIP.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from priemnaya.answers.authorities import AUTHORITIES, BY_CODE, CHECK_NOTE
from priemnaya.answers.complaints import (
    Complaint,
    complaint_build,
    complaint_docx,
    complaint_pdf,
    suggestion_for,
)
from priemnaya.answers.exports import (
    HISTORY_FILENAME,
    appeal_summary_pdf,
    applicant_history_pdf,
    attachment_disposition,
    bundle_filename,
    evidence_bundle,
    summary_filename,
)
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.selectors import appeal_get
from priemnaya.core.errors import ValidationFailed
from priemnaya.web.forms_exports import ComplaintForm
from priemnaya.web.views.common import apply_errors, citizen_required, get_or_404, staff_required

PDF = "application/pdf"
ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(content: bytes, content_type: str, names: tuple[str, str]) -> HttpResponse:
    """A file response with a safe Cyrillic name, never cached (personal data)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(*names)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---- the applicant's exports ----------------------------------------------------------------


@require_GET
@citizen_required
def appeal_pdf(request, number: str):
    appeal = get_or_404(appeal_get, user=request.user, number=number)
    return download(
        appeal_summary_pdf(appeal, for_user=request.user), PDF, summary_filename(appeal)
    )


@require_GET
@citizen_required
def evidence_zip(request, number: str):
    appeal = get_or_404(appeal_get, user=request.user, number=number)
    return download(evidence_bundle(appeal, for_user=request.user), ZIP, bundle_filename(appeal))


@require_GET
@citizen_required
def history_pdf(request):
    return download(applicant_history_pdf(request.user), PDF, HISTORY_FILENAME)


@require_GET
@staff_required
def console_appeal_pdf(request, number: str):
    """The same PDF the applicant gets, for staff who hand it over on paper (audited)."""
    appeal = get_or_404(appeal_get, user=request.user, number=number)
    return download(
        appeal_summary_pdf(appeal, for_user=request.user), PDF, summary_filename(appeal)
    )


# ---- the complaint guide --------------------------------------------------------------------


def _guide(request, appeal: Appeal, *, step: int, form: ComplaintForm, status: int = 200, **extra):
    authority = BY_CODE.get(form["authority"].value() or "")
    context = {
        "appeal": appeal,
        "step": step,
        "form": form,
        "authorities": AUTHORITIES,
        "authority": authority,
        "check_note": CHECK_NOTE,
        **extra,
    }
    return render(request, "web/exports/complaint.html", context, status=status)


def _built(request, appeal: Appeal) -> tuple[ComplaintForm, Complaint | None]:
    """Check the posted form and build the complaint; errors land on the form's fields."""
    form = ComplaintForm(request.POST)
    if not form.is_valid():
        return form, None
    try:
        complaint = complaint_build(
            appeal,
            for_user=request.user,
            authority=form.cleaned_data["authority"],
            demand=form.cleaned_data["demand"],
        )
    except ValidationFailed as exc:
        apply_errors(form, exc)
        return form, None
    return form, complaint


def _refused(request, appeal: Appeal, form: ComplaintForm):
    # A wrong authority sends the citizen back to step 1, anything else to step 2.
    step = 1 if "authority" in form.errors else 2
    return _guide(request, appeal, step=step, form=form, status=400)


@require_http_methods(["GET", "POST"])
@citizen_required
def complaint(request, number: str):
    appeal = get_or_404(appeal_get, user=request.user, number=number)
    if request.method == "POST" and request.POST.get("edit"):
        # Back from the preview to the demand, as the citizen last wrote it.
        initial = {k: request.POST.get(k, "") for k in ("authority", "demand")}
        if initial["authority"] in BY_CODE:
            return _guide(request, appeal, step=2, form=ComplaintForm(initial=initial))
    if request.method == "POST":
        form, built = _built(request, appeal)
        if built is None:
            return _refused(request, appeal, form)
        return _guide(request, appeal, step=3, form=form, complaint=built)
    code = request.GET.get("authority")
    # «chosen» comes with step 1's button: pressed with no choice, it is an error, not a start.
    if code is None and not request.GET.get("chosen"):
        return _guide(request, appeal, step=1, form=ComplaintForm())
    if code not in BY_CODE:
        form = ComplaintForm({"authority": code or "", "demand": "-"})
        form.is_valid()
        return _guide(request, appeal, step=1, form=form, status=400)
    demand = suggestion_for(appeal, for_user=request.user, authority=code)
    return _guide(
        request, appeal, step=2, form=ComplaintForm(initial={"authority": code, "demand": demand})
    )


def _complaint_file(request, number: str, fmt: str):
    appeal = get_or_404(appeal_get, user=request.user, number=number)
    form, built = _built(request, appeal)
    if built is None:
        return _refused(request, appeal, form)
    names = (f"{built.filename_stem}.{fmt}", f"{built.ascii_stem}.{fmt}")
    if fmt == "pdf":
        return download(complaint_pdf(built), PDF, names)
    return download(complaint_docx(built), DOCX, names)


@require_POST
@citizen_required
def complaint_pdf_view(request, number: str):
    return _complaint_file(request, number, "pdf")


@require_POST
@citizen_required
def complaint_docx_view(request, number: str):
    return _complaint_file(request, number, "docx")
