"""Django admin signs in through the product's sign-in: no password-only way around the second
factor and the lockout."""

import pytest

from tests.factories import PASSWORD, make_citizen, make_user

pytestmark = pytest.mark.django_db


def test_the_admin_login_form_is_not_served_and_sends_to_the_sign_in(client):
    response = client.get("/admin/login/?next=/admin/appeals/appeal/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/appeals/appeal/"
    # Posting a password to the admin's form signs nobody in.
    admin = make_user("administrator", is_staff=True, is_superuser=True)
    client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})
    assert client.get("/admin/").status_code == 302


def test_signed_in_staff_go_on_to_the_admin_and_others_are_refused(client):
    admin = make_user("administrator", is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    client.force_login(make_citizen())
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_a_foreign_next_is_not_followed(client):
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/accounts/login/?next=/admin/"
