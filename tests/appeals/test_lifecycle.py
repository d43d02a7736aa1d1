"""The transition table of SPEC §4 (appeals.lifecycle) as data."""

from __future__ import annotations

import pytest

from priemnaya.appeals.lifecycle import (
    APPLICANT_VIEW,
    NEW,
    SWEEP_ACTIONS,
    TRANSITIONS,
    Action,
    Side,
    actions_for,
    allowed,
)
from priemnaya.appeals.states import FINAL_STATUSES, OPEN_STATUSES, Status


def test_every_transition_names_real_states_and_a_side():
    for name, transition in TRANSITIONS.items():
        # Only the two ways in start from «not stored yet».
        states = set(Status.values) | (
            {NEW} if name in {Action.SUBMIT, Action.SAVE_DRAFT} else set()
        )
        assert transition.sources <= states, name
        assert transition.target is None or transition.target in Status.values, name
        assert transition.sides, name
        assert transition.label, name


@pytest.mark.parametrize(
    ("action", "source", "target"),
    [
        ("submit", Status.DRAFT, Status.REGISTERED),
        ("take", Status.REGISTERED, Status.IN_PROGRESS),
        ("request_info", Status.IN_PROGRESS, Status.NEEDS_INFO),
        ("provide_info", Status.NEEDS_INFO, Status.IN_PROGRESS),
        ("answer", Status.IN_PROGRESS, Status.ANSWERED),
        ("close", Status.ANSWERED, Status.CLOSED),
        ("reopen", Status.ANSWERED, Status.IN_PROGRESS),
    ],
)
def test_state_changes_of_spec_4(action, source, target):
    transition = TRANSITIONS[action]
    assert transition.sources - {NEW} == {source}
    assert transition.target == target


def test_withdraw_is_possible_from_every_open_state_only():
    assert TRANSITIONS["withdraw"].sources == OPEN_STATUSES
    assert TRANSITIONS["withdraw"].target == Status.WITHDRAWN


@pytest.mark.parametrize("side", list(Side))
def test_nothing_but_rating_and_its_review_happens_after_the_end(side):
    # Only bookkeeping of who owns it: a confirmed contact brings a closed call into the cabinet.
    # Retention (issue 14): the archive and, at the end of retention, the anonymisation.
    bookkeeping = {"link_applicant", "archive", "anonymise"} if side is Side.SYSTEM else set()
    assert set(actions_for(Status.WITHDRAWN, side)) == bookkeeping
    assert set(actions_for(Status.CLOSED, side)) <= {"rate", "confirm"} | bookkeeping


def test_actions_of_each_side_on_a_registered_appeal():
    assert actions_for(Status.REGISTERED, Side.APPLICANT) == [
        "edit",
        "withdraw",
        "comment",
        "escalate",
        "add_documents",
    ]
    assert actions_for(Status.REGISTERED, Side.STAFF) == [
        "take",
        "comment",
        "redirect",
        "extend",
        "escalate",
        "assign",
        "note",
        "change_regime",
    ]
    assert actions_for(Status.REGISTERED, Side.SYSTEM) == [
        "escalate",
        "link_incident",
        "warn_due_soon",
        "flag_first_response_overdue",
        "flag_overdue",
        "link_applicant",
        "join_collective",
    ]


def test_only_the_applicant_edits_and_only_before_work_starts():
    assert [s for s in Status.values if allowed("edit", s, Side.APPLICANT)] == [Status.REGISTERED]
    assert not allowed("edit", Status.REGISTERED, Side.STAFF)


def test_the_system_may_close_escalate_link_incidents_and_mark_deadlines_and_nothing_else():
    timer = {name for name, t in TRANSITIONS.items() if Side.SYSTEM in t.sides}
    retention = {"archive", "anonymise"}  # issue 14
    assert (
        timer
        == {"close", "escalate", "link_incident", "link_applicant", "join_collective"}
        | SWEEP_ACTIONS
        | retention
    )
    # the deadline sweeps' marks are the system's alone and never change the state
    assert all(TRANSITIONS[a].sides == {Side.SYSTEM} for a in SWEEP_ACTIONS)
    assert all(TRANSITIONS[a].target is None for a in SWEEP_ACTIONS)


def test_the_applicant_reads_a_label_and_a_next_step_for_every_state():
    assert set(APPLICANT_VIEW) == set(Status.values)
    for label, next_step in APPLICANT_VIEW.values():
        assert label
        assert next_step
    assert "{due}" in APPLICANT_VIEW[Status.REGISTERED][1]


def test_final_states_are_closed_and_withdrawn():
    assert {Status.CLOSED, Status.WITHDRAWN} == FINAL_STATUSES


def test_actions_are_a_str_enum_whose_slugs_are_the_url_names():
    assert Action("request_info") is Action.REQUEST_INFO
    assert Action.REQUEST_INFO == "request_info"
    assert Action.REQUEST_INFO.slug == "request-info"
    assert set(TRANSITIONS) == set(Action)


def test_only_reviewers_assign_reopen_confirm_and_change_the_regime():
    assert {a for a, t in TRANSITIONS.items() if t.reviewers_only} == {
        Action.ASSIGN,
        Action.REOPEN,
        Action.CONFIRM,
        Action.CHANGE_REGIME,
    }
