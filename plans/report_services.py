"""The report pages' writes: the 考核 weights and the year-end summary of a plan.

Each needs ``plans.supervise_plan`` (or a superuser): ``portal.oversee_all`` alone lets a
supervisor read every plan, not change one. Each change is recorded in the plan's
admin history (``services.log_plan_change``), as starting and archiving it are.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from plans.models import Plan
from plans.querysets import SUPERVISE
from plans.services import log_plan_change

MAX_WEIGHT = 100


def may_change_reports(user) -> bool:
    return user.is_superuser or user.has_perm(SUPERVISE)


def plan_set_weights(
    *, plan: Plan, on_time_weight: int, progress_weight: int, reporting_weight: int, by
) -> Plan:
    """Set the three 考核 weights: whole numbers from 0 to 100, not all 0."""
    if not may_change_reports(by):
        raise PermissionDenied
    weights = {
        "on_time_weight": on_time_weight,
        "progress_weight": progress_weight,
        "reporting_weight": reporting_weight,
    }
    for name, value in weights.items():
        if not isinstance(value, int) or not 0 <= value <= MAX_WEIGHT:
            label = Plan._meta.get_field(name).verbose_name
            raise ValidationError(
                {name: f"{label}应为 0 到 {MAX_WEIGHT} 之间的整数。"}, code="weight_range"
            )
    if not any(weights.values()):
        raise ValidationError("三项权重不能都为 0。", code="no_weight")
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        old = (plan.on_time_weight, plan.progress_weight, plan.reporting_weight)
        for name, value in weights.items():
            setattr(plan, name, value)
        plan.full_clean()
        plan.save(update_fields=[*weights, "updated_at"])
        log_plan_change(
            plan,
            by,
            f"修改考核权重：按期完成 {old[0]}→{on_time_weight}，完成进度 {old[1]}→"
            f"{progress_weight}，按频次报送 {old[2]}→{reporting_weight}",
        )
    return plan


def plan_set_summary(*, plan: Plan, text: str, by) -> Plan:
    """Save the year-end summary (plain text, as edited by the supervisor)."""
    if not may_change_reports(by):
        raise PermissionDenied
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        plan.summary = text  # BlockField normalises it on save
        plan.full_clean()
        plan.save(update_fields=["summary", "updated_at"])
        log_plan_change(plan, by, "修改年度总结")
    return plan
