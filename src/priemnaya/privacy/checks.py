"""System check: every store of personal data is declared to be in Russia (LEGAL.md §6 rule 28).

A Warning, not an Error: the operator may be about to declare a location; CI and
``check --deploy --fail-level WARNING`` fail on it all the same.
"""

from __future__ import annotations

from django.core.checks import CheckMessage, Warning

from priemnaya.privacy.storage import pd_violations


def pd_location_check(app_configs=None, **kwargs) -> list[CheckMessage]:
    return [
        Warning(
            f"Персональные данные хранятся вне РФ или место не указано: {store.name} "
            f"({store.where}) — «{store.location}».",
            hint=(
                "152-ФЗ ст. 18 ч. 5: укажите размещение в PRIEMNAYA_PD_LOCATIONS "
                f"(например {store.key}=RU (ЦОД, город)) или перенесите хранилище в РФ; "
                "отчёт: priemnaya pd-check."
            ),
            id="privacy.W001",
        )
        for store in pd_violations()
    ]
