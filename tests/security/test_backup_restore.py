"""``manage.py backup`` and ``restore``: a backup restored into a fresh database and a fresh
upload folder holds every document, letter and application, and the attachment's bytes."""

import hashlib
import json
import uuid
from contextlib import contextmanager

import psycopg2
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from disclosure.applications.models import Application
from disclosure.models import Attachment, Document
from mailbox.models import Letter, Mailbox
from portal.backup import database_parameters
from tests.applications.factories import ApplicationFactory
from tests.disclosure.factories import DocumentFactory
from tests.disclosure.test_views import attach
from tests.mailbox.conftest import submit
from tests.portal.factories import OrganizationFactory

# pg_dump reads the database from another process: the rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + "第一条".encode() * 100


def connect(name):
    parameters = database_parameters(name)
    return psycopg2.connect(
        dbname=name,
        user=parameters["USER"] or None,
        password=parameters["PASSWORD"] or None,
        host=parameters["HOST"] or None,
        port=parameters["PORT"] or None,
    )


@contextmanager
def fresh_database():
    """An empty database on the test server, dropped afterwards."""
    name = f"restore_{uuid.uuid4().hex[:12]}"
    admin = connect(database_parameters()["NAME"])
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        yield name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def rows(database, model, column="id"):
    connection = connect(database)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT "{column}" FROM "{model._meta.db_table}" ORDER BY id')
            return [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()


def restore_events(database):
    """The ``restore`` audit events' details in ``database``."""
    connection = connect(database)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT details FROM audit_auditevent WHERE action = 'restore'")
            return [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()


def make_content():
    organization = OrganizationFactory(name="重庆市民政局")
    document = DocumentFactory(title="城乡低保实施办法", published=True, organization=organization)
    attachment = attach(document, "实施细则.pdf", PDF)
    mailbox = Mailbox.objects.create(name="局长信箱", slug="director", organization=organization)
    submit(mailbox, name="𠀀𪚥")
    ApplicationFactory(organization=organization, info_title="2025年低保资金发放情况")
    return attachment


def test_a_backup_restored_into_a_fresh_database_finds_everything(tmp_path, settings):
    attachment = make_content()
    call_command("backup", to=str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["files"]) == {"database.dump", "media.tar.gz"}
    assert all(len(digest) == 64 for digest in manifest["files"].values())

    media = tmp_path / "restored-media"
    with fresh_database() as database:
        call_command("restore", str(folder), database=database, media_root=str(media))
        for model in (Document, Attachment, Letter, Application):
            expected = list(model.objects.order_by("id").values_list("id", flat=True))
            assert expected and rows(database, model) == expected, model.__name__
        assert rows(database, Document, "title") == ["城乡低保实施办法"]
        assert rows(database, Attachment, "file") == [attachment.file.name]
        assert rows(database, Application, "info_title") == ["2025年低保资金发放情况"]
        # The restored audit log says it was replaced, and by which backup.
        manifest_sha256 = hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()
        assert [event["manifest_sha256"] for event in restore_events(database)] == [manifest_sha256]
        # A second restore into the now full database is refused without --force.
        with pytest.raises(CommandError, match="不是空的"):
            call_command("restore", str(folder), database=database, media_root=str(tmp_path / "x"))
        call_command("restore", str(folder), database=database, media_root=str(media), force=True)
        assert rows(database, Letter) == list(Letter.objects.values_list("id", flat=True))
    assert (media / attachment.file.name).read_bytes() == PDF


def test_a_tampered_backup_is_refused(tmp_path):
    make_content()
    call_command("backup", to=str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    with (folder / "media.tar.gz").open("ab") as archive:
        archive.write(b"\0")
    with fresh_database() as database, pytest.raises(CommandError, match="校验和不符"):
        call_command("restore", str(folder), database=database, media_root=str(tmp_path / "m"))


def test_restore_into_the_configured_non_empty_database_is_refused(tmp_path):
    make_content()
    call_command("backup", to=str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore", str(folder))
