import pytest
from django.urls import reverse

from disclosure.models import ColumnPage
from tests.disclosure.factories import DisclosureGuideFactory

pytestmark = pytest.mark.django_db


def test_the_guide_carries_every_required_item_and_its_update_date(client):
    guide = DisclosureGuideFactory()
    html = client.get(reverse("disclosure:guide")).content.decode()
    for text in ["信息分类与编排体系", "按主题分类编排", "获取方式", "网站查阅或依申请公开", "局办公室",
                 "重庆市渝北区某路1号", "工作日 9:00—17:30", "023-11111111", "023-22222222",
                 "zwgk@example.gov.cn", "更新日期"]:  # fmt: skip
        assert text in html, text
    assert guide.updated_at.astimezone().strftime("%Y-%m-%d") in html


def test_the_guide_column_without_a_guide_shows_its_note(client):
    ColumnPage.objects.filter(slug="guide").update(empty_note="指南正在编制中。")
    assert "指南正在编制中。" in client.get(reverse("disclosure:guide")).content.decode()


@pytest.mark.parametrize(
    "slug, title", [("rules", "政府信息公开制度"), ("annual-reports", "政府信息公开年报")]
)
def test_an_empty_column_shows_its_editable_note(client, slug, title):
    """The 年报 column's address now leads to the reports' list, which shows the note."""
    ColumnPage.objects.filter(slug=slug).update(body="", empty_note=f"{title}栏目暂无内容。")
    response = client.get(reverse("disclosure:column-page", kwargs={"slug": slug}), follow=True)
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html
    assert f"{title}栏目暂无内容。" in html


def test_a_column_with_content_shows_it_and_its_update_date(client):
    rules = ColumnPage.objects.get(slug="rules")
    rules.body = "<p>保密审查制度</p><script>x</script>"
    rules.save()
    html = client.get(rules.get_absolute_url()).content.decode()
    assert "<p>保密审查制度</p>" in html and "<script>x" not in html
    assert "更新日期" in html


def test_every_sub_column_is_in_the_column_navigation(client):
    html = client.get(reverse("disclosure:document-list")).content.decode()
    nav = html.split('aria-label="政府信息公开栏目"')[1].split("</nav>")[0]
    for title in ["政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报"]:
        assert title in nav


def test_an_unknown_column_is_not_found(client):
    assert client.get("/disclosure/columns/nope/").status_code == 404
