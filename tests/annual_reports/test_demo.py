"""The demo's annual report: published, consistent, and loaded once however often the
command runs."""

import os

import pytest
from django.core.management import CommandError, call_command

from disclosure.annual_reports.models import AnnualReport
from portal.models import WorkflowEvent

pytestmark = pytest.mark.django_db


def test_the_command_needs_the_demo_site_first():
    with pytest.raises(CommandError, match="load_demo"):
        call_command("load_annual_report_demo", stdout=open(os.devnull, "w"))


def test_the_demo_report_is_published_once_and_reads_on_the_site(client):
    quiet = open(os.devnull, "w")
    call_command("load_demo", stdout=quiet)
    call_command("load_annual_report_demo", stdout=quiet)
    events = WorkflowEvent.objects.count()
    call_command("load_annual_report_demo", stdout=quiet)  # a second run changes nothing
    assert WorkflowEvent.objects.count() == events
    report = AnnualReport.objects.get()
    assert report.status == "published" and report.year == 2025
    report.check_publishable()  # consistent tables
    html = client.get(report.get_absolute_url()).content.decode()
    assert "重庆市民政局2025年政府信息公开工作年度报告" in html
    assert '<td class="num">326</td>' in html
