from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "priemnaya.accounts"
    label = "accounts"
    verbose_name = "Учётные записи"
