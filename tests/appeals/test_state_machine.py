"""Property: no sequence of service calls breaks the transition table of SPEC §4.

Hypothesis drives random sequences of (action, actor) on a few appeals against the real database.
A small independent model says who should be refused and how; after every call it checks that a
success was allowed by `lifecycle.TRANSITIONS`, moved the appeal to the table's target and wrote
exactly one journal event, and that a refusal changed nothing and wrote no event.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Count
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from priemnaya.appeals import services
from priemnaya.appeals.lifecycle import SWEEP_ACTIONS, TRANSITIONS, Side, allowed
from priemnaya.appeals.models import Answer, Appeal, Event
from priemnaya.appeals.states import Channel, Status
from priemnaya.core.errors import (
    ApplicationError,
    InvalidTransition,
    NotFound,
    NotPermitted,
    ValidationFailed,
)
from tests.appeals.helpers import last_event_id, new_events
from tests.factories import appeal_input

ACTORS = ["applicant", "outsider", "operator", "specialist", "supervisor", "auditor", "system"]
# Departments each staff member works (tests/conftest.py); the supervisor sees all of them.
WORKS = {"operator": {"support"}, "specialist": {"services", "services-support"}}
PARENT = {
    "support": "quality",
    "citizens": "quality",
    "services": "quality",
    "services-support": "services",
    "esign": "services",
    "privacy": "quality",
    "quality": "quality",
}
# Linking to an incident is done by the detector (tests/appeals/test_incidents.py); the deadline
# sweeps' marks depend on the clock, not on who acts (tests/appeals/test_sweeps.py); adding
# documents needs the actor's uploaded files (tests/attachments/test_appeal_files.py); linking an
# applicant follows a confirmed contact (tests/appeals/test_contact_link.py); the archive and the
# anonymisation follow the retention policy's years (tests/retention); joining a collective
# issue is the collective app's merge (tests/collective/test_merge.py).
ACTIONS = sorted(
    name
    for name in TRANSITIONS
    if name
    not in {
        "submit",
        "save_draft",
        "link_incident",
        "add_documents",
        "link_applicant",
        "join_collective",
    }
    | {"archive", "anonymise"}
    | SWEEP_ACTIONS
)
FILINGS = [
    ("support", "tech-login"),  # message, routed to «support»
    ("complaint", "services-refusal"),  # 59-FZ, routed to «services»
    ("request", "services-status"),  # message, routed to «services-support»
]


def expected_side(who: str, *, department: str, owned: bool) -> Side | None:
    if who == "applicant":
        return Side.APPLICANT if owned else None
    if who == "system":
        return Side.SYSTEM
    if who == "supervisor":
        return Side.STAFF
    if department in WORKS.get(who, set()):
        return Side.STAFF
    return None


class AppealLifecycle(RuleBasedStateMachine):
    people: dict = {}  # filled in by the test from the shared fixtures
    reached: set = set()  # states reached by any example, to show the run went deep

    appeals = Bundle("appeals")

    def __init__(self):
        super().__init__()
        # Every example runs in a savepoint that is rolled back, so examples never share rows.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.calls: dict[int, int] = {}  # appeal pk → successful calls (events expected)
        self.refused = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @initialize(target=appeals)
    def first_appeal(self):
        return self._file(FILINGS[0], by_phone=False)

    @precondition(lambda self: len(self.calls) < 3)
    @rule(target=appeals, filing=st.sampled_from(FILINGS), by_phone=st.booleans())
    def file(self, filing, by_phone):
        return self._file(filing, by_phone=by_phone)

    def _file(self, filing, *, by_phone: bool) -> int:
        kind, theme = filing
        since = last_event_id()
        if by_phone:  # registered by an operator for a caller: no applicant account
            appeal = services.appeal_submit(
                actor=self.people["operator"],
                data=appeal_input(kind=kind, theme=theme, applicant_name="Звонивший"),
                channel=Channel.PHONE,
            )
        else:
            appeal = services.appeal_submit(
                actor=self.people["applicant"], data=appeal_input(kind=kind, theme=theme)
            )
        assert [e.type for e in new_events(since)] == ["registered"]
        self.calls[appeal.pk] = 1
        return appeal.pk

    @rule(pk=appeals, data=st.data())
    def advance(self, pk, data):
        """Do something the table allows now, as the side that may do it (reach deep states)."""
        appeal = Appeal.objects.select_related("department").get(pk=pk)
        permitted = [
            (action, side)
            for action in ACTIONS
            for side in (Side.APPLICANT, Side.STAFF, Side.SYSTEM)
            if allowed(action, appeal.status, side)
        ]
        if not permitted:
            return  # a final state: only `poke` can try (and must fail)
        # Mostly move the state forward; sometimes withdraw (its own share, or the growing list
        # of other actions would make «Отозвано» a rare sight); otherwise anything allowed.
        forward = [(a, s) for a, s in permitted if TRANSITIONS[a].target and a != "withdraw"]
        withdraw = [(a, s) for a, s in permitted if a == "withdraw"]
        choice = data.draw(st.integers(min_value=0, max_value=5))
        if choice == 0 and withdraw:
            permitted = withdraw
        elif choice > 1 and forward:
            permitted = forward
        action, side = data.draw(st.sampled_from(permitted))
        self._perform(pk, action, self._natural(action, side, appeal), data)

    @rule(pk=appeals, action=st.sampled_from(ACTIONS), data=st.data())
    def poke(self, pk, action, data):
        """Try any action, mostly as the side it belongs to, sometimes as anybody at all."""
        appeal = Appeal.objects.select_related("department").get(pk=pk)
        sides = sorted(TRANSITIONS[action].sides, key=lambda s: s.value)
        if data.draw(st.booleans()):
            who = self._natural(action, data.draw(st.sampled_from(sides)), appeal)
        else:
            who = data.draw(st.sampled_from(ACTORS))
        self._perform(pk, action, who, data)

    @staticmethod
    def _natural(action: str, side: Side, appeal: Appeal) -> str:
        if side is Side.APPLICANT:
            return "applicant"
        if side is Side.SYSTEM:
            return "system"
        if action in {"reopen", "assign", "extend", "change_regime"}:
            return "supervisor"  # every default policy has the head approve an extension
        for who, departments in WORKS.items():
            if appeal.department.code in departments:
                return who
        return "supervisor"

    def _perform(self, pk, action, who, data):
        # given
        appeal = Appeal.objects.select_related("department", "kind").get(pk=pk)
        before = {
            "status": appeal.status,
            "department": appeal.department.code,
            "level": appeal.escalation_level,
            "due_at": appeal.due_at,
            "assignee": appeal.assignee_id,
            "rating": appeal.rating,
        }
        side = expected_side(
            who, department=before["department"], owned=appeal.applicant_id is not None
        )
        kwargs = self._arguments(action, appeal, data)
        expected = self._expected_refusal(action, who, side, appeal, kwargs)
        since = last_event_id()
        # when
        try:
            getattr(services, f"appeal_{action}")(appeal=appeal, actor=self.people[who], **kwargs)
        except ApplicationError as exc:
            # then a refusal is the one the model predicts, and nothing changed
            assert type(exc) is expected, (action, who, before, exc)  # noqa: PT017 — the model checks the refusal type
            assert new_events(since) == []
            after = Appeal.objects.select_related("department").get(pk=pk)
            assert after.status == before["status"]
            assert after.department.code == before["department"]
            assert after.escalation_level == before["level"]
            assert after.due_at == before["due_at"]
            assert after.assignee_id == before["assignee"]
            assert after.rating == before["rating"]
            self.refused += 1
            return
        # then a success is allowed by the table and writes exactly one event
        assert expected is None, (action, who, before, "should have raised", expected)
        assert allowed(action, before["status"], side)
        transition = TRANSITIONS[action]
        after = Appeal.objects.select_related("department").get(pk=pk)
        assert after.status == (transition.target or before["status"])
        events = new_events(since)
        assert len(events) == 1, [e.type for e in events]
        assert events[0].appeal_id == pk
        assert events[0].to_status == after.status
        assert events[0].from_status == before["status"]
        self.calls[pk] += 1
        # and the department moves only by redirect and escalate, as the rules say
        if action == "redirect":
            assert after.department.code == kwargs["department_code"]
        elif action == "escalate":
            assert after.department.code == PARENT[before["department"]]
            assert after.escalation_level == before["level"] + 1
        else:
            assert after.department.code == before["department"]
        AppealLifecycle.reached.add(after.status)

    def _arguments(self, action, appeal, data) -> dict:
        match action:
            case "request_info":
                return {"question": "Уточните, пожалуйста."}
            case "provide_info" | "comment" | "note":
                return {"text": "Текст сообщения."}
            case "answer":
                outcome = data.draw(st.sampled_from(["resolved", "rejected", "clarify"]))
                return {"outcome": outcome, "text": "Ответ по существу."}
            case "withdraw":
                return {"reason": ""}
            case "reopen" | "escalate":
                return {"reason": "Нужна повторная проверка."}
            case "redirect":
                target = data.draw(st.sampled_from(sorted(PARENT)))
                return {"department_code": target, "reason": "По компетенции."}
            case "extend":
                # Within the policy's length (in calendar days it always fits), or far beyond it
                # (twice the length plus the New Year holidays is past any working-day ceiling).
                limit = appeal.policy.max_extension_value
                days = data.draw(
                    st.one_of(st.integers(min_value=1, max_value=limit), st.just(2 * limit + 15))
                )
                return {"due_date": appeal.due_at + timedelta(days=days), "reason": "Причина."}
            case "assign":
                return {"assignee_id": self.people["operator"].pk}
            case "change_regime":
                regime = data.draw(st.sampled_from(["fz59", "message"]))
                return {"regime": regime, "reason": "Вид обращения определён иначе."}
            case "rate":
                return {
                    "rating": data.draw(st.integers(min_value=1, max_value=5)),
                    "comment": data.draw(st.sampled_from(["", "Ответ не помог."])),
                }
            case "confirm":
                return {"comment": "Ответ верный."}
            case "close":
                return {}
            case "edit":
                return {"data": appeal_input(kind=appeal.kind.code, theme=appeal.theme.code)}
            case "take":
                return {}
        raise AssertionError(action)

    def _expected_refusal(self, action, who, side, appeal, kwargs) -> type | None:
        transition = TRANSITIONS[action]
        if side is None:
            return NotFound
        if side not in transition.sides:
            return NotPermitted
        if appeal.status not in transition.sources:
            return InvalidTransition
        if action == "rate" and kwargs["rating"] <= 2 and not kwargs["comment"]:
            return ValidationFailed  # «Не удовлетворён» needs a reason
        if action in {"reopen", "assign", "confirm", "change_regime"} and who != "supervisor":
            return NotPermitted  # heads and quality control only
        if action == "confirm" and appeal.review_requested_at is None:
            return InvalidTransition  # nothing to confirm
        if action == "assign" and appeal.department.code != "support":
            return ValidationFailed  # the assignee (operator) is not a member there
        if action == "redirect" and kwargs["department_code"] == appeal.department.code:
            return ValidationFailed
        if action == "change_regime" and kwargs["regime"] == appeal.regime:
            return ValidationFailed  # already in that regime
        if action == "extend" and who != "supervisor":
            return NotPermitted  # the head or quality control decides (59-FZ art. 12 p.2)
        if action == "extend" and appeal.extension_count >= appeal.policy.max_extensions:
            return ValidationFailed  # one extension only under every default policy
        if action == "extend" and kwargs["due_date"] > appeal.due_at + timedelta(
            days=appeal.policy.max_extension_value
        ):
            return ValidationFailed  # beyond the policy's length
        if action == "escalate":
            return self._escalation_refusal(side, appeal)
        return None

    @staticmethod
    def _escalation_refusal(side, appeal) -> type | None:
        if appeal.department.code == "quality":
            return InvalidTransition  # nothing above quality control
        if side is not Side.APPLICANT:
            return None
        # The machine never waits for a deadline: the applicant escalates only an answer, and
        # only an answer given after their last escalation.
        if appeal.status != Status.ANSWERED:
            return InvalidTransition
        since = appeal.applicant_escalated_at
        if since is not None and appeal.answered_at <= since:
            return InvalidTransition
        return None

    @invariant()
    def journal_has_one_event_per_successful_call(self):
        counts = dict(
            Event.objects.filter(appeal_id__in=self.calls)
            .values_list("appeal_id")
            .annotate(n=Count("id"))
        )
        assert counts == self.calls

    @invariant()
    def state_and_clock_and_answer_agree(self):
        for appeal in Appeal.objects.filter(pk__in=self.calls):
            assert appeal.status in Status.values
            assert appeal.number is not None
            assert (appeal.paused_at is not None) == (appeal.status == Status.NEEDS_INFO)
            current = Answer.objects.filter(appeal=appeal, superseded_at__isnull=True).count()
            assert current == (1 if appeal.status in {Status.ANSWERED, Status.CLOSED} else 0)
            assert (appeal.closed_at is not None) == (
                appeal.status in {Status.CLOSED, Status.WITHDRAWN}
            )
            if appeal.review_requested_at is not None:
                assert appeal.status in {Status.ANSWERED, Status.CLOSED}
                assert appeal.rating is not None
                assert appeal.rating <= 2


@pytest.mark.django_db
def test_no_call_sequence_breaks_the_transition_table(
    citizen, other_citizen, operator, specialist, supervisor, auditor
):
    AppealLifecycle.people = {
        "applicant": citizen,
        "outsider": other_citizen,
        "operator": operator,
        "specialist": specialist,
        "supervisor": supervisor,
        "auditor": auditor,
        "system": None,
    }
    AppealLifecycle.reached = set()
    run_state_machine_as_test(
        AppealLifecycle,
        settings=settings(
            max_examples=min(40, settings.default.max_examples),  # fewer under "quick"
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    # the run reached every state after «Получено», not just the first steps
    assert AppealLifecycle.reached >= {
        Status.IN_PROGRESS,
        Status.NEEDS_INFO,
        Status.ANSWERED,
        Status.CLOSED,
        Status.WITHDRAWN,
    }
