"""How applications come in: the public form (idempotent per submission token), the
clerk's register of letters, faxes, e-mails, visits and oral applications, the
confirmation that fixes the receipt date of online/fax/ordinary-mail applications
(条例 Art 31; 国办公开办函〔2015〕207号), and the applicant's monthly count (109号)."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from disclosure.applications.models import Application
from disclosure.applications.querysets import handling_scope
from disclosure.applications.services.base import (
    CREDENTIALS,
    HANDLE,
    Kind,
    allocate_number,
    dated_step,
    event,
    for_handling,
    recompute,
    required,
    step,
    today_of,
)
from disclosure.applications.vocabularies import CONFIRMED_CHANNELS, Channel
from portal import credentials
from portal.models import Organization
from portal.scopes import in_scope

PASSWORD_NAMESPACE = "applications"
# The applicant's own fields a form or a clerk may set; everything else is derived.
APPLICANT_FIELDS = (
    "applicant_type", "name", "id_type", "id_number", "contact_person", "phone", "address",
    "email", "postcode", "info_title", "info_number", "description", "delivery_form",
    "delivery_method", "fee_waiver_requested",
)  # fmt: skip


def query_password(submission_token: str) -> str:
    """The query password the applicant is shown for this form submission (the same on a
    double submission; the database keeps only its hash)."""
    return credentials.password_for(submission_token, namespace=PASSWORD_NAMESPACE)


def receiving_organization() -> Organization:
    """The body that receives online applications: ``settings.APPLY_ORGANIZATION`` (its
    name or id) when set, otherwise the first top-level organization."""
    configured = settings.APPLY_ORGANIZATION
    organizations = Organization.objects.all()
    if configured:
        lookup = {"pk": configured} if str(configured).isdigit() else {"name": configured}
        found = organizations.filter(**lookup).first()
        if found is not None:
            return found
    found = organizations.filter(parent__isnull=True).order_by("pk").first()
    if found is None:
        raise ValidationError("尚未设置受理机关，暂不能受理申请。", code="no_organization")
    return found


def high_volume_threshold() -> int:
    """Applications per applicant per calendar month above which the case is flagged as
    数量、频次明显超过合理范围 (109号; local practice, so configurable)."""
    return settings.APPLY_HIGH_VOLUME_PER_MONTH


def _build(data: dict, *, organization, channel: str, now: datetime) -> Application:
    unknown = set(data) - set(APPLICANT_FIELDS) - {"organization"}
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(sorted(unknown))}。", code="unknown_field")
    fields = {name: data[name] for name in APPLICANT_FIELDS if name in data}
    return Application(organization=organization, channel=channel, submitted_at=now, **fields)


def _organization(data: dict) -> Organization:
    given = data.get("organization")
    if given is None:
        return receiving_organization()
    return given if isinstance(given, Organization) else Organization.objects.get(pk=given)


def _insert(application: Application, *, first_event: dict, by) -> Application:
    """Save a new application with a fresh number and tracking code and its first event;
    retried when a random tracking code collides."""
    application.full_clean(exclude=CREDENTIALS)
    now = application.submitted_at
    for _attempt in range(5):
        application.tracking_code = credentials.new_tracking_code()
        try:
            with transaction.atomic():
                application.number = allocate_number(today_of(now).year)
                application.save(force_insert=True)
                # 数量、频次明显超过合理范围 (109号): its place in the applicant's month.
                if Application.objects.month_place(application) > high_volume_threshold():
                    application.is_high_volume = True
                    application.save(update_fields=["is_high_volume"])
                event(application, by=by, now=now, **first_event)
                recompute(application, today=today_of(now))
        except IntegrityError:
            application.pk = None
            application._state.adding = True
            if application.submission_token:
                existing = Application.objects.filter(
                    submission_token=application.submission_token
                ).first()
                if existing is not None:  # the concurrent twin of this POST won
                    return existing
            continue
        return application
    raise ValidationError("暂时无法生成查询码，请稍后重试。", code="tracking_code")


def application_submit(
    *, data: dict, submission_token: str, now: datetime | None = None
) -> Application:
    """Store an application from the public form. The same ``submission_token`` twice (a
    double click, a replayed POST) gives back the application the first one created.
    It waits as 待确认 until the office confirms it: that day is its receipt date."""
    existing = Application.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    application = _build(data, organization=_organization(data), channel=Channel.ONLINE, now=now)
    application.submission_token = submission_token
    application.password_hash = credentials.hash_password(query_password(submission_token))
    first = {"kind": Kind.SUBMITTED, "channel": Channel.ONLINE}
    return _insert(application, first_event=first, by=None)


def application_register(
    *,
    data: dict,
    channel: str,
    received_on: date | None,
    by,
    now: datetime | None = None,
) -> tuple[Application, str]:
    """A clerk enters an application that came in person, by post, fax or e-mail, or
    orally (条例 Art 29: the clerk writes it down for the applicant). ``received_on`` is
    the receipt date by the channel's rule — the day handed in, signed for, or received by
    the mail system; ``None`` when it still has to be confirmed with the applicant (an
    ordinary letter, a fax). Returns the application and the query password to give the
    applicant (shown once, never stored in clear)."""
    if by is None or not by.has_perm(HANDLE):
        raise PermissionDenied("您没有登记政府信息公开申请的权限。")
    if channel not in Channel.values or channel == Channel.ONLINE:
        raise ValidationError({"channel": "请选择申请方式（网上申请由申请人自行提交）。"})
    now = now or timezone.now()
    today = today_of(now)
    if received_on is not None and received_on > today:
        raise ValidationError({"received_on": "收到日期不能晚于今天。"})
    if received_on is None and channel not in CONFIRMED_CHANNELS:
        raise ValidationError({"received_on": "当面、挂号信、电子邮件和口头申请须填写收到日期。"})
    organization = _organization(data)
    if not in_scope(organization.pk, handling_scope(by)):
        raise PermissionDenied("只能为本机关登记申请。")
    application = _build(data, organization=organization, channel=channel, now=now)
    token = credentials.new_submission_token()
    password = query_password(token)
    application.password_hash = credentials.hash_password(password)
    first = {
        "kind": Kind.REGISTERED,
        "on": received_on or today,
        "channel": channel,
        "received": received_on is not None,
    }
    return _insert(application, first_event=first, by=by), password


def application_find(*, tracking_code: str, password: str) -> Application | None:
    """The application with this code and password, or None for a wrong code or password
    alike (the caller cannot tell which, nor can a guesser)."""
    code = credentials.normalise(tracking_code)
    application = Application.objects.filter(tracking_code=code).first()
    stored = application.password_hash if application else credentials.hash_password("-")
    matches = credentials.check_password(password, stored)  # same work either way
    return application if application is not None and matches else None


def application_confirm(
    *, application: Application, by, on: date | None = None, note: str = "",
    now: datetime | None = None,
) -> Application:  # fmt: skip
    """Both sides have confirmed an online, fax or ordinary-mail application: ``on`` (by
    default today) is its receipt date, and the 20 working days count from it."""
    return dated_step(application, Kind.CONFIRMED, by=by, on=on, note=note, now=now)


def application_withdraw(
    *, application: Application, by, note: str, now: datetime | None = None
) -> Application:
    """The applicant withdraws (recorded by a clerk): closed as 其他处理-3 (其他)."""
    note = required(note, "请填写撤回的方式和时间（如申请人书面撤回）。")
    now = now or timezone.now()
    with transaction.atomic():
        application = for_handling(application, by)
        application.outcome = "6.3"
        application.decided_on = today_of(now)
        application.closed_on = today_of(now)
        step(application, Kind.WITHDRAWN, by=by, now=now, note=note)
    return application


def monthly_count(application: Application) -> int:
    """The application's place among its applicant's applications of its calendar month,
    1 for the first (109号; ``ApplicationQuerySet.with_month_place``)."""
    return Application.objects.month_place(application)
