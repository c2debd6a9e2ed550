"""Background imports (queue on commit, progress, states), record locks against double submits and parallel
imports, and the hostile-file corpus replayed through the admin and the command."""

import contextlib
import io
import threading
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from tests import factories as f
from tests.corpus import files
from workshop.imports import runs as import_runs
from workshop.imports.importer import import_customers
from workshop.models import Car, Customer, CustomerImport

UPLOAD = reverse("admin:workshop_customerimport_upload")
pg_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row and advisory locks")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def url(name, record):
    return reverse(f"admin:workshop_customerimport_{name}", args=[record.pk])


def post_upload(client, data, name):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)})


# --- Background task --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_upload_only_queues_the_dry_run_which_runs_after_commit(manager_client, django_capture_on_commit_callbacks):
    data = f.garage_csv([f.garage_row(n) for n in range(1, 4)])
    with (
        mock.patch("workshop.imports.runs.import_customers", wraps=import_customers) as parse,
        mock.patch(
            "workshop.tasks.analyse_import.delay", wraps=__import__("workshop.tasks").tasks.analyse_import.delay
        ) as delay,
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = post_upload(manager_client, data, "clients.csv")
        record = CustomerImport.objects.get()
        assert response.status_code == 302 and response.url == url("preview", record)
        assert parse.call_count == 0 and delay.call_count == 0, "the request must not read the file itself"
        assert (record.status, record.progress) == ("analysing", 0)
        page = manager_client.get(url("preview", record)).content.decode()
        assert 'id="import-progress"' in page and "Analyse en cours" in page
        progress = manager_client.get(url("progress", record)).json()
        assert (progress["status"], progress["running"], progress["percent"]) == ("analysing", True, 0)
        assert len(callbacks) == 1
        callbacks[0]()  # what the commit does: queue the task (eager here: it runs)
        delay.assert_called_once_with(record.pk)
        assert parse.call_count == 1
    record.refresh_from_db()
    assert (record.status, record.progress, record.rows, record.customers_created) == ("analysed", 100, 3, 3)
    assert not Customer.objects.exists()
    progress = manager_client.get(url("progress", record)).json()
    assert (progress["status"], progress["running"], progress["percent"], progress["rows"]) == (
        "analysed",
        False,
        100,
        3,
    )


@pytest.mark.django_db
def test_the_task_reports_progress_while_it_reads(manager, tmp_path, django_capture_on_commit_callbacks):
    data = f.garage_csv([f.garage_row(n) for n in range(1, 2501)])
    seen = []
    real = import_runs.set_progress

    def spy(record_id, fraction, rows):
        real(record_id, fraction, rows)
        seen.append((rows, import_runs.cache.get(import_runs.progress_key(record_id))["percent"]))

    with mock.patch("workshop.imports.runs.set_progress", spy), django_capture_on_commit_callbacks(execute=True):
        record = import_runs.start_analysis(upload=SimpleUploadedFile("c.csv", data), file_name="c.csv", user=manager)
    assert [rows for rows, _percent in seen] == [0, 1000, 2000, 2500]
    assert seen[-1][1] == 100 and 0 < seen[1][1] < seen[2][1] < 100
    record.refresh_from_db()
    assert record.status == "analysed" and record.rows == 2500


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"), [("manager", 200), ("adviser", 200), ("mechanic", 403), ("accountant", 403)]
)
def test_progress_endpoint_is_for_importers_only(login, request, manager, role, status):
    record = CustomerImport.objects.create(file_name="a.csv", imported_by=manager, status="analysing")
    response = login(request.getfixturevalue(role)).get(url("progress", record))
    assert response.status_code == status
    if status == 200:
        assert response.json()["status"] == "analysing"


@pytest.mark.django_db
def test_progress_endpoint_is_refused_to_anonymous_visitors(client, manager):
    record = CustomerImport.objects.create(file_name="a.csv", imported_by=manager)
    response = client.get(url("progress", record))
    assert response.status_code == 302 and "/login/" in response.url


# --- Finding 13: a malformed sheet inside a valid zip -------------------------------------------------


@pytest.mark.django_db
def test_malformed_sheet_in_the_admin_marks_the_import_failed_and_its_pages_render(
    manager_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(manager_client, files.broken_sheet_xml(), "clients.xlsx")
    record = CustomerImport.objects.get()
    assert response.status_code == 302
    assert record.status == "failed" and "illisible ou endommagé" in record.error and not record.file
    for _ in range(2):  # not a 500 "for ever": every visit renders the reason
        page = manager_client.get(url("preview", record))
        assert page.status_code == 200 and "illisible ou endommagé" in page.content.decode()
    response = manager_client.post(url("preview", record), {}, follow=True)
    assert "n&#x27;a pas pu être lu" in response.content.decode()
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_an_import_record_with_no_report_yet_renders(manager_client, manager):
    """The record left by the old code when parsing crashed: status analysed, empty report."""
    record = CustomerImport.objects.create(file_name="x.xlsx", imported_by=manager, report={})
    assert manager_client.get(url("preview", record)).status_code == 200


@pytest.mark.django_db
def test_malformed_sheet_in_the_command_is_a_clear_error_not_a_traceback(tmp_path):
    path = tmp_path / "clients.xlsx"
    path.write_bytes(files.broken_sheet_xml())
    with pytest.raises(CommandError, match="illisible ou endommagé"):
        call_command("import_customers", str(path), stdout=io.StringIO())
    assert not Customer.objects.exists() and not CustomerImport.objects.exists()


# --- The corpus, replayed through the admin and the command ---------------------------------------------

HOSTILE_XLSX = {
    "cell-bomb": (lambda: files.cell_bomb(megabytes=100), "ECAR_IMPORT_MAX_COMPRESSION_RATIO"),
    "shared-strings-declared": (lambda: files.shared_strings_bomb(count=20, declared=3_000_000), "textes partagés"),
    "entities": (files.entity_expansion, "DTD ou entité"),
    "wide": (lambda: files.sheet_xml(files.rows_xml(1), dimension="A1:XFD2"), "nombre de colonnes"),
    "broken-xml": (files.broken_sheet_xml, "illisible ou endommagé"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(HOSTILE_XLSX))
def test_hostile_workbooks_are_refused_by_the_admin(manager_client, django_capture_on_commit_callbacks, name):
    recipe, message = HOSTILE_XLSX[name]
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(manager_client, recipe(), f"{name}.xlsx")
    if response.status_code == 400:  # refused in the request: nothing stored at all
        assert message in response.content.decode()
        assert not CustomerImport.objects.exists()
    else:  # refused by the background analysis: a failed record that says why, no file kept
        record = CustomerImport.objects.get()
        assert record.status == "failed" and message in record.error and not record.file
        assert message in manager_client.get(url("preview", record)).content.decode()
    assert not Customer.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(HOSTILE_XLSX))
def test_hostile_workbooks_are_refused_by_the_command(tmp_path, name):
    recipe, message = HOSTILE_XLSX[name]
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(recipe())
    with pytest.raises(CommandError, match=message):
        call_command("import_customers", str(path), stdout=io.StringIO())
    assert not Customer.objects.exists() and not CustomerImport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(files.GARBAGE_CSV))
def test_garbage_csv_never_crashes_the_admin_or_the_command(
    manager_client, django_capture_on_commit_callbacks, tmp_path, name
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(manager_client, files.GARBAGE_CSV[name], name)
    assert response.status_code in (302, 400)
    for record in CustomerImport.objects.all():
        assert manager_client.get(url("preview", record)).status_code == 200
    path = tmp_path / name
    path.write_bytes(files.GARBAGE_CSV[name])
    with contextlib.suppress(CommandError):
        call_command("import_customers", str(path), stdout=io.StringIO())
    for customer in Customer.objects.all():  # a readable row may be imported, cleaned of control characters
        assert customer.last_name.isprintable() and customer.first_name.isprintable()


# --- Finding 11: concurrency, real threads on PostgreSQL ----------------------------------------------------

ROWS = 40


def _in_threads(count, target):
    barrier = threading.Barrier(count)
    errors = []

    def run(index):
        try:
            barrier.wait()
            target(index)
        except Exception as error:  # any error is the failure looked for
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _analysed_record(user, data) -> CustomerImport:
    record = CustomerImport.objects.create(
        file_name="clients.csv",
        imported_by=user,
        status="analysing",
        file=SimpleUploadedFile("clients.csv", data),
    )
    import_runs.run_analysis(record_id=record.pk)
    record.refresh_from_db()
    assert record.status == "analysed"
    return record


@pytest.fixture
def forty_rows():
    return f.garage_csv([f.garage_row(n) for n in range(1, ROWS + 1)])


@pytest.mark.concurrency
@pg_only
@pytest.mark.django_db(transaction=True)
def test_two_uploads_of_the_same_file_confirmed_at_once_import_once(settings, tmp_path, forty_rows):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = f.UserFactory(username="gerant-c", is_superuser=True)
    records = [_analysed_record(user, forty_rows) for _ in range(2)]
    errors = _in_threads(
        2, lambda i: import_runs.request_import(record_id=records[i].pk, user=user, skip_invalid=False)
    )
    assert errors == []
    assert (Customer.objects.count(), Car.objects.count()) == (ROWS, ROWS)
    outcomes = sorted(
        CustomerImport.objects.filter(pk__in=[r.pk for r in records]).values_list(
            "status", "customers_created", "rows_unchanged"
        )
    )
    assert outcomes == [("imported", 0, ROWS), ("imported", ROWS, 0)]


@pytest.mark.concurrency
@pg_only
@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_confirmation_imports_once_and_keeps_the_real_counts(settings, tmp_path, forty_rows):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = f.UserFactory(username="gerant-d", is_superuser=True)
    record = _analysed_record(user, forty_rows)
    refusals = []

    def confirm(_index):
        try:
            import_runs.request_import(record_id=record.pk, user=user, skip_invalid=False)
        except import_runs.ImportRefused as refusal:
            refusals.append(str(refusal))

    assert _in_threads(4, confirm) == []
    assert len(refusals) == 3
    assert set(refusals) <= {"Ce fichier a déjà été importé.", "L'import de ce fichier est déjà en cours."}
    record.refresh_from_db()
    assert (record.status, record.customers_created, record.cars_created) == ("imported", ROWS, ROWS)
    assert Customer.objects.count() == ROWS


@pytest.mark.concurrency
@pg_only
@pytest.mark.django_db(transaction=True)
def test_two_import_commands_at_once_both_finish(tmp_path, forty_rows):
    path = tmp_path / "clients.csv"
    path.write_bytes(forty_rows)
    outputs = ["", ""]

    def run(index):
        out = io.StringIO()
        call_command("import_customers", str(path), stdout=out)
        outputs[index] = out.getvalue()

    assert _in_threads(2, run) == []
    assert sorted("Clients créés : 40" in output for output in outputs) == [False, True]
    assert sorted(f"Lignes inchangées : {ROWS}" in output for output in outputs) == [False, True]
    assert Customer.objects.count() == ROWS
    assert sorted(CustomerImport.objects.values_list("customers_created", flat=True)) == [0, ROWS]


@pytest.mark.concurrency
@pg_only
@pytest.mark.django_db(transaction=True)
def test_a_unique_conflict_with_another_writer_is_a_clear_message(tmp_path, forty_rows):
    """A customer typed in the admin while the import runs: the import is refused whole, with a reason."""
    from django.db import transaction

    from workshop.imports.importer import ImportConflict

    holder_ready, release = threading.Event(), threading.Event()

    def other_writer():
        try:
            with transaction.atomic():
                f.CustomerFactory(phone="+21620000001", email="autre@exemple.tn")
                holder_ready.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    writer = threading.Thread(target=other_writer)
    writer.start()
    holder_ready.wait(timeout=30)
    timer = threading.Timer(1.0, release.set)
    timer.start()
    with pytest.raises(ImportConflict, match="enregistrés par quelqu'un d'autre"):
        import_customers(stream=io.BytesIO(forty_rows), file_name="clients.csv")
    writer.join(timeout=30)
    assert Customer.objects.count() == 1
