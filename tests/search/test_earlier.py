"""The applicant's earlier appeals on the console appeal page and their repeat marks (issue 12)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from priemnaya.appeals import services
from priemnaya.appeals.models import Appeal
from priemnaya.appeals.states import Channel
from priemnaya.search.earlier import LIMIT, earlier_appeals, repeat_reason
from tests import factories

LOGIN_TEXT = "После ввода пароля страница входа обновляется и снова просит логин и пароль."


def _filed(citizen, *, days_ago: int, **overrides) -> Appeal:
    appeal = factories.submit_appeal(citizen, **overrides)
    moment = appeal.registered_at - timedelta(days=days_ago)
    Appeal.objects.filter(pk=appeal.pk).update(registered_at=moment, created_at=moment)
    appeal.refresh_from_db()
    return appeal


@pytest.fixture
def history(catalog, citizen):
    """A citizen's appeals: repeats of the current one, unrelated ones, one elsewhere."""
    return {
        "same": _filed(citizen, days_ago=60, subject="Не пускает в кабинет", text=LOGIN_TEXT),
        "words": _filed(
            citizen,
            days_ago=30,
            theme="tech-upload",
            subject="Вход в кабинет",
            text="Страница входа снова просит пароль после ввода пароля.",
        ),
        "theme": _filed(citizen, days_ago=20, subject="Сброс пароля", text="Как сменить почту?"),
        "other": _filed(
            citizen, days_ago=10, theme="tech-upload", subject="Файл", text="PDF не прикрепляется."
        ),
        "old": _filed(citizen, days_ago=400, subject="Давно", text=LOGIN_TEXT),
        "hidden": _filed(
            citizen,
            days_ago=5,
            kind="complaint",
            theme="services-refusal",
            subject="Отказали в услуге по ошибке",
            text="Мне отказали в выдаче справки.",
        ),
    }


@pytest.fixture
def current(history, citizen):
    return factories.submit_appeal(citizen, subject="Снова не могу войти", text=LOGIN_TEXT)


def test_the_operator_sees_the_applicants_other_appeals_newest_first_with_repeat_marks(
    operator, history, current
):
    # when
    found = earlier_appeals(appeal=current, user=operator)
    # then the hidden complaint (services department) is counted, not listed
    by_number = {e.appeal.number: e for e in found.items}
    assert [e.appeal.pk for e in found.items] == [
        history[k].pk for k in ("other", "theme", "words", "same", "old")
    ]
    assert found.hidden == 1
    assert not found.more
    # same theme and words
    same = by_number[history["same"].number]
    assert same.repeat
    assert same.reason.startswith("совпадают тема и слова: ")
    assert "пароля" in same.reason
    assert "входа" in same.reason
    # words only
    assert by_number[history["words"].number].reason.startswith("совпадают слова: ")
    # theme only
    assert by_number[history["theme"].number].reason == "совпадает тема"
    # neither; and older than 12 months
    assert not by_number[history["other"].number].repeat
    assert not by_number[history["old"].number].repeat
    assert by_number[history["old"].number].reason == ""


def test_quality_control_sees_every_department_and_nothing_is_hidden(supervisor, history, current):
    found = earlier_appeals(appeal=current, user=supervisor)
    assert history["hidden"].pk in [e.appeal.pk for e in found.items]
    assert found.hidden == 0


def test_a_later_appeal_is_never_marked_a_repeat_of(catalog, citizen):
    first = factories.submit_appeal(citizen, text=LOGIN_TEXT)
    later = factories.submit_appeal(citizen, text=LOGIN_TEXT)
    assert repeat_reason(later, first).startswith("совпадают тема и слова")
    assert repeat_reason(first, later) == ""


def test_the_applicants_own_repeat_link_is_the_reason(catalog, citizen):
    first = factories.submit_appeal(citizen, theme="tech-upload", text="Файл не грузится.")
    later = factories.submit_appeal(citizen, text="Иное.")
    later.repeat_of = first
    assert repeat_reason(later, first) == "заявитель указал его как повторяемое"


def test_more_than_ten_ask_for_the_queue_filtered_by_applicant(operator, citizen, catalog):
    appeals = [factories.submit_appeal(citizen) for _ in range(LIMIT + 2)]
    found = earlier_appeals(appeal=appeals[-1], user=operator)
    assert len(found.items) == LIMIT
    assert found.more
    # the queue filtered by applicant lists them all, closed ones too
    html = factories.signed_in(operator).get("/console/", {"applicant": citizen.pk}).content
    assert html.decode().count("/console/appeals/") >= LIMIT + 2


def test_a_letter_with_only_a_postal_address_has_no_earlier(operator, catalog):
    # Postal addresses are written too many ways to match on; an account, e-mail or phone is kept.
    letter = factories.appeal_input(
        applicant_name="Сидоров Пётр Ильич",
        contact_email="",
        contact_address="Москва, ул. Ленина, 1",
    )
    services.appeal_submit(actor=operator, data=letter, channel=Channel.LETTER)
    call = services.appeal_submit(actor=operator, data=letter, channel=Channel.LETTER)
    found = earlier_appeals(appeal=call, user=operator)
    assert found.items == []
    assert found.hidden == 0


# ---- the page and the API -----------------------------------------------------------------------


def test_the_console_page_shows_the_block_without_leaking_the_hidden_one(
    operator, history, current
):
    html = factories.signed_in(operator).get(f"/console/appeals/{current.number}/").content.decode()
    assert 'data-testid="earlier-appeals"' in html
    assert html.count('data-testid="repeat-mark"') == 3
    assert f"/console/appeals/{history['same'].number}/" in html
    assert "совпадают тема и слова:" in html
    assert "Ещё 1 — в отделах, к которым у вас нет доступа." in html
    assert history["hidden"].subject not in html
    assert history["hidden"].display_number not in html


def test_the_citizen_never_sees_the_block(citizen, history, current):
    html = factories.signed_in(citizen).get(f"/cabinet/appeals/{current.number}/").content.decode()
    assert 'data-testid="earlier-appeals"' not in html
    assert "возможно, повторное" not in html


def test_the_api_lists_the_earlier_appeals_with_marks(operator, history, current):
    response = factories.api(operator)("get", f"/staff/appeals/{current.number}/earlier")
    assert response.status_code == 200
    body = response.json()
    assert body["hidden"] == 1
    assert body["more"] is False
    first_repeat = next(i for i in body["items"] if i["repeat"])
    assert first_repeat["reason"]
    assert history["hidden"].display_number not in response.content.decode()
    assert {i["number"] for i in body["items"]} == {
        history[k].display_number for k in ("same", "words", "theme", "other", "old")
    }


def test_the_api_is_404_for_staff_of_another_department(specialist, history, current):
    response = factories.api(specialist)("get", f"/staff/appeals/{current.number}/earlier")
    assert response.status_code == 404
    assert history["same"].display_number not in response.content.decode()
