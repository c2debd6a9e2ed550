"""The portal's import flow end to end: upload, dry-run preview, confirm, rejects download, history, permissions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import factories as f
from workshop.models import Car, Customer, CustomerImport

UPLOAD = reverse("admin:workshop_customerimport_upload")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def run_queued_tasks(django_capture_on_commit_callbacks):
    """The tests run inside a transaction that never commits: run the tasks queued on commit, as a worker
    (or Celery's eager mode after a real commit) would."""

    def post(client, url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    global _post
    _post = post


def _post(client, url, data):  # replaced by the fixture above
    raise AssertionError


def upload(client, data: bytes, name="clients.csv"):
    return _post(client, UPLOAD, {"file": SimpleUploadedFile(name, data)})


def confirm(client, record, data=None):
    return _post(client, preview_url(record), data or {})


def preview_url(record):
    return reverse("admin:workshop_customerimport_preview", args=[record.pk])


@pytest.mark.django_db
def test_upload_preview_confirm_imports_the_file(login, adviser):
    client = login(adviser)
    assert client.get(UPLOAD).status_code == 200
    response = upload(client, f.garage_csv([f.garage_row(1), f.garage_row(2)]))
    record = CustomerImport.objects.get()
    assert response.status_code == 302 and response.url == preview_url(record)
    assert not Customer.objects.exists(), "the analysis is a dry run"
    html = client.get(preview_url(record)).content.decode()
    assert 'data-count="new">2<' in html and 'data-count="invalid">0<' in html
    assert "Ben Salah 1" in html and "100 TU 2" in html
    response = confirm(client, record)
    assert response.status_code == 302
    assert Customer.objects.count() == 2 and Car.objects.count() == 2
    record.refresh_from_db()
    assert (record.status, record.imported_by, record.customers_created, record.cars_created) == (
        "imported",
        adviser,
        2,
        2,
    )
    assert Customer.history.filter(history_user=adviser).count() == 2
    history = client.get(reverse("admin:workshop_customerimport_changelist")).content.decode()
    assert "clients.csv" in history and "Importé" in history
    assert confirm(client, record).status_code == 302
    assert Customer.objects.count() == 2, "confirming twice imports once"


@pytest.mark.django_db
def test_invalid_rows_are_listed_and_block_the_import_by_default(login, manager):
    client = login(manager)
    upload(client, f.garage_xlsx([f.garage_row(1), f.garage_row(2, **{"Téléphone": "123"})]), "clients.xlsx")
    record = CustomerImport.objects.get()
    html = client.get(preview_url(record)).content.decode()
    assert 'data-count="invalid">1<' in html
    assert '<td class="py-1 pr-4">3</td><td class="py-1 pr-4">Téléphone</td>' in html
    assert "Numéro de téléphone invalide : « 123 »" in html
    assert "Importer seulement les lignes valides" in html
    response = confirm(client, record)  # refused at once from the dry run's count: nothing is queued
    assert response.status_code == 400
    html = response.content.decode()
    assert "1 ligne(s) invalide(s) : rien n" in html and "Confirmer l" in html
    record.refresh_from_db()
    assert (record.status, record.rows_invalid) == ("analysed", 1)
    assert not Customer.objects.exists()

    rejects = client.get(reverse("admin:workshop_customerimport_rejects", args=[record.pk]))
    assert rejects.status_code == 200
    content = b"".join(rejects.streaming_content).decode("utf-8-sig")
    assert "Ben Salah 2" in content and "Ben Salah 1" not in content

    response = confirm(client, record, {"skip_invalid": "on"})
    assert response.status_code == 302
    assert list(Customer.objects.values_list("phone", flat=True)) == ["+21620000001"]
    record.refresh_from_db()
    assert (record.rows_invalid, record.skip_invalid, record.status) == (1, True, "imported")

    fixed = content.replace("123", "20 000 002")
    upload(client, fixed.encode("utf-8"), "clients-rejets.csv")
    again = CustomerImport.objects.latest("id")
    confirm(client, again)
    assert Customer.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,name,message",
    [
        (b"", "vide.csv", "est vide"),
        (b"%PDF-1.4", "clients.pdf", "Format de fichier non pris en charge"),
        (b"PK\x03\x04broken", "clients.xlsx", "illisible ou endommagé"),
    ],
)
def test_unreadable_upload_gets_a_400_with_the_reason_and_keeps_nothing(login, manager, data, name, message):
    response = upload(login(manager), data, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CustomerImport.objects.exists()


@pytest.mark.django_db
def test_a_file_that_fails_in_the_background_is_marked_failed_and_its_pages_show_why(login, manager):
    """Columns are read by the background analysis: its failure is shown, the file is not kept."""
    client = login(manager)
    response = upload(client, b"Ville;Marque\r\nTunis;Kia\r\n", "clients.csv")
    record = CustomerImport.objects.get()
    assert response.status_code == 302 and response.url == preview_url(record)
    assert (record.status, record.file.name) == ("failed", "")
    html = client.get(preview_url(record)).content.decode()
    assert "Colonnes obligatoires absentes" in html and "Confirmer l" not in html
    response = confirm(client, record)
    assert response.status_code == 302 and not Customer.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["mechanic", "accountant"])
def test_only_managers_and_advisers_may_import(login, request, role):
    client = login(request.getfixturevalue(role))
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, f.garage_csv([f.garage_row(1)])).status_code == 403
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_import_history_list_loads_in_constant_queries(manager_client, manager, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:workshop_customerimport_changelist")
    for _ in range(3):
        CustomerImport.objects.create(file_name="a.csv", imported_by=manager)
    with CaptureQueriesContext(connection) as ctx:
        assert manager_client.get(url).status_code == 200
    for _ in range(20):
        CustomerImport.objects.create(file_name="b.csv", imported_by=f.UserFactory())
    with django_assert_max_num_queries(len(ctx)):
        assert manager_client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_confirm_button_comes_before_a_hundred_preview_rows(login, adviser):
    """It sat under the preview: with 100 rows, far below the fold. Now above the rows, and sticky."""
    client = login(adviser)
    upload(client, f.garage_csv([f.garage_row(n) for n in range(1, 101)]))
    html = client.get(preview_url(CustomerImport.objects.get())).content.decode()
    form = html.index('id="import-confirm"')
    assert "Confirmer l" in html[form : html.index('id="import-preview"')]
    assert "sticky top-0" in html[form - 200 : form + 200]
