"""Mail to the citizen, through Django's e-mail framework (SMTP configured by the
environment; the console backend in the demo). Sent after the commit; a failure is
logged without the address or any text of the letter."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from mailbox.models import Letter

logger = logging.getLogger(__name__)


def _send(letter: Letter, subject: str, lines: list[str]) -> None:
    track = f"{settings.SITE_URL}{reverse('mailbox:letter-track')}" if settings.SITE_URL else ""
    body = "\n".join([*lines, "", f"查询网址：{track}" if track else "可在网站“互动交流”栏目查询办理进度。",
                      "", f"{settings.SITE_NAME} {letter.mailbox.name}"])  # fmt: skip
    try:
        send_mail(subject, body, None, [letter.email])
    except Exception:  # noqa: BLE001  (the letter is stored; mail is a courtesy)
        logger.exception("Mailbox mail for letter %s not sent", letter.pk)


def acknowledge(*, letter_id: int, password: str) -> None:
    letter = Letter.objects.select_related("mailbox").get(pk=letter_id)
    _send(letter, f"您的来信已收到（查询码 {letter.tracking_code}）", [
        "您好：", "", f"您写给{letter.mailbox.name}的来信已收到。",
        f"查询码：{letter.tracking_code}", f"查询密码：{password}",
        "请妥善保存查询码和查询密码，凭此查询办理进度和答复。",
    ])  # fmt: skip


def rejected(*, letter_id: int) -> None:
    letter = Letter.objects.select_related("mailbox").get(pk=letter_id)
    reason = letter.events.filter(action="rejected").values_list("note", flat=True).last() or ""
    _send(letter, f"您的来信未予受理（查询码 {letter.tracking_code}）", [
        "您好：", "", f"您写给{letter.mailbox.name}的来信未予受理，理由如下：", reason,
    ])  # fmt: skip


def answered(*, letter_id: int) -> None:
    letter = Letter.objects.select_related("mailbox").get(pk=letter_id)
    _send(letter, f"您的来信已答复（查询码 {letter.tracking_code}）", [
        "您好：", "", f"您写给{letter.mailbox.name}的来信已办结，请凭查询码和查询密码查看答复并评价。",
    ])  # fmt: skip
