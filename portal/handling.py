"""Cases whose personal data only their handlers see (letters, applications): the two
reads every such app needs, over the app's own rule of who handles what."""

from collections.abc import Callable

from django.db import models
from django.db.models import Q


class HandledQuerySet(models.QuerySet):
    """A subclass names its rule: a static ``handling_condition(user)``, the cases
    ``user`` handles as a ``Q``, or ``None`` for all of them (superusers). A subclass
    without one is refused when it is defined, not when a page first asks."""

    handling_condition: Callable[[object], Q | None]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not callable(getattr(cls, "handling_condition", None)):
            raise TypeError(f"{cls.__name__} must define handling_condition(user).")

    def handled_by(self, user):
        """The cases ``user`` handles, and so may see with personal data."""
        condition = self.handling_condition(user)
        return self if condition is None else self.filter(condition)

    def with_personal_data_flag(self, user):
        """Annotate ``sees_personal``: whether ``user`` may see the person's details."""
        condition = self.handling_condition(user)
        if condition is None:
            return self.annotate(sees_personal=models.Value(True))
        # CASE, not the bare condition: SQL makes "department IN (…)" NULL on a letter
        # with no department, and FALSE OR NULL is NULL, not "no".
        return self.annotate(
            sees_personal=models.Case(
                models.When(condition, then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )
