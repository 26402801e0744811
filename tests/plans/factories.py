"""Plans and task trees with minimal valid defaults; each test sets what it cares about."""

import factory

from plans.models import Plan, Task
from tests.portal.factories import OrganizationFactory


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    year = 2019
    title = factory.Sequence(lambda n: f"2019年政务公开工作方案{n}")
    organization = factory.SubFactory(OrganizationFactory)
    status = Plan.Status.ACTIVE


class TaskFactory(factory.django.DjangoModelFactory):
    """A task; pass ``parent=`` for a sub-task (the plan follows the parent's)."""

    class Meta:
        model = Task

    plan = factory.LazyAttribute(lambda o: o.parent.plan if o.parent else PlanFactory())
    parent = None
    position = factory.Sequence(int)
    title = factory.Sequence(lambda n: f"任务{n}")
    weight = 1
