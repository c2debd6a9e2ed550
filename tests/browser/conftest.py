"""Browser tests: Playwright's sync API drives Debian's Chromium (`/usr/bin/chromium`, no browser download)
against the portal served by pytest-django's `live_server` (a real thread, a transactional database).

A failing test leaves a full-page screenshot in `var/browser-failures/` (CI keeps that folder as an artefact).
Without Chromium the suite is skipped on a developer's machine and fails in CI (`CI=true`).
"""

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread: Django would otherwise refuse every ORM call made
# by the test itself (factories, assertions on the database) as "unsafe from an async context".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("ECAR_CHROMIUM", "/usr/bin/chromium"))
FAILURES = Path(__file__).resolve().parents[2] / "var" / "browser-failures"
PASSWORD = "secret-pass-123"  # tests.factories.UserFactory's
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    here = Path(__file__).parent
    # The live server answers from its own thread: SQLite's in-memory test database is shared with it only through
    # a shared cache that the flush between tests then finds locked. The browser suite runs on PostgreSQL (CI does).
    on_sqlite = connection.vendor == "sqlite"
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if on_sqlite:
                item.add_marker(pytest.mark.skip(reason="browser tests run on PostgreSQL (live server thread)"))


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} introuvable : installez le paquet `chromium` (deploy/system-packages.sh --test)"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        page = item.funcargs.get("page")
        if page is not None and not page.is_closed():
            FAILURES.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)
            try:
                page.screenshot(path=str(FAILURES / f"{name}.png"), full_page=True)
            except Exception as error:  # a crashed page must not hide the test's own failure
                report.sections.append(("screenshot", f"no screenshot: {error}"))
    return report


@pytest.fixture
def log_in(page):
    """Log in through the real form (django-axes watches it), as a person would."""

    def _log_in(username, password=PASSWORD):
        page.goto("/admin/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    return _log_in


@pytest.fixture
def users(transactional_db):
    """One account per role, with the password the login form is given."""
    from tests.factories import UserFactory
    from workshop import roles

    return {
        "root": UserFactory(username="root", is_superuser=True),
        "gerant": UserFactory(username="gerant", first_name="Hédi", last_name="Gérant", role=roles.MANAGER),
        "conseiller": UserFactory(username="conseiller", first_name="Sonia", last_name="Conseil", role=roles.ADVISER),
        "mecanicien": UserFactory(username="mecanicien", first_name="Karim", last_name="Jaziri", role=roles.MECHANIC),
        "comptable": UserFactory(username="comptable", first_name="Amel", last_name="Compte", role=roles.ACCOUNTANT),
    }


def press(page, url_path: str, fields: dict | None = None):
    """Click a detail-page button (an unfold action opening a dialog), fill its form and confirm it."""
    page.locator(f"a[hx-get$='/{url_path}/']").first.click()
    dialog = page.locator("#modal-content form")
    dialog.wait_for()
    for name, value in (fields or {}).items():
        dialog.locator(f"[name={name}]").fill(value)
    with page.expect_navigation():
        dialog.locator("button[type=submit]").click()
    page.wait_for_load_state()
