"""Fixtures of the chat: people, an operator's hours always open, a published article."""

from __future__ import annotations

import pytest

from priemnaya.accounts.roles import Role
from priemnaya.knowledge.models import Section
from priemnaya.knowledge.services import ArticleData, article_publish, article_save
from tests import factories


@pytest.fixture
def citizen(catalog):
    return factories.make_citizen(full_name="Петрова Анна Игоревна")


@pytest.fixture
def other_citizen(catalog):
    return factories.make_citizen(full_name="Сидоров Пётр Ильич")


@pytest.fixture
def operator(catalog):
    return factories.make_operator(full_name="Иванова Мария Петровна")


def open_around_the_clock(settings) -> None:
    """Operators answer around the clock (no hotline line behind the chat)."""
    settings.PRIEMNAYA_CHAT_LINE = ""
    settings.PRIEMNAYA_CHAT_HOURS = "00:00-00:00"


@pytest.fixture
def always_open(settings):
    open_around_the_clock(settings)


def publish_sms_article():
    """A published article the bot finds for «не приходит смс с кодом»."""
    admin = factories.make_user(Role.ADMINISTRATOR)
    section = Section.objects.create(slug="vhod", title="Вход и учётная запись", order=1)
    article = article_save(
        actor=admin,
        data=ArticleData(
            title="Не приходит код из СМС",
            section=section,
            summary="Что делать, если код подтверждения не пришёл.",
            body="Проверьте номер телефона и память устройства. Новый код — через минуту.",
            keywords="смс код подтверждения",
            themes=[],
            slug="ne-prihodit-kod",
        ),
    )
    return article_publish(actor=admin, article=article)


@pytest.fixture
def sms_article(catalog):
    return publish_sms_article()
