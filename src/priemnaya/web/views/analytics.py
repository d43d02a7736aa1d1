"""The analytics dashboard (SPEC §17): numbers from the rollups, charts as inline SVG, exports."""

from __future__ import annotations

import csv
import io

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from priemnaya.analytics import dashboard as board
from priemnaya.analytics.charts import bar_chart, column_chart
from priemnaya.analytics.exports import rows_for_export, xlsx_bytes
from priemnaya.appeals.states import Channel
from priemnaya.audit.services import audit_record
from priemnaya.catalog.models import Department, Kind
from priemnaya.core.errors import ValidationFailed
from priemnaya.web.views.common import _require

analytics_required = _require(lambda user: user.works_appeals and board.may_see(user))


class FilterForm(forms.Form):
    """Only renders the filters; parsing and the messages are the dashboard's (one rule set)."""

    def __init__(self, data, *, allowed: frozenset[int] | None):
        super().__init__(data)
        departments = Department.objects.order_by("name")
        if allowed is not None:
            departments = departments.filter(pk__in=allowed)
        self.fields["preset"] = forms.ChoiceField(
            label="Период",
            required=False,
            choices=[("", "Свои даты"), *board.PRESETS.items()],
        )
        self.fields["from"] = forms.DateField(
            label="С", required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        self.fields["to"] = forms.DateField(
            label="По", required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        self.fields["department"] = forms.ChoiceField(
            label="Ведомство",
            required=False,
            choices=[("", "Все доступные")] + [(d.pk, d.name) for d in departments],
        )
        self.fields["kind"] = forms.ChoiceField(
            label="Вид обращения",
            required=False,
            choices=[("", "Все")] + [(k.pk, k.name) for k in Kind.objects.order_by("name")],
        )
        self.fields["channel"] = forms.ChoiceField(
            label="Канал", required=False, choices=[("", "Все"), *Channel.choices]
        )


def _filters(request):
    allowed = board.allowed_departments(request.user)
    form = FilterForm(request.GET or None, allowed=allowed)
    try:
        filters = board.parse_filters(request.GET, allowed)
    except ValidationFailed as exc:
        form.is_valid()
        for field, messages in exc.errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return form, None
    return form, filters


@require_GET
@analytics_required
def page(request):
    form, filters = _filters(request)
    if filters is None:
        return render(request, "web/analytics/dashboard.html", {"form": form}, status=400)
    data = board.dashboard(filters)
    charts = {
        "kind": bar_chart([(r.label, r.appeals) for r in data.by_kind]),
        "department": bar_chart([(r.label, r.appeals) for r in data.by_department]),
        "channel": bar_chart([(r.label, r.appeals) for r in data.by_channel]),
        "status": bar_chart([(r.label, r.appeals) for r in data.by_status]),
        "theme": bar_chart([(r.label, r.appeals) for r in data.top_themes]),
        "series": column_chart([(r.label, r.appeals) for r in data.series]),
    }
    i = data.indicators
    cards = [
        ("Обращений", str(data.totals["appeals"])),
        ("Медиана до первой реакции", board.duration_text(i["first_response_median"])),
        ("Среднее до первой реакции", board.duration_text(i["first_response_mean"])),
        ("Медиана до ответа", board.duration_text(i["answer_median"])),
        ("Среднее до ответа", board.duration_text(i["answer_mean"])),
        ("Ответы в срок", board.share_text(i["answered_on_time_share"])),
        ("Закрыты за 24 часа", board.share_text(i["closed_within_24h_share"])),
        ("Повторные", board.share_text(i["repeat_rate"])),
        (
            "Средняя оценка",
            "—" if i["rating_mean"] is None else f"{i['rating_mean']:.2f}".replace(".", ","),
        ),
        ("Оценки 4–5", board.share_text(i["rating_high_share"])),
        ("Оценок", str(data.totals["ratings"])),
        ("Просрочено сейчас", str(data.overdue_now)),
    ]
    query = request.GET.urlencode()
    return render(
        request,
        "web/analytics/dashboard.html",
        {"form": form, "data": data, "charts": charts, "cards": cards, "query": query},
    )


def _export_filters(request):
    _form, filters = _filters(request)
    return filters


@require_GET
@analytics_required
def export_csv(request):
    filters = _export_filters(request)
    if filters is None:
        return page(request)
    rows = rows_for_export(board.dashboard(filters))
    _audit(request, filters, "csv")
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly
    writer = csv.writer(out, delimiter=";")
    writer.writerows(rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="analytics.csv"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@analytics_required
def export_xlsx(request):
    filters = _export_filters(request)
    if filters is None:
        return page(request)
    content = xlsx_bytes(board.dashboard(filters))
    _audit(request, filters, "xlsx")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="analytics.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


def _audit(request, filters, fmt: str) -> None:
    audit_record(
        action="analytics.exported",
        actor=request.user,
        target_type="analytics",
        details={
            "format": fmt,
            "from": filters.date_from.isoformat(),
            "to": filters.date_to.isoformat(),
            "departments": sorted(filters.department_ids) if filters.department_ids else None,
            "kinds": sorted(filters.kind_ids) if filters.kind_ids else None,
            "channels": sorted(filters.channels) if filters.channels else None,
        },
    )
