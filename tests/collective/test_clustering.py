"""Suggested clusters of similar open appeals (issue 14 item 3): theme, stems and place."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from priemnaya.appeals.states import Status
from priemnaya.collective.selectors import cluster_suggestions
from tests.collective.factories_collective import OTHER_TEXT, make_issue, sms_appeal, sms_appeals
from tests.factories import bring_to, make_citizen, make_operator, submit_appeal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]


def test_similar_appeals_of_different_people_are_suggested_with_reasons(supervisor):
    # given three appeals about the missing SMS in one region and one about something else
    similar = sms_appeals(3, region="50")
    other = submit_appeal(
        make_citizen(), theme="tech-sms", subject=OTHER_TEXT[0], text=OTHER_TEXT[1], region="50"
    )
    # when
    clusters = cluster_suggestions(user=supervisor)
    # then one cluster holds exactly the similar ones, with the reasons spelled out
    assert len(clusters) == 1
    cluster = clusters[0]
    assert {a.pk for a in cluster.appeals} == {a.pk for a in similar}
    assert other.pk not in {a.pk for a in cluster.appeals}
    reasons = "; ".join(cluster.reasons)
    assert "общие слова:" in reasons
    assert "подтвержден" in reasons or "код" in reasons
    assert "та же тема" in reasons
    assert "тот же регион (Московская область)" in reasons
    assert cluster.applicants == 3
    assert 0 < cluster.percent <= 100


def test_dissimilar_appeals_are_not_clustered(supervisor):
    submit_appeal(make_citizen(), subject=OTHER_TEXT[0], text=OTHER_TEXT[1])
    sms_appeal(make_citizen())
    assert cluster_suggestions(user=supervisor) == []


def test_one_persons_appeals_are_not_a_collective_issue(supervisor):
    citizen = make_citizen()
    sms_appeal(citizen, 0)
    sms_appeal(citizen, 1)
    assert cluster_suggestions(user=supervisor) == []


def test_other_regions_still_cluster_but_lose_the_region_reason(supervisor):
    sms_appeal(make_citizen(), 0, region="50")
    sms_appeal(make_citizen(), 1, region="77")
    [cluster] = cluster_suggestions(user=supervisor)
    assert not any("регион" in r for r in cluster.reasons)


def test_only_open_unmerged_appeals_of_visible_departments(supervisor, operator, specialist):
    appeals = sms_appeals(4)
    bring_to(appeals[3], Status.ANSWERED, applicant=appeals[3].applicant, staff=operator)
    make_issue(supervisor, appeals[:2])
    # the two merged and the answered one are out: one left, no cluster
    assert cluster_suggestions(user=supervisor) == []
    more = sms_appeals(2)
    [cluster] = cluster_suggestions(user=supervisor)
    assert {a.pk for a in cluster.appeals} == {more[0].pk, more[1].pk, appeals[2].pk}
    # the operator of «support» sees it; the specialist of «services» sees none of it
    assert cluster_suggestions(user=make_operator())
    assert cluster_suggestions(user=specialist) == []


def test_clustering_reads_the_appeals_in_one_query(supervisor):
    sms_appeals(3)
    supervisor.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        cluster_suggestions(user=supervisor)
    assert len(queries) == 1
