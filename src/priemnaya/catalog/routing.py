"""Routing rules (SPEC §8): which department an appeal goes to, decided by an ordered list.

A rule matches when every condition it sets holds: the kind; the theme (the appeal's theme or
its section); the service code; the region; one of its keywords. Keywords are compared by
Russian Snowball stems, case- and ё/е-folded, so «жалобы на оператора» matches «жалоба на
операторов»; a keyword of several words needs the stems of all of them (short function words
aside). The first active rule by (order, id) wins; none → the theme's department; no theme
department → the first-line department, «не распределено».
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

from priemnaya.catalog.cache import catalog_cached
from priemnaya.catalog.models import Department, Kind, Policy, RoutingRule, Theme


class RouteBy:
    RULE = "rule"
    THEME = "theme"
    FIRST_LINE = "first_line"


# Prepositions, conjunctions and particles: they carry no topic, and requiring them would make
# «жалоба на оператора» miss «жалоба оператору».
_STOP = (
    "а без в во вы да для до если же за и из или к ко ли на над но о об обо "
    "от по под при про с со так то у уже что чтобы я мы он она они оно это"
)
STOP_WORDS = frozenset(_STOP.split())
_WORD = re.compile(r"[0-9a-zа-я]+")

_stemmer = snowballstemmer.stemmer("russian")
# A snowballstemmer object keeps state while it stems a word: one caller at a time.
_stem_lock = threading.Lock()


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """Return the Russian Snowball stem of a folded word."""
    with _stem_lock:
        return _stemmer.stemWord(word)


def fold(text: str) -> str:
    """Return the text lower-cased with «ё» read as «е» (people type both)."""
    return (text or "").lower().replace("ё", "е")


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def stems(text: str, *, significant: bool = True) -> frozenset[str]:
    """Return the set of stems of the words of a text (function words left out if asked)."""
    found = words(text)
    kept = [w for w in found if w not in STOP_WORDS] if significant else found
    return frozenset(stem(w) for w in (kept or found))


def keyword_list(keywords: str) -> list[str]:
    """Return the rule's keywords: comma-separated, blanks dropped."""
    return [k.strip() for k in (keywords or "").split(",") if k.strip()]


def keyword_hit(keywords: str, text_stems: frozenset[str]) -> str | None:
    """Return the first keyword all of whose stems are in the text, or None."""
    for keyword in keyword_list(keywords):
        wanted = stems(keyword)
        if wanted and wanted <= text_stems:
            return keyword
    return None


@dataclass(frozen=True)
class RouteInput:
    """What routing looks at: the appeal's kind, theme, service code, text and region."""

    kind: Kind | None = None
    theme: Theme | None = None
    service_code: str = ""
    text: str = ""
    region: str = ""
    # Stems of the text, computed once for all the rules.
    text_stems: frozenset[str] = field(default=frozenset(), compare=False)

    @classmethod
    def of(
        cls,
        *,
        kind: Kind | None,
        theme: Theme | None,
        service_code: str = "",
        text: str = "",
        region: str = "",
    ) -> RouteInput:
        return cls(
            kind=kind,
            theme=theme,
            service_code=(service_code or "").strip(),
            text=text or "",
            region=(region or "").strip(),
            text_stems=stems(text or ""),
        )


def rule_mismatches(rule: RoutingRule, route: RouteInput) -> list[str]:
    """Return why the rule does not match, one line per condition that fails (empty: matches)."""
    why: list[str] = []
    if rule.kind_id and (route.kind is None or route.kind.pk != rule.kind_id):
        why.append(f"вид не «{rule.kind.name}»" if rule.kind else "другой вид")
    if rule.theme_id:
        theme = route.theme
        own = {theme.pk, theme.parent_id} - {None} if theme is not None else set()
        if rule.theme_id not in own:
            why.append(f"тема не «{rule.theme.name}» и не из её раздела" if rule.theme else "")
    if rule.service_code and fold(rule.service_code.strip()) != fold(route.service_code):
        why.append(f"код госуслуги не «{rule.service_code}»")
    if rule.region and rule.region.strip() != route.region:
        why.append(f"регион не {rule.region}")
    if rule.keywords and keyword_hit(rule.keywords, route.text_stems) is None:
        why.append(f"в тексте нет ни одного из ключевых слов: {rule.keywords}")
    return [w for w in why if w]


def rule_matches(
    rule: RoutingRule,
    *,
    kind: Kind | None,
    theme: Theme | None,
    service_code: str = "",
    text: str = "",
    region: str = "",
) -> bool:
    """Return True if every condition the rule sets holds for the appeal."""
    route = RouteInput.of(
        kind=kind, theme=theme, service_code=service_code, text=text, region=region
    )
    return not rule_mismatches(rule, route)


@dataclass(frozen=True)
class RouteDecision:
    """Where the appeal goes and why: by a rule, by its theme, or to the first line."""

    department: Department
    rule: RoutingRule | None = None
    priority: int | None = None
    by: str = RouteBy.RULE

    @property
    def unrouted(self) -> bool:
        return self.by == RouteBy.FIRST_LINE

    def journal(self) -> dict[str, object]:
        """Return what the «registered» event records about the route."""
        if self.rule is not None:
            return {
                "by": RouteBy.RULE,
                "rule": self.rule.pk,
                "name": self.rule.name,
                "department": self.department.code,
            }
        return {"by": self.by, "department": self.department.code}


def active_rules() -> list[RoutingRule]:
    """Return the active rules in the order they are tried, with what they send to.

    Read once per catalog version in each process (catalog/cache.py): an edit in admin still
    applies to the very next appeal.
    """
    return list(
        catalog_cached(
            "routing:active-rules",
            lambda: list(
                RoutingRule.objects.filter(is_active=True, department__is_active=True)
                .select_related("department", "kind", "theme")
                .order_by("order", "id")
            ),
        )
    )


def first_matching(rules: Iterable[RoutingRule], route: RouteInput) -> RoutingRule | None:
    return next((rule for rule in rules if not rule_mismatches(rule, route)), None)


def first_line_department() -> Department | None:
    """Return the department whose operators route what no rule could, if one is set up."""
    found = Department.objects.filter(is_first_line=True, is_active=True).order_by("pk").first()
    if found is None:
        found = Department.objects.filter(is_quality_control=True, is_active=True).first()
    return found


def route_for(
    route: RouteInput, *, rules: Sequence[RoutingRule] | None = None
) -> RouteDecision | None:
    """Return where an appeal goes: the first matching rule, the theme's department, the first
    line; None only if not even a first-line department is set up."""
    rule = first_matching(active_rules() if rules is None else rules, route)
    if rule is not None:
        return RouteDecision(rule.department, rule, rule.priority, RouteBy.RULE)
    theme = route.theme
    department = theme.default_department if theme and theme.default_department_id else None
    if department is not None and department.is_active:
        return RouteDecision(department, by=RouteBy.THEME)
    first_line = first_line_department()
    return RouteDecision(first_line, by=RouteBy.FIRST_LINE) if first_line else None


@dataclass(frozen=True)
class RuleCheck:
    """One rule as the preview shows it: whether it matched and, if not, why."""

    rule: RoutingRule
    matched: bool
    reasons: list[str]
    chosen: bool = False


@dataclass(frozen=True)
class RoutePreview:
    """What registration would do with an appeal: every rule checked, the route and the policy."""

    checks: list[RuleCheck]
    decision: RouteDecision | None
    policy: Policy | None  # None when no kind was given


def route_preview(route: RouteInput) -> RoutePreview:
    """Check every rule (inactive ones too, marked so) against an appeal, as admin's preview."""
    from priemnaya.catalog.policies import PolicyMissing, policy_for

    rules = list(
        RoutingRule.objects.select_related("department", "kind", "theme").order_by("order", "id")
    )
    usable = [r for r in rules if r.is_active and r.department.is_active]
    decision = route_for(route, rules=usable)
    checks = []
    for rule in rules:
        reasons = rule_mismatches(rule, route)
        if not rule.is_active:
            reasons = ["правило не действует", *reasons]
        elif not rule.department.is_active:
            reasons = [f"ведомство «{rule.department.name}» не действует", *reasons]
        chosen = decision is not None and decision.rule is not None and decision.rule.pk == rule.pk
        checks.append(RuleCheck(rule, not reasons, reasons, chosen))
    policy: Policy | None = None
    if route.kind is not None:
        try:
            policy = policy_for(route.kind, route.theme)
        except PolicyMissing:
            policy = None
    return RoutePreview(checks, decision, policy)
