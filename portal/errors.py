"""Our own error pages, in Chinese, for every status the portal answers with an error.

They are rendered from the template and the settings alone: never from the request's
host (a Host outside ALLOWED_HOSTS is what a 400 may be about), its user or session, or
the database (which may be what failed). Django's defaults are replaced because the 400
and 403 views re-read the request body for a CSRF token (a body in a charset Django
refuses then escapes as a bare 500) and the CSRF page mentions DEBUG.
"""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

PAGES = {
    400: ("请求有误", "您的请求无法处理，请检查网址或填写的内容后重试。"),
    403: ("没有访问权限", "您没有访问此页面的权限。"),
    404: ("页面不存在", "您访问的页面不存在或已删除。"),
    405: ("请求方式不被接受", "此页面不接受这种请求方式。"),
    410: ("该信息已撤回", "您访问的政府信息已由发布机关撤回，不再公开。"),
    413: ("提交的内容过大", "您提交的内容超过了允许的大小，请精简后重试。"),
    429: ("请求过于频繁", "您的请求过于频繁，请稍后再试。"),
    500: ("服务暂时不可用", "系统出现错误，我们已记录此问题，请稍后再试。"),
}


def error_response(status: int, *, title: str = "", message: str = "") -> HttpResponse:
    """An error page with ``status``; ``title`` and ``message`` default to the status's own."""
    default_title, default_message = PAGES[status]
    html = render_to_string(
        "errors/error.html",
        {
            "status": status,
            "title": title or default_title,
            "message": message or default_message,
            "SITE_NAME": settings.SITE_NAME,
            "SITE_SHORT_NAME": settings.SITE_SHORT_NAME,
            "SITE_ICP": settings.SITE_ICP,
            "SITE_IDENTIFIER": settings.SITE_IDENTIFIER,
        },
    )
    response = HttpResponse(html, status=status)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception=None):
    return error_response(400)


def permission_denied(request, exception=None):
    # Every refused authorisation is audited (once: the audit middleware may have already).
    from portal.audit import record_refusal

    record_refusal(request, exception)
    return error_response(403)


def page_not_found(request, exception=None):
    return error_response(404)


def server_error(request):
    return error_response(500)


def csrf_failure(request, reason=""):
    """A form sent without its token: most often a page left open past the cookie's life."""
    return error_response(
        403,
        title="页面已过期",
        message="表单已过期或浏览器禁用了 Cookie。请返回上一页，刷新后重新提交。",
    )
