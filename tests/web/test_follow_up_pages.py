"""«Обжаловать ответ» and «Повторить обращение» through the cabinet pages."""

from __future__ import annotations

import re

import pytest

from priemnaya.appeals.models import Appeal
from tests.factories import APPEAL_FORM, signed_in


def form_of(page: str, name: str) -> str:
    """The value of a hidden input, read from the page as a browser would."""
    marker = f'name="{name}" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def test_citizen_contests_an_answer_from_the_appeal_page(citizen, answered):
    client = signed_in(citizen)
    # given the appeal page offers both follow-ups
    page = client.get(f"/cabinet/appeals/{answered.number}/").content.decode()
    assert f"?contest={answered.number}" in page
    assert f"?repeat={answered.number}" in page
    # when the citizen opens the contest form
    response = client.get(f"/cabinet/new/?contest={answered.number}")
    form = response.content.decode()
    assert response.status_code == 200
    assert "Обжалование ответа" in form
    assert f"№ {answered.display_number}" in form
    assert "Сохранить черновик" not in form
    assert form_of(form, "follow_up") == "contest"
    assert re.search(r'<select name="kind"[^>]*disabled', form)
    # and sends it
    response = client.post(
        "/cabinet/new/",
        {
            **{
                k: v for k, v in APPEAL_FORM.items() if k != "kind"
            },  # a disabled select is not sent
            "subject": "Не согласен с ответом",
            "text": "Пароль сбросил, войти всё равно не могу.",
            "follow_up": "contest",
            "source": form_of(form, "source"),
            "client_token": "contest-1",
        },
    )
    # then a contest is registered a level up and both pages show the link
    contest = Appeal.objects.get(contest_of=answered)
    assert response.status_code == 302
    assert contest.kind.code == "contest"
    assert contest.department.code == "quality"
    new_page = client.get(f"/cabinet/appeals/{contest.number}/").content.decode()
    assert "Обжалует ответ по обращению" in new_page
    assert answered.display_number in new_page
    old_page = client.get(f"/cabinet/appeals/{answered.number}/").content.decode()
    assert "Обжалование</dt>" in old_page
    assert contest.display_number in old_page
    assert f"?contest={answered.number}" not in old_page  # one contest at a time


def test_repeat_form_is_a_copy_of_the_earlier_appeal(citizen, answered):
    client = signed_in(citizen)
    form = client.get(f"/cabinet/new/?repeat={answered.number}").content.decode()
    assert "Повторное обращение" in form
    assert answered.text in form
    assert answered.subject in form
    response = client.post(
        "/cabinet/new/",
        {**APPEAL_FORM, "follow_up": "repeat", "source": answered.number, "client_token": "r-1"},
    )
    assert response.status_code == 302
    assert Appeal.objects.get(repeat_of=answered).kind.code == "support"


def test_follow_up_of_an_appeal_in_work_is_refused_on_the_form(citizen, submit):
    # given an appeal nobody has answered yet
    source = submit(citizen)
    client = signed_in(citizen)
    assert "?contest=" not in client.get(f"/cabinet/appeals/{source.number}/").content.decode()
    # when the contest is posted anyway
    response = client.post(
        "/cabinet/new/", {**APPEAL_FORM, "follow_up": "contest", "source": source.number}
    )
    # then the form comes back with the reason and what was typed
    page = response.content.decode()
    assert response.status_code == 400
    assert "Обжаловать можно обращение, по которому дан ответ" in page
    assert APPEAL_FORM["text"] in page
    assert Appeal.objects.count() == 1


def test_follow_up_is_not_saved_as_draft(citizen, answered):
    response = signed_in(citizen).post(
        "/cabinet/new/",
        {**APPEAL_FORM, "follow_up": "repeat", "source": answered.number, "save_draft": "1"},
    )
    assert response.status_code == 400
    assert "не сохраняются как черновик" in response.content.decode()
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize("link", ["contest", "repeat"])
def test_nobody_follows_up_another_citizens_appeal(other_citizen, answered, link):
    client = signed_in(other_citizen)
    assert client.get(f"/cabinet/new/?{link}={answered.number}").status_code == 404
    response = client.post(
        "/cabinet/new/", {**APPEAL_FORM, "follow_up": link, "source": answered.number}
    )
    assert response.status_code == 404
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize("source", ["26-0000000-1", "abc", ""])
def test_malformed_or_unknown_source_is_404_or_ignored(citizen, source):
    response = signed_in(citizen).get(f"/cabinet/new/?contest={source}")
    assert response.status_code == (200 if source == "" else 404)
