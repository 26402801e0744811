from django.apps import AppConfig


class InterpretationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "interpretation"
    verbose_name = "政策解读"

    def ready(self):
        from disclosure.models import Document
        from interpretation import sync
        from interpretation.models import Interpretation
        from interpretation.search_index import INTERPRETATIONS
        from interpretation.sitemaps import InterpretationSitemap
        from interpretation.views import related_block
        from portal import related, search, signals
        from portal.sitemaps import register_sitemap

        search.register(INTERPRETATIONS)
        register_sitemap("interpretations", InterpretationSitemap)
        related.register(Document, related_block)
        signals.checking_publishable.connect(sync.hold_document_for_interpretation, sender=Document)
        signals.went_live.connect(sync.publish_interpretations_with_document, sender=Document)
        signals.checking_publishable.connect(
            sync.hold_interpretation_for_document, sender=Interpretation
        )
