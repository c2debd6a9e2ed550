"""Each role logs in through the real form and lands on the dashboard."""

import pytest

from tests.browser.conftest import PASSWORD


@pytest.mark.parametrize("username", ["root", "gerant", "conseiller", "mecanicien", "comptable"])
def test_each_role_logs_in_through_the_form(page, users, username):
    page.goto("/admin/login/")  # no `next`: issue 12, defect 1
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    assert page.locator("#nav-sidebar, nav").first.is_visible()
    assert "Tableau de bord" in page.content()


def test_a_wrong_password_is_refused_in_french(page, users):
    page.goto("/admin/login/")
    page.fill("input[name=username]", "gerant")
    page.fill("input[name=password]", "mauvais")
    page.click("button[type=submit]")
    assert "/admin/login/" in page.url
    assert "Saisissez" in page.content() or "correct" in page.content()
