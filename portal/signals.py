"""What the workflow tells other apps, so that one app can follow another's publications
without the other knowing it: an interpretation app holds back a policy document that
waits for its interpretation, and publishes the interpretation with it (同步发布).

Each is sent by ``portal.workflow.perform`` under the item's row lock, inside the step's
transaction, with ``sender`` the item's model:

- ``checking_publishable(item, step)``: before approve and publish, after the item's own
  ``check_publishable()``, with the version under review; a receiver refuses by raising
  ``ValidationError`` in Chinese.
- ``went_live(item, by, now)``: a version went public (or was scheduled to); a receiver's
  writes commit or roll back with the step.
- ``went_offline(item, by, now)``: the item was withdrawn.

Migrations of already-published records (``item_migrate_published`` and the bulk
imports) send nothing: they record history, they do not publish anew.

- ``calendar_changed(days)``: ``holiday_source.sync_calendar`` added these days (ordinary
  days before) to the working-day calendar in bulk, which sends no ``post_save``; the
  sender is the CalendarDay model it was given (a migration's historical model reaches
  no receiver connected to ``portal.models.CalendarDay``).
"""

from django.dispatch import Signal

checking_publishable = Signal()
went_live = Signal()
went_offline = Signal()
calendar_changed = Signal()
