"""Decomposing a plan's text into its task tree: both seeds, numbering edge cases,
departments and deadline hints. Pure functions: no database."""

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from disclosure import demo
from plans.deadline_hints import deadline_hint
from plans.decompose import TITLE_MAX_CHARS, OutlineItem, decompose, nest, numbered
from plans.department_names import KnownOrganization, recognise_departments
from plans.models import Frequency, Task

BUREAU = ("重庆市民政局", "市民政局")
DEPARTMENTS = [
    KnownOrganization("重庆市民政局办公室", "局办公室", BUREAU),
    KnownOrganization("重庆市民政局执法监督处（政策法规处）", "执法监督处", BUREAU),
    KnownOrganization("重庆市民政局宣传信息处", "宣传信息处", BUREAU),
    KnownOrganization("重庆市民政局区划地名处", "区划地名处", BUREAU),
    KnownOrganization("重庆市婚姻收养登记管理中心", "市婚姻收养登记管理中心", BUREAU),
]


def shape(outline):
    return [(item.number, item.title, len(item.children)) for item in outline.items]


def titles(items):
    return [item.title for item in items]


# --- seed 000: 重庆市民政局2019年政务公开工作方案 -------------------------------------------


def seed_000(**options):
    return decompose(demo.WORK_PLAN.read_text(encoding="utf-8"), **options)


def test_seed_000_has_five_sections_with_their_tasks():
    assert shape(seed_000()) == [
        ("一、", "目标任务", 0),
        ("二、", "强化统筹,夯实政务公开基础", 3),
        ("三、", "突出重点,加大政务信息公开力度", 4),
        ("四、", "心系群众,加强公开解读回应", 3),
        ("五、", "拓宽渠道,推进政务公开平台建设", 5),
    ]


def test_seed_000_task_titles_and_requirements_split_at_the_first_full_stop():
    sections = seed_000().items
    assert titles(sections[1].children) == ["加强组织领导", "强化制度建设", "实行目录清单管理"]
    assert titles(sections[3].children) == [
        "积极做好政策解读",
        "密切关注舆情回应",
        "及时回应群众关切",
    ]
    first = sections[1].children[0]
    assert first.number == "(一)" and first.level == 2
    assert first.requirement.startswith("高度重视政务公开工作,坚持把政务公开")
    assert first.requirement.endswith("小组成员各司其职的工作格局。")
    last = sections[4].children[4]
    assert (last.number, last.title) == ("(五)", "严格落实市政府文件报送工作机制")
    assert (
        last.requirement == "行政规范性文件自印发之日起,由局办公室在5个工作日内报送市政府公报室。"
    )


def test_seed_000_indented_heading_is_a_task_like_its_siblings():
    platform = seed_000().items[4].children[2]
    assert (platform.number, platform.title, platform.level) == ("(三)", "用好政务新媒体平台", 2)


def test_seed_000_cover_notice_title_and_preface_are_the_preamble():
    outline = seed_000()
    assert "渝民办〔2019〕97号" in outline.preamble
    assert "重庆市民政局2019年政务公开工作方案" in outline.preamble
    assert outline.preamble.endswith("结合我局实际,特制定本实施方案。")
    assert "目标任务" not in outline.preamble


def test_seed_000_section_without_tasks_keeps_its_text_as_requirement():
    goals = seed_000().items[0]
    assert goals.children == []
    assert goals.requirement.startswith("深入学习和贯彻落实党的十九大")


def test_seed_000_body_paragraphs_decompose_the_same_as_the_page():
    paragraphs = demo.seed_work_plan()
    assert shape(decompose("\n".join(paragraphs))) == shape(seed_000())


def test_seed_000_departments_are_recognised_in_their_tasks():
    sections = seed_000(organizations=DEPARTMENTS).items
    interpretation = sections[3].children[0]
    assert [(m.phrase, m.name) for m in interpretation.departments] == [
        ("执法监督处(政策法规处)", "重庆市民政局执法监督处（政策法规处）"),
        ("宣传信息处", "重庆市民政局宣传信息处"),
    ]
    assert interpretation.lead == "重庆市民政局执法监督处（政策法规处）"
    assert interpretation.cooperating == ("重庆市民政局宣传信息处",)
    filing = sections[4].children[4]
    assert filing.lead == "重庆市民政局办公室"
    assert filing.unmatched_departments == ["市政府公报室"]  # named, but not one of ours
    websites = sections[4].children[0]
    assert "重庆市民政局区划地名处" in {m.name for m in websites.departments}


def test_seed_000_generic_words_for_departments_are_not_suggested():
    outline = seed_000(organizations=DEPARTMENTS)
    suggested = {phrase for item in outline for phrase in item.unmatched_departments}
    assert suggested == {"市政府公报室"}  # not 各处室, 责任处室, 聚集处, 妥善处(理)


def test_seed_000_frequencies_and_continuous_tasks_are_hinted():
    sections = seed_000(year=2019).items
    system = sections[1].children[1]  # "定期督查" and "每半年": the precise one wins
    assert system.frequency == Frequency.HALF_YEARLY
    assert set(system.deadline.phrases) == {"每半年", "定期"}
    assert sections[4].children[2].frequency == Frequency.QUARTERLY  # 定期发布
    filing = sections[4].children[4]
    assert filing.deadline.is_continuous and filing.due_on is None
    assert "5个工作日内" in filing.deadline.phrases


# --- seed 003: 民政部2016年政务公开工作要点 (traditional script) -----------------------------


def test_seed_003_in_traditional_script_has_five_sections_with_their_tasks():
    outline = decompose(demo.KEY_POINTS.read_text(encoding="utf-8"))
    assert [len(section.children) for section in outline.items] == [3, 3, 3, 4, 3]
    assert [section.number for section in outline.items] == ["一、", "二、", "三、", "四、", "五、"]
    assert outline.preamble.count("民政部2016年") == 2  # the title, printed twice


def test_seed_003_without_pinyin_annotations_gives_the_expected_titles():
    title, paragraphs = demo.seed_key_points()
    outline = decompose("\n".join([title, *paragraphs]))
    assert titles(outline.items) == [
        "圍繞中央改革重點工作加強公開",
        "推進行政管理和行政服務公開",
        "落實民政業務安排和政務運行信息公開",
        "擴大政務參與和加強宣傳解讀",
        "加強政務公開基礎建設",
    ]
    assert titles(outline.items[3].children)[-1] == "以新聞發布促進政府信息公開"
    assert outline.items[2].children[1].frequency == Frequency.QUARTERLY  # 定期公開


def test_traditional_script_names_the_same_department():
    matches = recognise_departments(
        "文件經執法監督處(政策法規處)審核後交宣傳信息處發布", DEPARTMENTS
    )
    assert [m.name for m in matches] == [
        "重庆市民政局执法监督处（政策法规处）",
        "重庆市民政局宣传信息处",
    ]


# --- numbering edge cases -------------------------------------------------------------------


def test_every_numbering_style_is_read_in_full_and_half_width():
    for line, style, number in [
        ("一、总体要求", "chinese", "一、"),
        ("（一）加强领导", "chinese_bracketed", "（一）"),
        ("(十二)加强领导", "chinese_bracketed", "(十二)"),
        ("1.建立台账", "arabic", "1."),
        ("1、建立台账", "arabic", "1、"),
        ("１．建立台账", "arabic", "１．"),
        ("12. 建立台账", "arabic", "12."),
        ("(1)按月报送", "arabic_bracketed", "(1)"),
        ("（1）按月报送", "arabic_bracketed", "（1）"),
        ("①梳理清单", "circled", "①"),
    ]:
        assert numbered(line)[:2] == (style, number), line


def test_dates_and_decimals_at_the_start_of_a_line_are_text():
    for line in ["2019年7月15日", "6.5亿元用于救助", "115000000092759914/2019-01946", "十分重要"]:
        assert numbered(line) is None, line


def test_mixed_numbering_nests_by_the_order_styles_appear():
    text = "一、总体要求\n（一）加强领导\n1.建立台账\n2.定期通报\n（二）完善制度\n二、重点任务\n(1)按月报送\n①梳理清单"
    outline = decompose(text)
    assert [(i.number, i.level) for i in outline] == [
        ("一、", 1), ("（一）", 2), ("1.", 3), ("2.", 3), ("（二）", 2),
        ("二、", 1), ("(1)", 2), ("①", 3),
    ]  # fmt: skip


def test_a_document_starting_at_bracketed_numbers_nests_arabic_under_them():
    outline = decompose("（一）加强领导\n1.建立台账\n2.定期通报\n（二）完善制度\n1.修订目录")
    assert shape(outline) == [("（一）", "加强领导", 2), ("（二）", "完善制度", 1)]
    assert outline.items[0].children[1].level == 2


def test_half_and_full_width_brackets_are_one_style():
    outline = decompose("一、总体\n(一)甲\n（二）乙\n(三)丙")
    assert shape(outline) == [("一、", "总体", 3)]


def test_arabic_numbers_directly_under_a_section_are_its_tasks():
    outline = decompose("一、总体\n1. 甲\n2. 乙\n二、重点\n（一）丙\n1.丁")
    assert shape(outline) == [("一、", "总体", 2), ("二、", "重点", 1)]
    assert titles(outline.items[1].children[0].children) == ["丁"]


def test_blank_lines_and_indentation_change_nothing():
    tight = decompose("一、总体\n（一）甲。要求一\n（二）乙。要求二")
    loose = decompose("\n\n一、总体\n\n\n\u3000\u3000（一）甲。要求一\n   \n\t（二）乙。要求二\n\n")
    assert [i.printed for i in loose] == [i.printed for i in tight]
    assert titles(loose.items[0].children) == ["甲", "乙"]


def test_continuation_lines_append_to_the_requirement():
    outline = decompose(
        "（一）加强领导。成立工作小组。\n小组每月开会。\n\n组长由局长担任。\n（二）完善制度"
    )
    first = outline.items[0]
    assert first.requirement == "成立工作小组。\n小组每月开会。\n组长由局长担任。"
    assert first.frequency == Frequency.MONTHLY


def test_a_number_alone_on_its_line_takes_the_next_line_as_heading():
    outline = decompose("（一）\n加强组织领导。高度重视。\n（二）强化制度建设")
    assert (outline.items[0].title, outline.items[0].requirement) == ("加强组织领导", "高度重视。")


def test_a_heading_without_a_full_stop_is_all_title():
    item = decompose("二、强化统筹,夯实政务公开基础").items[0]
    assert (item.title, item.requirement, item.title_end) == ("强化统筹,夯实政务公开基础", "", "")


def test_a_first_sentence_longer_than_a_title_is_cut_and_kept_in_the_requirement():
    assert TITLE_MAX_CHARS == Task._meta.get_field("title").max_length
    long = "甲" * (TITLE_MAX_CHARS + 30)
    item = decompose(f"1.{long}。乙").items[0]
    assert len(item.title) == TITLE_MAX_CHARS
    assert item.title + item.requirement == long + "。乙"


def test_text_without_numbering_is_all_preamble():
    text = "关于做好政务公开工作的通知\n各处室：\n请认真落实。"
    outline = decompose(text)
    assert outline.items == [] and len(outline) == 0
    assert outline.preamble == text


def test_empty_text_gives_an_empty_outline():
    outline = decompose("")
    assert (outline.items, outline.preamble) == ([], "")


# --- nesting the corrected rows -------------------------------------------------------------


def test_nest_rebuilds_the_tree_and_lifts_children_of_a_dropped_parent():
    rows = [OutlineItem(level=1, title="甲"), OutlineItem(level=3, title="乙"),
            OutlineItem(level=2, title="丙"), OutlineItem(level=1, title="丁")]  # fmt: skip
    top = nest(rows)
    assert titles(top) == ["甲", "丁"]
    assert titles(top[0].children) == ["乙", "丙"]
    assert [row.level for row in rows] == [1, 2, 2, 1]


def test_nest_starts_at_the_top_whatever_the_first_level():
    top = nest([OutlineItem(level=2, title="甲"), OutlineItem(level=3, title="乙")])
    assert titles(top) == ["甲"] and titles(top[0].children) == ["乙"]


# --- deadline hints ------------------------------------------------------------------------


def test_frequency_values_are_the_models():
    hints = [deadline_hint(t).frequency for t in ("每月报送", "每季度通报", "每半年梳理")]
    assert hints == [Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.HALF_YEARLY]


def test_dated_phrases_give_the_earliest_due_date_in_the_plan_year():
    assert deadline_hint("6月底前完成，年底前全面完成", year=2019).due_on == date(2019, 6, 30)
    assert deadline_hint("年底前完成", year=2026).due_on == date(2026, 12, 31)
    assert deadline_hint("9月15日前报送", year=2026).due_on == date(2026, 9, 15)
    assert deadline_hint("十一月底前完成", year=2026).due_on == date(2026, 11, 30)
    assert deadline_hint("2月底前", year=2024).due_on == date(2024, 2, 29)
    assert deadline_hint("上半年完成", year=2026).due_on == date(2026, 6, 30)
    assert deadline_hint("第三季度末前", year=2026).due_on == date(2026, 9, 30)


def test_a_dated_phrase_without_a_year_is_found_but_has_no_date():
    hint = deadline_hint("6月底前完成")
    assert hint.phrases == ("6月底前",) and hint.due_on is None


def test_an_impossible_day_is_no_deadline():
    assert deadline_hint("2月30日前完成", year=2026).due_on is None


def test_continuous_phrases_mark_a_task_continuous():
    assert deadline_hint("持续推进网站集约化").is_continuous
    assert not deadline_hint("年底前持续推进", year=2026).is_continuous  # a date is a date
    assert deadline_hint("做好宣传工作") == deadline_hint("")


# --- department recognition ----------------------------------------------------------------


def test_departments_match_full_short_and_prefixless_names_once_each():
    text = "由重庆市民政局宣传信息处牵头，宣传信息处、局办公室配合，市民政局区划地名处参与"
    assert [m.name for m in recognise_departments(text, DEPARTMENTS)] == [
        "重庆市民政局宣传信息处",
        "重庆市民政局办公室",
        "重庆市民政局区划地名处",
    ]


def test_a_bare_generic_name_inside_another_bodys_name_is_not_ours():
    matches = recognise_departments("报送市政府办公室", DEPARTMENTS)
    assert [(m.phrase, m.name) for m in matches] == [("市政府办公室", "")]


def test_an_unknown_department_is_kept_as_a_suggestion_with_its_second_name():
    matches = recognise_departments("经社会救助处（低保处）审核后公开", DEPARTMENTS)
    assert [(m.phrase, m.is_matched) for m in matches] == [("社会救助处（低保处）", False)]


def test_no_organizations_still_suggests_department_phrases():
    matches = recognise_departments("交宣传信息处统一发布，由信息中心维护", [])
    assert [m.phrase for m in matches] == ["宣传信息处", "信息中心"]


# --- robustness -----------------------------------------------------------------------------

LINE = st.one_of(
    st.text(max_size=40),
    st.builds(
        "".join,
        st.tuples(
            st.sampled_from(["", " ", "\u3000", "\t"]),
            st.sampled_from(
                ["一、", "（二）", "(三)", "1.", "2、", "１．", "(4)", "（5）", "⑥", ""]
            ),
            st.text(alphabet="甲乙丙。；，,(（)）处室中心 \n1.、", max_size=30),
        ),
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE, max_size=25).map("\n".join))
def test_decompose_never_raises_and_never_loses_a_character_of_the_numbered_part(text):
    outline = decompose(text, year=2026, organizations=DEPARTMENTS)
    blank = re.compile(r"\s|[\ufeff\u200b\u200c\u200d\u2060]")
    kept = blank.sub("", "".join(item.printed for item in outline))
    whole = blank.sub("", text)
    preamble = blank.sub("", outline.preamble)
    assert whole == preamble + kept
    assert all(1 <= item.level <= 25 for item in outline)
