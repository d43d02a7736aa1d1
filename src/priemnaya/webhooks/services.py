"""What administrators do with webhooks: register an endpoint, enable it again, redeliver."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from priemnaya.accounts.models import User
from priemnaya.accounts.roles import Role
from priemnaya.appeals.states import EventType
from priemnaya.core import clock
from priemnaya.core.errors import Conflict, NotPermitted, ValidationFailed
from priemnaya.webhooks import sender
from priemnaya.webhooks.consumer import NOT_SENT
from priemnaya.webhooks.models import Delivery, DeliveryState, Endpoint

# Types an endpoint may choose: every journal type that is sent at all.
SELECTABLE_TYPES = [(value, label) for value, label in EventType.choices if value not in NOT_SENT]
_url_valid = URLValidator(schemes=["http", "https"])


def _require_administrator(actor: User) -> None:
    if actor.role != Role.ADMINISTRATOR:
        raise NotPermitted("Управлять вебхуками может только администратор.")


def endpoint_validate(*, name: str, url: str, event_types: Iterable[str]) -> list[str]:
    """Check an endpoint's fields; return the event types as stored (known values, in order)."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["Укажите название получателя."]
    elif len(name) > Endpoint._meta.get_field("name").max_length:  # type: ignore[operator]
        errors["name"] = ["Название — не длиннее 200 символов."]
    try:
        _url_valid(url)
    except ValidationError:
        errors["url"] = ["Укажите адрес получателя: http:// или https:// и имя сервера."]
    if len(url) > 500:
        errors["url"] = ["Адрес получателя — не длиннее 500 символов."]
    types = list(dict.fromkeys(event_types))
    allowed = {value for value, _label in SELECTABLE_TYPES}
    unknown = [t for t in types if t not in allowed]
    if unknown:
        errors["event_types"] = [f"Неизвестные типы событий: {', '.join(unknown)}."]
    if errors:
        raise ValidationFailed(errors)
    order = [value for value, _label in SELECTABLE_TYPES]
    return sorted(types, key=order.index)


def endpoint_create(
    actor: User,
    *,
    name: str,
    url: str,
    event_types: Iterable[str] = (),
    is_active: bool = True,
) -> Endpoint:
    """Register an endpoint with a fresh secret; empty ``event_types`` means every type."""
    _require_administrator(actor)
    types = endpoint_validate(name=name, url=url, event_types=event_types)
    return Endpoint.objects.create(
        name=name.strip(), url=url, event_types=types, is_active=is_active
    )


@transaction.atomic
def endpoint_enable(actor: User, endpoint: Endpoint) -> Endpoint:
    """Switch an endpoint on again (after a run of failures): its waiting deliveries go out."""
    _require_administrator(actor)
    endpoint.is_active = True
    endpoint.failure_run = 0
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.save(update_fields=["is_active", "failure_run", "disabled_at", "disabled_reason"])
    transaction.on_commit(sender.wake)
    return endpoint


@transaction.atomic
def delivery_redeliver(actor: User, delivery: Delivery) -> Delivery:
    """Send a delivered or failed delivery again: a new cycle of attempts, the same delivery id."""
    _require_administrator(actor)
    current = Delivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
    if current.state == DeliveryState.PENDING:
        raise Conflict("Доставка уже ожидает отправки.", field="state")
    current.state = DeliveryState.PENDING
    current.attempts = 0
    current.next_attempt_at = clock.now()
    current.leased_until = None
    current.delivered_at = None
    current.last_error = ""
    current.save(
        update_fields=[
            "state",
            "attempts",
            "next_attempt_at",
            "leased_until",
            "delivered_at",
            "last_error",
        ]
    )
    transaction.on_commit(sender.wake)
    return current
