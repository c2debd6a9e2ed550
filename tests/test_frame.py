"""The frame parts kept by `portal.frame` are the HTML unfold renders, per user, language and browser."""

import re

import pytest
from django.urls import reverse

from portal import frame

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
PAGES = ["admin:index", "admin:workshop_service_changelist", "admin:workshop_customer_changelist", "reports:revenue"]


@pytest.fixture(autouse=True)
def empty_store():
    frame._KEPT.clear()
    yield
    frame._KEPT.clear()


def unfolds(client, url, monkeypatch, **headers):
    with monkeypatch.context() as patch:
        patch.setattr(frame, "VARY", {name: lambda context: None for name in frame.VARY})
        return client.get(url, **headers)


def sidebar(response) -> str:
    html = response.content.decode()
    return html[html.index('id="nav-sidebar"') : html.index('id="main"')]


def without_tokens(response) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())


@pytest.mark.parametrize("role", ["manager", "mechanic", "accountant", "adviser"])
def test_kept_pages_are_unfolds_for_each_role(login, request, role, monkeypatch):
    client = login(request.getfixturevalue(role))
    for name in PAGES:
        url = reverse(name)
        first = client.get(url)
        if first.status_code != 200:
            continue
        kept = client.get(url)
        assert without_tokens(first) == without_tokens(kept) == without_tokens(unfolds(client, url, monkeypatch))
    assert frame._KEPT, "nothing was kept"


def test_each_page_gets_its_own_csrf_token_and_it_is_valid(manager_client):
    from django.middleware.csrf import _unmask_cipher_token

    url = reverse("admin:workshop_service_changelist")
    pages = [manager_client.get(url).content.decode() for _ in range(2)]
    tokens = [re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page) for page in pages]
    assert len(tokens[0]) >= 4  # three language forms and the log-out form, at least
    assert frame.CSRF_STAND_IN not in pages[0] + pages[1]
    secret = manager_client.cookies["csrftoken"].value
    assert all(_unmask_cipher_token(token) == secret for token in tokens[0] + tokens[1])


def test_the_language_form_changes_the_language(manager_client):
    url = reverse("admin:workshop_service_changelist")
    manager_client.handler.enforce_csrf_checks = True
    page = manager_client.get(url).content.decode()
    token = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[-1]
    response = manager_client.post(reverse("set_language"), {"language": "ar", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert manager_client.get(url).content.decode().count('dir="rtl"') >= 1


def test_a_renamed_user_sees_the_new_name_and_each_language_its_own_frame(manager, manager_client, monkeypatch):
    url = reverse("admin:workshop_service_changelist")
    assert "Nadia Gharbi" not in sidebar(manager_client.get(url))
    manager.first_name, manager.last_name, manager.email = "Nadia", "Gharbi", "nadia@garage-essai.tn"
    manager.save()
    renamed = sidebar(manager_client.get(url))
    assert "Nadia Gharbi" in renamed and "nadia@garage-essai.tn" in renamed
    manager_client.cookies["django_language"] = "ar"
    arabic = manager_client.get(url)
    assert without_tokens(arabic) == without_tokens(unfolds(manager_client, url, monkeypatch))


def test_a_mac_gets_the_command_key(manager_client, monkeypatch):
    url = reverse("admin:workshop_service_changelist")
    other = manager_client.get(url).content.decode()
    mac = manager_client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)")
    assert "keyboard_command_key" in mac.content.decode() and "keyboard_command_key" not in other
    assert without_tokens(mac) == without_tokens(
        unfolds(manager_client, url, monkeypatch, HTTP_USER_AGENT="Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)")
    )


def test_two_managers_never_share_a_sidebar(login, manager):
    from tests.factories import UserFactory
    from workshop import roles

    other = UserFactory(username="gerant2", role=roles.MANAGER, email="salma@garage-essai.tn")
    manager.email = "karim@garage-essai.tn"
    manager.save()
    url = reverse("admin:workshop_service_changelist")
    assert "karim@garage-essai.tn" in sidebar(login(manager).get(url))
    page = sidebar(login(other).get(url))
    assert "salma@garage-essai.tn" in page and "karim@garage-essai.tn" not in page


def _lists_with_filters():
    from django.contrib import admin

    return sorted(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        for model, model_admin in admin.site._registry.items()
        if model_admin.list_filter
    )


@pytest.mark.parametrize("name", _lists_with_filters())
def test_every_kept_filter_panel_is_unfolds(name, manager_client, admin_client, monkeypatch):
    from tests.factories import ServiceFactory

    ServiceFactory()  # a mechanic, a car, a customer, a city and a make for the filters to offer
    url = reverse(name)
    client = manager_client if manager_client.get(url).status_code == 200 else admin_client
    for query in ("", "?o=-1", "?q=zz&o=1"):
        first, kept = client.get(url + query), client.get(url + query)
        assert first.status_code == 200, (url, query)
        unkept = unfolds(client, url + query, monkeypatch)
        assert without_tokens(first) == without_tokens(kept) == without_tokens(unkept)
    assert any(key[0] == "unfold/helpers/change_list_filter_vertical.html" for key in frame._KEPT), url


def test_a_filter_panel_follows_its_choices_and_the_chosen_value(manager_client, monkeypatch):
    from tests.factories import ServiceFactory, UserFactory
    from workshop import roles

    job = ServiceFactory()
    url = reverse("admin:workshop_service_changelist")
    first = manager_client.get(url).content.decode()
    newcomer = UserFactory(username="nouveau", first_name="Wassim", last_name="Trabelsi", role=roles.MECHANIC)
    page = manager_client.get(url)
    assert "Wassim Trabelsi" in page.content.decode() and "Wassim Trabelsi" not in first
    chosen = f"{url}?mechanic__id__exact={newcomer.pk}"
    assert without_tokens(manager_client.get(chosen)) == without_tokens(unfolds(manager_client, chosen, monkeypatch))
    by_status = f"{url}?status__exact={job.status}"
    assert without_tokens(manager_client.get(by_status)) == without_tokens(
        unfolds(manager_client, by_status, monkeypatch)
    )


def test_filter_counts_are_never_kept(manager_client):
    from tests.factories import ServiceFactory

    ServiceFactory()
    manager_client.get(reverse("admin:workshop_service_changelist") + "?_facets=True")
    assert not any(key[0] == "unfold/helpers/change_list_filter_vertical.html" for key in frame._KEPT)
