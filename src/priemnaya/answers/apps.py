from django.apps import AppConfig


class AnswersConfig(AppConfig):
    name = "priemnaya.answers"
    label = "answers"
    verbose_name = "Ответы и подписи"

    def ready(self) -> None:
        from django.core.checks import register

        from priemnaya.answers.checks import signing_key_check
        from priemnaya.answers.consumer import RenditionConsumer
        from priemnaya.appeals import outbox

        # Deployment-only: tests and the demo make their own keys.
        register(signing_key_check, deploy=True)
        outbox.register(RenditionConsumer())
