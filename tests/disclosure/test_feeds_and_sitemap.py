import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from disclosure.models import TopicCategory
from tests.disclosure.factories import DocumentFactory
from tests.portal.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def rss_titles(response):
    return [item.findtext("title") for item in ET.fromstring(response.content).iter("item")]


def test_the_documents_feed_lists_the_newest_public_documents(client):
    DocumentFactory(title="公开的通知", published=True)
    DocumentFactory(title="草稿通知")
    response = client.get(reverse("disclosure:feed-documents"))
    assert response["Content-Type"].startswith("application/rss+xml")
    assert rss_titles(response) == ["公开的通知"]


def test_the_atom_feed_carries_the_same_documents(client):
    DocumentFactory(title="公开的通知", published=True)
    root = ET.fromstring(client.get(reverse("disclosure:feed-documents-atom")).content)
    assert [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")] == ["公开的通知"]


def test_a_topic_feed_includes_its_sub_topics_only(client):
    civil = TopicCategory.objects.get(name="民政、扶贫、救灾", parent=None)
    DocumentFactory(
        title="福利", category=TopicCategory.objects.get(name="社会福利"), published=True
    )
    DocumentFactory(title="教育", category=TopicCategory.objects.get(name="教育"), published=True)
    assert rss_titles(client.get(reverse("disclosure:feed-category", args=[civil.pk]))) == ["福利"]


def test_an_organization_feed_includes_its_departments(client):
    bureau = OrganizationFactory()
    office = OrganizationFactory(parent=bureau, credit_code="")
    DocumentFactory(title="处室发", organization=office, published=True)
    DocumentFactory(title="别处发", published=True)
    assert rss_titles(client.get(reverse("disclosure:feed-organization", args=[bureau.pk]))) == [
        "处室发"
    ]
    assert client.get(reverse("disclosure:feed-organization", args=[999999])).status_code == 404


def test_the_sitemap_lists_every_published_page_and_nothing_else(client):
    public = DocumentFactory(published=True)
    draft = DocumentFactory()
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-documents.xml" in index and "sitemap-columns.xml" in index
    documents = client.get("/sitemap-documents.xml").content.decode()
    assert public.get_absolute_url() in documents and draft.get_absolute_url() not in documents
    columns = client.get("/sitemap-columns.xml").content.decode()
    for path in ["/disclosure/", "/disclosure/guide/", "/disclosure/columns/rules/"]:
        assert path in columns


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_admin_and_search(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text and "Disallow: /search/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_a_document_page_carries_the_government_site_meta_tags(client):
    document = DocumentFactory(
        title="关于低保的通知", keywords="低保", summary="内容概述", published=True
    )
    html = client.get(document.get_absolute_url()).content.decode()
    for name, value in [
        ("SiteName", "重庆市民政局"),
        ("ColumnName", "社会福利"),
        ("ArticleTitle", "关于低保的通知"),
        ("PubDate", "2024-05-06 10:30"),
        ("ContentSource", document.organization.display_name),
        ("Keywords", "低保"),
        ("description", "内容概述"),
        ("Url", f"http://testserver{document.get_absolute_url()}"),
    ]:
        assert f'<meta name="{name}" content="{value}">' in html, name
