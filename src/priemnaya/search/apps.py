from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "priemnaya.search"
    label = "search"
    verbose_name = "Поиск"

    def ready(self) -> None:
        from priemnaya.appeals.outbox import register
        from priemnaya.search.indexer import AppealIndexer

        # The journal's outbox hands every event that changes what is searched to the indexer.
        register(AppealIndexer())
