"""The auditor's pages (SPEC §18): the log with filters, the chain check, the CSV export.

Only the ``auditor`` role reaches them; every other role gets 403, an anonymous visitor the
sign-in page. The log itself is read-only here as everywhere.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django import forms
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from priemnaya.accounts.roles import Role
from priemnaya.audit.models import AuditEntry
from priemnaya.audit.selectors import (
    EntryFilters,
    actions_recorded,
    entries_filtered,
    last_entry_id,
    last_verification,
    target_types_recorded,
)
from priemnaya.audit.services import audit_record, audit_verify
from priemnaya.web.forms import _choice_field
from priemnaya.web.views.cabinet import _page_number
from priemnaya.web.views.common import _require

auditor_required = _require(lambda user: user.role == Role.AUDITOR)

PAGE_SIZE = 50
CSV_COLUMNS = [
    "id",
    "at",
    "actor_id",
    "actor_role",
    "action",
    "target_type",
    "target_id",
    "details",
    "prev_hash",
    "hash",
]


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(
        label="С даты",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Дата «С даты» указана неверно: нужна дата вида 2026-11-26."},
    )
    date_to = forms.DateField(
        label="По дату",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Дата «По дату» указана неверно: нужна дата вида 2026-11-26."},
    )
    action = forms.ChoiceField(
        label="Действие",
        required=False,
        error_messages={"invalid_choice": "Действия «%(value)s» в журнале нет."},
    )
    actor_id = forms.IntegerField(
        label="Кто (номер пользователя)",
        required=False,
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Номер пользователя — целое число.",
            "min_value": "Номер пользователя — целое число больше нуля.",
        },
    )
    target_type = forms.ChoiceField(
        label="Тип объекта",
        required=False,
        error_messages={"invalid_choice": "Объектов типа «%(value)s» в журнале нет."},
    )
    target_id = forms.CharField(
        label="Номер объекта",
        required=False,
        max_length=64,
        error_messages={"max_length": "Номер объекта — не длиннее 64 знаков."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        action, target_type = _choice_field(self, "action"), _choice_field(self, "target_type")
        action.choices = [("", "Все действия"), *((a, a) for a in actions_recorded())]
        target_type.choices = [("", "Все типы"), *((t, t) for t in target_types_recorded())]

    def clean(self):
        data = super().clean() or {}
        since, until = data.get("date_from"), data.get("date_to")
        if since and until and until < since:
            self.add_error("date_to", "Дата «По дату» раньше даты «С даты».")
        return data

    def filters(self) -> EntryFilters:
        data = self.cleaned_data
        return EntryFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            action=data.get("action") or "",
            actor_id=data.get("actor_id"),
            target_type=data.get("target_type") or "",
            target_id=(data.get("target_id") or "").strip(),
        )


def _role_label(code: str) -> str:
    return Role(code).label if code in Role.values else code


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@auditor_required
def log(request):
    """The log, newest first, with filters (a plain GET form) and the last chain check."""
    form = AuditFilterForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    page = _page_number(request)
    rows: list[AuditEntry] = []
    has_next = False
    if valid:
        filters = form.filters() if request.GET else EntryFilters()
        start = (page - 1) * PAGE_SIZE
        rows = list(entries_filtered(filters)[start : start + PAGE_SIZE + 1])
        has_next = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
    entries = [
        {
            "entry": entry,
            "role": _role_label(entry.actor_role),
            "details": json.dumps(entry.details, ensure_ascii=False, sort_keys=True),
        }
        for entry in rows
    ]
    query = _query_without_page(request)
    return render(
        request,
        "web/audit/log.html",
        {
            "form": form,
            "entries": entries,
            "page": page,
            "has_next": has_next,
            "query": query,
            "export_query": query,
            "check": last_verification(),
            "total": last_entry_id(),
        },
        status=200 if valid else 400,
    )


@require_POST
@auditor_required
def verify(request):
    """Walk the chain now; the page shows the outcome (kept: the CLI's runs show there too)."""
    audit_verify()
    return redirect("web:audit")


def _cell(value: object) -> str:
    # No formula injection when the file is opened in a spreadsheet.
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(entries) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    for entry in entries.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                entry.id,
                entry.at.isoformat(timespec="microseconds"),
                entry.actor_id if entry.actor_id is not None else "",
                entry.actor_role,
                _cell(entry.action),
                _cell(entry.target_type),
                _cell(entry.target_id),
                json.dumps(entry.details, ensure_ascii=False, sort_keys=True),
                entry.prev_hash,
                entry.hash,
            ]
        )


@auditor_required
def export(request):
    """The filtered entries as CSV (streamed), oldest first; the export itself is audited."""
    form = AuditFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return log(request)
    filters = form.filters() if request.GET else EntryFilters()
    # What the file holds is fixed before the export's own entry is appended.
    entries = entries_filtered(filters).filter(id__lte=last_entry_id()).order_by("id")
    audit_record(
        action="audit.exported",
        actor=request.user,
        target_type="audit",
        details={"format": "csv", **filters.as_details()},
    )
    response = StreamingHttpResponse(_csv_rows(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    response["Cache-Control"] = "no-store"
    return response
