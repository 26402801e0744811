"""Table 三 against a hand-computed fixture year (2026). The applications, by receiving
organization (the office), applicant type, receipt and decision:

A 自然人      received 2025-12-15, decided 2026-01-10 as 1      → 二 and （一）
B 商业企业    received 2025-12-22, still open                   → 二 and 四
C 自然人      received 2026-03-02, decided 2026-03-20 as 3.1    → 一 and （三）1
D 科研机构    received 2026-04-01, decided 2026-04-20 as 6.1    → 一 and （六）1
E 法律服务机构 received 2026-12-21, still open                  → 一 and 四
F 自然人      received 2025-11-02, decided 2025-11-20 as 6.3    → not in 2026
G 其他        received 2026-12-10, decided 2027-01-05 as 2      → 一 and 四
H 自然人      received 2026-05-06, decided 2026-05-08 as 6.3    → 一 and （六）3
I 自然人      received 2026-03-02 by another agency             → not counted
J 社会公益组织 submitted online, never confirmed                → not counted
"""

from datetime import date

import pytest

from disclosure.applications import reporting
from disclosure.applications.vocabularies import ApplicantType, Outcome
from tests.applications.factories import ApplicationFactory

pytestmark = pytest.mark.django_db
COLUMNS = ApplicantType.values


def make(organization, kind, received_on, decided_on=None, outcome=""):
    closed = decided_on is not None
    return ApplicationFactory(
        organization=organization, applicant_type=kind, received_on=received_on,
        decided_on=decided_on, outcome=outcome, status="closed" if closed else "processing",
        closed_on=decided_on,
    )  # fmt: skip


@pytest.fixture
def year(agency):
    office = agency.office
    make(office, "natural", date(2025, 12, 15), date(2026, 1, 10), "1")  # A
    make(office, "commercial", date(2025, 12, 22))  # B
    make(office, "natural", date(2026, 3, 2), date(2026, 3, 20), "3.1")  # C
    make(office, "research", date(2026, 4, 1), date(2026, 4, 20), "6.1")  # D
    make(office, "legal_service", date(2026, 12, 21))  # E
    make(office, "natural", date(2025, 11, 2), date(2025, 11, 20), "6.3")  # F
    make(office, "other_org", date(2026, 12, 10), date(2027, 1, 5), "2")  # G
    make(office, "natural", date(2026, 5, 6), date(2026, 5, 8), "6.3")  # H
    make(agency.elsewhere, "natural", date(2026, 3, 2))  # I
    ApplicationFactory(organization=office, applicant_type="public_welfare", status="pending")  # J
    return [office.pk]


def column(**counts):
    return {col: counts.get(col, 0) for col in COLUMNS}


def test_every_figure_of_the_fixture_year(year):
    table = reporting.table_three(year=2026, organization_ids=year)
    assert table["new"] == column(natural=2, research=1, legal_service=1, other_org=1)
    assert table["carried_in"] == column(natural=1, commercial=1)
    assert table["carried_out"] == column(commercial=1, legal_service=1, other_org=1)
    expected = {
        "1": column(natural=1),
        "3.1": column(natural=1),
        "6.1": column(research=1),
        "6.3": column(natural=1),
    }
    assert table["outcomes"] == {leaf: expected.get(leaf, column()) for leaf in Outcome.values}


def test_new_plus_carried_in_equals_total_plus_carried_out_per_column(year):
    for y in (2025, 2026, 2027):
        table = reporting.table_three(year=y, organization_ids=year)
        for col in COLUMNS:
            total = sum(table["outcomes"][leaf][col] for leaf in Outcome.values)
            assert table["new"][col] + table["carried_in"][col] == total + table["carried_out"][col]


def test_last_years_carried_out_is_this_years_carried_in(year):
    assert (
        reporting.table_three(year=2025, organization_ids=year)["carried_out"]
        == reporting.table_three(year=2026, organization_ids=year)["carried_in"]
    )


def test_the_following_year_counts_what_was_carried(year):
    table = reporting.table_three(year=2027, organization_ids=year)
    assert table["carried_in"] == column(commercial=1, legal_service=1, other_org=1)
    assert table["outcomes"]["2"] == column(other_org=1)
    assert table["new"] == column()


def test_sub_organizations_count_when_listed(agency, year):
    both = reporting.table_three(year=2026, organization_ids=[*year, agency.elsewhere.pk])
    assert both["new"]["natural"] == 3
    assert reporting.table_three(year=2026, organization_ids=[])["new"] == column()
