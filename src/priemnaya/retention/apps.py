from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "priemnaya.retention"
    label = "retention"
    verbose_name = "Сроки хранения и архив"
