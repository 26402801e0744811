"""Side effects of other apps' changes, connected in ``ApplicationsConfig.ready()``:

- a change to the working-day calendar (a CalendarDay saved or deleted, or days added in
  bulk by ``manage.py sync_calendar``: ``portal.signals.calendar_changed``) re-derives
  the clocks of open applications after the commit, and records a 期限重算 where it moved
  a due date (the calendar is data; 条例 Art 33 counts working days);
- an answer letter going live through the workflow's publish step answers its
  application in the same transaction (``portal.signals.went_live``: the hook that has
  the acting user and time).
"""

from django.db import transaction

BEFORE = "_applications_calendar_before"


class CalendarChanges:
    """The calendar days one transaction changed, each with its kind before the
    transaction (None: an ordinary day). One on-commit callback per transaction compares
    the calendar as it was with the calendar as committed, however many rows changed."""

    def __init__(self):
        self.before = {}
        self.done = False  # run: a later change starts a new collector

    def note(self, day, kind):
        self.before.setdefault(day, kind)  # the first change of a day saw its old state

    def __call__(self):
        from disclosure.applications.services import applications_calendar_changed

        self.done = True
        applications_calendar_changed(before=self.before)


def _record(before: dict, using) -> None:
    """Add ``before`` to this transaction's collector, registered on commit the first
    time. Django keeps the callbacks of the open transaction in ``run_on_commit``
    (dropping those of a rolled-back savepoint); outside a transaction the callback runs
    at once, after the row was written."""
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        for _savepoints, callback, _robust in connection.run_on_commit:
            if isinstance(callback, CalendarChanges) and not callback.done:
                for day, kind in before.items():
                    callback.note(day, kind)
                return
    changes = CalendarChanges()
    for day, kind in before.items():
        changes.note(day, kind)
    transaction.on_commit(changes, using=using)


def calendar_day_saving(sender, instance, raw=False, using=None, **kwargs):
    """pre_save: what the row's day (and, if the row moves to another day, its old day)
    was before the save."""
    if raw:
        return
    before = {instance.day: None}
    if instance.pk is not None:
        old = (
            sender._default_manager.using(using)
            .filter(pk=instance.pk)
            .values_list("day", "kind")
            .first()
        )
        if old is not None:
            before[old[0]] = old[1]
    setattr(instance, BEFORE, before)


def calendar_day_saved(sender, instance, raw=False, using=None, **kwargs):
    if raw:
        return
    _record(getattr(instance, BEFORE, None) or {instance.day: None}, using)


def calendar_day_deleted(sender, instance, using=None, **kwargs):
    _record({instance.day: instance.kind}, using)


def calendar_synced(sender, *, days, using=None, **kwargs):
    """``portal.signals.calendar_changed``: ``manage.py sync_calendar`` added ``days`` in
    bulk (no post_save); each was an ordinary day before."""
    _record(dict.fromkeys(days), using)


def answer_letter_went_live(sender, *, item, by, now, **kwargs):
    from disclosure.applications.services import answer_letter_went_live as answered

    answered(letter=item, by=by, now=now)
