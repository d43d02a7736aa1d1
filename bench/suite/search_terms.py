"""The words the search is measured with (issue 12 item 3): a rare word planted in a few
appeals before the index is built, a word about 10 % of appeals hold, and a miss.

Shared by the suite (P4 rows of `priemnaya bench run`) and bench/search_latency.py.
"""

from __future__ import annotations

import random
from collections import Counter

RARE_WORD = "квазиэлектрификация"
RARE_MATCHES = 20
MISS_WORD = "бегемотообразный"


def mark_rare(rng: random.Random, matches: int = RARE_MATCHES) -> list[int]:
    """Give ``matches`` appeals across the years the rare word (before the index is built)."""
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    from priemnaya.appeals.models import Appeal

    top = Appeal.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = rng.sample(range(1, top + 1), min(matches, top))
    Appeal.objects.filter(pk__in=ids).update(text=Concat(F("text"), Value(f" {RARE_WORD}.")))
    return sorted(ids)


def common_words(sample: int, rng: random.Random) -> dict[str, tuple[str, float]]:
    """Return stems found in a share of appeals nearest 10 % (from a sample): one from what
    the applicants wrote (subject and text), one from the whole document (answers included)."""
    from priemnaya.appeals.models import Appeal
    from priemnaya.search.documents import appeal_documents
    from priemnaya.search.text import analyse, stem

    top = Appeal.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = rng.sample(range(1, top + 1), min(sample, top))
    documents, _gone = appeal_documents(ids)
    written = Appeal.objects.filter(pk__in=ids).values_list("subject", "text")
    picked = {}
    in_written: set[str] = set()
    for name, texts in (
        ("common", [analyse(f"{subject} {text}") for subject, text in written]),
        ("common_in_answers", [d.everything for d in documents]),
    ):
        df: Counter[str] = Counter()
        for text in texts:
            df.update(set(text.split()))
        # A stem that is its own stem, so that searching for it finds exactly its documents.
        share = {
            word: n / len(texts)
            for word, n in df.items()
            if not word.isdigit() and stem(word) == word and len(word) > 3
        }
        if name == "common_in_answers":
            share = {w: v for w, v in share.items() if w not in in_written}
        word = min(share, key=lambda w: abs(share[w] - 0.10))
        picked[name] = (word, share[word])
        in_written = set(df)
    return picked
