"""Seed 主题分类, 体裁分类 and the 政府信息公开 sub-columns.

Historical models carry no MPTT logic, so the tree fields are computed here: each
topic is a tree of its own (tree_id = position), its sub-topics one level below.
"""

from django.db import migrations

COLUMNS = [
    ("guide", "政府信息公开指南", 10),
    ("rules", "政府信息公开制度", 20),
    ("catalogue", "法定主动公开内容", 30),
    ("annual-reports", "政府信息公开年报", 40),
]


def seed(apps, schema_editor):
    from disclosure.vocabularies import GENRES, TOPICS

    TopicCategory = apps.get_model("disclosure", "TopicCategory")
    for tree_id, (topic, subtopics) in enumerate(TOPICS, start=1):
        root = TopicCategory.objects.create(
            name=topic, tree_id=tree_id, level=0, lft=1, rght=2 + 2 * len(subtopics)
        )
        TopicCategory.objects.bulk_create(
            TopicCategory(name=name, parent=root, tree_id=tree_id, level=1, lft=2 + 2 * i, rght=3 + 2 * i)
            for i, name in enumerate(subtopics)
        )
    Genre = apps.get_model("disclosure", "Genre")
    Genre.objects.bulk_create(Genre(name=name, sort_order=i) for i, name in enumerate(GENRES, start=1))
    ColumnPage = apps.get_model("disclosure", "ColumnPage")
    for slug, title, order in COLUMNS:
        ColumnPage.objects.create(slug=slug, title=title, sort_order=order)


def unseed(apps, schema_editor):
    for model in ["ColumnPage", "Genre", "TopicCategory"]:
        apps.get_model("disclosure", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
