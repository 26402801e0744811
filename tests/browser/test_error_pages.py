"""Error pages in Chromium: our own Chinese page, accessible, at desktop and phone width."""

import pytest

from tests.browser.conftest import accessibility_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("viewport", ["page", "phone"])
def test_an_unknown_page_is_our_accessible_404(request, live_server, viewport):
    page = request.getfixturevalue(viewport)
    response = page.goto(live_server.url + "/no-such-page/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "页面不存在"
    assert page.get_by_role("link", name="返回首页").is_visible()
    assert accessibility_violations(page) == []
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
