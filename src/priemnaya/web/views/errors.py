"""Error pages in Russian, for every error Django would otherwise answer in English."""

from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render

from priemnaya.security.refusals import refusal_record, refusal_record_signed_in


def not_found(request, exception=None):
    # Another person's appeal answers 404 like a missing one; the attempt is audited.
    refusal_record_signed_in(request, reason="not_found")
    return render(request, "web/errors/404.html", status=404)


def server_error(request):
    return render(request, "web/errors/500.html", status=500)


def bad_request(request, exception=None):
    """A malformed request; a form larger than the upload limit is 413 with its own words."""
    if isinstance(exception, RequestDataTooBig):
        context = {
            "title": "Слишком большой запрос",
            "message": "Отправленные данные больше допустимого размера. Сократите текст "
            "и отправьте форму ещё раз.",
        }
        return render(request, "web/errors/400.html", context, status=413)
    context = {
        "title": "Неверный запрос",
        "message": "Сервер не смог разобрать запрос. Вернитесь назад и попробуйте ещё раз.",
    }
    return render(request, "web/errors/400.html", context, status=400)


def csrf_failure(request, reason: str = ""):
    """The form's protection token is missing or stale (an old tab, cookies off)."""
    refusal_record(request, reason="csrf")
    context = {
        "title": "Форма устарела",
        "message": "Страница была открыта слишком давно или в браузере отключены cookie. "
        "Обновите страницу и отправьте форму ещё раз — введённое придётся повторить.",
    }
    return render(request, "web/errors/400.html", context, status=403)
