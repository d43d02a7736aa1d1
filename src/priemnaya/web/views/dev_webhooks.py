"""The demo's webhook receiver (DEBUG only): what the sample endpoint «Демо-получатель» got.

POST takes a delivery like an external system would — checks the signature with the endpoint's
secret and keeps the request under ``PRIEMNAYA_VAR_DIR/outbox/webhooks``; GET lists what arrived,
newest first. Not a production feature: with DEBUG off both answer 404.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from priemnaya.webhooks.payload import verify_signature
from priemnaya.webhooks.selectors import delivery_secret

SHOWN = 30


def received_dir() -> Path:
    path = Path(settings.VAR_DIR) / "outbox" / "webhooks"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _received() -> list[dict[str, Any]]:
    items = []
    for path in sorted(received_dir().glob("*.json"), reverse=True)[:SHOWN]:
        try:
            item = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        body = item.get("body")
        item["pretty"] = (
            json.dumps(body, ensure_ascii=False, indent=2) if isinstance(body, dict) else body
        )
        items.append(item)
    return items


@csrf_exempt  # an external system's POST carries a signature, not a CSRF token
@require_http_methods(["GET", "POST"])
def receiver(request: HttpRequest) -> HttpResponse:
    if not settings.DEBUG:
        raise Http404
    if request.method == "GET":
        return render(request, "web/dev/webhooks.html", {"items": _received()})
    delivery = request.headers.get("X-Priemnaya-Delivery", "")
    timestamp = request.headers.get("X-Priemnaya-Timestamp", "")
    signature = request.headers.get("X-Priemnaya-Signature", "")
    secret = delivery_secret(delivery)
    valid = bool(secret) and verify_signature(secret or "", timestamp, request.body, signature)
    text = request.body.decode("utf-8", errors="replace")
    try:
        body: Any = json.loads(text)
    except ValueError:
        body = text
    record = {
        "received_at": time.strftime("%d.%m.%Y %H:%M:%S"),
        "delivery": delivery,
        "event": request.headers.get("X-Priemnaya-Event", ""),
        "signature_ok": valid,
        "body": body,
    }
    name = f"{time.time_ns()}-{delivery if delivery.isdigit() else 'x'}.json"
    (received_dir() / name).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    # As a real receiver should: a forged or stale request is refused (and not retried).
    return JsonResponse({"ok": valid}, status=200 if valid else 401)
