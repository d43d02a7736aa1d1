from django.apps import AppConfig


class MailIntakeConfig(AppConfig):
    name = "priemnaya.mail_intake"
    label = "mail_intake"
    verbose_name = "Приём электронной почты"
