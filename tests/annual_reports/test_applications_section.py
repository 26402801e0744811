"""Section 三 from the real applications (``disclosure.applications.reporting``) in a
hand-computed year, 2025, for 重庆市民政局 with its office:

A 自然人      received 2024-12-20 (office), decided 2025-01-08 as 1    → 二 and （一）
B 商业企业    received 2025-02-03 (office), decided 2025-02-20 as 2    → 一 and （二）
C 自然人      received 2025-06-01 (office), decided 2025-06-25 as 6.2  → 一 and （六）2
D 法律服务机构 received 2025-12-28 (office), still open               → 一 and 四
E 自然人      received 2025-07-01 by another agency                   → not counted
F 自然人      received 2025-03-03 (bureau), decided 2025-03-10 as 6.1  → 一 and （六）1
"""

from datetime import date

import pytest

from disclosure.annual_reports import assembly, layouts
from tests.annual_reports.factories import make_report, publish
from tests.applications.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def real_applications(monkeypatch):
    monkeypatch.undo()  # the conftest's seam is replaced by the real module


def make(organization, kind, received_on, decided_on=None, outcome=""):
    return ApplicationFactory(
        organization=organization, applicant_type=kind, received_on=received_on,
        decided_on=decided_on, outcome=outcome,
        status="closed" if decided_on else "processing", closed_on=decided_on,
    )  # fmt: skip


@pytest.fixture
def year_2025(agency):
    make(agency.office, "natural", date(2024, 12, 20), date(2025, 1, 8), "1")
    make(agency.office, "commercial", date(2025, 2, 3), date(2025, 2, 20), "2")
    make(agency.office, "natural", date(2025, 6, 1), date(2025, 6, 25), "6.2")
    make(agency.office, "legal_service", date(2025, 12, 28))
    make(agency.elsewhere, "natural", date(2025, 7, 1))
    make(agency.bureau, "natural", date(2025, 3, 3), date(2025, 3, 10), "6.1")
    return agency


def test_table_three_matches_the_hand_count(year_2025):
    report = make_report(year_2025.bureau, by=year_2025.clerk)
    matrix = report.table_three()
    assert matrix["new"] == {
        "natural": 2, "commercial": 1, "research": 0, "public_welfare": 0,
        "legal_service": 1, "other_org": 0, "total": 4,
    }  # fmt: skip
    assert matrix["carried_in"]["natural"] == 1 and matrix["carried_in"]["total"] == 1
    assert matrix["1"]["natural"] == 1 and matrix["2"]["commercial"] == 1
    assert matrix["6.1"]["natural"] == 1 and matrix["6.2"]["natural"] == 1
    assert matrix["total"]["total"] == 4
    assert matrix["carried_out"] == {
        **dict.fromkeys(layouts.COLUMN_KEYS, 0),
        "legal_service": 1,
        "total": 1,
    }
    report.check_publishable()  # 一 + 二 = （七） + 四 in every column


def test_without_sub_organizations_only_the_bureaus_own_applications_count(year_2025):
    report = make_report(year_2025.bureau, by=year_2025.clerk, include_sub_organizations=False)
    matrix = report.table_three()
    assert matrix["new"]["total"] == 1 and matrix["6.1"]["natural"] == 1
    assert matrix["carried_in"]["total"] == 0


def test_the_2019_layout_shows_other_handling_as_one_row(year_2025, client):
    report = publish(make_report(year_2025.bureau, year=2025, by=year_2025.clerk,
                                 layout=layouts.LAYOUT_2019, figures={}), year_2025)  # fmt: skip
    assert report.table_three()["6"]["natural"] == 2
    html = client.get(report.get_absolute_url()).content.decode()
    row = html.split("（六）其他处理</th>")[1].split("</tr>")[0]
    assert row.count('<td class="num">') == 7
    assert '<td class="num">2</td>' in row


def test_the_seam_reads_the_real_module():
    data, warnings = assembly.applications_figures(2025, [])
    assert warnings == [] and set(data) == {"new", "carried_in", "outcomes", "carried_out"}
