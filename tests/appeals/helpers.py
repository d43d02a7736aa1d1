"""Helpers for appeal tests: the journal of one call; a refused call that changed nothing."""

from __future__ import annotations

from django.forms.models import model_to_dict

from priemnaya.appeals.models import Appeal, Event


def last_event_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def new_events(since: int) -> list[Event]:
    return list(Event.objects.filter(id__gt=since).order_by("id"))


def call_once(service, **kwargs):
    """Call a service and return (its result, the one journal event it wrote)."""
    since = last_event_id()
    result = service(**kwargs)
    events = new_events(since)
    assert len(events) == 1, [e.type for e in events]
    return result, events[0]


def snapshot(appeal: Appeal) -> dict:
    fresh = Appeal.objects.get(pk=appeal.pk)
    return {k: v for k, v in model_to_dict(fresh).items() if k != "updated_at"}


def refuse(error: type[Exception], service, **kwargs) -> Exception:
    """Call a service that must fail with ``error`` and change nothing, not even the journal."""
    appeal = kwargs.get("appeal")
    before = snapshot(appeal) if appeal is not None else None
    since = last_event_id()
    events_before = Event.objects.count()
    try:
        service(**kwargs)
    except error as exc:
        caught = exc
    else:
        raise AssertionError(f"{service.__name__} did not raise {error.__name__}")
    assert new_events(since) == []
    assert Event.objects.count() == events_before
    if appeal is not None:
        assert snapshot(appeal) == before
    return caught
