"""Load the demo annual report: 重庆市民政局's report on 2025, assembled from the demo
catalogue (and the demo applications when that app has them), with plausible hand-entered
figures and texts, reviewed and published by the demo roles. Running it again changes
nothing. Needs ``load_demo`` first (the organizations and the demo accounts)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from disclosure.annual_reports.models import AnnualReport
from disclosure.annual_reports.services import report_create, report_save_figures, report_submit
from portal import workflow
from portal.models import Organization, Status

ORGANIZATION = "重庆市民政局"
YEAR = 2025

# 民政 licensing (社会组织登记, 养老机构备案 are not licences), a few penalties against
# social organizations, no fee: 民政 charges none under 条例 Art 42's general rule.
FIGURES = {
    "licensing.decisions": 326,
    "penalty.decisions": 14,
    "enforcement.decisions": 0,
    "fees.amount": "0",
    "review.upheld": 2, "review.corrected": 0, "review.other": 1, "review.pending": 0,
    "review.total": 3,
    "direct.upheld": 1, "direct.corrected": 0, "direct.other": 0, "direct.pending": 0,
    "direct.total": 1,
    "after_review.upheld": 0, "after_review.corrected": 0, "after_review.other": 0,
    "after_review.pending": 1, "after_review.total": 1,
}  # fmt: skip

OVERVIEW = """2025年，重庆市民政局坚持以公开为常态、不公开为例外，认真贯彻落实《中华人民共和国政府信息公开条例》，按照“谁主管、谁负责、谁公开、谁审查”的原则，细化政务公开工作任务，提升政务公开质量。
（一）主动公开。聚焦城乡低保、特困人员救助供养、临时救助、养老服务等重点领域，通过门户网站政府信息公开专栏及时公开政策文件和办事信息；行政规范性文件统一登记、统一编号、统一发布，规范性文件库同步更新有效性。
（二）依申请公开。畅通当面提交、邮政寄送和网上申请渠道，严格按照法定时限办理，加强与申请人沟通，引导公众正确行使申请权。
（三）政府信息管理。落实公开前保密审查，政策文件与解读材料同步起草、同步审核、同步发布。
（四）平台建设。推进直属单位网站集约化整合，完善政府信息公开目录和检索功能。
（五）监督保障。把政务公开工作纳入年度考核，每半年对信息公开事项进行梳理，及时查漏补缺。"""

PROBLEMS = """一是部分处室对政策解读重视不够，解读形式较为单一；二是重点领域信息公开的及时性有待提高。
改进措施：加强业务培训，推广图解、问答等解读形式；建立重点领域信息公开清单，定期检查更新情况。"""

OTHER_MATTERS = """本年度未收取信息处理费。
本年度政务公开工作方案确定的各项任务已按计划推进，完成情况见本局年度工作方案执行情况。"""


class Command(BaseCommand):
    help = "加载演示年报（重庆市民政局2025年政府信息公开工作年度报告，已发布）；可重复执行。"

    @transaction.atomic
    def handle(self, *args, **options):
        organization = Organization.objects.filter(name=ORGANIZATION).first()
        users = {u.username: u for u in get_user_model().objects.filter(
            username__in=["clerk", "reviewer", "publisher"])}  # fmt: skip
        if organization is None or len(users) < 3:
            raise CommandError("请先运行 load_demo（演示机构和演示账号）。")
        report = AnnualReport.objects.filter(organization=organization, year=YEAR).first()
        if report is not None and report.status == Status.PUBLISHED:
            self.stdout.write(f"演示年报已存在：{report}")
            return
        if report is None:
            report = report_create(year=YEAR, organization=organization, by=users["clerk"])
        if report.status == Status.DRAFT:
            report = report_save_figures(
                report=report,
                figures=FIGURES,
                texts={
                    "overview": OVERVIEW,
                    "problems": PROBLEMS,
                    # The plan's year-end summary, when the plans demo wrote one, comes first.
                    "other_matters": report.other_matters or OTHER_MATTERS,
                },
                by=users["clerk"],
            )
            report = report_submit(report=report, by=users["clerk"])
        if report.status == Status.SUBMITTED:
            report = workflow.perform(
                report,
                step="approve",
                by=users["reviewer"],
                note="经保密审查，数据核对无误，同意公开。",
            )
        if report.status == Status.APPROVED:
            report = workflow.perform(report, step="publish", by=users["publisher"])
        self.stdout.write(f"演示年报已发布：{report}（{report.get_absolute_url()}）")
