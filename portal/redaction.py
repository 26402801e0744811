"""Finding and masking personal data in text citizens write (个人信息保护法 Arts 34–35).

Used wherever a citizen's text may reach the public or a staff member who may not see
who wrote it: a letter's public version, masked columns and exports. The detector errs
on the side of masking: a public page that hides a house number too many is better
than one that shows a telephone number. A reviewer always sees the result beside the
original and corrects it before it goes anywhere (``mailbox``'s reply review).

Detected: names after a cue (姓名、我叫、联系人…, and 我是/本人 before a common surname) and
before a form of address (张先生), mobile and landline telephone numbers, 18-digit
resident ID numbers (and 15-digit old ones), e-mail addresses, street addresses with a
house number, and any literal value the caller knows (the writer's own name and phone).
Pure functions, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

NAME = "name"
PHONE = "phone"
ID_NUMBER = "id_number"
EMAIL = "email"
ADDRESS = "address"

LABELS = {
    NAME: "姓名",
    PHONE: "电话",
    ID_NUMBER: "身份证号",
    EMAIL: "邮箱",
    ADDRESS: "地址",
}

# The commonest surnames (over 85% of the population), compound ones first.
COMPOUND_SURNAMES = "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 夏侯 令狐 司徒 宇文".split()
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申耿关兰焦俞左柳甘祝包"
    "宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时"
    "穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋"
    "商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_HAN = "\u4e00-\u9fff"
_SURNAME = "(?:" + "|".join(COMPOUND_SURNAMES) + "|[" + "".join(sorted(SURNAMES)) + "])"
_DIGITS = "0-9０-９"

_PATTERNS: list[tuple[str, re.Pattern]] = [
    (EMAIL, re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")),
    # 18 digits (the last may be X), or the 15-digit numbers issued before 1999.
    (ID_NUMBER, re.compile(rf"(?<![{_DIGITS}A-Za-z])(?:[{_DIGITS}]{{17}}[{_DIGITS}Xx×]|[{_DIGITS}]{{15}})(?![{_DIGITS}A-Za-z])")),
    # Mobile: 1[3-9]x xxxx xxxx, with +86 and blanks or hyphens between the groups.
    (PHONE, re.compile(rf"(?<![{_DIGITS}])(?:\+?86[\s\-]?)?1[3-9][0-9](?:[\s\-]?[0-9]{{4}}){{2}}(?![{_DIGITS}])")),
    # Landline with an area code: 023-6789 1234, (023)67891234, 02367891234.
    (PHONE, re.compile(rf"(?<![{_DIGITS}])(?:[(（]0[0-9]{{2,3}}[)）]|0[0-9]{{2,3}})[\s\-]?[0-9]{{3,4}}[\s\-]?[0-9]{{4}}(?:[\s\-]?(?:转|-)[0-9]{{1,5}})?(?![{_DIGITS}])")),
    # A bare local number of 7 or 8 digits: masked too (an amount that long is rare in a
    # letter, a telephone number common).
    (PHONE, re.compile(rf"(?<![{_DIGITS}\-.])[2-9][0-9]{{2,3}}[\s\-]?[0-9]{{4}}(?![{_DIGITS}])")),
    # A street address with a house number, and what follows it (building, unit, room).
    (ADDRESS, re.compile(
        rf"[{_HAN}A-Za-z0-9]{{1,10}}(?:路|街|大道|大街|巷|弄|胡同|道|村|组|社区)"
        rf"[{_DIGITS}一二三四五六七八九十百零〇\-]+(?:号|弄|组|社)"
        rf"(?:[{_HAN}A-Za-z0-9\-]{{0,12}}?(?:栋|幢|号楼|单元|楼|层|室|户|号))*"
    )),
    (ADDRESS, re.compile(
        rf"[{_HAN}A-Za-z0-9]{{1,10}}(?:小区|花园|公寓|大厦|苑|家园|新村|广场)"
        rf"[{_DIGITS}一二三四五六七八九十A-Za-z\-]+(?:栋|幢|号楼|单元|楼|号)"
        rf"(?:[{_DIGITS}一二三四五六七八九十A-Za-z\-]+(?:栋|幢|号楼|单元|楼|层|室|户|号))*"
    )),
    # A name after an explicit cue: 姓名：张三, 我叫李四, 联系人王五.
    (NAME, re.compile(rf"(?<=姓名)[:：\s]*[{_HAN}·]{{2,4}}|(?:(?<=我叫)|(?<=名叫)|(?<=联系人)[:：\s]*|(?<=署名)[:：\s]*|(?<=来信人)[:：\s]*|(?<=反映人)[:：\s]*)[{_HAN}·]{{2,4}}")),
    # 我是/本人 only before a common surname: "我是王小明" but not "我是一名退休教师".
    (NAME, re.compile(rf"(?:(?<=我是)|(?<=本人)|(?<=我姓))(?={_SURNAME}[{_HAN}])[{_HAN}]{{2,3}}(?![人者员工师户民生家])")),
    # A surname before a form of address: 张先生, 欧阳女士, 李阿姨.
    (NAME, re.compile(rf"{_SURNAME}(?=(?:先生|女士|小姐|阿姨|大爷|大妈|老师|师傅|同志|老人|奶奶|爷爷))")),
]  # fmt: skip


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def find_personal_data(
    text: str, *, known: Iterable[tuple[str, str]] = (), detect: bool = True
) -> list[Finding]:
    """Spans of ``text`` that look like personal data, without overlaps, in order.
    ``known`` adds literal values the caller knows belong to a person, as (kind, value)
    pairs: the writer's name, phone and e-mail are masked wherever they appear.
    ``detect=False`` looks for the known values only (an official answer may name an
    office's telephone number)."""
    text = text or ""
    found: list[Finding] = []
    for kind, value in known:
        value = (value or "").strip()
        if len(value) < 2:
            continue
        for match in re.finditer(re.escape(value), text):
            found.append(Finding(kind, match.start(), match.end(), value))
    for kind, pattern in _PATTERNS if detect else ():
        for match in pattern.finditer(text):
            start, end = match.span()
            matched = match.group()
            stripped = matched.lstrip(":： \t\u3000")  # the cue's punctuation stays
            start += len(matched) - len(stripped)
            if end > start:
                found.append(Finding(kind, start, end, text[start:end]))
    return _without_overlaps(found)


def _without_overlaps(found: list[Finding]) -> list[Finding]:
    """Merge overlapping spans (the longest wins the label), so masking never cuts a
    finding in half and leaves part of it."""
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    merged: list[Finding] = []
    for finding in found:
        if merged and finding.start < merged[-1].end:
            last = merged[-1]
            if finding.end > last.end:
                merged[-1] = Finding(last.kind, last.start, finding.end, "")
            continue
        merged.append(finding)
    return merged


def redact(text: str, *, known: Iterable[tuple[str, str]] = ()) -> str:
    """``text`` with every finding replaced by its label in brackets: 【电话】."""
    text = text or ""
    parts, position = [], 0
    for finding in find_personal_data(text, known=known):
        parts.append(text[position : finding.start])
        parts.append(f"【{finding.label}】")
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)


def leftovers(
    text: str, *, known: Iterable[tuple[str, str]] = (), detect: bool = True
) -> list[str]:
    """Labels of the personal data still in ``text`` (for a check before publication)."""
    found = find_personal_data(text, known=known, detect=detect)
    return sorted({finding.label for finding in found})


# --- partial masks for staff lists and exports ----------------------------------------


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***."""
    name = (name or "").strip()
    return f"{name[0]}{'*' * max(len(name) - 1, 1)}" if name else ""


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; a landline keeps its last four digits."""
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return ""
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    return f"{'*' * max(len(digits) - 4, 3)}{digits[-4:]}"


def mask_email(email: str) -> str:
    """zhang.san@example.cn → z***@example.cn."""
    local, _, domain = (email or "").partition("@")
    if not domain:
        return "***" if email else ""
    return f"{local[:1]}***@{domain}"


def mask_id_number(number: str) -> str:
    """500101199001011234 → 500***********1234 (a resident ID number, 18 or 15
    characters: the province's code and the check part, not the city or the birth
    date); a shorter document (a passport, a permit) keeps its first character and last
    two: E12345678 → E******78; seven characters or fewer are all masked."""
    number = (number or "").strip()
    if len(number) >= 15:
        return f"{number[:3]}{'*' * (len(number) - 7)}{number[-4:]}"
    if len(number) >= 8:
        return f"{number[:1]}{'*' * (len(number) - 3)}{number[-2:]}"
    return "*" * len(number)
