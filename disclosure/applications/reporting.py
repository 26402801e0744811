"""Section 三 of the annual report (收到和处理政府信息公开申请情况, 2021 format), counted
from the applications themselves.

For a year Y and the receiving organizations given, per applicant type (the six columns;
总计 is their sum, left to the report):

- 一、本年新收: received in Y;
- 二、上年结转: received before Y and not decided before 1 January Y;
- 三、本年度办理结果: decided in Y, by outcome leaf (the row of each leaf);
- 四、结转下年度继续办理: received by 31 December Y and not decided by then.

"Decided" is the day the outcome was given (``Application.decided_on``: the letter
issued, or the case closed as 6.1/6.2/6.3), so last year's 四 is this year's 二 and, per
column, 一 + 二 = （七）总计 + 四 holds by construction (an application is received no later
than it is decided).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q

from disclosure.applications.models import Application, ApplicationEvent
from disclosure.applications.vocabularies import ApplicantType, Outcome


def _by_type(queryset) -> dict[str, int]:
    counts = dict.fromkeys(ApplicantType.values, 0)
    for row in queryset.values("applicant_type").annotate(n=Count("pk")).order_by():
        counts[row["applicant_type"]] = row["n"]
    return counts


def table_three(*, year: int, organization_ids: list[int]) -> dict:
    """{"new": {col: n}, "carried_in": {col: n}, "outcomes": {leaf: {col: n}},
    "carried_out": {col: n}} for the applications received by ``organization_ids``."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    applications = Application.objects.filter(
        organization_id__in=list(organization_ids), received_on__isnull=False
    )
    undecided_at_start = Q(decided_on__isnull=True) | Q(decided_on__gte=start)
    undecided_at_end = Q(decided_on__isnull=True) | Q(decided_on__gt=end)
    outcomes = {leaf: dict.fromkeys(ApplicantType.values, 0) for leaf in Outcome.values}
    decided = (
        applications.filter(decided_on__range=(start, end))
        .exclude(outcome="")
        .values("outcome", "applicant_type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in decided:
        outcomes[row["outcome"]][row["applicant_type"]] = row["n"]
    return {
        "new": _by_type(applications.filter(received_on__range=(start, end))),
        "carried_in": _by_type(applications.filter(undecided_at_start, received_on__lt=start)),
        "outcomes": outcomes,
        "carried_out": _by_type(applications.filter(undecided_at_end, received_on__lte=end)),
    }


def fees_charged(*, year: int, organization_ids: list[int]) -> tuple[int, Decimal]:
    """Processing fees (信息处理费, 国办函〔2020〕109号) paid in ``year``: how many
    applications paid and the sum in 元, for the annual report's section 六 (statutory.md
    §3: fees charged). The amount is the one the fee notice stated."""
    Kind = ApplicationEvent.Kind
    paid = ApplicationEvent.objects.filter(
        kind=Kind.FEE_PAID,
        on__year=year,
        application__organization_id__in=organization_ids,
    ).values("application_id")
    amounts = ApplicationEvent.objects.filter(
        kind=Kind.FEE_NOTICE, application_id__in=paid
    ).values_list("data__amount", flat=True)
    amounts = [Decimal(str(amount or 0)) for amount in amounts]
    return len(amounts), sum(amounts, Decimal(0))
