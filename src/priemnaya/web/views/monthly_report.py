"""The monthly report page and its XLSX / PDF downloads (issue 14, item 6; docs/open-data.md).

Quality control and administrators see every department; department heads their own (a
department filter); everyone else gets 404. Each download is audited.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from priemnaya.analytics.monthly import (
    COLUMNS,
    MonthlyReport,
    month_parse,
    monthly_report,
    report_filename,
    report_pdf,
    report_xlsx,
)
from priemnaya.appeals.permissions import head_department_ids
from priemnaya.audit.services import audit_record
from priemnaya.catalog.models import Department
from priemnaya.core.errors import ValidationFailed
from priemnaya.opendata.source import Filters, rollup_rows
from priemnaya.web.views.common import staff_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def _reach(user) -> list[Department]:
    """The departments the user may report on; 404 for anyone who may report on none."""
    if user.sees_all_departments:
        return list(Department.objects.order_by("name"))
    heads = head_department_ids(user)
    if not heads:
        raise Http404("Страница не найдена.")
    return list(Department.objects.filter(pk__in=heads).order_by("name"))


def _chosen(request, departments: list[Department]) -> tuple[list[int] | None, str]:
    """The departments asked for (all in reach by default); an unknown one is an error."""
    raw = request.GET.get("department", "")
    ids = {d.pk for d in departments}
    if raw:
        try:
            chosen = int(raw)
        except ValueError:
            chosen = -1
        if chosen not in ids:
            return None, "Выберите отдел из списка."
        return [chosen], ""
    all_seeing = request.user.sees_all_departments
    return (None if all_seeing else sorted(ids)), ""


def _report(request) -> tuple[MonthlyReport | None, dict, list[Department]]:
    departments = _reach(request.user)
    errors: dict[str, str] = {}
    try:
        month = month_parse(request.GET.get("month"))
    except ValidationFailed as exc:
        errors["month"] = exc.message
        month = month_parse(None)
    ids, problem = _chosen(request, departments)
    if problem:
        errors["department"] = problem
    if errors:
        return None, errors, departments
    report = monthly_report(month, department_ids=ids, rows=rollup_rows, filters_type=Filters)
    return report, errors, departments


@require_GET
@staff_required
def monthly(request):
    report, errors, departments = _report(request)
    return render(
        request,
        "web/monthly/report.html",
        {
            "report": report,
            "errors": errors,
            "departments": departments,
            "columns": COLUMNS,
            "month_value": request.GET.get("month") or (report.month.code if report else ""),
            "department_value": request.GET.get("department", ""),
            "query": request.GET.urlencode(),
        },
        status=422 if errors else 200,
    )


def _download(request, fmt: str) -> HttpResponse:
    report, _errors, _departments = _report(request)
    if report is None:
        return monthly(request)
    content = report_xlsx(report) if fmt == "xlsx" else report_pdf(report)
    audit_record(
        action="monthly_report.downloaded",
        actor=request.user,
        target_type="monthly_report",
        target_id=report.month.code,
        details={"format": fmt, "department": request.GET.get("department", "") or "all"},
    )
    response = HttpResponse(content, content_type=XLSX if fmt == "xlsx" else PDF)
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report, fmt)}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@staff_required
def monthly_xlsx(request):
    return _download(request, "xlsx")


@require_GET
@staff_required
def monthly_pdf(request):
    return _download(request, "pdf")
