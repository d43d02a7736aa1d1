from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "priemnaya.catalog"
    label = "catalog"
    verbose_name = "Каталог"
