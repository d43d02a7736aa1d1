"""Errors a person can cause on the pages answer in Russian, with the right status."""

from __future__ import annotations

from django.test import Client

from tests.factories import signed_in


def test_a_form_over_the_size_limit_is_413_in_russian(citizen, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = signed_in(citizen).post("/cabinet/new/", {"text": "я" * 2000})
    assert response.status_code == 413
    page = response.content.decode()
    assert "Слишком большой запрос" in page
    assert 'lang="ru"' in page


def test_a_post_without_the_csrf_token_is_403_in_russian(citizen):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    response = client.post("/cabinet/new/", {"subject": "Тема"})
    assert response.status_code == 403
    assert "Форма устарела" in response.content.decode()
