"""Browser tests: Debian's Chromium driven by Playwright (never a downloaded browser)."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def browser():
    """A Chromium per test. Playwright's event loop gives the thread a new context in which
    Django opens other connection objects; those are closed here, and the loop is gone
    again before pytest-django flushes and restores the database for the next test."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `sudo apt-get install -y chromium` (or `make test`)."
        )
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()
        connections.close_all()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", stdout=open(os.devnull, "w"))
    return live_server.url


def accessibility_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations, as readable lines. Stricter than the bar of
    "no serious or critical ones": the pages have none of any impact, and keep it so."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(str(node["target"][0]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
    ]


def log_in(browser, base, username, *, password="zwgk-Demo-2026", viewport=None):
    """A fresh browser context logged in to the admin as ``username``."""
    context = browser.new_context(
        locale="zh-CN", viewport=viewport or {"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(lambda url: url == f"{base}/admin/" or "/admin/otp/" in url)
    if "/admin/otp/" in page.url:  # administrators type their TOTP code (portal.roles)
        page.fill("#id_token", totp_code(username))
        page.click("#otp-form input[type=submit]")
        page.wait_for_url(f"{base}/admin/")
    return page


def totp_code(username: str) -> str:
    """The code the account's authenticator app would show now (its one device)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.roles.demo import next_code

    return next_code(TOTPDevice.objects.get(user__username=username, confirmed=True))
