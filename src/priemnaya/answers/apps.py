from django.apps import AppConfig


class AnswersConfig(AppConfig):
    name = "priemnaya.answers"
    label = "answers"
    verbose_name = "Ответы и подписи"
