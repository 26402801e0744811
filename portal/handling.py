"""Cases whose personal data only their handlers see (letters, applications): the two
reads every such app needs, over the app's own rule of who handles what."""

from django.db import models
from django.db.models import Q


class HandledQuerySet(models.QuerySet):
    """A subclass names its rule: ``handling_condition(user)``, the cases ``user``
    handles as a ``Q``, or ``None`` for all of them (superusers)."""

    @staticmethod
    def handling_condition(user) -> Q | None:
        raise NotImplementedError

    def handled_by(self, user):
        """The cases ``user`` handles, and so may see with personal data."""
        condition = self.handling_condition(user)
        return self if condition is None else self.filter(condition)

    def with_personal_data_flag(self, user):
        """Annotate ``sees_personal``: whether ``user`` may see the person's details."""
        condition = self.handling_condition(user)
        if condition is None:
            return self.annotate(sees_personal=models.Value(True))
        return self.annotate(
            sees_personal=models.ExpressionWrapper(condition, output_field=models.BooleanField())
        )
