"""Every admin page and every public URL, requested as every role: the result is the one
this table expects, never a 500. A change in any role's permissions, or a new page nobody
classified, fails here until the table says what it should be.

Admin: changelist, add page and one object's change page of each registered model. Whose
changelist opens (200) is data below (role → model labels); any other changelist is 403, and
then so are its add and change pages; where it opens, the add page is 200 or 403 (the model
may refuse adding by hand) and the change page 200 or 302 (an object outside the role's
organizations sends back to the index). Anonymous visitors are sent to the login page.
"""

from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from disclosure.models import ColumnPage
from plans import services as plans_services
from portal.roles.definitions import AUDIT_ADMIN, SECURITY_ADMIN, SYSTEM_ADMIN
from tests.annual_reports.factories import published_report
from tests.applications.factories import AnswerLetterFactory
from tests.disclosure.factories import DisclosureGuideFactory, DocumentFactory
from tests.interpretation.factories import InterpretationFactory
from tests.mailbox.factories import letter_with_public_reply
from tests.plans.factories import TaskFactory
from tests.portal.factories import UserFactory
from tests.roles.clients import VerifiedClient

pytestmark = pytest.mark.django_db

ANONYMOUS, SUPERUSER = "anonymous", "superuser"
PUBLISHING_ROLES = ["信息员", "审核员", "发布员", "督查员"]
ROLES = [ANONYMOUS, *PUBLISHING_ROLES, SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN, SUPERUSER]


# The publishing apps' models every publishing role reads in the admin (scoped to its own
# organizations inside the pages themselves).
PUBLISHING = {
    "annual_reports.AnnualReport",
    "applications.AnswerLetter",
    "disclosure.ColumnPage",
    "disclosure.DisclosureGuide",
    "disclosure.Document",
    "disclosure.Genre",
    "disclosure.TopicCategory",
    "interpretation.Interpretation",
    "mailbox.Reply",
    "plans.Plan",
    "plans.Task",
    "plans.Update",
}
# Citizens' applications and letters: handled by clerks and reviewers, overseen by the
# supervisor; the publisher publishes replies and answer letters without reading the cases.
CASES = {"applications.Application", "mailbox.Letter"}
# role → the changelists that open (200); every other registered model answers 403.
ADMIN_CHANGELISTS: dict[str, set[str]] = {
    ANONYMOUS: set(),  # every admin page: 302 to the login page
    "信息员": PUBLISHING | CASES,
    "审核员": PUBLISHING | CASES,
    "发布员": PUBLISHING,
    "督查员": PUBLISHING | CASES | {"portal.CalendarDay", "portal.Organization"},
    # 三员分立: accounts and configuration; no content, no audit log.
    SYSTEM_ADMIN: {"portal.User", "auth.Group", "portal.Organization", "portal.CalendarDay"},
    # Grants (users' groups, groups' permissions) and lockouts; no content, no audit log.
    SECURITY_ADMIN: {"portal.User", "auth.Group", "accounts.Lockout"},
    # The audit log and nothing else.
    AUDIT_ADMIN: {"audit.AuditEvent"},
}
EVERY_MODEL = {SUPERUSER}  # roles whose every changelist opens


@pytest.fixture
def world(agency):
    """One object of every registered model where a factory can make one, inside the
    agency's tree (so that organization-scoped roles see them), and one account per role."""
    document = DocumentFactory(published=True, organization=agency.bureau)
    task = TaskFactory(lead_department=agency.bureau, plan__organization=agency.bureau)
    plans_services.update_submit(
        task=task, by=UserFactory(is_superuser=True), reported_on=date(2019, 5, 6),
        text="已部署。", progress=30,
    )  # fmt: skip
    DisclosureGuideFactory(organization=agency.bureau)
    interpretation = InterpretationFactory(
        organization=agency.bureau, documents=[document], published=True
    )
    reply = letter_with_public_reply(agency.bureau)
    AnswerLetterFactory(application__organization=agency.bureau)
    report = published_report(agency)
    if apps.is_installed("tests.publishing"):
        from tests.publishing.models import Notice

        Notice.objects.create(title="测试通告", owner_organization=agency.bureau)
    accounts = {
        "信息员": agency.clerk,
        "审核员": agency.reviewer,
        "发布员": agency.publisher,
        "督查员": agency.supervisor,
        SUPERUSER: UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    for role in (SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN):
        accounts[role] = UserFactory(is_staff=True, organization=agency.bureau)
        accounts[role].groups.add(Group.objects.get(name=role))
    objects = {
        "document": document,
        "task": task,
        "interpretation": interpretation,
        "reply": reply,
        "report": report,
        "organization": agency.bureau,
    }
    return accounts, objects


def client_for(role, accounts) -> VerifiedClient:
    client = VerifiedClient()
    if role != ANONYMOUS:
        client.force_login(accounts[role])  # administrators: second factor passed
    return client


def model_label(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def admin_pages():
    """(model label, page, URL) for every registered model's changelist and add page; the
    change page needs an object, resolved in the test."""
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield model, "changelist", reverse(f"{info}_changelist")
        yield model, "add", reverse(f"{info}_add")
        instance = model._default_manager.order_by("pk").first()
        if instance is not None:
            yield model, "change", reverse(f"{info}_change", args=[instance.pk])


def admin_results(client) -> dict[tuple[str, str], int]:
    return {
        (model_label(model), page): client.get(url).status_code
        for model, page, url in admin_pages()
    }


def expected_admin_status(role: str, label: str, page: str, opened: bool) -> set[int]:
    if role == ANONYMOUS:
        return {302}
    if not opened:
        return {403}  # no page of a model whose list the role cannot see
    return {"changelist": {200}, "add": {200, 403}, "change": {200, 302}}[page]


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_answers_each_role_as_the_table_says(world, role):
    accounts, _ = world
    registered = {model_label(model) for model in admin.site._registry}
    allowed = registered if role in EVERY_MODEL else ADMIN_CHANGELISTS[role]
    assert allowed <= registered, (
        f"the table names models that are not registered: {allowed - registered}"
    )
    client = client_for(role, accounts)
    wrong = {}
    for model, page, url in admin_pages():
        label = model_label(model)
        status = client.get(url).status_code
        if status not in expected_admin_status(role, label, page, label in allowed):
            wrong[(label, page)] = status
        if role == ANONYMOUS:
            assert client.get(url)["Location"].startswith(reverse("admin:login"))
    assert wrong == {}


def test_the_system_administrator_opens_no_content_and_no_audit_log():
    assert not ADMIN_CHANGELISTS[SYSTEM_ADMIN] & (PUBLISHING | CASES)
    assert not any(label.startswith("audit.") for label in ADMIN_CHANGELISTS[SYSTEM_ADMIN])


def test_the_auditor_opens_the_audit_log_only():
    assert apps.is_installed("portal.audit"), "the audit app (portal.audit) must be installed"
    assert ADMIN_CHANGELISTS[AUDIT_ADMIN] == {"audit.AuditEvent"}
    assert reverse("admin:audit_auditevent_changelist")


# Public URL patterns: their path parameters, filled from the world's objects. Parameters
# naming an object no factory makes here point at one that does not exist: a 404 is the
# expected, clean answer (a missing object must never be a 500).
MISSING = 999_999_999


def public_kwargs(objects) -> dict[str, dict]:
    document, task, reply = objects["document"], objects["task"], objects["reply"]
    return {
        "django.contrib.sitemaps.views.sitemap": {"section": "home"},
        "annual_reports:report-detail": {"pk": objects["report"].pk},
        "annual_reports:report-docx": {"pk": objects["report"].pk},
        "annual_reports:report-xlsx": {"pk": objects["report"].pk},
        "disclosure:document-detail": {"pk": document.pk},
        "disclosure:attachment-download": {"pk": MISSING},  # no attachment file here
        "disclosure:column-page": {"slug": ColumnPage.objects.order_by("pk").first().slug},
        "disclosure:feed-category": {"pk": document.category_id},
        "disclosure:feed-category-atom": {"pk": document.category_id},
        "disclosure:feed-organization": {"pk": document.organization_id},
        "disclosure:feed-organization-atom": {"pk": document.organization_id},
        "interpretation:detail": {"pk": objects["interpretation"].pk},
        "interpretation:media": {"pk": MISSING},  # no audio or video here
        "interpretation:captions": {"pk": MISSING},
        "mailbox:reply-list": {"slug": reply.letter.mailbox.slug},
        "mailbox:letter-create": {"slug": reply.letter.mailbox.slug},
        "mailbox:reply-detail": {"slug": reply.letter.mailbox.slug, "pk": reply.pk},
        "mailbox:reply-feed": {"slug": reply.letter.mailbox.slug},
        "plans:plan-report": {"pk": task.plan_id},
        "plans:plan-weights": {"pk": task.plan_id},
        "plans:plan-ledger": {"pk": task.plan_id},
        "plans:plan-print": {"pk": task.plan_id},
        "plans:plan-summary": {"pk": task.plan_id},
        "plans:plan-public": {"pk": task.plan_id},
        "plans:task-detail": {"plan_pk": task.plan_id, "pk": task.pk},
        "plans:evidence-file": {"plan_pk": task.plan_id, "task_pk": task.pk, "pk": MISSING},
        "editor-image": {"name": "missing.png"},
        "editor-image-upload": {"app_label": "disclosure", "model_name": "document"},
        "publishing:notice-detail": {"pk": MISSING},
    }


def public_patterns(patterns=None, prefix="", namespace=""):
    """(name, route) of every URL pattern outside the admin site's own (its pages are
    covered above through the registry)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if getattr(entry, "app_name", None) == "admin":
                continue
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from public_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield (namespace + entry.name) if entry.name else None, prefix + str(entry.pattern)


# What every role gets from each public URL (the same for all: public pages do not depend
# on who is logged in). Objects that are not public answer 404 like missing ones: the
# reply drafted by the mailbox factory, the plan not marked public, the seeded columns.
PUBLIC: dict[str, int] = {
    "home": 200, "healthz": 200, "search": 200, "robots-txt": 200, "sitemap-index": 200,
    "django.contrib.sitemaps.views.sitemap": 200, "/favicon.ico": 301,
    "annual_reports:report-list": 200, "annual_reports:report-detail": 200,
    "annual_reports:report-docx": 200, "annual_reports:report-xlsx": 200,
    "annual_reports:old-column": 301,
    "applications:application-create": 200, "applications:application-track": 200,
    # Answer letters only within a tracking session that proved its code.
    "applications:letter-pdf": 403, "applications:letter-docx": 403,
    "disclosure:document-list": 200, "disclosure:document-detail": 200,
    "disclosure:normative-list": 200, "disclosure:attachment-download": 404,
    "disclosure:guide": 200,
    "disclosure:column-page": 404,  # the seeded columns are drafts until published
    "disclosure:feed-documents": 200, "disclosure:feed-documents-atom": 200,
    "disclosure:feed-category": 200, "disclosure:feed-category-atom": 200,
    "disclosure:feed-organization": 200, "disclosure:feed-organization-atom": 200,
    "interpretation:list": 200, "interpretation:detail": 200, "interpretation:media": 404,
    "interpretation:captions": 404, "interpretation:feed": 200, "interpretation:feed-atom": 200,
    "mailbox:mailbox-list": 200, "mailbox:letter-track": 200, "mailbox:letter-rate": 405,
    "mailbox:stats": 200, "mailbox:stats-csv": 200, "mailbox:reply-list": 200,
    "mailbox:letter-create": 200, "mailbox:reply-detail": 404, "mailbox:reply-feed": 200,
    "plans:plan-weights": 405,  # POST only
    "plans:plan-public-list": 200, "plans:plan-public": 404,
    "editor-image": 404,
    "editor-image-upload": 405,  # POST only (and staff only: tests/portal)
    "publishing:notice-detail": 404,
}  # fmt: skip
# Staff pages outside the admin: anonymous visitors are sent to log in; these roles read
# them, every other role gets 403.
PLAN_READERS = {"督查员", SUPERUSER}
STAFF_PAGES = {
    "plans:plan-list": 200, "plans:plan-report": 200, "plans:plan-ledger": 200,
    "plans:plan-print": 200, "plans:plan-summary": 200, "plans:task-detail": 200,
    "plans:evidence-file": 404,  # no file here
}  # fmt: skip
# The second step of the login: anyone logged in reaches them (enrolment shows a form;
# verification sends a verified session on and an unenrolled one to enrolment).
TWO_FACTOR_PAGES = {"roles:otp-verify": 302, "roles:otp-setup": 200}


def expected_public_status(role: str, name: str) -> int:
    if name in PUBLIC:
        return PUBLIC[name]
    if name in STAFF_PAGES:
        if role == ANONYMOUS:
            return 302
        return STAFF_PAGES[name] if role in PLAN_READERS else 403
    if name in TWO_FACTOR_PAGES:
        return 302 if role == ANONYMOUS else TWO_FACTOR_PAGES[name]
    raise AssertionError(f"{name}: a URL nobody classified; add it to the table")


def public_url(name, route, kwargs) -> str:
    return "/" + route if name is None else reverse(name, kwargs=kwargs.get(name, {}))


@pytest.mark.parametrize("role", ROLES)
def test_every_public_url_answers_each_role_as_the_table_says(world, role):
    accounts, objects = world
    kwargs = public_kwargs(objects)
    client = client_for(role, accounts)
    wrong = {}
    for name, route in public_patterns():
        key = name or "/" + route
        response = client.get(public_url(name, route, kwargs))
        if response.status_code != expected_public_status(role, key):
            wrong[key] = response.status_code
        elif response.status_code == 302 and role == ANONYMOUS and key not in PUBLIC:
            assert response["Location"].startswith(reverse("admin:login")), key
    assert wrong == {}


def test_the_tables_name_only_existing_urls():
    names = {name or "/" + route for name, route in public_patterns()}
    classified = PUBLIC.keys() | STAFF_PAGES.keys() | TWO_FACTOR_PAGES.keys()
    assert classified == names
