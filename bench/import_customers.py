"""Import 100,000 customers-with-car rows three ways and print rows per second and peak memory.

1. ECAR's import (`workshop.imports.import_customers`: streamed, validated, bulk look-ups, COPY with history);
2. django-import-export's default (non-bulk) import of the same rows: one `save()` per row, history by signals;
3. PostgreSQL COPY of the same rows into a bare table: the ceiling.

Each variant runs in its own process (peak memory is that process's ru_maxrss) on a dedicated database
`<your database>_bench_import`, emptied before each run, so your data is never touched.
Usage: DATABASE_URL=postgres://… python bench/import_customers.py [--rows 100000] [--library-rows 10000]
"""

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
HEADERS = ["Nom", "Prénom", "Société", "Téléphone", "Email", "Adresse", "Ville", "Matricule fiscal"]
HEADERS += ["Immatriculation", "Marque", "Modèle", "Année", "VIN", "Kilométrage"]
MAKES = [("Peugeot", "208"), ("Renault", "Clio"), ("Kia", "Picanto"), ("Volkswagen", "Polo"), ("Hyundai", "i10")]


def write_csv(path: Path, rows: int) -> None:
    """Semicolon CSV as French Excel writes it, phones and plates typed the way people type them."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADERS)
        for n in range(rows):
            phone = f"2{n:07d}"
            make, model = MAKES[n % len(MAKES)]
            writer.writerow(
                [
                    f"Ben Salah {n}",
                    "Sami",
                    "",
                    f"{phone[:2]} {phone[2:5]} {phone[5:]}",
                    f"client{n}@exemple.tn",
                    f"{n % 300 + 1} avenue Habib Bourguiba",
                    "Tunis",
                    "",
                    f"{100 + n // 9999} tun {n % 9999 + 1}",
                    make,
                    model,
                    2005 + n % 20,
                    "",
                    f"{(n * 37) % 300000} km",
                ]
            )


def bench_url(url: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"{parts.path}_bench_import"))


def setup_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    admin = urlunparse(parts._replace(path="/postgres"))
    name = parts.path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)


# --- variants (run in a child process) --------------------------------------------------------------


def _django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def _empty_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE workshop_car, workshop_customer, workshop_historicalcar, workshop_historicalcustomer, "
            "workshop_customerimport RESTART IDENTITY CASCADE"
        )


def run_ecar(path: Path, rows: int) -> dict:
    _django()
    from workshop.imports import import_customers

    _empty_tables()
    start = time.perf_counter()
    with path.open("rb") as stream:
        report = import_customers(stream=stream, file_name=path.name)
    elapsed = time.perf_counter() - start
    assert report.committed and report.rows == rows and report.rows_invalid == 0, report.errors[:3]
    return {"rows": report.rows, "seconds": elapsed, "created": report.customers_created + report.cars_created}


def run_library(path: Path, rows: int) -> dict:
    """django-import-export's documented way: a ModelResource, `import_data`, no bulk mode."""
    _django()
    import tablib
    from import_export import fields, resources, widgets

    from workshop.models import Car, Customer
    from workshop.validators import normalise_phone, normalise_plate

    class CarWithOwnerResource(resources.ModelResource):
        plate = fields.Field(attribute="plate", column_name="Immatriculation")
        make = fields.Field(attribute="make", column_name="Marque")
        model = fields.Field(attribute="model", column_name="Modèle")
        year = fields.Field(attribute="year", column_name="Année", widget=widgets.IntegerWidget())
        mileage = fields.Field(attribute="mileage", column_name="Kilométrage", widget=widgets.IntegerWidget())
        owner = fields.Field(attribute="owner", column_name="owner", widget=widgets.ForeignKeyWidget(Customer))

        class Meta:
            model = Car
            fields = ("plate", "make", "model", "year", "mileage", "owner")
            import_id_fields = ("plate",)
            skip_unchanged = True
            skip_diff = False

        def before_import_row(self, row, **kwargs):
            row["Immatriculation"] = normalise_plate(row["Immatriculation"])
            row["Kilométrage"] = row["Kilométrage"].replace(" km", "")
            customer, _created = Customer.objects.get_or_create(
                phone=normalise_phone(row["Téléphone"]),
                defaults={
                    "last_name": row["Nom"],
                    "first_name": row["Prénom"],
                    "email": row["Email"],
                    "address": row["Adresse"],
                    "city": row["Ville"],
                },
            )
            row["owner"] = customer.pk

    _empty_tables()
    start = time.perf_counter()
    with path.open(encoding="utf-8-sig") as handle:
        lines = handle.read().splitlines()[: rows + 1]
    dataset = tablib.Dataset().load("\n".join(lines), format="csv", delimiter=";")
    result = CarWithOwnerResource().import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    elapsed = time.perf_counter() - start
    assert not result.has_errors() and Car.objects.count() == rows
    return {"rows": rows, "seconds": elapsed}


def run_copy(path: Path, rows: int) -> dict:
    _django()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_import")
        cursor.execute(f"CREATE TABLE bench_bare_import ({', '.join(f'c{i} text' for i in range(len(HEADERS)))})")
        start = time.perf_counter()
        with (
            cursor.cursor.copy(
                "COPY bench_bare_import FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)"
            ) as copy,
            path.open("rb") as handle,
        ):
            handle.read(3)  # the BOM
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        elapsed = time.perf_counter() - start
        cursor.execute("SELECT count(*) FROM bench_bare_import")
        assert cursor.fetchone()[0] == rows
        cursor.execute("DROP TABLE bench_bare_import")
    return {"rows": rows, "seconds": elapsed}


VARIANTS = {"ecar": run_ecar, "library": run_library, "copy": run_copy}


def child(variant: str, path: str, rows: int) -> None:
    result = VARIANTS[variant](Path(path), rows)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--library-rows", type=int, default=10_000, help="rows for the slow non-bulk import (a slice of the file)"
    )
    parser.add_argument("--child", nargs=3, metavar=("VARIANT", "FILE", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/import_customers.py mesure PostgreSQL : définissez DATABASE_URL=postgres://… (pas SQLite).")
    url = bench_url(url)
    print(f"Base de mesure : {urlparse(url).path.lstrip('/')} (créée et migrée si besoin)")
    setup_database(url)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"customers-{args.rows}.csv"
    if not path.exists():
        write_csv(path, args.rows)
    print(f"Fichier : {path} ({args.rows} lignes, {path.stat().st_size / 1e6:.1f} Mo)\n")
    env = {**os.environ, "DATABASE_URL": url}
    plan = [
        ("ecar", args.rows, "ECAR import_customers (flux, lots, COPY + historique)"),
        ("library", min(args.library_rows, args.rows), "django-import-export, import par défaut (non bulk)"),
        ("copy", args.rows, "PostgreSQL COPY dans une table nue (plafond)"),
    ]
    print(f"{'variante':<58} {'lignes':>8} {'secondes':>9} {'lignes/s':>10} {'mémoire max':>12}")
    for variant, rows, label in plan:
        output = (
            subprocess.run(
                [sys.executable, __file__, "--child", variant, str(path), str(rows)],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        result = json.loads(output)
        rate = result["rows"] / result["seconds"]
        print(f"{label:<58} {result['rows']:>8} {result['seconds']:>9.1f} {rate:>10.0f} {result['peak_mb']:>9.0f} Mo")
    if args.library_rows < args.rows:
        print(f"\nL'import non bulk de django-import-export est mesuré sur les {args.library_rows} premières lignes.")


if __name__ == "__main__":
    main()
