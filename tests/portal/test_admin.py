import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from disclosure.models import Document
from portal.models import Organization
from tests.disclosure.factories import DocumentFactory
from tests.disclosure.test_columns import make_guide
from tests.portal.factories import UserFactory

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
    assert add.status_code in (200, 403)  # 403 only where adding is deliberately off


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m.__name__)
def test_every_change_page_opens(superuser_client, model):
    DocumentFactory(published=True)
    Group.objects.create(name="信息员")
    make_guide()
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


def test_the_publish_action_makes_a_draft_public(superuser_client):
    draft = DocumentFactory()
    superuser_client.post(
        admin_url(Document, "changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == Document.Status.PUBLISHED and draft.published_at is not None
