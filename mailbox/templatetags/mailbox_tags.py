from django import template

from mailbox import stats

register = template.Library()


@register.filter
def percent(value):
    return stats.percent(value)


@register.filter
def workdays(value):
    return stats.days(value)
