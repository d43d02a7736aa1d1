"""The suggested theme and department of an appeal's text (issue 12 item 7).

A linear classifier over TF-IDF of the search stems (search.text.analyse): explainable, the words
that pushed a suggestion are the stems with the largest weight × presence. Learned from appeals
that staff have handled (taken, answered, redirected, forwarded or closed): their final theme and
department after staff action are the labels. The trained object is pickled into
``search_suggest_model``; each process loads the newest row once and keeps it until a newer one
appears. scikit-learn is imported only here, inside functions: a process that never suggests never
loads it.
"""

from __future__ import annotations

import pickle
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef

from priemnaya.appeals.models import Appeal, Event
from priemnaya.appeals.states import EventType
from priemnaya.catalog.models import Department, Theme
from priemnaya.core.errors import ValidationFailed
from priemnaya.search.models import SuggestModel
from priemnaya.search.text import analyse, spellings

TEXT_MAX = 5000
SUBJECT_MAX = 200
# Journal entries that mean a person on staff has read the appeal where it now is: its theme and
# department stand confirmed (or were corrected, by a redirect).
STAFF_CONFIRMS = (
    EventType.TAKEN,
    EventType.REDIRECTED,
    EventType.FORWARDED,
    EventType.ANSWERED,
    EventType.CLOSED,
)
WORDS = 5


class TooLittleData(Exception):
    """Not enough labelled appeals (or themes) to learn from; the message says which."""


@dataclass(frozen=True)
class Sample:
    subject: str
    text: str
    theme: str  # code
    department: str  # code


@dataclass(frozen=True)
class Suggestion:
    theme: str
    theme_name: str
    department: str
    department_name: str
    confidence: float
    words: list[str]

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


@dataclass
class Trained:
    """What is pickled: the vectoriser, the classifier and each theme's usual department."""

    vectorizer: Any
    classifier: Any
    departments: dict[str, str]
    kind: str
    metrics: dict[str, Any] = field(default_factory=dict)


def tokens(text: str) -> list[str]:
    """Return the stems the model sees (module level: the pickled vectoriser refers to it)."""
    return analyse(text).split()


def document(subject: str, text: str) -> str:
    return f"{subject or ''}\n{text or ''}"


def staff_labelled() -> list[Sample]:
    """Return the training set: registered appeals, routed, on a theme with a department, that
    staff have taken, answered, redirected, forwarded or closed; labels are their current theme
    and department."""
    handled = Event.objects.filter(
        appeal=OuterRef("pk"), type__in=STAFF_CONFIRMS, actor__isnull=False
    ).exclude(actor_role__in=("", "citizen"))
    rows = (
        Appeal.objects.filter(number__isnull=False, unrouted=False)
        .exclude(theme__default_department__isnull=True)
        .filter(Exists(handled))
        .values_list("subject", "text", "theme__code", "department__code")
        .order_by("id")
    )
    return [Sample(*row) for row in rows]


def _fit(kind: str, docs: list[str], labels: list[str]) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB

    vectorizer = TfidfVectorizer(analyzer=tokens, sublinear_tf=True, min_df=1, ngram_range=(1, 1))
    matrix = vectorizer.fit_transform(docs)
    classifier = (
        ComplementNB(alpha=0.3)
        if kind == "complement_nb"
        else LogisticRegression(C=10, max_iter=2000)
    )
    classifier.fit(matrix, labels)
    return vectorizer, classifier


def _topk(vectorizer: Any, classifier: Any, docs: list[str], labels: list[str]) -> dict[str, float]:
    import numpy as np

    proba = classifier.predict_proba(vectorizer.transform(docs))
    order = np.argsort(-proba, axis=1)
    classes = list(classifier.classes_)
    top1 = top3 = 0
    for row, label in zip(order, labels, strict=True):
        ranked = [classes[i] for i in row[:3]]
        top1 += ranked[0] == label
        top3 += label in ranked
    return {"top1": round(top1 / len(labels), 4), "top3": round(top3 / len(labels), 4)}


def score(model: Trained, samples: list[Sample]) -> dict[str, float]:
    """Return the top-1 and top-3 accuracy of a trained model on labelled samples."""
    docs = [document(s.subject, s.text) for s in samples]
    return {
        **_topk(model.vectorizer, model.classifier, docs, [s.theme for s in samples]),
        "n": len(samples),
    }


def _split(samples: list[Sample], holdout: float, seed: int) -> tuple[list[Sample], list[Sample]]:
    """Split per theme (stratified), so every theme is in both parts when it has two samples."""
    by_theme: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_theme[sample.theme].append(sample)
    rng = random.Random(seed)  # noqa: S311 — a reproducible split, not a secret
    train: list[Sample] = []
    test: list[Sample] = []
    for code in sorted(by_theme):
        group = by_theme[code][:]
        rng.shuffle(group)
        cut = round(len(group) * holdout) if len(group) > 1 else 0
        test += group[:cut]
        train += group[cut:]
    return train, test


def train(
    *, holdout: float = 0.2, seed: int = 1, extra: list[Sample] | None = None
) -> SuggestModel:
    """Learn from staff-handled appeals (plus ``extra`` labelled samples), store a new version.

    Both classifiers are scored on the held-out part; the better one (top-1, then top-3) is
    refitted on everything and stored with the scores. Raises TooLittleData.
    """
    samples = staff_labelled() + list(extra or [])
    themes = Counter(s.theme for s in samples)
    minimum = settings.PRIEMNAYA_SUGGEST_MIN_SAMPLES
    if len(samples) < minimum:
        raise TooLittleData(
            f"Мало размеченных обращений: {len(samples)}, нужно не меньше {minimum}."
        )
    if len(themes) < 2:
        raise TooLittleData(f"Нужно не меньше двух тем, есть {len(themes)}.")
    train_part, test_part = _split(samples, holdout, seed)
    scores: dict[str, dict[str, float]] = {}
    if test_part:
        for kind in ("logistic_regression", "complement_nb"):
            vectorizer, classifier = _fit(
                kind,
                [document(s.subject, s.text) for s in train_part],
                [s.theme for s in train_part],
            )
            scores[kind] = _topk(
                vectorizer,
                classifier,
                [document(s.subject, s.text) for s in test_part],
                [s.theme for s in test_part],
            )
    best = max(
        scores, key=lambda k: (scores[k]["top1"], scores[k]["top3"]), default="logistic_regression"
    )
    vectorizer, classifier = _fit(
        best, [document(s.subject, s.text) for s in samples], [s.theme for s in samples]
    )
    departments: dict[str, str] = {}
    for code in themes:
        departments[code] = Counter(s.department for s in samples if s.theme == code).most_common(
            1
        )[0][0]
    metrics = {
        "classifier": best,
        "samples": len(samples),
        "themes": len(themes),
        "train": len(train_part),
        "holdout": len(test_part),
        "holdout_share": holdout,
        "seed": seed,
        "scores": scores,
        "top1": scores.get(best, {}).get("top1"),
        "top3": scores.get(best, {}).get("top3"),
    }
    trained = Trained(vectorizer, classifier, departments, best, metrics)
    return SuggestModel.objects.create(
        samples=len(samples), metrics=metrics, blob=pickle.dumps(trained)
    )


_cached: tuple[int, Trained] | None = None


def current() -> Trained | None:
    """Return the newest stored model, loaded once per process per version (one query)."""
    global _cached
    newest = SuggestModel.objects.order_by("-id").values_list("id", flat=True).first()
    if newest is None:
        return None
    if _cached is None or _cached[0] != newest:
        blob = SuggestModel.objects.values_list("blob", flat=True).get(id=newest)
        # Our own object, written by train() into our own table: never anything from outside.
        _cached = (newest, pickle.loads(bytes(blob)))  # noqa: S301
    return _cached[1]


def check_input(text: str, subject: str = "") -> None:
    """Refuse an empty or too long text (and a too long subject), naming the field."""
    if not (text or "").strip():
        raise ValidationFailed.single("text", "Введите текст обращения.")
    if len(text) > TEXT_MAX:
        raise ValidationFailed.single("text", f"Текст длиннее {TEXT_MAX} символов.")
    if len(subject or "") > SUBJECT_MAX:
        raise ValidationFailed.single("subject", f"Тема длиннее {SUBJECT_MAX} символов.")


def suggest(text: str, subject: str = "", *, limit: int = 3) -> list[Suggestion]:
    """Return up to ``limit`` suggested themes, most likely first; [] without a model or words."""
    check_input(text, subject)
    model = current()
    if model is None:
        return []
    import numpy as np

    row = model.vectorizer.transform([document(subject, text)])
    if row.nnz == 0:
        return []
    proba = model.classifier.predict_proba(row)[0]
    classes = list(model.classifier.classes_)
    weights = (
        model.classifier.coef_
        if model.kind != "complement_nb"
        else model.classifier.feature_log_prob_
    )
    weights = np.asarray(weights)
    if weights.shape[0] == 1:  # two classes: one row of weights for the second one
        weights = np.vstack([-weights[0], weights[0]])
    relative = weights - weights.mean(axis=0)
    names = model.vectorizer.get_feature_names_out()
    present = row.indices
    values = row.data
    order = np.argsort(-proba)[: limit * 2]
    # The words shown are the text's own, not stems («кодом», not «код»).
    spelled = spellings(document(subject, text), {str(names[j]) for j in present})
    codes = [classes[i] for i in order]
    themes = {t.code: t for t in Theme.objects.filter(code__in=codes, is_active=True)}
    departments = {
        d.code: d
        for d in Department.objects.filter(code__in=[model.departments.get(c, "") for c in codes])
    }
    out: list[Suggestion] = []
    for i in order:
        theme = themes.get(classes[i])
        department = departments.get(model.departments.get(classes[i], ""))
        if theme is None or department is None:
            continue
        push = values * relative[i, present]
        stems = [str(names[present[j]]) for j in np.argsort(-push)[:WORDS] if push[j] > 0]
        words = [spelled.get(s, s) for s in stems]
        out.append(
            Suggestion(
                theme=theme.code,
                theme_name=theme.name,
                department=department.code,
                department_name=department.name,
                confidence=round(float(proba[i]), 2),
                words=words,
            )
        )
        if len(out) == limit:
            break
    return out


def best(text: str, subject: str = "") -> Suggestion | None:
    """Return the first suggestion if it is confident enough to show, else None (never raises)."""
    try:
        found = suggest(text, subject, limit=1)
    except ValidationFailed:
        return None
    if found and found[0].confidence >= settings.PRIEMNAYA_SUGGEST_MIN_CONFIDENCE:
        return found[0]
    return None
