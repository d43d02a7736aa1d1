"""The public contacts page (issue 13, hotline): each line, its week and «работает сейчас»."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from priemnaya.hotline.selectors import line_cards


@require_safe
def contacts(request):
    return render(request, "web/contacts/index.html", {"cards": line_cards()})
