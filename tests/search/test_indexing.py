"""The index follows the journal, and the rebuild command rebuilds it."""

from __future__ import annotations

from django.core.management import call_command

from priemnaya.appeals import services
from priemnaya.appeals.inputs import input_from_appeal
from priemnaya.appeals.selectors import appeals_visible_to
from priemnaya.cli import build_parser
from priemnaya.search.backends import backend
from priemnaya.search.documents import APPEALS
from priemnaya.search.selectors import search_appeals
from tests.search.helpers import relay


def found(user, term: str) -> list[int]:
    return search_appeals(term, within=appeals_visible_to(user=user))


def test_a_submitted_appeal_is_searchable_after_the_relay(citizen, submit):
    # given an appeal filed through the service
    appeal = submit(citizen, subject="Сломался шлагбаум", text="Не открывается.")
    assert found(citizen, "шлагбаум") == []  # not indexed before the journal is relayed
    # when the outbox hands its events on
    relay()
    # then
    assert found(citizen, "шлагбаумы") == [appeal.pk]


def test_messages_and_answers_the_applicant_sees_are_searched(citizen, operator, registered):
    # given a comment, a clarification round and an answer
    services.appeal_comment(appeal=registered, actor=citizen, text="Добавляю про маршрутизатор.")
    services.appeal_take(appeal=registered, actor=operator)
    services.appeal_request_info(appeal=registered, actor=operator, question="Какой браузер?")
    services.appeal_provide_info(appeal=registered, actor=citizen, text="Браузер Хромиум.")
    services.appeal_answer(
        appeal=registered, actor=operator, outcome="resolved", text="Почистите кэш браузера."
    )
    relay()
    # then each is found by the applicant and by staff
    for term in ("маршрутизаторы", "хромиум", "кэша", "браузеров"):
        assert found(citizen, term) == [registered.pk], term
        assert found(operator, term) == [registered.pk], term


def test_internal_notes_are_not_indexed(citizen, operator, registered):
    services.appeal_note(appeal=registered, actor=operator, text="Заявитель грубил, осторожно.")
    relay()
    assert found(citizen, "грубил") == []
    assert found(operator, "грубил") == []


def test_an_edit_replaces_the_old_words(citizen, registered):
    data = input_from_appeal(registered)
    data.subject = "Совсем другая тема"
    data.text = "Про светофор."
    services.appeal_edit(appeal=registered, actor=citizen, data=data)
    relay()
    assert found(citizen, "светофор") == [registered.pk]
    assert found(citizen, "пароля") == []  # the factory's text is gone


def test_rebuild_indexes_everything_and_forgets_what_is_gone(citizen, submit):
    # given two appeals the relay never indexed, and an entry for an appeal that does not exist
    first = submit(citizen, subject="Первое про лифт")
    second = submit(citizen, subject="Второе про лифт")
    engine = backend()
    from priemnaya.search.backends import Document

    engine.write(APPEALS, [Document(id=10**9, head="лифт", body="")])
    # when
    call_command("search_rebuild")
    # then
    assert found(citizen, "лифт") == [second.pk, first.pk]
    assert engine.count(APPEALS) == 2


def test_rebuild_with_clear(citizen, submit):
    appeal = submit(citizen, subject="Про лифт")
    call_command("search_rebuild", "--clear")
    assert found(citizen, "лифт") == [appeal.pk]


def test_cli_exposes_rebuild():
    args = build_parser().parse_args(["search", "rebuild", "--clear"])
    assert args.func.__name__ == "cmd_search_rebuild"
    assert args.clear is True
