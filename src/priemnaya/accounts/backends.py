from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from priemnaya.accounts.selectors import user_find_by_login


class LoginBackend(ModelBackend):
    """Sign in with an e-mail address or a phone number and a password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        login = username or kwargs.get("login") or kwargs.get("email")
        if not login or password is None:
            return None
        user = user_find_by_login(login=login)
        if user is None:
            # Spend the same time as a real check so timing does not reveal which logins exist.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
