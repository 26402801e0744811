"""The fixed vocabularies of disclosure on request: applicant types and the outcome
taxonomy are the rows and columns of table 三 of the annual report (国办公开办函〔2021〕30号)
and must match it exactly; channels, identity documents and delivery follow 条例 Arts 29–31
and 国办公开办函〔2015〕207号."""

from django.db import models


class ApplicantType(models.TextChoices):
    """The six applicant columns of table 三, in the report's order; 总计 is their sum.
    The form asks 自然人 / 法人或其他组织 first, then the organisation's kind."""

    NATURAL = "natural", "自然人"
    COMMERCIAL = "commercial", "商业企业"
    RESEARCH = "research", "科研机构"
    PUBLIC_WELFARE = "public_welfare", "社会公益组织"
    LEGAL_SERVICE = "legal_service", "法律服务机构"
    OTHER_ORG = "other_org", "其他"


ORGANIZATION_TYPES = tuple(t for t in ApplicantType if t != ApplicantType.NATURAL)


class Channel(models.TextChoices):
    """How the application arrived; each has its own receipt-date rule (条例 Art 31)."""

    ONLINE = "online", "网上申请"
    IN_PERSON = "in_person", "当面提交"
    REGISTERED_MAIL = "registered_mail", "挂号信/邮政寄送"
    ORDINARY_MAIL = "ordinary_mail", "平信"
    FAX = "fax", "传真"
    EMAIL = "email", "电子邮件"
    ORAL = "oral", "口头申请（代为填写）"


# The receipt-date rule of each channel, as the deadline explanation words it (条例 Art 31;
# 207号). An oral application is written down by the clerk in the applicant's presence,
# so it is received that day like one handed in.
RECEIPT_RULES = {
    Channel.ONLINE: "网上申请：机关确认之日",
    Channel.IN_PERSON: "当面提交：提交之日",
    Channel.REGISTERED_MAIL: "邮政寄送：签收之日",
    Channel.ORDINARY_MAIL: "平信：与申请人确认之日",
    Channel.FAX: "传真：双方确认之日",
    Channel.EMAIL: "电子邮件：电子邮件系统收到之日",
    Channel.ORAL: "口头申请：代为填写之日",
}

# Channels whose receipt date is only known when the office confirms with the applicant:
# the application waits as 待确认 until then.
CONFIRMED_CHANNELS = frozenset({Channel.ONLINE, Channel.FAX, Channel.ORDINARY_MAIL})


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证"
    PASSPORT = "passport", "护照"
    HK_MACAO = "hk_macao", "港澳居民来往内地通行证"
    TAIWAN = "taiwan", "台湾居民来往大陆通行证"
    FOREIGN_PR = "foreign_pr", "外国人永久居留身份证"
    CREDIT_CODE = "credit_code", "统一社会信用代码"
    OTHER = "other", "其他有效身份证件"


class DeliveryForm(models.TextChoices):
    """所需信息的提供形式 (条例 Art 29(三))."""

    PAPER = "paper", "纸质"
    EMAIL = "email", "电子邮件"
    ELECTRONIC = "electronic", "电子数据（光盘等）"
    ON_SITE = "on_site", "现场查阅"


class DeliveryMethod(models.TextChoices):
    """获取信息的方式 (条例 Art 29(三))."""

    POST = "post", "邮政寄送"
    PICKUP = "pickup", "当面领取"
    EMAIL = "email", "电子邮件"
    ON_SITE = "on_site", "现场查阅"


class ServiceMethod(models.TextChoices):
    """How the decision is served: in person, through another agency or by the postal
    service — never a courier (国办公开办函〔2016〕235号)."""

    IN_PERSON = "in_person", "直接送达"
    AGENCY = "agency", "委托其他机关代为送达"
    POST = "post", "邮政送达"


class Outcome(models.TextChoices):
    """The 21 leaves of 三、本年度办理结果 (2021 format). Labels are the row texts; the
    group of each leaf is in ``OUTCOME_GROUPS``."""

    DISCLOSED = "1", "（一）予以公开"
    PARTIAL = "2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    REFUSED_SECRET = "3.1", "1.属于国家秘密"
    REFUSED_LAW = "3.2", "2.其他法律行政法规禁止公开"
    REFUSED_SAFETY = "3.3", "3.危及“三安全一稳定”"
    REFUSED_THIRD_PARTY = "3.4", "4.保护第三方合法权益"
    REFUSED_INTERNAL = "3.5", "5.属于三类内部事务信息"
    REFUSED_PROCESS = "3.6", "6.属于四类过程性信息"
    REFUSED_ENFORCEMENT = "3.7", "7.属于行政执法案卷"
    REFUSED_QUERY = "3.8", "8.属于行政查询事项"
    UNAVAILABLE_NOT_HELD = "4.1", "1.本机关不掌握相关政府信息"
    UNAVAILABLE_NOT_MADE = "4.2", "2.没有现成信息需要另行制作"
    UNAVAILABLE_UNCLEAR = "4.3", "3.补正后申请内容仍不明确"
    NOT_HANDLED_PETITION = "5.1", "1.信访举报投诉类申请"
    NOT_HANDLED_REPEAT = "5.2", "2.重复申请"
    NOT_HANDLED_PUBLICATION = "5.3", "3.要求提供公开出版物"
    NOT_HANDLED_EXCESSIVE = "5.4", "4.无正当理由大量反复申请"
    NOT_HANDLED_CONFIRM = "5.5", "5.要求行政机关确认或重新出具已获取信息"
    OTHER_NO_SUPPLEMENT = (
        "6.1",
        ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    )
    OTHER_NO_PAYMENT = (
        "6.2",
        ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    )
    OTHER = "6.3", "3.其他"


# The report's rows: (group code, group label, leaves). （一） and （二） are leaves and
# groups at once.
OUTCOME_GROUPS: list[tuple[str, str, list[str]]] = [
    ("1", "（一）予以公开", ["1"]),
    ("2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ["2"]),
    ("3", "（三）不予公开", [f"3.{n}" for n in range(1, 9)]),
    ("4", "（四）无法提供", [f"4.{n}" for n in range(1, 4)]),
    ("5", "（五）不予处理", [f"5.{n}" for n in range(1, 6)]),
    ("6", "（六）其他处理", [f"6.{n}" for n in range(1, 4)]),
]

_GROUP_OF = {leaf: (code, label) for code, label, leaves in OUTCOME_GROUPS for leaf in leaves}

# For select widgets: the leaves under their group (rendered as <optgroup>).
OUTCOME_CHOICES = [
    (label, [(leaf, Outcome(leaf).label) for leaf in leaves]) if len(leaves) > 1
    else (leaves[0], Outcome(leaves[0]).label)
    for _code, label, leaves in OUTCOME_GROUPS
]  # fmt: skip


def outcome_group(outcome: str) -> str:
    """The group code ("1".."6") of a leaf."""
    return _GROUP_OF[outcome][0]


def outcome_full_label(outcome: str) -> str:
    """A leaf named with its group, for letters and the tracking page:
    "（三）不予公开：1.属于国家秘密"."""
    code, group_label = _GROUP_OF[outcome]
    if code in ("1", "2"):
        return Outcome(outcome).label
    return f"{group_label}：{Outcome(outcome).label}"


class LetterType(models.TextChoices):
    """The answer types of 条例 Art 36, one letter template each."""

    ALREADY_PUBLIC = "already_public", "已主动公开"
    DISCLOSE = "disclose", "予以公开"
    PARTIAL = "partial", "部分公开"
    REFUSE = "refuse", "不予公开"
    NOT_EXIST = "not_exist", "信息不存在"
    NOT_OURS = "not_ours", "非本机关负责公开"
    REPEAT = "repeat", "重复申请"
    SPECIAL_REGISTRY = "special_registry", "工商/不动产登记资料"
    NO_HANDLE = "no_handle", "不予处理（其他）"
    OTHER = "other", "其他处理"


# Art 36 type → template key (the key is the type's value; kept as a mapping for callers
# that look types up by key).
ART36_TYPE: dict[str, str] = dict(LetterType.choices)

# The letter types an outcome may be answered with, the default first. Art 36(一) 已主动公开
# is counted as 予以公开; Art 36(四) 信息不存在 and (五) 非本机关负责公开 are both counted as
# 本机关不掌握相关政府信息 (4.1); Art 36(七) 工商、不动产登记资料 follows those laws and is
# counted as 其他处理.
LETTER_TYPES: dict[str, tuple[str, ...]] = {
    "1": (LetterType.DISCLOSE, LetterType.ALREADY_PUBLIC),
    "2": (LetterType.PARTIAL,),
    **{f"3.{n}": (LetterType.REFUSE,) for n in range(1, 9)},
    "4.1": (LetterType.NOT_EXIST, LetterType.NOT_OURS),
    "4.2": (LetterType.NOT_EXIST,),
    "4.3": (LetterType.OTHER,),
    "5.1": (LetterType.NO_HANDLE,),
    "5.2": (LetterType.REPEAT,),
    "5.3": (LetterType.NO_HANDLE,),
    "5.4": (LetterType.NO_HANDLE,),
    "5.5": (LetterType.NO_HANDLE,),
    "6.1": (LetterType.OTHER,),
    "6.2": (LetterType.OTHER,),
    "6.3": (LetterType.OTHER, LetterType.SPECIAL_REGISTRY),
}


def letter_type_for(outcome: str) -> str:
    """The default letter template key for an outcome leaf."""
    return str(LETTER_TYPES[outcome][0])
