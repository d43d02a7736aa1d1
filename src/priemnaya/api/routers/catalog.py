from ninja import Router

from priemnaya.api.schemas import DepartmentOut, KindOut, ThemeOut
from priemnaya.catalog.selectors import departments_active, kinds_active, themes_active

router = Router(tags=["catalog"])


@router.get("/kinds", auth=None, response=list[KindOut])
def kinds(request):
    """List the kinds of appeal with their codes."""
    return list(kinds_active())


@router.get("/themes", auth=None, response=list[ThemeOut])
def themes(request):
    """List the theme catalog (a tree: `parent` is the code of the section)."""
    return [
        {
            "code": t.code,
            "name": t.name,
            "parent": t.parent.code if t.parent else None,
            "department": t.default_department.code,
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
