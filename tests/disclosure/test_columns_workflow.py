"""The 政府信息公开指南 and the column pages reach the public only through review, like
documents: nothing is public before an approval by someone other than its authors."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from disclosure.models import ColumnPage, DisclosureGuide
from portal import workflow
from portal.models import Status
from tests.disclosure.factories import DisclosureGuideFactory

pytestmark = pytest.mark.django_db
RULES = reverse("disclosure:column-page", kwargs={"slug": "rules"})
GUIDE = reverse("disclosure:guide")


def edit_rules(agency, client, body):
    client.force_login(agency.clerk)
    rules = ColumnPage.objects.get(slug="rules")
    url = reverse("admin:disclosure_columnpage_change", args=[rules.pk])
    data = {"title": rules.title, "body": body, "empty_note": rules.empty_note, "sort_order": "20"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return ColumnPage.objects.get(pk=rules.pk)


def test_a_clerks_edit_of_a_column_waits_for_review_and_publication(agency, client):
    rules = edit_rules(agency, client, "<p>新的保密审查制度</p>")
    assert rules.is_live and rules.status == Status.DRAFT
    assert "新的保密审查制度" not in client.get(RULES).content.decode()
    rules = workflow.perform(rules, step="submit", by=agency.clerk)
    rules = workflow.perform(rules, step="approve", by=agency.reviewer, note="不涉密，同意公开。")
    assert "新的保密审查制度" not in client.get(RULES).content.decode()
    workflow.perform(rules, step="publish", by=agency.publisher)
    assert "新的保密审查制度" in client.get(RULES).content.decode()
    actions = [event.action for event in workflow.history(rules)]
    assert actions == ["edited", "submitted", "approved", "published"]


def test_the_first_edit_of_a_seeded_column_gives_it_an_owner(agency, client):
    assert ColumnPage.objects.get(slug="rules").owner_organization is None
    assert edit_rules(agency, client, "<p>x</p>").owner_organization == agency.office


def test_the_author_of_a_column_edit_cannot_approve_it(agency, client):
    client.force_login(agency.clerk_and_reviewer)
    rules = ColumnPage.objects.get(slug="rules")
    url = reverse("admin:disclosure_columnpage_change", args=[rules.pk])
    data = {"title": rules.title, "body": "<p>自己写</p>", "empty_note": "", "sort_order": "20"}
    client.post(url, data)
    rules = workflow.perform(rules, step="submit", by=agency.clerk_and_reviewer)
    with pytest.raises(PermissionDenied):
        workflow.perform(rules, step="approve", by=agency.clerk_and_reviewer, note="同意")


def test_a_draft_guide_is_not_public_until_published(agency, client):
    guide = DisclosureGuideFactory(
        organization=agency.bureau,
        owner_organization=agency.office,
        published=False,
        office_name="草稿处",
    )
    assert "草稿处" not in client.get(GUIDE).content.decode()
    guide = workflow.perform(guide, step="submit", by=agency.clerk)
    guide = workflow.perform(guide, step="approve", by=agency.reviewer, note="同意公开。")
    workflow.perform(guide, step="publish", by=agency.publisher)
    assert "草稿处" in client.get(GUIDE).content.decode()


def test_a_withdrawn_column_answers_410(agency, client):
    rules = ColumnPage.objects.get(slug="rules")
    workflow.perform(rules, step="withdraw", by=agency.publisher, note="制度已废止")
    response = client.get(RULES)
    assert response.status_code == 410 and "已撤回" in response.content.decode()


def test_the_guide_and_columns_have_the_workflow_in_the_admin(agency, client):
    guide = DisclosureGuideFactory(organization=agency.bureau)
    client.force_login(agency.publisher)
    for url in (
        reverse("admin:disclosure_disclosureguide_changelist") + "?queue=publish",
        reverse("admin:disclosure_columnpage_changelist"),
        reverse("admin:disclosure_disclosureguide_change", args=[guide.pk]),
        reverse("admin:disclosure_disclosureguide_preview", args=[guide.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_the_demo_guide_went_through_review(agency):
    from django.core.management import call_command

    call_command("load_demo", stdout=None)
    guide = DisclosureGuide.objects.get(organization__name="重庆市民政局")
    assert guide.is_public
    actions = [event.action for event in workflow.history(guide)]
    assert actions == ["created", "submitted", "approved", "published"]
