"""The sidebar menu kept by `portal.navigation` is the one unfold renders, per role, section and language."""

import re

import pytest
from django.urls import reverse

from portal import navigation

pytestmark = pytest.mark.django_db


def menu(html: bytes) -> str:
    found = re.search(r'<div id="nav-sidebar-apps".*?</ol>\s*</div>\s*</div>', html.decode(), re.S)
    assert found, "no sidebar menu"
    return re.sub(r"\s+", " ", found.group(0))


@pytest.fixture(autouse=True)
def empty_cache():
    navigation._RENDERED.clear()
    yield
    navigation._RENDERED.clear()


def unfolds(client, url, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(navigation, "_key", lambda context: None)
        return menu(client.get(url).content)


PAGES = ["admin:index", "admin:workshop_service_changelist", "admin:workshop_customer_changelist"]


@pytest.mark.parametrize("role", ["manager", "mechanic", "accountant", "adviser"])
def test_the_kept_menu_is_unfolds_for_each_role_and_section(login, request, role, monkeypatch):
    client = login(request.getfixturevalue(role))
    for name in PAGES:
        url = reverse(name)
        if client.get(url).status_code != 200:
            continue
        first, kept = menu(client.get(url).content), menu(client.get(url).content)
        assert first == kept == unfolds(client, url, monkeypatch), (role, name)
    assert navigation._RENDERED


def test_the_active_link_follows_the_page(manager_client):
    jobs = menu(manager_client.get(reverse("admin:workshop_service_changelist")).content)
    customers = menu(manager_client.get(reverse("admin:workshop_customer_changelist")).content)
    active = re.compile(r'href="([^"]+)" class="[^"]*\bactive\b')
    assert active.findall(jobs) == [reverse("admin:workshop_service_changelist")]
    assert active.findall(customers) == [reverse("admin:workshop_customer_changelist")]


def test_a_mechanic_never_gets_the_managers_menu(login, manager, mechanic):
    url = reverse("admin:workshop_service_changelist")
    invoices = reverse("admin:workshop_invoice_changelist")
    assert invoices in menu(login(manager).get(url).content)
    assert invoices not in menu(login(mechanic).get(url).content)


def test_each_language_keeps_its_own_menu(manager_client, monkeypatch):
    url = reverse("admin:workshop_service_changelist")
    french = menu(manager_client.get(url).content)
    manager_client.cookies["django_language"] = "ar"
    arabic = menu(manager_client.get(url).content)
    assert arabic != french
    assert arabic == unfolds(manager_client, url, monkeypatch)


def test_a_menu_with_a_badge_is_rendered_every_time():
    class Context(dict):
        pass

    counted = Context(
        sidebar_navigation=[{"title": "Atelier", "items": [{"title": "Stock", "badge": "x.y", "items": []}]}]
    )
    assert navigation._key(counted) is None
    plain = Context(sidebar_navigation=[{"title": "Atelier", "items": [{"title": "Stock", "link": "/a/"}]}])
    assert navigation._key(plain) is not None
    assert navigation._key(Context(plain, sidebar_show_all_applications=True)) is None


def test_a_list_page_does_not_build_the_list_of_every_model(manager_client):
    from unittest import mock

    from django.contrib import admin

    with mock.patch.object(admin.site, "_build_app_dict", wraps=admin.site._build_app_dict) as building:
        assert manager_client.get(reverse("admin:workshop_service_changelist")).status_code == 200
        assert building.call_count == 0
        application = manager_client.get(reverse("admin:app_list", args=["workshop"]))
        assert building.call_count >= 1
    assert application.status_code == 200
    assert reverse("admin:workshop_customer_changelist") in application.content.decode()


def _plain_values(value):
    """Lazy titles and links as text, so that unfold's deep copies compare equal to the quick list's originals."""
    if isinstance(value, dict):
        return {key: _plain_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain_values(item) for item in value]
    if value is None or isinstance(value, bool | int | str) or callable(value):
        return value
    return str(value)


SIDEBAR_PATHS = [
    "admin:index",
    "admin:workshop_service_changelist",
    "admin:workshop_invoice_changelist",
    "reports:revenue",
    "reports:activity",
    "admin:auth_user_changelist",
]


@pytest.mark.parametrize("role", ["manager", "mechanic", "accountant", "adviser"])
def test_the_quick_sidebar_list_is_unfolds_for_each_role_and_page(request, rf, role, monkeypatch):
    from django.contrib import admin
    from unfold.sites import UnfoldAdminSite

    user = request.getfixturevalue(role)
    for name in SIDEBAR_PATHS:
        page = rf.get(reverse(name) + "?q=x")
        page.user = user
        expected = UnfoldAdminSite.get_sidebar_list(admin.site, page)
        with monkeypatch.context() as patch:  # the quick path must not be unfold's in disguise
            patch.setattr(UnfoldAdminSite, "_get_navigation_items", lambda *args: pytest.fail("unfold's builder"))
            quick = admin.site.get_sidebar_list(page)
        assert _plain_values(quick) == _plain_values(expected), (role, name)
        assert [item["active"] for group in quick for item in group["items"]].count(True) <= 1


@pytest.mark.parametrize(
    "changed",
    [
        {"navigation": [{"title": "Atelier", "items": [{"title": "Ordres", "link": "/admin/", "badge": "a.b"}]}]},
        {"TABS": [{"models": ["workshop.service"], "items": [{"title": "Tous", "link": "/admin/workshop/service/"}]}]},
        {"navigation": [{"title": "Atelier", "items": [{"title": "Ordres", "link": lambda request: "/admin/"}]}]},
    ],
    ids=["badge", "tabs", "link function"],
)
def test_a_sidebar_the_quick_list_does_not_know_goes_through_unfold(rf, manager, settings, monkeypatch, changed):
    from django.contrib import admin
    from unfold.sites import UnfoldAdminSite

    sidebar = {
        **settings.UNFOLD["SIDEBAR"],
        **({"navigation": changed["navigation"]} if "navigation" in changed else {}),
    }
    settings.UNFOLD = {**settings.UNFOLD, "SIDEBAR": sidebar, "TABS": changed.get("TABS", [])}
    page = rf.get(reverse("admin:workshop_service_changelist"))
    page.user = manager
    calls = []
    unfolds = UnfoldAdminSite._get_navigation_items
    monkeypatch.setattr(UnfoldAdminSite, "_get_navigation_items", lambda *a, **k: calls.append(1) or unfolds(*a, **k))
    admin.site.get_sidebar_list(page)
    assert calls
