"""Whatever a clerk types as a report's text, ``update_submit`` stores it cleaned or
refuses it with a ValidationError in Chinese: never a database error or a crash."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plans import services
from plans.models import Update
from tests.plans.trees import DAY, active_plan, leaf


@pytest.fixture
def task(agency):
    return leaf(active_plan(agency), agency)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(text=st.text(max_size=600))
@pytest.mark.django_db
def test_any_report_text_is_stored_or_refused_in_chinese(agency, task, text):
    fresh = leaf(task.plan, agency)  # one pending report per task
    try:
        update = services.update_submit(task=fresh, by=agency.clerk, reported_on=DAY, text=text,
                                        progress=30)  # fmt: skip
    except ValidationError as error:
        assert error.message_dict == {"text": ["请填写进展情况。"]}
        return
    stored = Update.objects.get(pk=update.pk)
    assert stored.text == update.text and stored.text.strip()
    assert "\x00" not in stored.text and "\r" not in stored.text
