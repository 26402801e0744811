from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "disclosure"
    verbose_name = "政府信息公开"

    def ready(self):
        from disclosure import signals  # noqa: F401 - connects the cache receivers
        from disclosure.catalogue import CATALOGUE_FACETS
        from disclosure.search_index import DOCUMENTS
        from disclosure.sitemaps import ColumnSitemap, DocumentSitemap
        from portal import search
        from portal.sitemaps import register_sitemap

        search.register(DOCUMENTS)
        for param, factory in CATALOGUE_FACETS.items():
            search.register_facet(param, factory)
        register_sitemap("documents", DocumentSitemap)
        register_sitemap("columns", ColumnSitemap)
        self._check_index_number_format()

    def _check_index_number_format(self):
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        pattern = settings.INDEX_NUMBER_FORMAT
        try:
            first, second = (pattern.format(code="C", year=2000, sequence=n) for n in (1, 2))
        except (KeyError, IndexError, ValueError) as error:
            raise ImproperlyConfigured(f"INDEX_NUMBER_FORMAT {pattern!r} 无效：{error}") from error
        if first == second:
            raise ImproperlyConfigured(f"INDEX_NUMBER_FORMAT {pattern!r} 必须包含 {{sequence}}。")
