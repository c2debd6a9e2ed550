"""`manage.py import_customers`: counts printed, exit codes, dry run, rejects file, nothing written on refusal."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import factories as f
from workshop.models import Car, Customer, CustomerImport


def command(*args):
    out = io.StringIO()
    call_command("import_customers", *map(str, args), stdout=out)
    return out.getvalue()


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "clients.csv"
    path.write_bytes(f.garage_csv([f.garage_row(1), f.garage_row(1, Immatriculation="300 TU 7"), f.garage_row(2)]))
    return path


@pytest.fixture
def mixed_file(tmp_path):
    path = tmp_path / "clients.xlsx"
    path.write_bytes(f.garage_xlsx([f.garage_row(1), f.garage_row(2, Immatriculation="XYZ")]))
    return path


@pytest.mark.django_db
def test_import_prints_the_counts_and_records_the_import(good_file):
    output = command(good_file)
    assert "Clients créés : 2" in output
    assert "Véhicules créés : 3" in output
    assert "Mis à jour : 0" in output
    assert "Lignes invalides : 0" in output
    assert Car.objects.count() == 3
    record = CustomerImport.objects.get()
    assert (record.file_name, record.source, record.cars_created) == ("clients.csv", "command", 3)
    again = command(good_file)
    assert "Lignes inchangées : 3" in again and "Clients créés : 0" in again


@pytest.mark.django_db
def test_dry_run_writes_nothing(good_file):
    output = command(good_file, "--dry-run")
    assert "Clients créés : 2" in output and "rien n'a été enregistré" in output
    assert not Customer.objects.exists() and not CustomerImport.objects.exists()


@pytest.mark.django_db
def test_invalid_rows_exit_non_zero_having_written_nothing(mixed_file, tmp_path):
    rejects = tmp_path / "rejets.csv"
    with pytest.raises(CommandError, match="1 ligne\\(s\\) invalide\\(s\\) : rien n'a été enregistré") as error:
        command(mixed_file, "--rejects", rejects)
    assert error.value.returncode == 2
    assert not Customer.objects.exists() and not CustomerImport.objects.exists()
    text = rejects.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].endswith(";Erreurs")
    assert "XYZ" in text and "Immatriculation invalide" in text


@pytest.mark.django_db
def test_skip_invalid_imports_the_rest_and_exits_zero(mixed_file, tmp_path):
    output = command(mixed_file, "--skip-invalid", "--rejects", tmp_path / "rejets.csv")
    assert "Ligne 3 [Immatriculation] : Immatriculation invalide" in output
    assert "Lignes invalides : 1" in output and "Import enregistré." in output
    assert Customer.objects.count() == 1


@pytest.mark.django_db
def test_no_rejects_file_is_left_when_every_row_is_valid(good_file, tmp_path):
    rejects = tmp_path / "rejets.csv"
    command(good_file, "--rejects", rejects)
    assert not rejects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name,content", [("absent.csv", None), ("clients.pdf", b"%PDF"), ("vide.csv", b"")])
def test_unreadable_file_is_a_command_error(tmp_path, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        command(path)
    assert error.value.returncode == 1
    assert not CustomerImport.objects.exists()


@pytest.mark.django_db
def test_progress_bar_is_drawn_on_a_terminal(good_file):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = Terminal()
    call_command("import_customers", str(good_file), stdout=out)
    assert "[##############################] 100%" in out.getvalue()
