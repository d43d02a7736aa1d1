"""The hotline's call log in the demo (issue 13): a few finished calls, one parked, one deferred.

Made through the same CTI events and services as real calls, at moments in the past, once.
"""

from __future__ import annotations

from datetime import timedelta

from priemnaya.accounts.models import User
from priemnaya.core import clock
from priemnaya.hotline.callbacks import call_defer
from priemnaya.hotline.calls import call_resolve, cti_event_receive
from priemnaya.hotline.cti import ANSWERED, ENDED, INCOMING, CtiEvent
from priemnaya.hotline.models import Call

MAIN, TECH, REGIONAL = "+78005553535", "+78005554455", "+74951234567"
# (id, minutes ago, line dialled, caller, answered, seconds, outcome, topic)
CALLS = [
    ("demo-call-1", 180, MAIN, "+79161234501", True, 185, "resolved", "tech-login"),
    ("demo-call-2", 150, TECH, "+79035550147", False, 25, "", ""),
    ("demo-call-3", 95, REGIONAL, "+79265550912", True, 410, "deferred", "services-status"),
    # The seeds' incomplete «8 800 333-22»: no such line — the call is parked, not lost.
    ("demo-call-4", 60, "8 800 333-22", "+79161234503", True, 70, "", ""),
    ("demo-call-5", 20, MAIN, "+79161234502", True, 240, "", ""),
]
DEFERRED_QUESTION = (
    "Заявление на услугу подано три недели назад, статус «на рассмотрении» не меняется. "
    "Звонящий просит узнать у ведомства, на каком этапе проверка."
)


def load_calls(users: dict[str, User]) -> int:
    """Create the demo's calls once; return how many were made."""
    if Call.objects.filter(cti_id__startswith="demo-call-").exists():
        return 0
    operator = users["operator"]
    now = clock.now()
    for cti_id, ago, line, caller, answered, seconds, outcome, topic in CALLS:
        start = now - timedelta(minutes=ago)
        with clock.travel_to(start):
            cti_event_receive(
                CtiEvent(INCOMING, cti_id, line=line, caller=caller, agent=operator.email)
            )
        if answered:
            with clock.travel_to(start + timedelta(seconds=8)):
                cti_event_receive(CtiEvent(ANSWERED, cti_id))
        end = start + timedelta(seconds=seconds)
        call = Call.objects.get(cti_id=cti_id)
        with clock.travel_to(end):
            if outcome == "resolved":
                call_resolve(
                    actor=operator, call=call, topic=topic, note="Подсказал, как сбросить пароль."
                )
            elif outcome == "deferred":
                call_defer(
                    actor=operator,
                    call=call,
                    question=DEFERRED_QUESTION,
                    topic=topic,
                    caller_name="Николай Иванович",
                )
            cti_event_receive(CtiEvent(ENDED, cti_id, duration=seconds))
    return len(CALLS)
