"""Official holidays and swapped working days from the maintained ``chinesecalendar`` package.

Used by the seeding migration and by ``manage.py sync_calendar`` after the package is
upgraded; days already stored (for example entered by hand in the admin) are left alone.
"""

from chinese_calendar import constants

from portal import signals

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def _chinese(name: str) -> str:
    return NAMES.get(name, name)


def official_days():
    """(day, kind, name) for every holiday and adjusted working day the package knows."""
    for day, name in sorted(constants.holidays.items()):
        yield day, "holiday", _chinese(name)
    for day, name in sorted(constants.workdays.items()):
        yield day, "workday", _chinese(name)


def sync_calendar(calendar_day_model) -> int:
    """Add the package's days missing from the table; return how many were added."""
    known = set(calendar_day_model.objects.values_list("day", flat=True))
    new = [
        calendar_day_model(day=day, kind=kind, name=name)
        for day, kind, name in official_days()
        if day not in known
    ]
    calendar_day_model.objects.bulk_create(new)
    if new:
        # bulk_create sends no post_save: tell the apps whose deadlines count working days.
        signals.calendar_changed.send(sender=calendar_day_model, days=[row.day for row in new])
    return len(new)
