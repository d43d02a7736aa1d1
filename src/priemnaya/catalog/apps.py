from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "priemnaya.catalog"
    label = "catalog"
    verbose_name = "Каталог"

    def ready(self) -> None:
        from django.core.checks import register

        from priemnaya.catalog import cache, calendars  # noqa: F401 — connect the cache-clearing signals
        from priemnaya.catalog.checks import calendar_years_check

        register(calendar_years_check)
