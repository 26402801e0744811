"""Disclosure on request (依申请公开, 条例 Arts 27–45): applications, their statutory clock,
fees and answer letters. A Django app of its own (label ``applications``) inside the
``disclosure`` package, because the law treats it as part of government-information
disclosure; it depends on ``portal`` only."""

from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "disclosure.applications"
    label = "applications"
    verbose_name = "依申请公开"

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save

        from disclosure.applications import receivers
        from disclosure.applications.models import AnswerLetter
        from portal import signals
        from portal.models import CalendarDay

        # A calendar change re-derives the open clocks; a moved due date is a 期限重算.
        pre_save.connect(receivers.calendar_day_saving, sender=CalendarDay,
                         dispatch_uid="applications_calendar_saving")  # fmt: skip
        post_save.connect(receivers.calendar_day_saved, sender=CalendarDay,
                          dispatch_uid="applications_calendar_saved")  # fmt: skip
        post_delete.connect(receivers.calendar_day_deleted, sender=CalendarDay,
                            dispatch_uid="applications_calendar_deleted")  # fmt: skip
        signals.calendar_changed.connect(receivers.calendar_synced, sender=CalendarDay,
                                         dispatch_uid="applications_calendar_synced")  # fmt: skip
        signals.went_live.connect(receivers.answer_letter_went_live, sender=AnswerLetter,
                                  dispatch_uid="applications_answer_letter_live")  # fmt: skip
