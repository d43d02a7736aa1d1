from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "priemnaya.accounts"
    label = "accounts"
    verbose_name = "Учётные записи"

    def ready(self) -> None:
        # Role changes reach the audit log (issue 9, audit).
        from priemnaya.accounts.audit_trail import connect

        connect()
