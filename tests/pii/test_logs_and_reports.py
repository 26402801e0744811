"""Personal data never reaches a log line or an error report: the logging filter on every
handler masks ID and telephone numbers, and the exception reporter hides the fields of
citizens' forms."""

import io
import logging
import logging.config
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.views.debug import ExceptionReporter
from hypothesis import given
from hypothesis import strategies as st

from disclosure.applications import views as application_views
from mailbox import views as mailbox_views
from portal import id_numbers
from portal.log_masking import PersonalDataFilter, mask_text, server_log_filters
from portal.logging_filters import PersonalDataReporterFilter

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
surrounding = st.text(
    alphabet=st.characters(blacklist_categories=["Nd", "Cs"], blacklist_characters="Xx"),
    max_size=20,
)


@st.composite
def resident_ids(draw):
    body = draw(
        st.from_regex(
            r"\A[1-6][0-9]{5}(19[5-9][0-9]|20[01][0-9])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}\Z"
        )
    )
    return body + id_numbers.check_character(body)


mobiles = st.from_regex(r"\A1[3-9][0-9]{9}\Z")
landlines = st.from_regex(r"\A0[1-9][0-9]{1,2}-[2-8][0-9]{6,7}\Z")


def emitted(message: str, *args, filters=None) -> str:
    """What a handler of ours writes for one record: Django's (``PersonalDataFilter``),
    or one with the given filters (``server_log_filters()``, gunicorn's)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    for log_filter in filters if filters is not None else [PersonalDataFilter()]:
        handler.addFilter(log_filter)
    logger = logging.getLogger("tests.pii.emitted")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning(message, *args)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


@given(resident_ids(), surrounding, surrounding)
def test_an_id_number_in_a_log_message_is_masked(number, before, after):
    line = emitted(f"{before}{number}{after}")
    assert number not in line and number[-4:] in line


@given(mobiles, landlines, surrounding)
def test_phone_numbers_in_log_arguments_are_masked(mobile, landline, text):
    line = emitted("申请 %s 联系 %s，%s", text, mobile, landline)
    assert mobile not in line and landline not in line
    assert f"{mobile[:3]}****{mobile[-4:]}" in line


def test_a_traceback_in_a_log_record_is_masked():
    try:
        raise ValueError("证件号码 11010519491231002X 无效")
    except ValueError:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.addFilter(PersonalDataFilter())
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "失败", None, sys.exc_info())
        handler.handle(record)
    assert "11010519491231002X" not in stream.getvalue() and "ValueError" in stream.getvalue()


def test_ordinary_numbers_stay_readable():
    text = "文号 渝民发〔2025〕12号，共 1234 件，编号 YSQ-2025-00001，耗时 153ms"
    assert mask_text(text) == text


@given(
    st.text(min_size=1, max_size=40).filter(lambda q: not any(c.isspace() or c in "\"'" for c in q))
)
def test_a_query_string_in_a_server_log_line_is_left_out(query):
    line = emitted("Error handling request /search/?%s", query, filters=server_log_filters())
    assert line.strip() == "Error handling request /search/?…"


def test_a_question_in_words_is_not_a_query_string():
    assert emitted("是否继续 ? 是。", filters=server_log_filters()).strip() == "是否继续 ? 是。"


def test_gunicorns_own_logs_are_masked_too(tmp_path):
    """A request that fails before Django answers is logged by gunicorn itself, with its
    URL: the logger class ``make run`` configures masks it like Django's lines."""
    from gunicorn.config import Config

    from portal import gunicorn_conf

    config = Config()
    config.set("errorlog", str(tmp_path / "error.log"))
    config.set("accesslog", str(tmp_path / "access.log"))
    logger = gunicorn_conf.MaskedLogger(config)
    logger.error("Error handling request %s", "/mailbox/write/?phone=13812345678&name=张三")
    logger.error("Invalid request from ip=%s: %s", "127.0.0.1", "身份证 500101199001011234")
    written = (tmp_path / "error.log").read_text()
    assert "/mailbox/write/?…" in written and "138****5678" not in written
    assert "13812345678" not in written and "张三" not in written
    assert "500101199001011234" not in written and "500***********1234" in written
    assert gunicorn_conf.logger_class is gunicorn_conf.MaskedLogger


def test_every_handler_in_the_settings_masks_personal_data():
    handlers = settings.LOGGING["handlers"]
    assert handlers and all("personal_data" in h.get("filters", []) for h in handlers.values())
    assert settings.LOGGING["filters"]["personal_data"]["()"].endswith("PersonalDataFilter")


def test_djangos_own_loggers_reach_only_masking_handlers():
    logging.config.dictConfig(settings.LOGGING)
    for name in ("django", "django.request", "django.security", ""):
        logger = logging.getLogger(name)
        while logger:
            for handler in logger.handlers:
                if type(handler).__module__.startswith("_pytest"):
                    continue  # pytest's capture
                assert any(isinstance(f, PersonalDataFilter) for f in handler.filters), (
                    name, handler,
                )  # fmt: skip
            logger = logger.parent if logger.propagate else None


def _report(request) -> str:
    try:
        # Built at run time: the report also quotes this source line.
        phone = "138" + "12345678"  # noqa: F841  a local named like personal data
        note = "请回电 139" + "12345678"  # noqa: F841  a local that merely contains one
        raise RuntimeError("boom")
    except RuntimeError:
        reporter = ExceptionReporter(request, *sys.exc_info())
        return reporter.get_traceback_text() + reporter.get_traceback_html()


def test_the_error_report_hides_the_fields_and_variables_of_personal_data():
    assert settings.DEFAULT_EXCEPTION_REPORTER_FILTER.endswith("PersonalDataReporterFilter")
    request = RequestFactory().post(
        "/mailbox/director/write/",
        {"name": "张三丰", "phone": "13812345678", "id_number": "11010519491231002X",
         "address": "渝北区龙山路123号", "email": "zhangsf@example.com",
         "body": "我的电话 13712345678", "kind": "consult"},
    )  # fmt: skip
    report = _report(request)
    for value in ("张三丰", "13812345678", "11010519491231002X", "龙山路123号",
                  "zhangsf@example.com", "13712345678", "13912345678"):  # fmt: skip
        assert value not in report, value
    assert "consult" in report and "RuntimeError" in report


def test_the_filter_is_active_with_debug_on_too():
    request = RequestFactory().post("/", {"phone": "13812345678"})
    assert PersonalDataReporterFilter().get_post_parameters(request)["phone"] != "13812345678"


@pytest.mark.parametrize(
    "view",
    [mailbox_views.letter_create, mailbox_views.letter_track, mailbox_views.letter_rate,
     application_views.application_create, application_views.application_track],
)  # fmt: skip
@pytest.mark.django_db
def test_the_citizen_forms_mark_their_post_data_sensitive(view, rf):
    request = rf.post("/", {"phone": "13812345678"})
    request.session = {}
    try:
        view(request, slug="nosuch") if view is mailbox_views.letter_create else view(request)
    except Exception:  # noqa: BLE001  only the marking matters here
        pass
    assert request.sensitive_post_parameters == "__ALL__"


@pytest.mark.parametrize("url_name", ["mailbox:letter-track", "applications:application-track"])
@pytest.mark.django_db
def test_tracking_credentials_are_posted_never_put_in_a_url(client, url_name):
    # A query string reaches proxies' and servers' access logs; a POST body does not.
    import re

    from django.urls import reverse

    page = client.get(reverse(url_name)).content.decode()
    (form,) = re.findall(r'<form class="track-form"[^>]*>', page)
    assert 'method="post"' in form
    # Credentials in a query string are ignored, so no link or bookmark ever carries them.
    ignored = client.get(reverse(url_name), {"tracking_code": "X", "password": "Y"})
    assert ignored.status_code == 200 and "track-result" not in ignored.content.decode()


class _Unprintable:
    def __repr__(self):
        raise RuntimeError("a queryset in a broken transaction")


def test_a_variable_whose_repr_fails_or_runs_on_does_not_break_the_report():
    def failing():
        try:
            broken, huge = _Unprintable(), list(range(100_000))  # noqa: F841  seen by the report
            raise ValueError("boom")
        except ValueError:
            return ExceptionReporter(RequestFactory().get("/"), *sys.exc_info())

    variables = dict(
        PersonalDataReporterFilter().get_traceback_frame_variables(None, failing().tb.tb_frame)
    )
    assert "repr 失败" in repr(variables["broken"])
    assert len(repr(variables["huge"])) < 5000
