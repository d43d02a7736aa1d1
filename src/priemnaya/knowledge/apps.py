from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "priemnaya.knowledge"
    label = "knowledge"
    verbose_name = "База знаний"

    def ready(self) -> None:
        from priemnaya.knowledge.documents import ARTICLES, articles_rebuild
        from priemnaya.search.registry import register_collection

        # `priemnaya search rebuild` rebuilds the articles' collection too.
        register_collection(ARTICLES, articles_rebuild)
