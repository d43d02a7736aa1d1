"""Fixtures of the knowledge base: an administrator (the editor) and published articles."""

from __future__ import annotations

import pytest

from priemnaya.accounts.roles import Role
from priemnaya.catalog.models import Theme
from priemnaya.knowledge.models import Section
from priemnaya.knowledge.services import ArticleData, article_publish, article_save
from tests import factories


@pytest.fixture
def administrator(catalog):
    return factories.make_user(Role.ADMINISTRATOR)


@pytest.fixture
def section(catalog):
    return Section.objects.create(slug="vhod", title="Вход и учётная запись", order=1)


@pytest.fixture
def write(administrator, section):
    """Return a function that creates an article (published unless told otherwise)."""

    def _write(title: str, body: str = "Текст.", *, publish: bool = True, **extra):
        themes = [Theme.objects.get(code=c) for c in extra.pop("themes", ())]
        article = article_save(
            actor=administrator,
            data=ArticleData(
                title=title,
                section=extra.pop("section", section),
                summary=extra.pop("summary", ""),
                body=body,
                keywords=extra.pop("keywords", ""),
                themes=themes,
                slug=extra.pop("slug", ""),
            ),
        )
        if publish:
            article = article_publish(actor=administrator, article=article)
        return article

    return _write


@pytest.fixture
def sms(write):
    return write(
        "Не приходит код из СМС",
        "Проверьте номер телефона и память устройства. Новый код можно запросить через минуту.",
        summary="Что делать, если код подтверждения не пришёл.",
        keywords="смс код подтверждения",
        themes=("tech-sms",),
        slug="ne-prihodit-kod",
    )


@pytest.fixture
def draft(write):
    return write(
        "Секретный черновик про шлагбаумы",
        "Шлагбаумы и турникеты.",
        publish=False,
        slug="chernovik",
    )
