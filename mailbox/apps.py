from django.apps import AppConfig


class MailboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mailbox"
    verbose_name = "领导信箱"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from mailbox import (
            checks,  # noqa: F401  (registers the production check)
            receivers,
        )
        from mailbox.search_index import REPLIES
        from mailbox.sitemaps import ReplySitemap
        from portal import search, signals
        from portal.models import CalendarDay
        from portal.sitemaps import register_sitemap

        search.register(REPLIES)
        register_sitemap("mailbox-replies", ReplySitemap)
        post_save.connect(receivers.calendar_changed, sender=CalendarDay)
        post_delete.connect(receivers.calendar_changed, sender=CalendarDay)
        # manage.py sync_calendar adds days in bulk, without post_save.
        signals.calendar_changed.connect(receivers.calendar_changed, sender=CalendarDay)
