import pytest


@pytest.fixture(autouse=True)
def _no_applications_module(monkeypatch):
    """Section 三 comes from ``disclosure.applications.reporting`` when it exists; tests
    that need figures there patch ``assembly.applications_figures`` themselves."""
    from disclosure.annual_reports import assembly

    monkeypatch.setattr(
        assembly, "applications_figures", lambda year, ids: (assembly.empty_applications(), [])
    )
