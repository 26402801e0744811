"""The answer letter (告知书) of an application, written from one template per answer type
of 条例 Art 36 (``templates/applications/letters/<type>.txt``, overridable per site).

Every letter names the application number, the day it was received, the information
requested, the decision with its article, the remedy (行政复议法 Art 20: 60 days; 行政诉讼法
Art 46: 6 months), the organization and the date. The clerk may edit the generated text
(``AnswerLetter.body``) before review; what the applicant receives is that reviewed text
(``issued_text``).
"""

import re
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone

from disclosure.applications.vocabularies import DeliveryForm, DeliveryMethod, LetterType

TITLE = "政府信息公开申请答复告知书"
DESCRIPTION_MAX_CHARS = 300
_CLOSING_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日\Z")
REMEDY = "可在收到本告知书之日起60日内申请行政复议或6个月内提起行政诉讼"

# 条例 Arts 14–16 and the report's rows: why information is not disclosed, per leaf.
REFUSAL_GROUNDS = {
    "3.1": "属于国家秘密",
    "3.2": "属于法律、行政法规禁止公开的信息",
    "3.3": "公开后可能危及国家安全、公共安全、经济安全、社会稳定",
    "3.4": "涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害",
    "3.5": "属于人事管理、后勤管理、内部工作流程等内部事务信息",
    "3.6": "属于讨论记录、过程稿、磋商信函、请示报告等过程性信息",
    "3.7": "属于行政执法案卷信息",
    "3.8": "属于行政查询事项",
}

# Types whose decision sentence already states the reasons / the legal basis; the others
# add the clerk's notes after the decision when there are any.
_REASONS_IN_DECISION = {LetterType.PARTIAL, LetterType.REFUSE}
_BASIS_IN_DECISION = {LetterType.PARTIAL, LetterType.REFUSE}


def letter_text(answer_letter, *, on: date | None = None) -> str:
    """The full 告知书 for ``answer_letter`` from its type's template, dated ``on`` (by
    default the day it was issued, or today while it is a draft)."""
    application = answer_letter.application
    letter_type = LetterType(answer_letter.letter_type)
    reasons_used = letter_type in _REASONS_IN_DECISION or (
        letter_type == LetterType.OTHER and answer_letter.outcome == "6.3"
    )
    context = {
        "letter": answer_letter,
        "application": application,
        "organization": application.organization,
        "received_on": application.received_on or timezone.localdate(application.submitted_at),
        "description": _sentence(_one_paragraph(application.description)),
        "reasons": _sentence(_one_paragraph(answer_letter.reasons, limit=None)),
        # Quoted inside a sentence ("依据……，本机关决定"): no closing stop of its own.
        "legal_basis": _one_paragraph(answer_letter.legal_basis, limit=None).rstrip("。；;.，,"),
        "delivery": _delivery(application),
        "ground": REFUSAL_GROUNDS.get(answer_letter.outcome, "依法不予公开"),
        "show_reasons": not reasons_used,
        "show_legal_basis": letter_type not in _BASIS_IN_DECISION,
        "on": on or _letter_date(answer_letter),
    }
    text = render_to_string(f"applications/letters/{letter_type.value}.txt", context)
    return _tidy(text)


def issued_text(answer_letter) -> str:
    """What the applicant receives: the reviewed body (or the generated text while there is
    none), dated the day it was issued rather than the day it was drafted."""
    if not answer_letter.body.strip():
        return letter_text(answer_letter)
    text = _tidy(answer_letter.body)
    if answer_letter.is_live and answer_letter.published_at:
        day = _letter_date(answer_letter)
        text = _CLOSING_DATE.sub(f"{day.year}年{day.month}月{day.day}日", text)
    return text


def split_letter(text: str) -> tuple[str, list[str], list[str]]:
    """(title, body paragraphs, closing lines) for the PDF and DOCX layouts: the title is
    the first line when it is ``TITLE``; the closing lines are the last paragraph (the
    organization and the date) when it is two short lines."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    title = ""
    if paragraphs and paragraphs[0].strip() == TITLE:
        title = paragraphs.pop(0).strip()
    closing: list[str] = []
    if paragraphs:
        last = paragraphs[-1].split("\n")
        if len(last) == 2 and all(len(line) <= 40 for line in last):
            closing = last
            paragraphs.pop()
    return title, paragraphs, closing


def paragraph_kind(paragraph: str) -> str:
    """How the PDF and DOCX lay a paragraph out: "number" (the 申请编号 line, centred under
    the title), "salutation" (the addressee, flush left) or "body" (indented two characters)."""
    if paragraph.startswith("申请编号：") and "\n" not in paragraph:
        return "number"
    if paragraph.endswith("：") and "\n" not in paragraph and len(paragraph) <= 60:
        return "salutation"
    return "body"


def _letter_date(answer_letter) -> date:
    issued = answer_letter.published_at if answer_letter.is_live else None
    return timezone.localdate(issued) if issued else timezone.localdate()


def _delivery(application) -> str:
    form = DeliveryForm(application.delivery_form).label
    method = DeliveryMethod(application.delivery_method)
    if DeliveryForm.ON_SITE in (application.delivery_form, method):
        return "请您在工作时间携带本人身份证明和本告知书到本机关现场查阅"
    if method == DeliveryMethod.PICKUP:
        return f"请您在工作时间携带本人身份证明和本告知书到本机关领取（提供形式：{form}）"
    if method == DeliveryMethod.EMAIL:
        return f"现以{form}形式发送至您提供的电子邮箱"
    return f"现以{form}形式随本告知书通过邮政寄送向您提供"


def _one_paragraph(text: str, *, limit: int | None = DESCRIPTION_MAX_CHARS) -> str:
    text = "".join(line.strip() for line in (text or "").splitlines())
    if limit is not None and len(text) > limit:
        text = text[:limit] + "……"
    return text


def _sentence(text: str) -> str:
    """``text`` ending with a full stop (or its own closing punctuation)."""
    return text if not text or text[-1] in "。！？…”）)" else f"{text}。"


def _tidy(text: str) -> str:
    """Lines trimmed, one blank line between paragraphs (templates leave blanks behind)."""
    out: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.strip()
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
