"""Reads of collective issues: staff lists, suggested clusters, the public page, the cabinet.

Clustering rule (docs/collective.md): open, registered, not archived appeals of the staff
member's departments registered within ``WINDOW_DAYS`` and not yet in a collective issue (newest
``READ_LIMIT``) are compared by their search stems (``search.text.analyse`` of subject and text):
two on the same theme are similar when they share words by the repeat rule of
``search.earlier.shared_stems`` (at least 3 stems and half of the smaller text's). Similar pairs
are joined into clusters (connected components, at most ``CLUSTER_MAX`` appeals); a cluster needs
appeals of two different applicants. The score is the mean Jaccard share of stems of its similar
pairs, plus ``THEME_BONUS`` (the shared theme) and ``REGION_BONUS`` when all name one region.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, QuerySet

from priemnaya.accounts.models import User
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.permissions import require_staff, staff_department_ids
from priemnaya.appeals.selectors import appeals_visible_to
from priemnaya.appeals.states import Status
from priemnaya.catalog.regions import REGIONS
from priemnaya.collective.models import CollectiveIssue, Delivery, Signer
from priemnaya.collective.services import MERGEABLE, NOT_FOUND, active_signers
from priemnaya.core import clock
from priemnaya.core.errors import NotFound
from priemnaya.search.earlier import SHOWN_WORDS, shared_stems, words_in
from priemnaya.search.text import analyse

WINDOW_DAYS = 90
READ_LIMIT = 600
CLUSTER_MAX = 50
SUGGESTIONS_MAX = 20
THEME_BONUS, REGION_BONUS = 0.25, 0.15
# A stem in more than this share of the window's appeals (and more than COMMON_MIN of them) says
# nothing about sameness («прошу»); nor does one in more than POSTING_MAX appeals of one theme.
COMMON_SHARE, COMMON_MIN = 0.2, 10
POSTING_MAX = 120


# ---- staff ---------------------------------------------------------------------------------


def issues_visible_to(*, user: User) -> QuerySet[CollectiveIssue]:
    """Return the collective issues of the staff member's departments (all for supervisors)."""
    require_staff(user)
    qs = CollectiveIssue.objects.select_related("theme", "department")
    if user.sees_all_departments:
        return qs
    return qs.filter(department_id__in=staff_department_ids(user))


def issues_list(*, user: User, state: str = "") -> list[CollectiveIssue]:
    """Return the staff member's issues, open first, newest first, with member and signer counts."""
    qs = issues_visible_to(user=user)
    if state:
        qs = qs.filter(state=state)
    return list(
        qs.annotate(
            appeal_count=Count("members", distinct=True),
            signer_count=Count(
                "signers", filter=Q(signers__withdrawn_at__isnull=True), distinct=True
            ),
        ).order_by("-state", "-created_at", "-id")[:200]
    )


def issue_get(*, user: User, issue_id: int) -> CollectiveIssue:
    """Return an issue of the staff member's departments, or NotFound (no existence oracle)."""
    found = issues_visible_to(user=user).filter(pk=issue_id).first()
    if found is None:
        raise NotFound(NOT_FOUND, field="issue")
    return found


@dataclass(frozen=True)
class IssueDetail:
    issue: CollectiveIssue
    appeals: list[Appeal]
    signers: list[Signer]
    active: int
    representative: Signer | None
    deliveries: list[Delivery]


def issue_detail(*, issue: CollectiveIssue) -> IssueDetail:
    """Return the issue's member appeals, every signer and the delivery log (4 queries)."""
    appeals = list(
        Appeal.objects.filter(collective_member__issue=issue)
        .select_related("assignee", "department")
        .order_by("id")
    )
    signers = list(issue.signers.select_related("appeal").order_by("signed_at", "pk"))
    active = [
        s
        for s in signers
        if s.withdrawn_at is None and not (s.appeal and s.appeal.status == Status.WITHDRAWN)
    ]
    representative = next((s for s in active if s.is_representative), active[0] if active else None)
    deliveries = list(issue.deliveries.select_related("signer").order_by("signer__signed_at", "id"))
    return IssueDetail(issue, appeals, signers, len(active), representative, deliveries)


def open_issues_for_merge(*, user: User) -> list[CollectiveIssue]:
    """The open issues a suggestion may be added to (the staff member's departments)."""
    return list(
        issues_visible_to(user=user)
        .select_related(None)
        .filter(state=CollectiveIssue.State.OPEN)
        .order_by("-created_at")
        .only("pk", "title", "department_id")[:50]
    )


@dataclass(frozen=True)
class Cluster:
    appeals: list[Appeal]
    score: float
    words: list[str]
    same_theme: bool
    region: str  # the region's name when all appeals share it, else ""
    applicants: int

    @property
    def percent(self) -> int:
        return min(100, round(self.score * 100))

    @property
    def reasons(self) -> list[str]:
        found = []
        if self.words:
            found.append(f"общие слова: {', '.join(self.words)}")
        if self.same_theme:
            found.append("та же тема")
        if self.region:
            found.append(f"тот же регион ({self.region})")
        return found

    @property
    def numbers(self) -> list[str]:
        return [a.number for a in self.appeals if a.number]

    def joinable(self, issues: list[CollectiveIssue]) -> list[CollectiveIssue]:
        """The open issues of the department of this cluster's appeals (at most five)."""
        departments = {a.department_id for a in self.appeals}
        return [i for i in issues if i.department_id in departments][:5]


def _person(appeal: Appeal) -> str:
    if appeal.applicant_id:
        return f"u{appeal.applicant_id}"
    return f"c{(appeal.contact_email or '').lower()}|{appeal.contact_phone}|{appeal.pk}"


def _candidates(user: User, *, days: int) -> list[Appeal]:
    since = clock.now() - timedelta(days=days)
    return list(
        appeals_visible_to(user=user)
        .select_related(None)
        .select_related("theme")
        .filter(
            status__in=MERGEABLE,
            archived_at__isnull=True,
            registered_at__gte=since,
            collective_member__isnull=True,
        )
        .only(
            "pk", "number", "subject", "text", "theme_id", "theme__name", "region", "status",
            "department_id", "registered_at", "applicant_id", "contact_email", "contact_phone",
        )
        .order_by("-registered_at", "-pk")[:READ_LIMIT]
    )  # fmt: skip


def cluster_suggestions(
    *, user: User, days: int = WINDOW_DAYS, limit: int = SUGGESTIONS_MAX
) -> list[Cluster]:
    """Return suggested clusters of similar open appeals the staff member sees, best first.

    One query; the comparison runs over an inverted index of stems, so only appeals sharing
    words are ever compared.
    """
    require_staff(user)
    appeals = _candidates(user, days=days)
    if len(appeals) < 2:
        return []
    stems = [set(analyse(f"{a.subject} {a.text}").split()) for a in appeals]
    frequency = Counter(s for found in stems for s in found)
    common = {s for s, n in frequency.items() if n > max(COMMON_MIN, COMMON_SHARE * len(appeals))}
    stems = [found - common for found in stems]
    # Only appeals on one theme are compared: the theme blocks the comparison (a mass problem is
    # one theme), and a stem is looked up per theme.
    index: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i, found in enumerate(stems):
        for s in found:
            index[(appeals[i].theme_id, s)].append(i)
    overlap: dict[tuple[int, int], int] = Counter()
    for members in index.values():
        if len(members) > POSTING_MAX:
            continue  # a stem this frequent within a theme is no evidence on its own
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                overlap[(i, j)] += 1
    parent = list(range(len(appeals)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    edges: list[tuple[int, int, float, set[str]]] = []
    for (i, j), n in overlap.items():
        if n < 3:
            continue
        shared = shared_stems(stems[i], stems[j])
        if not shared:
            continue
        edges.append((i, j, len(shared) / len(stems[i] | stems[j]), shared))
    edges.sort(key=lambda e: -e[2])
    sizes = [1] * len(appeals)
    for i, j, _, _ in edges:
        a, b = root(i), root(j)
        if a != b and sizes[a] + sizes[b] <= CLUSTER_MAX:
            parent[b] = a
            sizes[a] += sizes[b]
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(appeals)):
        groups[root(i)].append(i)
    scores: dict[int, list[float]] = defaultdict(list)
    words: dict[int, Counter[str]] = defaultdict(Counter)
    for i, j, share, shared in edges:
        if root(i) == root(j):
            scores[root(i)].append(share)
            words[root(i)].update(shared)
    clusters = []
    for key, members in groups.items():
        if len(members) < 2:
            continue
        rows = sorted((appeals[i] for i in members), key=lambda a: (a.registered_at, a.pk))
        people = len({_person(a) for a in rows})
        if people < 2:
            continue  # one person's appeals are repeats, not a collective issue
        same_theme = len({a.theme_id for a in rows}) == 1
        regions = {a.region for a in rows}
        region = REGIONS.get(next(iter(regions)), "") if len(regions) == 1 else ""
        score = sum(scores[key]) / len(scores[key])
        score += (THEME_BONUS if same_theme else 0) + (REGION_BONUS if region else 0)
        top = {s for s, _ in words[key].most_common(SHOWN_WORDS)}
        shown = words_in(f"{rows[0].subject} {rows[0].text}", top)[:SHOWN_WORDS]
        clusters.append(Cluster(rows, score, shown, same_theme, region, people))
    clusters.sort(key=lambda c: (-c.score, -len(c.appeals), c.appeals[0].pk))
    return clusters[:limit]


# ---- the public page and citizens --------------------------------------------------------------


@dataclass(frozen=True)
class PublicIssue:
    """What anyone may read of a public issue: nothing of the appeals, no signer's name."""

    issue: CollectiveIssue
    signer_count: int
    signed: bool  # the viewer has signed it (and not withdrawn)
    own_appeal: bool  # the viewer signed by their own appeal (withdraw it there)


def public_issue_get(*, issue_id: int, user: User | None = None) -> PublicIssue:
    """Return a public issue for its page, or NotFound (a staff-only issue is not shown)."""
    issue = (
        CollectiveIssue.objects.select_related("theme")
        .filter(pk=issue_id, is_public=True)
        .annotate(signer_count=Count("signers", filter=Q(signers__withdrawn_at__isnull=True)))
        .first()
    )
    if issue is None:
        raise NotFound(NOT_FOUND, field="issue")
    mine = None
    if user is not None and user.is_authenticated:
        mine = issue.signers.filter(user=user).first()
    signed = mine is not None and mine.withdrawn_at is None
    by_appeal = mine is not None and signed and mine.way == Signer.Way.APPEAL
    return PublicIssue(issue, issue.signer_count, signed, by_appeal)


def signature_state(*, user: User, issue_id: int) -> tuple[bool, int]:
    """Return whether the user's signature stands and how many signatures stand (1 query)."""
    rows = Signer.objects.filter(issue_id=issue_id, withdrawn_at__isnull=True)
    counts = rows.aggregate(total=Count("pk"), mine=Count("pk", filter=Q(user=user)))
    return bool(counts["mine"]), counts["total"]


def signed_by(*, user: User) -> list[Signer]:
    """The collective issues a citizen signed (by appeal or co-signing), newest first (1 query)."""
    if not (user.is_authenticated and user.is_citizen):
        return []
    return list(
        Signer.objects.filter(user=user)
        .select_related("issue", "appeal")
        .order_by("-signed_at", "-pk")[:200]
    )


@dataclass(frozen=True)
class Offer:
    issue: CollectiveIssue
    words: list[str]
    signed: bool


OFFERS_READ = 200
OFFERS_MAX = 3


def collective_offers(
    *, user: User | None, subject: str, text: str, theme_code: str = "", region: str = ""
) -> list[Offer]:
    """Public open issues like a draft being typed (help before filing), most alike first.

    Similar: at least two shared stems with the issue's title, summary and member subjects, or
    one with the same theme; the same region ranks higher. Two queries at most.
    """
    typed = f"{subject or ''} {text or ''}"
    mine = set(analyse(typed).split())
    if len(mine) < 2:
        return []
    rows = list(
        CollectiveIssue.objects.filter(is_public=True, state=CollectiveIssue.State.OPEN)
        .select_related("theme")
        .only("pk", "title", "summary", "stems", "theme__code", "theme__name", "region")
        .order_by("-created_at")[:OFFERS_READ]
    )
    found = []
    for issue in rows:
        shared = mine & set(issue.stems.split())
        same_theme = bool(theme_code) and issue.theme.code == theme_code
        if len(shared) < 2 and not (same_theme and shared):
            continue
        score = (
            len(shared) + (2 if same_theme else 0) + (1 if region and region == issue.region else 0)
        )
        found.append((score, issue.pk, issue, shared))
    found.sort(key=lambda row: (-row[0], -row[1]))
    chosen = found[:OFFERS_MAX]
    signed: set[int] = set()
    if chosen and user is not None and user.is_authenticated:
        signed = set(
            Signer.objects.filter(
                user=user, issue_id__in=[r[1] for r in chosen], withdrawn_at__isnull=True
            ).values_list("issue_id", flat=True)
        )
    return [
        Offer(issue, words_in(typed, shared)[:SHOWN_WORDS], issue.pk in signed)
        for _, _, issue, shared in chosen
    ]


__all__ = [
    "Cluster",
    "IssueDetail",
    "Offer",
    "PublicIssue",
    "active_signers",
    "cluster_suggestions",
    "collective_offers",
    "issue_detail",
    "issue_get",
    "issues_list",
    "issues_visible_to",
    "open_issues_for_merge",
    "public_issue_get",
    "signature_state",
    "signed_by",
]
