"""The clerks' whole change forms pass axe-core (WCAG 2.1 AA), not only the editor:
autocomplete fields, attachment rows and breadcrumbs included, at 1280 and 375 px."""

import os

import pytest
from django.core.management import call_command

from tests.browser.conftest import accessibility_violations, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("width", [1280, 375])
def test_document_and_interpretation_forms_pass_axe(browser, demo_site, width):
    call_command("load_interpretation_demo", stdout=open(os.devnull, "w"))
    page = log_in(browser, demo_site, "clerk", viewport={"width": width, "height": 900})
    for path in [
        "/admin/disclosure/document/add/",
        "/admin/interpretation/interpretation/add/",
        "/admin/interpretation/interpretation/",
    ]:
        page.goto(demo_site + path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)  # select2 and the editor build their widgets on load
        assert accessibility_violations(page) == [], path
    page.goto(demo_site + "/admin/disclosure/document/add/")
    page.wait_for_load_state("load")
    combobox = page.get_by_role("combobox", name="替代文件")
    assert combobox.count() == 1  # the autocomplete is named by its label
