from tests import factories as f
from workshop import roles


def test_explore(page, log_in, live_server):
    f.UserFactory(username="gerant", role=roles.MANAGER)
    item = f.ServiceItemFactory(description="Vidange")
    from workshop.models import Service
    Service.objects.filter(pk=item.service.pk).update(status="received")
    log_in("gerant")
    page.goto(f"/admin/workshop/service/{item.service.pk}/change/")
    page.locator("a[hx-get$='/transition-diagnose/']").first.click()
    page.wait_for_selector("#modal-content form")
    open("/tmp/defects_dialog.html", "w").write(page.inner_html("#modal-content"))
    page.screenshot(path="/tmp/defects_dialog.png")
