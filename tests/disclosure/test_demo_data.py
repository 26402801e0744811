from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from disclosure.models import Document
from portal.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))


def test_the_seed_000_document_carries_exactly_its_metadata(demo, client):
    document = Document.objects.get(index_number="115000000092759914/2019-01946")
    assert document.title == "重庆市民政局办公室关于印发2019年政务公开工作方案的通知"
    assert document.document_number == "渝民办〔2019〕97号"
    assert document.organization.display_name == "市民政局"
    assert document.category.name == "其他" and document.category.parent is None
    assert document.genre.name == "其他"
    assert document.written_on == date(2019, 7, 19)
    assert timezone.localtime(document.published_at).date() == date(2019, 7, 19)
    assert document.validity == ""
    html = client.get(document.get_absolute_url()).content.decode()
    assert "谁主管、谁负责、谁公开、谁审查" in html


def test_the_seed_003_document_is_in_traditional_script_without_pinyin(demo):
    document = Document.objects.get(title="民政部2016年政務公開工作要點")
    assert document.organization.display_name == "民政部"
    assert "政務公開" in document.body and "(wù)" not in document.body


def test_the_bureau_and_the_seed_departments_form_a_tree(demo):
    bureau = Organization.objects.get(name="重庆市民政局")
    assert bureau.short_name == "市民政局" and bureau.credit_code == "115000000092759914"
    children = set(bureau.get_children().values_list("short_name", flat=True))
    assert {
        "局办公室",
        "执法监督处",
        "宣传信息处",
        "区划地名处",
        "市婚姻收养登记管理中心",
        "市石桥铺殡仪馆",
    } <= children
    for organization in Organization.objects.all():
        organization.full_clean()  # every demo credit code passes the GB 32100 check


def test_the_catalogue_looks_real(demo):
    published = Document.objects.published()
    assert published.count() >= 40
    assert published.values("category").distinct().count() >= 5
    assert published.values("organization").distinct().count() >= 4
    assert len({d.published_at.year for d in published}) >= 5


def test_loading_twice_changes_nothing(demo):
    before = sorted(Document.objects.values_list("index_number", "title", "document_number"))
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert (
        sorted(Document.objects.values_list("index_number", "title", "document_number")) == before
    )
    assert Organization.objects.count() == 8


def test_the_demo_accounts_log_in_with_the_readme_password(demo, client):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    password = "zwgk-Demo-2026"
    assert f"`{password}`" in readme
    User = get_user_model()
    for username in ["admin", "clerk", "reviewer", "publisher", "supervisor"]:
        assert client.login(username=username, password=password), username
    assert User.objects.get(username="clerk").organization.name == "重庆市民政局办公室"
    assert User.objects.get(username="publisher").organization.name == "重庆市民政局宣传信息处"


def test_the_demo_home_page_opens_for_a_clerk_in_the_admin(demo, client):
    client.login(username="clerk", password="zwgk-Demo-2026")
    assert client.get("/admin/disclosure/document/").status_code == 200
