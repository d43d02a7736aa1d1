"""Signed answers on the pages (issue 10): downloads from the cabinet and console; verification."""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.shortcuts import render

from priemnaya.answers.downloads import rendition_response
from priemnaya.answers.renditions import code_normalize
from priemnaya.answers.selectors import answer_for_download
from priemnaya.answers.verification import (
    MAX_FILE,
    MAX_SIGNATURE,
    issuer_of,
    rendition_verify,
    renditions_by_code,
)
from priemnaya.core.errors import ServiceUnavailable, ValidationFailed
from priemnaya.web.views.common import citizen_required, get_or_404, staff_required


def _answer_id(request) -> int | None:
    raw = request.GET.get("answer", "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Http404("Нет такого ответа.")
    return int(raw)


def _download(request, number: str, fmt: str, *, signature: bool):
    answer = get_or_404(
        answer_for_download, user=request.user, number=number, answer_id=_answer_id(request)
    )
    try:
        return rendition_response(answer, fmt, signature=signature)
    except ValidationFailed as exc:  # a format we do not make
        raise Http404(exc.message) from exc
    except ServiceUnavailable as exc:
        return render(request, "web/errors/503.html", {"reason": exc.message}, status=503)


@citizen_required
def cabinet_answer(request, number: str, fmt: str):
    return _download(request, number, fmt, signature=False)


@citizen_required
def cabinet_answer_signature(request, number: str, fmt: str):
    return _download(request, number, fmt, signature=True)


@staff_required
def console_answer(request, number: str, fmt: str):
    return _download(request, number, fmt, signature=False)


@staff_required
def console_answer_signature(request, number: str, fmt: str):
    return _download(request, number, fmt, signature=True)


class VerifyForm(forms.Form):
    file = forms.FileField(
        label="Файл ответа (PDF, JSON или XML)",
        error_messages={
            "required": "Выберите файл ответа.",
            "empty": "Файл пустой.",
            "invalid": "Файл не получен: выберите его ещё раз.",
        },
    )
    signature = forms.FileField(
        label="Файл подписи (.sig), если есть",
        required=False,
        help_text="Без подписи файл проверяется по коду проверки, напечатанному в нём.",
        error_messages={"empty": "Файл подписи пустой."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE:
            raise forms.ValidationError("Файл больше 10 МБ: это не ответ службы.")
        return upload

    def clean_signature(self):
        upload = self.cleaned_data.get("signature")
        if upload and upload.size > MAX_SIGNATURE:
            raise forms.ValidationError("Файл подписи слишком большой.")
        return upload


def verify(request):
    """The public check of a signed answer: upload it (and its .sig), or open ?code=…."""
    context: dict = {}
    status = 200
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            sig = form.cleaned_data.get("signature")
            try:
                verdict = rendition_verify(
                    form.cleaned_data["file"].read(), sig.read() if sig else None
                )
            except ValidationFailed as exc:
                for field, messages in exc.errors.items():
                    for message in messages:
                        form.add_error(field if field in form.fields else None, message)
                status = 400
            except ServiceUnavailable as exc:
                return render(request, "web/errors/503.html", {"reason": exc.message}, status=503)
            else:
                answer = verdict.answer
                context["verdict"] = verdict
                context["issuer"] = issuer_of(answer) if answer else None
        else:
            status = 400
    else:
        form = VerifyForm()
    typed = request.GET.get("code", "").strip()[:64]
    if typed:
        code = code_normalize(typed)
        found = renditions_by_code(typed) if code else []
        context.update(code=code or typed, code_found=found)
        if found:
            context["code_answer"] = found[0].answer
            context["code_issuer"] = issuer_of(found[0].answer)
        elif request.method != "POST":
            status = 404
    context.update(form=form, typed=typed)
    return render(request, "web/public/verify.html", context, status=status)
