"""Side effects of other apps' changes, connected in ``ApplicationsConfig.ready()``:

- a change to the working-day calendar moves the due dates of open applications, after
  the commit (the calendar is data; 条例 Art 33 counts working days);
- an answer letter going live through the workflow's publish step answers its
  application in the same transaction (``portal.signals.went_live``: the hook that has
  the acting user and time).
"""

from django.db import transaction


def calendar_changed(sender, **kwargs):
    if kwargs.get("raw"):
        return
    from disclosure.applications.services import recompute_open_applications

    transaction.on_commit(recompute_open_applications)


def answer_letter_went_live(sender, *, item, by, now, **kwargs):
    from disclosure.applications.services import answer_letter_went_live as answered

    answered(letter=item, by=by, now=now)
