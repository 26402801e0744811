from datetime import date

import pytest
from django.contrib import admin
from django.urls import reverse

from disclosure.applications.models import AnswerLetter
from disclosure.models import Document, IndexNumberSequence
from mailbox.models import Letter, Reply
from plans import services as plans_services
from portal.accounts.lockout import login_failed
from portal.accounts.models import Lockout
from portal.audit.models import AuditEvent
from portal.models import Organization
from tests.annual_reports.factories import make_report
from tests.applications.factories import AnswerLetterFactory
from tests.disclosure.factories import DisclosureGuideFactory, DocumentFactory
from tests.interpretation.factories import InterpretationFactory
from tests.mailbox.factories import letter_with_public_reply
from tests.plans.factories import TaskFactory
from tests.portal.factories import UserFactory
from tests.publishing.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m.__name__)
def test_every_changelist_search_and_add_page_opens(superuser_client, model):
    DocumentFactory(published=True)
    assert superuser_client.get(admin_url(model, "changelist")).status_code == 200
    assert superuser_client.get(admin_url(model, "changelist"), {"q": "民政"}).status_code == 200
    add = superuser_client.get(admin_url(model, "add"))
    # Sequences are only ever advanced by allocation, never entered by hand; letters come
    # from citizens only and public replies from closed letters; answer letters are
    # drafted from their application; audit rows are written by the portal itself.
    # Lockouts come from failed logins only.
    refused = (IndexNumberSequence, Letter, Reply, AnswerLetter, AuditEvent, Lockout)
    assert add.status_code == (403 if model in refused else 200)


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m.__name__)
def test_every_change_page_opens(superuser_client, model):
    document = DocumentFactory(published=True)
    task = TaskFactory(lead_department=document.organization)
    plans_services.update_submit(
        task=task, by=UserFactory(is_superuser=True), reported_on=date(2019, 5, 6),
        text="已部署。", progress=30,
    )  # fmt: skip
    DisclosureGuideFactory()
    Notice.objects.create(title="测试通告", owner_organization=document.organization)
    InterpretationFactory(organization=document.organization, documents=[document])
    letter_with_public_reply(document.organization)
    AnswerLetterFactory(application__organization=document.organization)
    make_report(document.organization)
    for _ in range(5):  # a login lockout (portal.accounts)
        login_failed(username="someone", ip="10.0.0.1")
    instance = model._default_manager.first()
    if instance is None:
        pytest.fail(f"no {model.__name__} to open: the migration or the factory should create one")
    assert superuser_client.get(admin_url(model, "change", instance.pk)).status_code == 200


def test_the_admin_speaks_chinese(superuser_client):
    DocumentFactory(published=True)
    html = superuser_client.get(admin_url(Document, "changelist")).content.decode()
    assert "公开文件" in html and "发布机构" in html


def test_a_wrong_credit_code_is_a_form_error_in_the_admin(superuser_client):
    response = superuser_client.post(
        admin_url(Organization, "add"),
        {"name": "某某局", "kind": "agency", "credit_code": "115000000092759915", "_save": "保存"},
    )
    assert response.status_code == 200
    assert "校验位错误" in response.content.decode()
    assert not Organization.objects.filter(name="某某局").exists()
