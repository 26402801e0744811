"""A plan of the agency's bureau with tasks its office leads, and the steps a test takes
through the services (report, accept), each by the agency's role for it."""

import struct
import zlib
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from plans import services
from plans.models import Plan
from tests.disclosure.factories import DocumentFactory
from tests.plans.factories import PlanFactory, TaskFactory

DAY = date(2019, 5, 6)


def png() -> bytes:
    """A valid one-pixel PNG: an upload the project's checks accept."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")  # fmt: skip


def screenshot(name="会议记录.png"):
    return SimpleUploadedFile(name, png(), content_type="image/png")


def active_plan(agency, **fields) -> Plan:
    return PlanFactory(organization=agency.bureau, status=Plan.Status.ACTIVE, **fields)


def leaf(plan, agency, *, parent=None, **fields):
    fields.setdefault("lead_department", agency.office)
    cooperating = fields.pop("cooperating_departments", ())
    task = TaskFactory(plan=plan, parent=parent, **fields)
    task.cooperating_departments.set(cooperating)
    return task


def public_document(agency, **fields):
    return DocumentFactory(organization=agency.office, published=True, **fields)


def report(task, agency, progress, *, by=None, evidence=(), files=(), on=DAY, text="已完成部署。"):
    return services.update_submit(
        task=task, by=by or agency.clerk, reported_on=on, text=text, progress=progress,
        documents=evidence, files=files,
    )  # fmt: skip


def accepted(task, agency, progress, **kwargs):
    update = report(task, agency, progress, **kwargs)
    return services.update_accept(update=update, by=agency.supervisor)
