"""The quality loop through the pages: «Не удовлетворён» → review → confirmed or reopened."""

from __future__ import annotations

from priemnaya.appeals import services
from priemnaya.appeals.models import Appeal
from tests.factories import signed_in


def test_dissatisfied_citizen_must_say_why_then_head_confirms(citizen, operator, head, answered):
    url = f"/cabinet/appeals/{answered.number}/"
    client = signed_in(citizen)
    # when the citizen gives 1 without a reason
    response = client.post(url + "rate/", {"rate-rating": "1", "rate-comment": ""})
    # then the form says what is missing and nothing is stored
    assert response.status_code == 400
    assert "Напишите, с чем вы не согласны" in response.content.decode()
    assert Appeal.objects.get().rating is None
    # when the citizen gives the reason
    response = client.post(url + "rate/", {"rate-rating": "1", "rate-comment": "Не помогло."})
    assert response.status_code == 302
    assert "его проверит руководитель" in client.get(url).content.decode()

    # then the head finds it under «На пересмотре» and sees why
    console = signed_in(head)
    queue = console.get("/console/?review=on").content.decode()
    assert answered.display_number in queue
    assert "пересмотр" in queue
    page = console.get(f"/console/appeals/{answered.number}/").content.decode()
    assert "Не помогло." in page
    assert "Подтвердить ответ" in page
    # an ordinary operator of the department is not offered the review
    plain = signed_in(operator).get(f"/console/appeals/{answered.number}/").content.decode()
    assert "Подтвердить ответ" not in plain
    assert "Вернуть в работу" not in plain

    # when the head confirms the answer
    response = console.post(
        f"/console/appeals/{answered.number}/confirm/",
        {"confirm-comment": "Пароль сброшен, вход работает."},
    )
    # then the citizen reads it in the history and the queue no longer lists it
    assert response.status_code == 302
    assert Appeal.objects.get().review_requested_at is None
    history = client.get(url).content.decode()
    assert "Ответ проверен и подтверждён" in history
    assert "Пароль сброшен, вход работает." in history
    assert answered.display_number not in console.get("/console/?review=on").content.decode()


def test_an_ordinary_operator_posting_confirm_is_refused(citizen, operator, answered):
    services.appeal_rate(appeal=answered, actor=citizen, rating=2, comment="Долго.")
    response = signed_in(operator).post(
        f"/console/appeals/{answered.number}/confirm/", {"confirm-comment": ""}
    )
    assert response.status_code == 400
    assert "доступно руководителю отдела и контролю качества" in response.content.decode()
    assert Appeal.objects.get().review_requested_at is not None


def test_timeline_shows_the_rating_and_the_link_of_a_contest(citizen, answered):
    services.appeal_rate(appeal=answered, actor=citizen, rating=2, comment="Долго.")
    page = signed_in(citizen).get(f"/cabinet/appeals/{answered.number}/").content.decode()
    assert "Оценка: 2 из 5 — ответ передан на проверку" in page
