"""The statutory publication deadline of an annual report (条例 Art 49) and the countdown
shown to supervisors. Pure.

条例 Art 49: departments of governments at county level and above publish their report
by 31 January; a government's report (published by its 政府信息公开工作主管部门) by 31
March. The portal's organizations carry no such kind (机关 at the root may be a
government or one of its departments), so the name decides: an organization whose full
name ends in 人民政府 is a government; every other one, including 内设处室 and 直属单位,
reports as a department. ``ANNUAL_REPORT_GOVERNMENTS`` (a list of full names) may name
governments whose names do not follow that pattern.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings


def is_government(name: str) -> bool:
    named = set(getattr(settings, "ANNUAL_REPORT_GOVERNMENTS", ()))
    return name in named or name.endswith("人民政府")


def deadline_for(year: int, organization_name: str) -> date:
    """The last day to publish the report on ``year``."""
    if is_government(organization_name):
        return date(year + 1, 3, 31)
    return date(year + 1, 1, 31)


def countdown_text(deadline: date, today: date, *, published_on: date | None = None) -> str:
    """距法定发布期限（2027-01-31）还有 62 天 / 今天是法定发布期限 / 已超过 … N 天; for a
    published report, whether it was published in time."""
    if published_on is not None:
        late = (published_on - deadline).days
        verdict = f"逾期 {late} 天" if late > 0 else "按期"
        return f"已于 {published_on:%Y-%m-%d} 发布（法定发布期限 {deadline:%Y-%m-%d}，{verdict}）"
    days = (deadline - today).days
    if days > 0:
        return f"距法定发布期限（{deadline:%Y-%m-%d}）还有 {days} 天"
    if days == 0:
        return f"今天是法定发布期限（{deadline:%Y-%m-%d}）"
    return f"已超过法定发布期限（{deadline:%Y-%m-%d}）{-days} 天"
