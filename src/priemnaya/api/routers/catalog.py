import hashlib
import json

from django.http import HttpResponse
from ninja import Router

from priemnaya.api.schemas import DepartmentOut, KindOut, ThemeOut
from priemnaya.catalog.cache import catalog_cached
from priemnaya.catalog.selectors import departments_active, kinds_with_policies, themes_active

# The units as this endpoint has always named them.
_UNITS = {"calendar_days": "calendar", "working_days": "working"}

router = Router(tags=["catalog"])


@router.get("/kinds", auth=None, response=list[KindOut])
def kinds(request):
    """List the kinds of appeal with their codes, regime and default term (its policy)."""
    # The same bytes for everyone until the catalog changes: built once per catalog version in
    # each process (catalog/cache.py), not three queries and a validation per request.
    body, etag = catalog_cached("api:kinds", _kinds_body)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    return response


def _kinds_body() -> tuple[bytes, str]:
    # Validated and rendered as ninja would (UTF-8 Cyrillic, api/urls.py), once.
    rows = [KindOut.model_validate(row).model_dump(mode="json") for row in _kinds()]
    body = json.dumps(rows, ensure_ascii=False).encode()
    return body, f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def _kinds() -> list[dict]:
    return [
        {
            "code": k.code,
            "name": k.name,
            "description": k.description,
            "regime": k.regime,
            "policy": p.code if p else None,
            "resolution_days": p.resolution_value if p else None,
            "resolution_unit": _UNITS.get(p.resolution_unit, p.resolution_unit) if p else None,
        }
        for k, p in kinds_with_policies()
    ]


@router.get("/themes", auth=None, response=list[ThemeOut])
def themes(request):
    """List the theme catalog (a tree: `parent` is the code of the section)."""
    return [
        {
            "code": t.code,
            "name": t.name,
            "parent": t.parent.code if t.parent else None,
            "department": t.default_department.code if t.default_department else None,
            "hint": t.hint,
            "template_text": t.template_text,
            "required_fields": t.required_fields,
        }
        for t in themes_active()
    ]


@router.get("/departments", auth=None, response=list[DepartmentOut])
def departments(request):
    """List the departments (redirect targets)."""
    return [
        {"code": d.code, "name": d.name, "parent": d.parent.code if d.parent else None}
        for d in departments_active()
    ]
