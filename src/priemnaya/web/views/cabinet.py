"""«Мои обращения»: the citizen's list, submission form, confirmation and appeal page."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from priemnaya.appeals import services
from priemnaya.appeals.follow_ups import CONTEST_KIND, FollowUp
from priemnaya.appeals.inputs import appeal_input_problems, input_from_appeal
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.paging import Order, Page, keyset_page, offset_page
from priemnaya.appeals.selectors import (
    AppealFilters,
    appeal_get,
    appeal_page,
    applicant_appeals,
    draft_get,
)
from priemnaya.catalog.selectors import themes_active
from priemnaya.collective.selectors import Offer, collective_offers
from priemnaya.core.errors import ApplicationError, ValidationFailed
from priemnaya.knowledge.before_filing import BeforeFiling, before_filing
from priemnaya.search.selectors import search_page
from priemnaya.search.split import appeal_split_into_drafts, question_parts
from priemnaya.web.forms import AppealEditForm, AppealForm, CabinetFilterForm
from priemnaya.web.forms_files import AppealFilesForm
from priemnaya.web.views.actions import APPLICANT_ACTIONS
from priemnaya.web.views.common import add_problems, apply_errors, citizen_required, get_or_404
from priemnaya.web.views.detail import act, render_detail
from priemnaya.web.views.files import staged_of, take_files

PAGE_SIZE = 20
DETAIL_TEMPLATE = "web/cabinet/detail.html"


def _page_number(request) -> int:
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        return 1


def list_page(request, qs, *, order: Order, term: str = "") -> dict:
    """The page the link asked for: by the cursor of «Дальше», or by an old ``?page=`` link.

    With a search ``term`` the rows come in rank order (``search_page``). Returns the
    template's pager context. A broken cursor, a page too deep to count to or a query with
    nothing to search shows an empty list with the message, not an error page.
    """
    after = request.GET.get("after", "")
    try:
        if term.strip():
            found = search_page(
                qs, term=term, after=after, page=_page_number(request), size=PAGE_SIZE
            )
        elif after:
            found = keyset_page(qs, order=order, after=after, size=PAGE_SIZE)
        else:
            found = offset_page(qs, order=order, page=_page_number(request), size=PAGE_SIZE)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        found = Page([], False, "")
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("after", None)
    return {
        "appeals": found.rows,
        "next_cursor": found.next_cursor,
        "first_link": bool(after) or _page_number(request) > 1,
        "query": query.urlencode(),
    }


@citizen_required
def appeal_list(request):
    form = CabinetFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = AppealFilters(status=data.get("status", ""), kind=data.get("kind", ""))
    pager = list_page(
        request,
        applicant_appeals(user=request.user, filters=filters),
        order="created",
        term=data.get("q", ""),
    )
    return render(request, "web/cabinet/list.html", {"form": form, **pager})


def _follow_up(request, link: str, number: str) -> tuple[FollowUp, Appeal] | None:
    """Return the follow-up named by the form or the link, with the earlier appeal (own only)."""
    if not link or not number:
        return None
    try:
        return FollowUp(link), appeal_get(user=request.user, number=number)
    except (ValueError, ApplicationError) as exc:
        raise Http404("Обращение не найдено.") from exc


def _follow_up_initial(link: FollowUp, source: Appeal) -> dict:
    """Pre-fill a repeat with a copy of the earlier appeal, a contest with what it is about."""
    data = AppealForm.initial_from(input_from_appeal(source))
    contacts = {k: v for k, v in data.items() if k.startswith("contact_")}
    common = {"follow_up": link.value, "source": source.display_number, **contacts}
    if link is FollowUp.REPEAT:
        return {**data, **common}
    return {
        **common,
        "kind": CONTEST_KIND,
        "theme": source.theme.code,
        "subject": f"Обжалование ответа по обращению № {source.display_number}",
        "service_code": source.service_code,
    }


def theme_templates() -> dict[str, str]:
    return {t.code: t.template_text for t in themes_active() if t.template_text}


def _before_filing(request, data, *, splittable: bool = True) -> BeforeFiling:
    """The offers for what the form holds (``data``: a form's data or the page script's post)."""
    found = before_filing(
        user=request.user,
        subject=data.get("subject", ""),
        text=data.get("text", ""),
        theme_code=data.get("theme", ""),
    )
    return found if splittable else replace(found, parts=[])


def _collective_offers(request, data) -> list[Offer]:
    """Issue 14: public collective issues like the draft, to co-sign instead of filing."""
    return collective_offers(
        user=request.user,
        subject=data.get("subject", ""),
        text=data.get("text", ""),
        theme_code=data.get("theme", ""),
        region=data.get("region", ""),
    )


def _render_form(request, form, *, draft=None, follow_up=None, status=200, help=None):
    """Show the form; ``help`` — the offers already worked out (the step before submit)."""
    link, source = follow_up or (None, None)
    help_step = help is not None
    if help is None and form.is_bound:
        help = _before_filing(request, form.data, splittable=draft is None)
    context = {
        "form": form,
        "draft": draft,
        "theme_templates": theme_templates(),
        "link": link,
        "source": source,
        "theme_suggestion": help.theme if help else None,
        # Offers are for a new question: a repeat or a contest is about a known appeal already.
        "help": help if help and not link else None,
        "offer_help": not link,
        "help_step": help_step,
        "collective_offers": _collective_offers(request, form.data) if help and not link else [],
    }
    return render(request, "web/cabinet/new.html", context, status=status)


def _help_step(request, form: AppealFilesForm, draft: Appeal | None) -> BeforeFiling | None:
    """The offers to stop a first «Отправить» for (the page asked for them, no script showed
    them live, and there is something to offer), else None."""
    if "offer_help" not in request.POST or "help_seen" in request.POST:
        return None
    help = _before_filing(request, form.data, splittable=draft is None)
    return help if help.offers or _collective_offers(request, form.data) else None


def _bound_form(request) -> AppealFilesForm:
    return AppealFilesForm(request.POST, request.FILES, draft="save_draft" in request.POST)


# A draft keeps the files staged for it in the session until it is submitted (the draft itself
# is an appeal row the attachments are bound to only on submission).
def _draft_files_key(draft_id: int) -> str:
    return f"draft-files-{draft_id}"


def _submit(
    request,
    form: AppealFilesForm,
    *,
    draft: Appeal | None,
    follow_up: tuple[FollowUp, Appeal] | None,
    attachment_ids: list[int],
) -> Appeal:
    data = form.appeal_input()
    ids = tuple(attachment_ids)
    if draft is not None:
        appeal = services.appeal_submit_draft(
            actor=request.user, draft=draft, data=data, attachment_ids=ids
        )
        request.session.pop(_draft_files_key(draft.pk), None)
        return appeal
    client_token = form.cleaned_data.get("client_token") or None
    if follow_up is not None:
        link, source = follow_up
        return services.appeal_submit_follow_up(
            actor=request.user,
            data=data,
            link=link,
            source=source,
            client_token=client_token,
            attachment_ids=ids,
        )
    return services.appeal_submit(
        actor=request.user, data=data, client_token=client_token, attachment_ids=ids
    )


def _suggest_step(request, draft=None):
    """«Проверить» or «Выбрать» the suggested theme: show the form again, nothing submitted.

    The text and the staged files are kept; the theme changes only when the citizen chose the
    suggestion; the form's own errors wait for the real submission.
    """
    data = request.POST.copy()
    if chosen := data.get("suggest_theme", ""):
        data["theme"] = chosen
    form = AppealFilesForm(data, request.FILES, draft=True)
    take_files(request, form, purpose="appeal")
    form.errors.clear()  # a check, not a submission: no errors to show yet
    follow_up = _follow_up(request, data.get("follow_up", ""), data.get("source", ""))
    return _render_form(request, form, draft=draft, follow_up=follow_up)


def _split(request, draft=None):
    """«Разделить»: save one draft per question of the text and open the first of them."""
    form = AppealFilesForm(request.POST, request.FILES, draft=True)
    attachment_ids = take_files(request, form, purpose="appeal")
    parts = question_parts(form.data.get("text", "")) if draft is None else []
    if not parts:
        messages.error(request, "Текст не удалось разделить: похоже, в нём один вопрос.")
        return _render_form(request, form, draft=draft, status=400)
    try:
        drafts = appeal_split_into_drafts(actor=request.user, data=form.appeal_input(), parts=parts)
    except ApplicationError as exc:
        apply_errors(form, exc)
        return _render_form(request, form, draft=draft, status=400)
    # The files chosen go with the first question; they can be moved by the citizen.
    request.session[_draft_files_key(drafts[0].pk)] = attachment_ids
    messages.success(
        request,
        f"Сохранено черновиков: {len(drafts)}. Проверьте и отправьте каждый — все они в списке "
        "«Мои обращения». Это первый.",
    )
    return redirect("web:draft_edit", draft_id=drafts[0].pk)


def _save_or_submit(request, form: AppealFilesForm, draft=None):
    """Submit the form (or save it as a draft); on refusal show it again with the errors.

    The files it brought are staged first, whatever else is wrong, so a refused round keeps them.
    A first «Отправить» with something to offer shows the offers instead (once, never again).
    """
    if "split" in request.POST:
        return _split(request, draft)
    if "suggest_check" in request.POST or "suggest_theme" in request.POST:
        return _suggest_step(request, draft)
    follow_up = _follow_up(request, form.data.get("follow_up", ""), form.data.get("source", ""))
    if follow_up is not None and ("save_draft" in request.POST or draft is not None):
        form.add_error(None, "Повторное обращение и обжалование не сохраняются как черновик.")
    saving_draft = "save_draft" in request.POST
    if not form.is_valid():
        # Check the rules too, so that every mistake shows now, not one round at a time.
        add_problems(form, appeal_input_problems(form.appeal_input(), partial=saving_draft))
    attachment_ids = take_files(request, form, purpose="appeal")
    if not form.errors and not saving_draft and (help := _help_step(request, form, draft)):
        # The rules' own refusals come first: the offers are for a form that would be sent.
        add_problems(form, appeal_input_problems(form.appeal_input()))
        if not form.errors:
            return _render_form(request, form, draft=draft, follow_up=follow_up, help=help)
    if not form.errors:
        try:
            if saving_draft:
                draft = services.appeal_draft_save(
                    actor=request.user, data=form.appeal_input(), draft=draft
                )
                request.session[_draft_files_key(draft.pk)] = attachment_ids
                messages.success(request, "Черновик сохранён.")
                return redirect("web:draft_edit", draft_id=draft.pk)
            appeal = _submit(
                request, form, draft=draft, follow_up=follow_up, attachment_ids=attachment_ids
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("web:submitted", number=appeal.number)
    return _render_form(request, form, draft=draft, follow_up=follow_up, status=400)


@citizen_required
def appeal_new(request):
    if request.method == "POST":
        return _save_or_submit(request, _bound_form(request))
    for link in FollowUp:
        number = request.GET.get(link.value, "")
        if follow_up := _follow_up(request, link.value, number):
            initial = _follow_up_initial(*follow_up)
            return _render_form(request, AppealFilesForm(initial=initial), follow_up=follow_up)
    theme = next((t for t in themes_active() if t.code == request.GET.get("theme")), None)
    initial = {
        "kind": request.GET.get("kind", ""),
        "contact_email": request.user.email or "",
        "contact_phone": request.user.phone or "",
    }
    if theme:
        initial.update(theme=theme.code, text=theme.template_text)
    return _render_form(request, AppealFilesForm(initial=initial))


@require_POST
@citizen_required
def before_filing_offers(request):
    """The offers for the text being typed, as the form's fragment (the page script's call)."""
    help = _before_filing(request, request.POST, splittable="draft" not in request.POST)
    offers = _collective_offers(request, request.POST)
    context = {"help": help, "collective_offers": offers}
    return render(request, "web/cabinet/_before_filing_offers.html", context)


@citizen_required
def draft_edit(request, draft_id: int):
    draft = get_or_404(draft_get, user=request.user, draft_id=draft_id)
    if request.method == "POST":
        return _save_or_submit(request, _bound_form(request), draft=draft)
    initial = AppealForm.initial_from(input_from_appeal(draft))
    form = AppealFilesForm(initial=initial)
    form.staged = staged_of(request.user, request.session.get(_draft_files_key(draft.pk), []))
    return _render_form(request, form, draft=draft)


@citizen_required
def appeal_submitted(request, number: str):
    appeal = get_or_404(appeal_get, user=request.user, number=number)
    return render(request, "web/cabinet/submitted.html", {"appeal": appeal})


@citizen_required
def appeal_detail(request, number: str):
    page = get_or_404(appeal_page, user=request.user, number=number)
    return render_detail(request, page, template=DETAIL_TEMPLATE, actions=APPLICANT_ACTIONS)


@citizen_required
def appeal_edit(request, number: str):
    appeal = get_or_404(appeal_get, user=request.user, number=number)
    if request.method == "POST":
        form = AppealEditForm(
            request.POST, initial={"kind": appeal.kind.code, "theme": appeal.theme.code}
        )
        if not form.is_valid():
            add_problems(form, appeal_input_problems(form.appeal_input()))
        else:
            try:
                services.appeal_edit(appeal=appeal, actor=request.user, data=form.appeal_input())
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Изменения сохранены.")
                return redirect("web:appeal_detail", number=appeal.number)
        status = 400
    else:
        form = AppealEditForm(initial=AppealEditForm.initial_from(input_from_appeal(appeal)))
        status = 200
    return render(request, "web/cabinet/edit.html", {"form": form, "appeal": appeal}, status=status)


@require_POST
@citizen_required
def appeal_act(request, number: str, action: str):
    return act(
        request,
        number,
        action,
        actions=APPLICANT_ACTIONS,
        template=DETAIL_TEMPLATE,
        done="web:appeal_detail",
    )
