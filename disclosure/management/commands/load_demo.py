"""Load the demo site: organizations, the two seed documents, generated documents,
the disclosure guide and the demo accounts. Running it again changes nothing."""

import json
from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from disclosure import demo
from disclosure.models import ColumnPage, DisclosureGuide, Document, Genre, TopicCategory
from disclosure.services import document_create, document_migrate
from portal import workflow
from portal.accounts.demo import DEMO_PASSWORD
from portal.models import Organization
from portal.richtext import plain_text_to_html
from portal.roles.demo import DEMO_TOTP_SECRET, demo_device_enrol

GENERATED_DOCUMENTS = 48

# username → (name and role group, organization)
ACCOUNTS = {
    "clerk": ("信息员", "重庆市民政局办公室"),
    "reviewer": ("审核员", "重庆市民政局办公室"),
    "publisher": ("发布员", "重庆市民政局宣传信息处"),
    "supervisor": ("督查员", "重庆市民政局"),
    # 三员分立 (portal.roles): each administrator role on its own account.
    "sysadmin": ("系统管理员", "重庆市民政局办公室"),
    "secadmin": ("安全管理员", "重庆市民政局办公室"),
    "auditor": ("审计管理员", "重庆市民政局办公室"),
}
# Accounts that log in with a second factor: pre-enrolled with the published demo secret.
TWO_FACTOR_ACCOUNTS = ["admin", "sysadmin", "secadmin", "auditor"]


class Command(BaseCommand):
    help = "加载演示数据（机构、种子文件、生成的文件、公开指南、演示账号）；可重复执行。"

    @transaction.atomic
    def handle(self, *args, **options):
        organizations = self._organizations()
        self.admin = self._accounts(organizations)
        documents = self._seed_documents(organizations) + self._generated_documents(organizations)
        documents += demo.load_normative(organization=organizations["重庆市民政局"], by=self.admin)
        self._workflow_examples(organizations)
        self._guide(organizations["重庆市民政局"])
        self._rules_column()
        self.stdout.write(
            f"演示数据就绪：{len(organizations)} 个机构，{len(documents)} 个文件，"
            f"演示账号 admin、{'、'.join(ACCOUNTS)}（密码 {DEMO_PASSWORD}）。\n"
            f"{'、'.join(TWO_FACTOR_ACCOUNTS)} 登录时还需动态验证码：运行 "
            f"`manage.py demo_totp <账号>` 获取，或在身份验证器应用中添加演示密钥 "
            f"{DEMO_TOTP_SECRET}。"
        )

    def _organizations(self) -> dict[str, Organization]:
        rows = json.loads((demo.SEED_DIR / "organizations.json").read_text(encoding="utf-8"))
        organizations = {}
        for row in rows:
            parent = organizations.get(row.pop("parent"))
            organization, created = Organization.objects.get_or_create(
                name=row["name"], defaults={**row, "parent": parent}
            )
            if created:
                organization.full_clean()
            organizations[organization.name] = organization
        return organizations

    def _upsert(self, *, lookup: dict, fields: dict) -> Document:
        """Create the document as a migrated, already-published record, once."""
        document = Document.objects.filter(**lookup).first()
        if document is not None:
            return document
        return document_migrate(document=Document(**lookup, **fields), by=self.admin)

    def _seed_documents(self, organizations) -> list[Document]:
        bureau = organizations["重庆市民政局"]
        work_plan = self._upsert(
            lookup={"index_number": "115000000092759914/2019-01946"},
            fields={
                "title": "重庆市民政局办公室关于印发2019年政务公开工作方案的通知",
                "document_number": "渝民办〔2019〕97号",
                "organization": bureau,
                "category": TopicCategory.objects.get(name="其他", parent=None),
                "genre": Genre.objects.get(name="其他"),
                "written_on": date(2019, 7, 19),
                "published_at": datetime.combine(date(2019, 7, 19), time(0, 0), demo.SHANGHAI),
                "validity": "",
                "keywords": "政务公开 工作方案",
                "summary": "印发《重庆市民政局2019年政务公开工作方案》，细化政务公开工作任务。",
                # The page prints 发文字号 above the body; the seed repeats it as line one.
                "body": plain_text_to_html("\n".join(demo.seed_work_plan()[1:])),
            },
        )
        title, paragraphs = demo.seed_key_points()
        key_points = self._upsert(
            lookup={"organization": organizations["中华人民共和国民政部"], "title": title},
            fields={
                "category": TopicCategory.objects.get(name="政务公开"),
                "genre": Genre.objects.get(name="其他"),
                "written_on": date(2016, 6, 20),
                "published_at": datetime.combine(date(2016, 6, 20), time(9, 0), demo.SHANGHAI),
                "validity": "有效",
                "keywords": "政务公开 工作要点",
                "body": plain_text_to_html("\n".join(paragraphs)),
            },
        )
        return [work_plan, key_points]

    def _generated_documents(self, organizations) -> list[Document]:
        names = [name for name in organizations if name.startswith("重庆市民政局")]
        categories = {c.name: c for c in TopicCategory.objects.exclude(parent=None)}
        genres = {g.name: g for g in Genre.objects.all()}
        documents = []
        for item in demo.generate(GENERATED_DOCUMENTS, organizations=names):
            organization = organizations[item.organization]
            documents.append(
                self._upsert(
                    lookup={"organization": organization, "document_number": item.document_number},
                    fields={
                        "title": item.title,
                        "category": categories[item.category],
                        "genre": genres[item.genre],
                        "written_on": item.written_on,
                        "published_at": item.published_at,
                        "validity": item.validity,
                        "body": plain_text_to_html("\n".join(item.body_paragraphs)),
                    },
                )
            )
        return documents

    def _workflow_examples(self, organizations):
        """A few documents on their way, so each demo role finds work in its queue."""
        User = get_user_model()
        clerk, reviewer = User.objects.get(username="clerk"), User.objects.get(username="reviewer")
        bureau = organizations["重庆市民政局"]
        welfare = TopicCategory.objects.get(name="社会福利")
        notice = Genre.objects.get(name="通知")
        steps = {
            "关于做好2026年冬季困难群众基本生活保障工作的通知（草稿）": [],
            "关于开展养老机构消防安全专项检查的通知": ["submit"],
            "关于调整城乡低保标准的通知": ["submit", "approve"],
        }
        for title, path in steps.items():
            if Document.objects.filter(organization=bureau, title=title).exists():
                continue
            document = document_create(
                document=Document(title=title, organization=bureau, category=welfare,
                                  genre=notice, written_on=date.today(),
                                  body=plain_text_to_html(title)),
                by=clerk,
                # The approved example would wait for an interpretation (同步审核).
                needs_interpretation="approve" not in path,
            )  # fmt: skip
            for step in path:
                actor = clerk if step == "submit" else reviewer
                note = "经保密审查，不涉及国家秘密，同意公开。" if step == "approve" else ""
                document = workflow.perform(document, step=step, by=actor, note=note)

    def _guide(self, bureau):
        if DisclosureGuide.objects.filter(organization=bureau).exists():
            return
        guide = DisclosureGuide(
            organization=bureau,
            classification=(
                "本机关主动公开的政府信息按《政府信息公开目录》分为政府信息公开指南、"
                "政府信息公开制度、法定主动公开内容和政府信息公开年报；法定主动公开内容"
                "按主题分类、体裁分类、发布机构和发布年份编排，每条信息标注索引号。"
            ),
            how_to_obtain=(
                "主动公开的信息可在本网站“政务公开”栏目查阅、检索和下载，也可到本机关"
                "政府信息公开查阅点查阅。依申请公开：公民、法人或者其他组织可通过当面提交、"
                "邮政寄送或网上申请等方式提出申请，本机关自收到申请之日起20个工作日内答复。"
            ),
            office_name="重庆市民政局办公室（政务公开办公室）",
            office_address="重庆市渝北区（演示地址）",
            office_hours="工作日 上午9:00—12:00，下午13:30—17:30（法定节假日除外）",
            postal_code="401147",
            phone="023-00000000（演示号码）",
            fax="023-00000001（演示号码）",
            internet_contact="本网站“依申请公开”栏目；电子邮箱 zwgk@example.gov.cn（演示）",
            supervision="公民、法人或者其他组织认为本机关在政府信息公开工作中侵犯其合法权益的，可以依法申请行政复议或者提起行政诉讼。",
        )
        self._through_review(workflow.item_save(guide, by=self._user("clerk")))

    def _rules_column(self):
        rules = ColumnPage.objects.get(slug="rules")
        if rules.body:
            return
        rules.body = plain_text_to_html(
            "《中华人民共和国政府信息公开条例》（国务院令第711号）\n"
            "重庆市民政局政府信息公开保密审查制度：按照“谁主管、谁负责、谁公开、谁审查”的原则，"
            "拟公开的政府信息先审查、后公开。\n"
            "重庆市民政局依申请公开工作制度：登记、审核、办理、答复、归档，全程留痕。"
        )
        self._through_review(workflow.item_save(rules, by=self._user("clerk")))

    def _through_review(self, item):
        """Submitted by the clerk, approved by the reviewer, published by the publisher."""
        item = workflow.perform(item, step="submit", by=self._user("clerk"))
        item = workflow.perform(
            item, step="approve", by=self._user("reviewer"), note="经保密审查，同意公开。"
        )
        return workflow.perform(item, step="publish", by=self._user("publisher"))

    @staticmethod
    def _user(username):
        return get_user_model().objects.get(username=username)

    def _accounts(self, organizations):
        User = get_user_model()
        admin, created = User.objects.get_or_create(
            username="admin",
            defaults={"is_staff": True, "is_superuser": True, "last_name": "系统管理员",
                      "organization": organizations["重庆市民政局"]},
        )  # fmt: skip
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        for username, (role, organization) in ACCOUNTS.items():
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "is_staff": True,
                    "last_name": role,
                    "organization": organizations[organization],
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
                user.groups.set(Group.objects.filter(name=role))
        for user in User.objects.filter(username__in=TWO_FACTOR_ACCOUNTS):
            demo_device_enrol(user=user)
        return admin
