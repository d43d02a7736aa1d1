from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "priemnaya.security"
    label = "security"
    verbose_name = "Вход и защита учётных записей"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from priemnaya.security import sessions

        def logged_in(sender, request, user, **kwargs):
            sessions.session_started(request, user)

        def logged_out(sender, request, user, **kwargs):
            sessions.session_logged_out(request)

        user_logged_in.connect(
            logged_in, weak=False, dispatch_uid="priemnaya.security.session_started"
        )
        user_logged_out.connect(
            logged_out, weak=False, dispatch_uid="priemnaya.security.session_ended"
        )

        from priemnaya.security import signin  # noqa: F401 — connects the lockout signal
