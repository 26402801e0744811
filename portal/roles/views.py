"""The second step of the admin login (/admin/otp/) and enrolment (/admin/otp/setup/)."""

import re
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from portal import audit
from portal.roles.forms import TokenForm
from portal.roles.two_factor import (
    HAS_DEVICE_SESSION_KEY,
    confirmed_device,
    pending_device,
    qr_code_data_uri,
    readable_secret,
    requires_two_factor,
)

WRONG_CODE = "动态验证码不正确或已过期，请输入身份验证器中当前显示的数字。"


# What a browser drops from a URL before reading it (WHATWG URL): leading C0 controls and
# spaces, and tabs and line breaks anywhere; it reads a backslash as a slash.
_IGNORED_BY_BROWSERS = re.compile(r"^[\x00-\x20]+|[\t\n\r]")


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # Django's check lets "//", "/\\" or "/<tab>/" through (no host: this one, it reasons),
    # which a browser reads as a URL with no host at all and cannot follow.
    as_read = _IGNORED_BY_BROWSERS.sub("", candidate).replace("\\", "/")
    if not as_read.startswith("//") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index")


def _with_next(name: str, request) -> str:
    return reverse(name) + "?" + urlencode({"next": _next_url(request)})


def _verified(request, device) -> HttpResponseRedirect:
    """Mark the session as verified by ``device`` under a new session key."""
    request.session.cycle_key()  # the key that saw only the password does not carry on
    otp_login(request, device)
    request.session[HAS_DEVICE_SESSION_KEY] = True
    audit.record("login", obj=request.user, reason="双因素认证通过")
    return HttpResponseRedirect(_next_url(request))


def _check(form, device) -> bool:
    """Whether the form's code is right for ``device``; adds the error otherwise. Wrong
    codes make the device wait 1, 2, 4 … seconds before it accepts another (django-otp)."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        form.add_error("token", "错误次数过多，请稍等片刻后再输入新的动态验证码。")
        reason = "动态验证码错误次数过多，暂缓验证"
    elif device.verify_token(form.cleaned_data["token"]):
        return True
    else:
        form.add_error("token", WRONG_CODE)
        reason = "动态验证码错误"
    audit.record("login_failed", result="failure", obj=device.user, reason=reason)
    return False


def _render(request, template, context):
    return render(
        request,
        template,
        {**admin.site.each_context(request), "next": _next_url(request), **context},
    )


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
@login_required
def otp_verify(request):
    if request.user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    device = confirmed_device(request.user)
    if device is None and not requires_two_factor(request.user):
        # A voluntary device was reset during the session: no second factor is owed.
        request.session[HAS_DEVICE_SESSION_KEY] = False
        return HttpResponseRedirect(_next_url(request))
    if device is None:
        return HttpResponseRedirect(_with_next("roles:otp-setup", request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check(form, device):
        return _verified(request, device)
    return _render(request, "roles/otp_verify.html", {"form": form, "title": "双因素认证"})


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
@login_required
def otp_setup(request):
    if confirmed_device(request.user) is not None:
        if not request.user.is_verified():
            return HttpResponseRedirect(_with_next("roles:otp-verify", request))
        return _render(request, "roles/otp_enrolled.html", {"title": "双因素认证"})
    device = pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check(form, device):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record("account_change", obj=request.user, reason="启用双因素认证")
        messages.success(request, "已启用双因素认证：以后每次登录都需要输入动态验证码。")
        return _verified(request, device)
    return _render(
        request,
        "roles/otp_setup.html",
        {
            "form": form,
            "title": "启用双因素认证",
            "secret": readable_secret(device),
            "qr_code": qr_code_data_uri(device),
            "required": requires_two_factor(request.user),
        },
    )
