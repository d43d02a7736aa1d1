"""Follow-up appeals (SPEC §4): a repeat or a contest of an earlier appeal, linked to it.

A closed or withdrawn appeal never changes again; an applicant who disagrees files a new appeal
that points back at it. The rules live here so that the form, the API and the pages' buttons
agree on when each is possible.
"""

from __future__ import annotations

from enum import StrEnum

from priemnaya.accounts.models import User
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.states import Status

CONTEST_KIND = "contest"


class FollowUp(StrEnum):
    REPEAT = "repeat"  # «Повторить обращение»: a copy, editable, linked
    CONTEST = "contest"  # «Обжаловать ответ»: kind contest, routed a level up

    @property
    def field(self) -> str:
        """The appeal field (and input field) that holds the link."""
        return f"{self.value}_of"


# States from which each follow-up may be filed: a repeat once the first appeal has ended one way
# or another, a contest only of an issued answer.
SOURCE_STATES = {
    FollowUp.REPEAT: frozenset({Status.ANSWERED, Status.CLOSED, Status.WITHDRAWN}),
    FollowUp.CONTEST: frozenset({Status.ANSWERED, Status.CLOSED}),
}
FINISHED = frozenset({Status.CLOSED, Status.WITHDRAWN})


def open_contest(source: Appeal) -> Appeal | None:
    """Return a contest of this appeal that is still being considered, if there is one."""
    return source.contests.exclude(status__in=FINISHED | {Status.DRAFT}).first()


def follow_ups_possible(*, appeal: Appeal, user: User) -> list[FollowUp]:
    """Return the follow-ups the user may file from this appeal now (for the pages' buttons)."""
    if not user.is_authenticated or appeal.applicant_id != user.pk:
        return []
    if appeal.archived_at is not None:  # read-only in the archive (issue 14)
        return []
    possible = [f for f in FollowUp if appeal.status in SOURCE_STATES[f]]
    if FollowUp.CONTEST in possible and open_contest(appeal) is not None:
        possible.remove(FollowUp.CONTEST)
    return possible
