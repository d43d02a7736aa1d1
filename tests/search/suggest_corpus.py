"""A small synthetic labelled corpus for the theme suggester's tests: three clear topics."""

from __future__ import annotations

from priemnaya.search.suggest import Sample

_TOPICS = {
    # theme: (department, sentences)
    "tech-sms": (
        "support",
        [
            "Не приходит смс с кодом подтверждения",
            "Код из СМС не приходит на телефон",
            "СМС код приходит поздно и не подходит",
            "Не могу получить смс код для входа",
        ],
    ),
    "services-payment": (
        "services-support",
        [
            "Оплата госпошлины не проходит картой",
            "Деньги списали дважды, верните платёж",
            "Штраф оплачен, а квитанции об оплате нет",
            "Прошу вернуть деньги за пошлину",
        ],
    ),
    "personal-data": (
        "privacy",
        [
            "Прошу удалить мои персональные данные",
            "Отзываю согласие на обработку персональных данных",
            "Утечка моих паспортных данных",
            "Кто обрабатывает мои персональные данные",
        ],
    ),
}
_TAILS = ["", "Прошу помочь.", "Спасибо.", "Уже неделю так.", "Срочно!"]


def corpus(per_theme: int = 12, themes: tuple[str, ...] | None = None) -> list[Sample]:
    out = []
    for code, (department, sentences) in _TOPICS.items():
        if themes is not None and code not in themes:
            continue
        for i in range(per_theme):
            text = f"{sentences[i % len(sentences)]}. {_TAILS[i % len(_TAILS)]}"
            out.append(Sample("", text, code, department))
    return out
