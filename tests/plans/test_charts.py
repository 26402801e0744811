"""The SVG charts name themselves, state every figure in words and mark each status by
a pattern as well as a colour; text from the database is escaped."""

import re

from plans import charts, reports
from tests.plans.report_tree import NATIONAL_DAY, START, TODAY, hand_tree, task


def report(tasks=None):
    return reports.build_report(
        hand_tree() if tasks is None else tasks, today=TODAY, calendar=NATIONAL_DAY, start=START
    )


def texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_department_chart_is_one_named_image_with_its_figures_in_words():
    svg = str(charts.department_chart(report().departments))
    assert svg.startswith('<svg class="plan-chart"') and 'role="img"' in svg
    assert '<title id="dept-chart-title">各部门任务完成进度（按权重）</title>' in svg
    assert 'aria-labelledby="dept-chart-title dept-chart-desc"' in svg
    labels = texts(svg)
    assert labels[:3] == ["局办公室", "80%", "红灯：1 项任务逾期"]
    assert labels[3:6] == ["宣传信息处", "60%", "黄灯：1 项任务临近时限或未按频次报送"]
    assert ["80%", "60%", "60%"] == [label for label in labels if label.endswith("%")]
    desc = re.search(r"<desc[^>]*>([^<]*)</desc>", svg).group(1)
    assert "局办公室（红灯：1 项任务逾期）完成进度 80%" in desc


def test_each_light_fills_its_bar_with_its_own_pattern():
    svg = str(charts.department_chart(report().departments))
    assert 'fill="url(#dept-chart-red)"' in svg and 'fill="url(#dept-chart-yellow)"' in svg
    patterns = re.findall(r'<pattern id="([^"]+)"', svg)
    assert patterns == [
        "dept-chart-red",
        "dept-chart-yellow",
        "dept-chart-green",
        "dept-chart-none",
    ]
    assert "style=" not in svg  # the Content-Security-Policy refuses style attributes


def test_status_chart_lists_every_status_with_number_share_and_pattern_name():
    svg = str(charts.status_chart(report()))
    assert '<title id="status-chart-title">任务状态分布（共 6 项末级任务）</title>' in svg
    assert texts(svg) == [
        "已逾期（斜线）  1 项，占 17%",
        "推进中（圆点）  1 项，占 17%",
        "未启动（横线）  1 项，占 17%",
        "已完成（实心）  2 项，占 33%",
        "已暂缓（网格）  1 项，占 17%",
    ]


def test_names_are_escaped_and_long_ones_shortened():
    from portal.models import Organization

    hostile = Organization(pk=5, name="<script>alert(1)</script>处" * 3, tree_id=1, lft=1)
    svg = str(charts.department_chart(report([task(1, department=hostile)]).departments))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "…" in texts(svg)[0]


def test_an_empty_plan_draws_a_sentence_not_an_empty_box():
    svg = str(charts.department_chart([]))
    assert "本方案还没有任务。" in texts(svg)
    assert "共 0 项末级任务" in str(charts.status_chart(report([])))
