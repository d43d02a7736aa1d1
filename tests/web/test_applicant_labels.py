"""Defect 8 (pages): the applicant reads the applicant's vocabulary of states everywhere."""

from __future__ import annotations

import re

import pytest

from priemnaya.appeals import services
from priemnaya.appeals.follow_ups import FollowUp
from priemnaya.appeals.lifecycle import APPLICANT_VIEW
from priemnaya.appeals.states import Status
from tests.factories import appeal_input, bring_to, signed_in

# States whose staff label differs from what the applicant reads.
DIFFERENT = [s for s in Status if s.label != APPLICANT_VIEW[s][0]]


def badges(html: str) -> list[str]:
    return re.findall(r'<span class="badge badge--\w+">(.*?)</span>', html)


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.CLOSED, Status.NEEDS_INFO])
def test_cabinet_list_and_status_page_use_the_applicant_labels(citizen, operator, submit, status):
    # given
    appeal = bring_to(submit(citizen), status, applicant=citizen, staff=operator)
    client = signed_in(citizen)
    # when
    listing = client.get("/cabinet/").content.decode()
    lookup = client.get("/status/", {"number": appeal.display_number}).content.decode()
    detail = client.get(f"/cabinet/appeals/{appeal.number}/").content.decode()
    # then the three pages agree, in the applicant's words
    applicant_label = APPLICANT_VIEW[status][0]
    for html in (listing, lookup, detail):
        assert badges(html) == [applicant_label]
    # and the staff console keeps the staff words
    console = signed_in(operator).get(f"/console/appeals/{appeal.number}/").content.decode()
    assert badges(console)[0] == status.label


def test_cabinet_status_filter_offers_the_applicant_labels(citizen):
    html = signed_in(citizen).get("/cabinet/").content.decode()
    select = re.search(r'<select name="status"[^>]*>(.*?)</select>', html, re.S).group(1)
    options = re.findall(r'<option value="(\w*)"[^>]*>(.*?)</option>', select)
    assert options == [("", "Все статусы")] + [(s.value, APPLICANT_VIEW[s][0]) for s in Status]
    for status in DIFFERENT:
        assert f">{status.label}<" not in select


def test_a_linked_appeal_is_described_in_the_applicant_words(citizen, operator, submit):
    # given a repeat of an appeal that was closed
    source = bring_to(submit(citizen), Status.CLOSED, applicant=citizen, staff=operator)
    repeat = services.appeal_submit_follow_up(
        actor=citizen, data=appeal_input(), link=FollowUp.REPEAT, source=source
    )
    # when
    html = signed_in(citizen).get(f"/cabinet/appeals/{repeat.number}/").content.decode()
    # then
    assert "(завершено)" in html
    assert "(закрыто)" not in html
