"""Every report and its exports, an import through its preview, the Arabic screen and a job's history opened,
in a real browser."""

from tests import factories as f
from workshop.models import Customer, CustomerImport

REPORTS = ["revenue", "tva", "receivables", "parts", "activity"]


def test_every_report_opens_and_exports(page, users, log_in):
    log_in("gerant")
    for name in REPORTS:
        page.goto(f"/admin/reports/{name}/")
        assert page.locator("table.ecar-report-table").count() == 1, name  # defect 3: the class is there
        for fmt in ("csv", "xlsx", "pdf"):
            with page.expect_download() as download:
                page.locator("[role=group] a", has_text=fmt.upper()).click()
            assert download.value.suggested_filename.endswith(f".{fmt}"), (name, fmt)
    page.goto("/admin/reports/statement/")
    assert "Choisissez un client et une période." in page.content()
    assert "Ce champ est obligatoire" not in page.content()  # defect 9


def test_an_import_goes_through_its_preview(page, users, log_in, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    rows = [f.garage_row(n) for n in range(1, 101)]
    upload = tmp_path / "clients.csv"
    upload.write_bytes(f.garage_csv(rows))
    log_in("conseiller")
    page.goto("/admin/workshop/customerimport/upload/")
    page.set_input_files("input[type=file]", str(upload))
    with page.expect_navigation():
        page.locator("button[type=submit]", has_text="Analyser").click()
    page.locator("#import-counts").wait_for()
    confirm = page.locator("#import-confirm button[type=submit]")
    box = confirm.bounding_box()
    assert box is not None and box["y"] < page.viewport_size["height"]  # defect 11: no scrolling past 100 rows
    with page.expect_navigation():
        confirm.click()
    assert CustomerImport.objects.get().status == CustomerImport.Status.IMPORTED
    assert Customer.objects.count() == 100


def test_the_arabic_screen_is_right_to_left(page, users, log_in):
    log_in("gerant")
    with page.expect_navigation():  # the language menu's « العربية » entry: its form, as the button sends it
        page.locator("form:has(input[name=language][value=ar])").first.evaluate("form => form.requestSubmit()")
    page.goto("/admin/workshop/service/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert "أضف" in page.locator("body").inner_text()  # « Ajouter », the list's add button


def test_the_jobs_history_loads_when_its_section_opens(page, users, log_in):
    """The timeline is not in the job page: htmx fetches it once its folded section shows (admin/timeline.py)."""
    item = f.ServiceItemFactory(description="Plaquettes avant")
    log_in("gerant")
    page.goto(f"/admin/workshop/service/{item.service_id}/change/")
    assert page.locator(".ecar-timeline-loader").count() == 1 and page.locator("ol.ecar-timeline").count() == 0
    page.get_by_text("Historique", exact=True).first.click()
    page.wait_for_selector("ol.ecar-timeline")
    assert "Ligne ajoutée : Plaquettes avant" in page.locator("ol.ecar-timeline").inner_text()
    assert page.locator(".ecar-timeline-loader").count() == 0
