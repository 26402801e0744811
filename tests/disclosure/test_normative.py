"""Normative documents (规范性文件): the rules, the lifecycle on a given date, the catalogue's
validity facet under a date condition, the library page, gazette deadlines, the yearly
figures and the 需要解读 default. Dates are explicit (``today``) or the clock is frozen
by patching ``django.utils.timezone.now`` (neither time-machine nor freezegun is
installed): ``frozen(...)``."""

from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from disclosure import normative, normative_rules
from disclosure.models import Document, Genre
from disclosure.services import document_create, document_record_gazette
from portal.models import CalendarDay, Organization
from tests.disclosure.factories import DocumentFactory, factory_publisher
from tests.portal.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
LIBRARY = reverse("disclosure:normative-list")
CATALOGUE = reverse("disclosure:document-list")


def frozen(moment: datetime):
    """The clock stopped at ``moment``: every ``timezone.now()`` and ``localdate()``."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def normative_document(number="渝民规〔2024〕3号", *, published=True, **fields):
    """A published normative document (publication 2024-05-06 10:30 unless ``written_on``
    says otherwise): effective 2024-06-05, valid to 2029-06-04 by default."""
    return DocumentFactory(
        published=published, is_normative=True, registration_number=number, **fields
    )


# --- rules -------------------------------------------------------------------------------


def test_the_validity_period_is_five_years_two_for_provisional_titles_one_for_notices():
    assert normative_rules.validity_years(title="管理办法", genre_name="通知") == 5
    assert normative_rules.validity_years(title="管理办法（试行）", genre_name="通知") == 2
    assert normative_rules.validity_years(title="暂行规定", genre_name="意见") == 2
    assert normative_rules.validity_years(title="关于禁燃的通告", genre_name="通告") == 1


def test_the_periods_come_from_the_settings(settings):
    settings.NORMATIVE_VALIDITY_YEARS = 3
    settings.NORMATIVE_GENRE_YEARS = "通告:1,公告:2"
    assert normative_rules.validity_years(title="办法", genre_name="通知") == 3
    assert normative_rules.validity_years(title="办法", genre_name="公告") == 2


def test_publication_fills_the_effective_date_and_the_last_valid_day():
    document = normative_document()  # published 2024-05-06
    assert document.effective_on == date(2024, 6, 5)  # 30 days later
    assert document.expires_on == date(2029, 6, 4)  # the day before the fifth anniversary


def test_dates_typed_by_the_clerk_are_kept():
    document = normative_document(effective_on=date(2024, 5, 6), expires_on=date(2026, 12, 31))
    assert (document.effective_on, document.expires_on) == (date(2024, 5, 6), date(2026, 12, 31))


def test_a_provisional_document_is_valid_two_years():
    document = normative_document(title="重庆市某某管理暂行办法")
    assert document.expires_on == date(2026, 6, 4)


def test_a_draft_gets_its_dates_only_when_published():
    draft = normative_document(published=False)
    assert draft.effective_on is None and draft.expires_on is None


@pytest.mark.parametrize(
    "today, expected",
    [
        (date(2024, 5, 6), "有效"),  # published, not yet in force: still a valid document
        (date(2029, 6, 4), "有效"),  # the last valid day
        (date(2029, 6, 5), "失效"),  # the day after: expired without anyone doing anything
        (date(2035, 1, 1), "失效"),
    ],
)
def test_validity_is_computed_from_the_dates_and_today(today, expected):
    document = normative_document()
    assert document.validity_on(today) == expected
    assert Document.objects.with_validity(expected, today).filter(pk=document.pk).exists()
    other = "失效" if expected == "有效" else "有效"
    assert not Document.objects.with_validity(other, today).filter(pk=document.pk).exists()


def test_a_normative_document_is_never_blank_and_others_keep_what_is_stored():
    normative = normative_document(validity="")
    ordinary = DocumentFactory(published=True, validity="")
    assert normative.validity_on(date(2025, 1, 1)) == "有效"
    assert ordinary.validity_on(date(2040, 1, 1)) == ""


def test_repealed_and_amended_stay_so_whatever_the_date():
    new = normative_document("渝民规〔2024〕9号")
    repealed = normative_document("渝民规〔2024〕4号", validity="废止", superseded_by=new)
    assert repealed.validity_on(date(2025, 1, 1)) == "废止"
    assert repealed.validity_on(date(2040, 1, 1)) == "废止"


def test_a_repealed_normative_document_must_name_what_repealed_it():
    document = normative_document(published=False)
    document.validity = "废止"
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert "废止本文件的文件" in str(error.value)


def test_a_normative_document_is_not_published_without_its_number():
    with pytest.raises(ValidationError) as error:
        normative_document(number="")
    assert "统一编号" in str(error.value)


def test_the_current_validity_follows_the_clock():
    document = normative_document()
    with frozen(datetime(2029, 6, 4, 23, 0, tzinfo=SHANGHAI)):
        assert document.current_validity == "有效"
    with frozen(datetime(2029, 6, 5, 0, 30, tzinfo=SHANGHAI)):
        assert document.current_validity == "失效"


# --- registration numbers ----------------------------------------------------------------

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    "typed", ["渝民规〔2019〕3号", "渝民规[2019]3号", "渝民规（2019）3号", " 渝民规【2019】3号 "]
)
def test_a_registration_number_may_be_typed_with_any_bracket(typed):
    assert normative_rules.registration_number_error(typed, today=TODAY) == ""
    assert normative_rules.normalise_registration_number(typed) == "渝民规〔2019〕3号"


@pytest.mark.parametrize(
    "typed, message",
    [
        ("渝民发〔2019〕3号", "统一编号格式不正确"),
        ("渝民规〔2019〕号", "统一编号格式不正确"),
        ("渝民规〔1900〕3号", "年份“1900”不合理"),
        ("渝民规〔2019〕0号", "序号不能为 0"),
    ],
)
def test_a_wrong_registration_number_is_refused_in_chinese(typed, message):
    assert message in normative_rules.registration_number_error(typed, today=TODAY)


def test_the_pattern_comes_from_the_settings(settings):
    settings.NORMATIVE_NUMBER_FORMAT = "HFGS-{year}-{sequence}"
    assert normative_rules.registration_number_error("hfgs-2022-7", today=TODAY) == ""
    assert "HFGS-2026-3" in normative_rules.registration_number_error(
        "渝民规〔2019〕3号", today=TODAY
    )


def test_the_model_refuses_a_bad_number_on_the_field():
    document = DocumentFactory.build(
        organization=OrganizationFactory(), is_normative=True, registration_number="第3号"
    )
    document.index_number, document.has_legacy_index_number = "x", True
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert "统一编号格式不正确" in error.value.message_dict["registration_number"][0]


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_typed_text_gets_an_answer_never_an_exception(text):
    error = normative_rules.registration_number_error(text, today=TODAY)
    assert isinstance(error, str)
    normalised = normative_rules.normalise_registration_number(text)
    assert normative_rules.normalise_registration_number(normalised) == normalised
    if not error:  # whatever passes is a real number of the pattern
        assert normalised.startswith("渝民规〔") and normalised.endswith("号")


@hypothesis_settings(max_examples=100, deadline=None)
@given(
    st.integers(1949, 2027),
    st.integers(1, 999_999),
    st.sampled_from(["〔〕", "[]", "()", "（）", "【】", "［］"]),
)
def test_every_well_formed_number_is_accepted(year, sequence, brackets):
    typed = f"渝民规{brackets[0]}{year}{brackets[1]}{sequence}号"
    assert normative_rules.registration_number_error(typed, today=TODAY) == ""


# --- the catalogue's validity facet: a date condition over the index ----------------------


def facet_counts(response) -> dict:
    groups = dict((facet.param, options) for facet, options in response.context["facet_groups"])
    return {option.label: option.count for option in groups["validity"]}


def test_the_catalogue_counts_and_filters_an_expired_document_as_expired(client):
    normative_document()  # valid until 2029-06-04
    DocumentFactory(published=True, validity="有效")
    with frozen(datetime(2029, 6, 4, 12, 0, tzinfo=SHANGHAI)):
        response = client.get(CATALOGUE)
        assert facet_counts(response) == {"有效": 2}
        assert client.get(CATALOGUE, {"validity": "失效"}).context["page_obj"].paginator.count == 0
    with frozen(datetime(2029, 6, 5, 12, 0, tzinfo=SHANGHAI)):
        unfiltered = client.get(CATALOGUE)  # stored counts, corrected by date
        assert facet_counts(unfiltered) == {"有效": 1, "失效": 1}
        expired = client.get(CATALOGUE, {"validity": "失效"})
        assert [d.registration_number for d in expired.context["page_obj"]] == ["渝民规〔2024〕3号"]
        assert facet_counts(expired) == {"有效": 1, "失效": 1}  # counted under other filters
        valid = client.get(CATALOGUE, {"validity": "有效"})
        assert valid.context["page_obj"].paginator.count == 1
        assert "渝民规" not in valid.content.decode()


def test_search_counts_an_expired_normative_document_as_expired(client):
    normative_document(title="临时救助规范性办法")
    with frozen(datetime(2030, 1, 1, 12, 0, tzinfo=SHANGHAI)):
        response = client.get(reverse("search"), {"q": "临时救助"})
        counts = {
            option.label: option.count
            for facet, options in response.context["search"].facet_groups
            if facet.param == "validity"
            for option in options
        }
        assert counts == {"失效": 1}


def test_a_cached_catalogue_page_is_not_served_the_next_day(client, settings):
    settings.PAGE_CACHE = True
    normative_document()
    with frozen(datetime(2029, 6, 4, 20, 0, tzinfo=SHANGHAI)):
        assert facet_counts(client.get(CATALOGUE)) == {"有效": 1}
    with frozen(datetime(2029, 6, 5, 8, 0, tzinfo=SHANGHAI)):
        assert "失效（1）" in client.get(CATALOGUE).content.decode().replace(
            '<span class="count">', ""
        )


# --- the document pages: banners and relations on both -----------------------------------


def test_the_repealed_page_has_a_banner_and_the_new_page_names_what_it_repealed(client):
    new = normative_document("渝民规〔2024〕9号", title="临时救助工作规程")
    old = normative_document(
        "渝民规〔2020〕3号", title="临时救助实施办法", validity="废止", superseded_by=new
    )
    old_page = client.get(old.get_absolute_url()).content.decode()
    assert "本文件已废止。" in old_page and "validity-notice" in old_page
    assert f'href="{new.get_absolute_url()}"' in old_page
    new_page = client.get(new.get_absolute_url()).content.decode()
    assert "本文件废止了" in new_page and f'href="{old.get_absolute_url()}"' in new_page
    assert "本文件已废止" not in new_page


def test_the_amended_page_has_a_banner_and_the_amending_page_names_it(client):
    amending = normative_document("渝民规〔2024〕9号", title="关于修改某办法的决定")
    amended = normative_document("渝民规〔2020〕3号", validity="已修改", superseded_by=amending)
    assert "本文件已被修改。" in client.get(amended.get_absolute_url()).content.decode()
    assert "本文件修改了" in client.get(amending.get_absolute_url()).content.decode()


def test_the_page_shows_the_lifecycle_and_an_expiry_banner_once_expired(client):
    document = normative_document()
    with frozen(datetime(2029, 6, 5, 9, 0, tzinfo=SHANGHAI)):
        page = client.get(document.get_absolute_url()).content.decode()
    for text in [
        "统一编号",
        "渝民规〔2024〕3号",
        "生效日期",
        "2024-06-05",
        "有效期至",
        "2029-06-04",
    ]:
        assert text in page
    assert "本文件已失效。" in page and "有效期至 2029年6月4日" in page


# --- the library page ---------------------------------------------------------------------


def test_the_library_lists_published_normative_documents_newest_first(client):
    older = normative_document("渝民规〔2023〕1号", written_on=date(2023, 3, 1))
    newer = normative_document("渝民规〔2024〕1号")
    normative_document("渝民规〔2024〕2号", published=False)  # a draft: never public
    DocumentFactory(published=True)  # not normative
    response = client.get(LIBRARY)
    assert list(response.context["page_obj"].object_list) == [newer, older]
    page = response.content.decode()
    assert 'validity-badge--valid">有效' in page and "2024-06-05" in page


def test_the_library_filters_by_validity_organization_and_year(client):
    other = OrganizationFactory()
    new = normative_document("渝民规〔2024〕9号")
    repealed = normative_document(
        "渝民规〔2023〕1号", written_on=date(2023, 3, 1), validity="废止", superseded_by=new
    )
    elsewhere = normative_document(
        "渝民规〔2022〕1号", written_on=date(2022, 3, 1), organization=other
    )

    def listed(**params):
        return set(client.get(LIBRARY, params).context["page_obj"].object_list)

    assert listed(validity="废止") == {repealed}
    assert listed(validity="有效") == {new, elsewhere}
    assert listed(org=str(other.pk)) == {elsewhere}
    assert listed(year="2023") == {repealed}
    with frozen(datetime(2027, 6, 1, tzinfo=SHANGHAI)):  # 2022's period ended
        assert listed(validity="失效") == {elsewhere}


@pytest.mark.parametrize(
    "params",
    [
        {"validity": "永久"},
        {"org": "abc"},
        {"org": "99999999"},
        {"year": "１９９９"},
        {"year": "9" * 200},
        {"page": "-1"},
        {"page": "zz"},
        {"validity": "\x00"},
    ],
)
def test_bad_filter_values_give_a_clean_page(client, params):
    normative_document()
    response = client.get(LIBRARY, params)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 1


def test_the_library_pages_by_twenty(client):
    for n in range(21):
        normative_document(f"渝民规〔2024〕{n + 1}号")
    first = client.get(LIBRARY)
    assert len(first.context["page_obj"].object_list) == 20
    assert len(client.get(LIBRARY, {"page": "2"}).context["page_obj"].object_list) == 1
    assert 'class="pagination"' in first.content.decode()


def test_the_library_query_count_does_not_grow_with_rows(client):
    def queries(params):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIBRARY, params).status_code == 200
        return len(captured)

    normative_document("渝民规〔2024〕1号")
    few = [queries({}), queries({"validity": "有效", "year": "2024"})]
    for n in range(2, 25):
        organization = OrganizationFactory()
        normative_document(f"渝民规〔2024〕{n}号", organization=organization)
    many = [queries({}), queries({"validity": "有效", "year": "2024"})]
    assert many == few


def test_the_catalogue_links_to_the_library(client):
    assert f'href="{LIBRARY}"' in client.get(CATALOGUE).content.decode()


# --- gazette submission -------------------------------------------------------------------


def test_the_gazette_is_due_five_working_days_after_issue_across_a_holiday():
    # National Day 2025: 1–8 October off, Sunday 28 September and Saturday 11 October worked
    # (the rows of this test only, whatever the seeded calendar holds).
    CalendarDay.objects.filter(day__range=(date(2025, 9, 1), date(2025, 11, 30))).delete()
    for n in range(1, 9):
        CalendarDay.objects.create(day=date(2025, 10, n), kind=CalendarDay.Kind.HOLIDAY)
    for day in (date(2025, 9, 28), date(2025, 10, 11)):
        CalendarDay.objects.create(day=day, kind=CalendarDay.Kind.WORKDAY)
    due = {
        issued: normative.gazette_due_on(
            normative_document(f"渝民规〔2025〕{n}号", published=False, written_on=issued)
        )
        for n, issued in enumerate([date(2025, 9, 25), date(2025, 9, 26), date(2025, 9, 30)], 1)
    }
    # Thu 25 Sep: Fri 26, Sun 28 (调休), Mon 29, Tue 30, Thu 9 Oct.
    assert due[date(2025, 9, 25)] == date(2025, 10, 9)
    # Fri 26 Sep: Sun 28, Mon 29, Tue 30, Thu 9, Fri 10 Oct.
    assert due[date(2025, 9, 26)] == date(2025, 10, 10)
    # Tue 30 Sep: Thu 9, Fri 10, Sat 11 (调休), Mon 13, Tue 14 Oct.
    assert due[date(2025, 9, 30)] == date(2025, 10, 14)
    statuses = normative.gazette_statuses(
        list(Document.objects.filter(is_normative=True)), today=date(2025, 10, 10)
    )
    assert [s.overdue for s in sorted(statuses.values(), key=lambda s: s.due_on)] == [
        True,
        False,
        False,
    ]


def test_recording_the_gazette_submission_clears_the_overdue_flag():
    document = normative_document(written_on=date(2024, 5, 6))
    by = factory_publisher()
    today = date(2024, 6, 1)
    assert normative.gazette_overdue(Document.objects.all(), today=today).get() == document
    document_record_gazette(document=document, by=by, submitted_on=date(2024, 5, 9))
    document.refresh_from_db()
    assert document.gazette_submitted_on == date(2024, 5, 9) and document.gazette_recorded_by == by
    assert not normative.gazette_overdue(Document.objects.all(), today=today).exists()


def test_a_gazette_date_in_the_future_is_refused():
    document = normative_document()
    with pytest.raises(ValidationError, match="不能晚于今天"):
        document_record_gazette(
            document=document, by=factory_publisher(), submitted_on=date.today() + timedelta(days=1)
        )


# --- yearly figures -----------------------------------------------------------------------


def test_yearly_counts_match_a_hand_count():
    agency = OrganizationFactory()
    other = OrganizationFactory()
    repealer = normative_document(
        "渝民规〔2023〕9号", organization=agency, written_on=date(2023, 2, 1)
    )
    # 2021: A (valid), B (repealed by the 2023 document, effective 2023-03-03)
    normative_document("渝民规〔2021〕1号", organization=agency, written_on=date(2021, 3, 1))
    normative_document(
        "渝民规〔2021〕2号", organization=agency, written_on=date(2021, 4, 1),
        validity="废止", superseded_by=repealer,
    )  # fmt: skip
    # 2022: C, provisional, expires 2024-05-xx
    normative_document(
        "渝民规〔2022〕1号", organization=agency, written_on=date(2022, 5, 1), title="试行办法"
    )
    normative_document("渝民规〔2022〕2号", organization=other, written_on=date(2022, 6, 1))
    today = date(2025, 1, 15)
    assert normative.yearly_counts(2021, agency, today=today) == normative.YearlyCounts(
        2021, 2, 0, 2
    )
    assert normative.yearly_counts(2022, agency, today=today) == normative.YearlyCounts(
        2022, 1, 0, 3
    )
    # 2023: the repealer issued, B repealed; C still valid at the end of 2023 (to 2024-05-30).
    assert normative.yearly_counts(2023, agency, today=today) == normative.YearlyCounts(
        2023, 1, 1, 3
    )
    # 2024: C expired on 2024-05-30.
    assert normative.yearly_counts(2024, agency, today=today) == normative.YearlyCounts(
        2024, 0, 0, 2
    )
    assert normative.yearly_counts(2022, today=today) == normative.YearlyCounts(2022, 2, 0, 4)


# --- needs_interpretation -----------------------------------------------------------------


@pytest.mark.parametrize(
    "genre, kind, is_normative, expected",
    [
        ("通知", Organization.Kind.AGENCY, False, True),
        ("命令（令）", Organization.Kind.AGENCY, False, True),
        ("通告", Organization.Kind.AGENCY, False, True),
        ("通知", Organization.Kind.DEPARTMENT, False, False),
        ("函", Organization.Kind.AGENCY, False, False),
        ("函", Organization.Kind.DEPARTMENT, True, True),
    ],
)
def test_document_create_defaults_needs_interpretation(agency, genre, kind, is_normative, expected):
    organization = agency.bureau
    if kind != Organization.Kind.AGENCY:
        organization = OrganizationFactory(kind=kind, parent=agency.office, credit_code="")
    document = document_create(
        document=DocumentFactory.build(
            organization=organization,
            genre=Genre.objects.get(name=genre),
            is_normative=is_normative,
        ),
        by=agency.clerk,
    )
    document.refresh_from_db()
    assert document.needs_interpretation is expected


def test_the_clerk_may_say_otherwise(agency):
    document = document_create(
        document=DocumentFactory.build(organization=agency.bureau), by=agency.clerk,
        needs_interpretation=False,
    )  # fmt: skip
    assert Document.objects.get(pk=document.pk).needs_interpretation is False


# --- admin --------------------------------------------------------------------------------

ADMIN_LIST = reverse("admin:disclosure_document_changelist")


def test_the_admin_alerts_documents_due_for_evaluation_and_filters_them(agency, client, settings):
    # The clock jumps years ahead: with the 等保 preset the publisher's password would
    # have expired (portal.accounts), which is not what this test is about.
    settings.PASSWORD_POLICY = "asvs"
    soon = normative_document(organization=agency.bureau)  # valid to 2029-06-04
    normative_document("渝民规〔2024〕8号", organization=agency.bureau, title="某某规定")
    with frozen(datetime(2029, 1, 10, 9, 0, tzinfo=SHANGHAI)):
        client.force_login(agency.publisher)
        response = client.get(ADMIN_LIST)
        assert "有 2 件规范性文件将在6个月内到期" in response.content.decode()
        filtered = client.get(ADMIN_LIST, {"expiry": "soon", "normative": "yes"})
    assert filtered.status_code == 200
    assert soon in list(filtered.context["cl"].result_list)
    assert "当前有效性" in filtered.content.decode()  # the normative columns
    with frozen(datetime(2028, 1, 10, 9, 0, tzinfo=SHANGHAI)):
        client.force_login(agency.publisher)
        assert "将在6个月内到期" not in client.get(ADMIN_LIST).content.decode()


def test_the_admin_records_a_gazette_submission_with_its_date(agency, client):
    document = normative_document(organization=agency.bureau)
    client.force_login(factory_publisher())
    selection = {"action": "record_gazette_submission", "_selected_action": [document.pk]}
    asked = client.post(ADMIN_LIST, selection)
    assert asked.status_code == 200 and "报送日期" in asked.content.decode()
    done = client.post(
        ADMIN_LIST, {**selection, "apply": "1", "submitted_on": "2024-05-09"}, follow=True
    )
    assert "已登记 1 件" in done.content.decode()
    document.refresh_from_db()
    assert document.gazette_submitted_on == date(2024, 5, 9)
    overdue = client.get(ADMIN_LIST, {"gazette": "overdue"})
    assert list(overdue.context["cl"].result_list) == []


def test_the_statistics_page_shows_the_yearly_figures(agency, client):
    normative_document(organization=agency.bureau)
    client.force_login(agency.supervisor)
    response = client.get(reverse("admin:disclosure_document_normative_statistics"))
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r.year == 2024)
    assert (row.issued, row.repealed, row.valid) == (1, 0, 1)
    assert "本年制发件数" in response.content.decode()


def test_the_add_form_ticks_needs_interpretation_for_the_agencys_notice(agency, client):
    client.force_login(agency.clerk)
    notice = Genre.objects.get(name="通知")
    add = reverse("admin:disclosure_document_add")
    ticked = client.get(add, {"genre": notice.pk, "organization": agency.bureau.pk})
    assert ticked.context["adminform"].form.initial["needs_interpretation"] == "yes"
    letter = Genre.objects.get(name="函")
    plain = client.get(add, {"genre": letter.pk, "organization": agency.bureau.pk})
    assert plain.context["adminform"].form.initial["needs_interpretation"] == "no"
    assert (
        client.get(add).context["adminform"].form.initial.get("needs_interpretation", "auto")
        == "auto"
    )


@pytest.mark.parametrize(
    "choice, genre, expected",
    [("auto", "通知", True), ("auto", "函", False), ("no", "通知", False), ("yes", "函", True)],
)
def test_the_add_form_saves_the_clerks_choice_or_the_rule(agency, client, choice, genre, expected):
    from tests.disclosure.test_admin import ADD, form_data

    client.force_login(agency.clerk)
    data = form_data(agency, genre=Genre.objects.get(name=genre).pk, needs_interpretation=choice)
    assert client.post(ADD, data).status_code == 302
    assert Document.objects.get(title=data["title"]).needs_interpretation is expected


def test_a_normative_document_is_entered_in_the_admin_with_its_number(agency, client):
    from tests.disclosure.test_admin import ADD, form_data

    client.force_login(agency.clerk)
    data = form_data(agency, is_normative="on", registration_number="渝民规[2026]7号")
    assert client.post(ADD, data).status_code == 302
    document = Document.objects.get(title=data["title"])
    assert document.registration_number == "渝民规〔2026〕7号" and document.needs_interpretation
    refused = client.post(ADD, form_data(agency, is_normative="on", registration_number="第7号"))
    assert refused.status_code == 200 and "统一编号格式不正确" in refused.content.decode()
