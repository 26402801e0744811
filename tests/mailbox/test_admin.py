"""The admin: permission matrix, masking for those who do not handle a letter, steps
as buttons, exports, the reviewer's side-by-side redaction, and the deadline tools."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from mailbox.models import Letter, Reply
from tests.mailbox.conftest import close, submit
from tests.portal.roles import staff

CHANGELIST = reverse("admin:mailbox_letter_changelist")


@pytest.fixture
def letter(mailbox):
    return submit(mailbox)


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, letter):
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_staff_without_permission_get_403(client, letter, agency):
    client.force_login(staff("nobody", agency.office))
    assert client.get(CHANGELIST).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["clerk", "reviewer", "supervisor"])
def test_roles_see_the_changelist_and_the_letter(client, letter, agency, role):
    client.force_login(getattr(agency, role))
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(CHANGELIST + "?q=低保&deadline=overdue").status_code == 200
    change = reverse("admin:mailbox_letter_change", args=[letter.pk])
    assert client.get(change).status_code == 200


@pytest.mark.django_db
def test_handlers_see_personal_data_and_supervisors_see_it_masked(client, letter, agency):
    client.force_login(agency.clerk)
    page = client.get(reverse("admin:mailbox_letter_change", args=[letter.pk])).content.decode()
    assert "13812345678" in page and "张三丰" in page
    client.force_login(agency.supervisor)
    page = client.get(reverse("admin:mailbox_letter_change", args=[letter.pk])).content.decode()
    assert "13812345678" not in page and "张三丰" not in page and "500101199001011234" not in page
    assert "138****5678" in page
    listing = client.get(CHANGELIST).content.decode()
    assert "张*" in listing and "张三丰" not in listing


@pytest.mark.django_db
def test_the_writers_name_in_a_subject_is_masked_for_supervisors(client, mailbox, agency):
    letter = submit(mailbox, subject="张三丰咨询低保问题")
    client.force_login(agency.supervisor)
    listing = client.get(CHANGELIST).content.decode()
    assert letter.tracking_code in listing and "【姓名】咨询低保问题" in listing
    export = client.get(reverse("admin:mailbox_letter_export", args=["csv"]))
    change = client.get(reverse("admin:mailbox_letter_change", args=[letter.pk]))
    for text in (listing, export.content.decode("utf-8-sig"), change.content.decode()):
        assert "张三丰" not in text


@pytest.mark.django_db
def test_the_answer_and_comments_quoting_the_writer_are_masked_for_supervisors(
    client, mailbox, agency
):
    from mailbox import services

    letter = services.letter_accept(letter=submit(mailbox), by=agency.clerk)
    letter = services.letter_reply(letter=letter, by=agency.clerk,
                                   text="张三丰您好：\n已按13812345678回电。")  # fmt: skip
    letter = services.letter_approve_reply(letter=letter, by=agency.reviewer)
    services.letter_rate(letter=letter, satisfaction="unsatisfied", comment="张三丰：没人回电")
    change = reverse("admin:mailbox_letter_change", args=[letter.pk])
    client.force_login(agency.supervisor)
    page = client.get(change).content.decode()
    assert "已按【电话】回电" in page and "【姓名】：没人回电" in page
    assert "张三丰" not in page and "13812345678" not in page
    client.force_login(agency.clerk)
    page = client.get(change).content.decode()
    assert "张三丰您好：<br>已按13812345678回电。" in page and "张三丰：没人回电" in page


@pytest.mark.django_db
def test_a_department_sees_only_letters_assigned_to_it(client, mailbox, agency, department,
                                                       department_clerk):  # fmt: skip
    from mailbox import services

    other = submit(mailbox, subject="另一封来信标题")
    mine = services.letter_accept(letter=submit(mailbox, subject="转给我的来信"), by=agency.clerk)
    services.letter_assign(letter=mine, by=agency.clerk, department=department)
    client.force_login(department_clerk)
    listing = client.get(CHANGELIST).content.decode()
    assert mine.tracking_code in listing and other.tracking_code not in listing
    assert client.get(reverse("admin:mailbox_letter_change", args=[other.pk])).status_code == 302


@pytest.mark.django_db
def test_a_mailbox_administrator_sees_all_its_letters_with_the_details(
    client, mailbox, agency, department_clerk
):
    letter = submit(mailbox)
    client.force_login(department_clerk)
    assert letter.tracking_code not in client.get(CHANGELIST).content.decode()
    mailbox.administrators.add(department_clerk)
    listing = client.get(CHANGELIST).content.decode()
    assert letter.tracking_code in listing and "张三丰" in listing
    change = client.get(reverse("admin:mailbox_letter_change", args=[letter.pk]))
    assert "13812345678" in change.content.decode()


@pytest.mark.django_db
def test_steps_are_buttons_calling_the_services(client, letter, agency):
    client.force_login(agency.clerk)
    step = reverse("admin:mailbox_letter_step", args=[letter.pk, "accept"])
    assert client.post(step).status_code == 302
    assert Letter.objects.get().status == "accepted"
    refused = client.post(step, follow=True)
    assert "不能受理" in refused.content.decode()
    reject = reverse("admin:mailbox_letter_step", args=[letter.pk, "reply"])
    client.post(reject, {"reply-text": "答复内容。"})
    assert Letter.objects.get().status == "replied"


@pytest.mark.django_db
def test_the_export_masks_personal_data_for_supervisors(client, letter, agency):
    data = {"action": "export_csv", "_selected_action": [letter.pk]}
    client.force_login(agency.supervisor)
    masked = client.post(CHANGELIST, data).content.decode("utf-8-sig")
    assert "138****5678" in masked and "13812345678" not in masked and "张三丰" not in masked
    client.force_login(agency.clerk)
    handler = client.post(CHANGELIST, data).content.decode("utf-8-sig")
    assert "张三丰" in handler  # the handler's file names the writer; contacts stay masked
    assert "138****5678" in handler and "13812345678" not in handler
    xlsx = client.post(CHANGELIST, {**data, "action": "export_xlsx"})
    assert xlsx.content[:2] == b"PK"


@pytest.mark.django_db
def test_the_changelist_links_an_export_of_its_filters(client, letter, agency):
    client.force_login(agency.supervisor)
    page = client.get(CHANGELIST + "?status=received").content.decode()
    export = reverse("admin:mailbox_letter_export", args=["csv"])
    assert f'href="{export}?status=received"' in page


@pytest.mark.django_db
def test_the_filtered_export_masks_personal_data_for_supervisors(client, mailbox, agency):
    from mailbox import services

    waiting = submit(mailbox, subject="待受理的来信")
    accepted = services.letter_accept(letter=submit(mailbox, subject="已受理的来信"),
                                      by=agency.clerk)  # fmt: skip
    export = reverse("admin:mailbox_letter_export", args=["csv"]) + "?status=received"
    client.force_login(agency.supervisor)
    masked = client.get(export).content.decode("utf-8-sig")
    assert waiting.tracking_code in masked and accepted.tracking_code not in masked
    assert "138****5678" in masked and "张*" in masked
    assert "13812345678" not in masked and "张三丰" not in masked
    client.force_login(agency.clerk)
    full = client.get(export).content.decode("utf-8-sig")
    assert waiting.tracking_code in full and accepted.tracking_code not in full
    assert "张三丰" in full  # the handler's file names the writer, contacts stay masked
    assert "138****5678" in full and "z***@example.com" in full
    assert "13812345678" not in full and "zhangsf@example.com" not in full
    xlsx = client.get(reverse("admin:mailbox_letter_export", args=["xlsx"]) + "?q=待受理")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.django_db
def test_the_export_is_refused_without_permission_or_with_an_unknown_format(client, letter,
                                                                           agency):  # fmt: skip
    client.force_login(staff("nobody", agency.office))
    assert client.get(reverse("admin:mailbox_letter_export", args=["csv"])).status_code == 403
    client.force_login(agency.clerk)
    assert client.get(reverse("admin:mailbox_letter_export", args=["pdf"])).status_code == 403
    bad = client.get(reverse("admin:mailbox_letter_export", args=["csv"]) + "?nosuch=1")
    assert bad.status_code == 302


@pytest.mark.django_db
def test_a_department_exports_only_its_own_letters(client, mailbox, agency, department,
                                                   department_clerk):  # fmt: skip
    from mailbox import services

    other = submit(mailbox, subject="另一封来信标题")
    mine = services.letter_accept(letter=submit(mailbox, subject="转给我的来信"), by=agency.clerk)
    services.letter_assign(letter=mine, by=agency.clerk, department=department)
    client.force_login(department_clerk)
    rows = client.get(reverse("admin:mailbox_letter_export", args=["csv"])).content
    text = rows.decode("utf-8-sig")
    assert mine.tracking_code in text and other.tracking_code not in text
    assert "张三丰" in text and "138****5678" in text  # a handler's file: contacts masked


@pytest.mark.django_db
def test_the_reviewer_sees_the_original_beside_the_redacted_text(client, mailbox, agency):
    reply = Reply.objects.get(letter=close(submit(mailbox), agency))
    client.force_login(agency.reviewer)
    page = client.get(reverse("admin:mailbox_reply_change", args=[reply.pk])).content.decode()
    assert "来信原文（不公开）" in page and "13812345678" in page and "【电话】" in page
    assert client.get(reverse("admin:mailbox_reply_changelist")).status_code == 200


@pytest.mark.django_db
def test_a_provisional_due_date_names_the_missing_year(client, mailbox, agency):
    from mailbox import services
    from tests.mailbox.conftest import at

    letter = submit(mailbox, now=at(2040, 12, 27, 9))
    services.letter_accept(letter=letter, by=agency.clerk, now=at(2040, 12, 28, 9))
    client.force_login(agency.supervisor)
    page = client.get(CHANGELIST).content.decode()
    assert "缺少 2040 年节假日数据" in page


@pytest.mark.django_db
def test_the_deadline_command_lists_due_and_stale_letters(mailbox, agency, capsys):
    from django.utils import timezone

    from mailbox import services

    due = services.letter_accept(letter=submit(mailbox, subject="即将到期的来信"), by=agency.clerk)
    stale = submit(
        mailbox, subject="张三丰两个多月没有答复", now=timezone.now() - timezone.timedelta(days=70)
    )
    call_command("mailbox_deadlines", "--within", "5")
    out = capsys.readouterr().out
    assert due.tracking_code in out and stale.tracking_code in out
    assert "两个多月没有答复" in out
    assert "张三丰" not in out and "13812345678" not in out


def test_the_production_check_refuses_the_test_switches(settings):
    from mailbox.checks import test_switches_off_in_production

    settings.DEBUG = False
    settings.CAPTCHA_TEST_MODE = True
    settings.RATELIMIT_ENABLE = False
    assert {e.id for e in test_switches_off_in_production()} == {"mailbox.E001", "mailbox.E002"}
    settings.CAPTCHA_TEST_MODE = False
    settings.RATELIMIT_ENABLE = True
    assert test_switches_off_in_production() == []


@pytest.mark.django_db
def test_the_demo_loads_twice_with_letters_in_many_states(capsys):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    call_command("load_mailbox_demo")
    call_command("load_mailbox_demo")
    statuses = set(Letter.objects.values_list("status", flat=True))
    assert {
        "received",
        "accepted",
        "assigned",
        "replied",
        "closed",
        "rejected",
        "reopened",
    } <= statuses
    assert Reply.objects.filter(is_live=True).count() >= 3
    assert Letter.objects.count() == 10


@pytest.mark.django_db
def test_the_changelist_shows_overdue_and_due_soon_badges(client, mailbox, agency, settings):
    from django.utils import timezone

    from mailbox import services

    settings.MAILBOX_DUE_SOON_WORKING_DAYS = 3
    month_ago = timezone.now() - timezone.timedelta(days=30)
    late = submit(mailbox, subject="早已到期的来信", now=month_ago)
    services.letter_accept(letter=late, by=agency.clerk, now=month_ago)
    fresh = services.letter_accept(letter=submit(mailbox, subject="刚受理的来信"), by=agency.clerk)
    waiting = submit(mailbox, subject="尚未受理的来信")
    client.force_login(agency.clerk)
    table = client.get(CHANGELIST).content.decode().split("<tr")
    rows = {
        letter.tracking_code: row
        for letter in (late, fresh, waiting)
        for row in table
        if letter.tracking_code in row
    }
    assert ">逾期</span>" in rows[late.tracking_code]
    assert ">临期</span>" in rows[fresh.tracking_code]
    assert "mailbox-badge" not in rows[waiting.tracking_code]
    overdue = client.get(CHANGELIST + "?deadline=overdue").content.decode()
    assert late.tracking_code in overdue and fresh.tracking_code not in overdue
