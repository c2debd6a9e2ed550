"""Time customer imports on realistic files: a first import, an unchanged re-import and a re-import with updates.

1. ECAR's import (`workshop.imports.importer.import_customers`: streamed, validated, bulk look-ups, COPY with history):
   - create: the file into empty tables;
   - unchanged: the same file again over what it created (every row found, nothing written);
   - update: a later export of the same garage over it: a third of the customers moved (address, city, e-mail),
     every car's odometer went up, phones typed differently (same number), 5 % new rows;
2. django-import-export's default (non-bulk) import of the first rows: one `save()` per row, history by signals;
3. PostgreSQL COPY of the same rows into a bare table: the ceiling.

The files spread their values as a garage's do: distinct names drawn from Tunisian first and last names, 24 cities,
14 makes and their models, years 1998-2025, mobile and landline phones and plates in every spelling people type,
businesses with a matricule fiscal, VINs on some cars (random.Random(seed): the same files every run).
Each timing is the median of `--runs` runs (3), each from the same starting state, in a child process (peak
memory is that process's ru_maxrss). Everything runs in a scratch database `<your database>_bench_import`,
created for the run and dropped at the end: no database is left changed.
Usage: DATABASE_URL=postgres://… python bench/import_customers.py [--rows 100000] [--library-rows 2000] [--runs 3]
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from customer_files import HEADERS, write_csv

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def bench_url(url: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"{parts.path}_bench_import"))


def _admin(url: str):
    import psycopg

    return psycopg.connect(urlunparse(urlparse(url)._replace(path="/postgres")), autocommit=True)


def create_scratch_database(url: str) -> None:
    """A fresh database for this run (one left by an interrupted run is replaced), migrated."""
    name = urlparse(url).path.lstrip("/")
    with _admin(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)


def drop_scratch_database(url: str) -> None:
    with _admin(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{urlparse(url).path.lstrip("/")}" WITH (FORCE)')


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


def _import(path: Path):
    from workshop.imports.importer import import_customers

    with path.open("rb") as stream:
        report = import_customers(stream=stream, file_name=path.name)
    assert report.committed and report.rows_invalid == 0, report.errors[:3]
    return report


def run_ecar(scenario: str, base: Path, updated: Path, runs: int) -> dict:
    """`runs` timings of one scenario, each from the same state: empty tables, plus the base file for re-imports."""
    _django()
    timings, report = [], None
    for _ in range(runs):
        _empty_tables()
        if scenario != "create":
            _import(base)
        path = updated if scenario == "update" else base
        start = time.perf_counter()
        report = _import(path)
        timings.append(time.perf_counter() - start)
    return {
        "rows": report.rows,
        "seconds": statistics.median(timings),
        "runs": [round(t, 2) for t in timings],
        "outcome": f"{report.rows_new} nouvelles, {report.rows_updated} modifiées, {report.rows_unchanged} inchangées",
    }


def run_library(path: Path, rows: int, runs: int) -> dict:
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

    timings = []
    for _ in range(runs):
        _empty_tables()
        start = time.perf_counter()
        with path.open(encoding="utf-8-sig") as handle:
            lines = handle.read().splitlines()[: rows + 1]
        dataset = tablib.Dataset().load("\n".join(lines), format="csv", delimiter=";")
        result = CarWithOwnerResource().import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
        timings.append(time.perf_counter() - start)
        assert not result.has_errors() and Car.objects.count() == rows
    return {"rows": rows, "seconds": statistics.median(timings), "runs": [round(t, 2) for t in timings]}


def run_copy(path: Path, rows: int, runs: int) -> dict:
    _django()
    timings = [_copy_once(path, rows) for _ in range(runs)]
    return {"rows": rows, "seconds": statistics.median(timings), "runs": [round(t, 2) for t in timings]}


def _copy_once(path: Path, rows: int) -> float:
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
    return elapsed


def child(variant: str, base: str, updated: str, rows: int, runs: int) -> None:
    if variant in ("create", "unchanged", "update"):
        result = run_ecar(variant, Path(base), Path(updated), runs)
    elif variant == "library":
        result = run_library(Path(base), rows, runs)
    else:
        result = run_copy(Path(base), rows, runs)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", "--size", type=int, default=100_000)
    parser.add_argument(
        "--library-rows", type=int, default=2_000, help="rows for the slow non-bulk import (a slice of the file)"
    )
    parser.add_argument("--runs", type=int, default=3, help="timings per scenario; the median is printed")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        variant, base, updated, rows, runs = args.child
        child(variant, base, updated, int(rows), int(runs))
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/import_customers.py mesure PostgreSQL : définissez DATABASE_URL=postgres://… (pas SQLite).")
    url = bench_url(url)
    OUT.mkdir(parents=True, exist_ok=True)
    base, updated = OUT / f"customers-{args.rows}.csv", OUT / f"customers-{args.rows}-later.csv"
    write_csv(base, args.rows)
    write_csv(updated, args.rows, updated=True)
    print(f"Fichiers : {base.name} ({args.rows} lignes, {base.stat().st_size / 1e6:.1f} Mo), {updated.name}")
    print(f"Base de mesure : {urlparse(url).path.lstrip('/')} (créée pour la mesure, supprimée à la fin)")
    print(f"Médiane de {args.runs} mesures par ligne.\n")
    env = {**os.environ, "DATABASE_URL": url}
    plan = [
        ("create", args.rows, "ECAR : premier import (tables vides)"),
        ("unchanged", args.rows, "ECAR : même fichier réimporté (rien ne change)"),
        ("update", args.rows + args.rows // 20, "ECAR : export suivant (1/3 modifiés, km, +5 %)"),
        ("library", min(args.library_rows, args.rows), "django-import-export par défaut (non bulk)"),
        ("copy", args.rows, "PostgreSQL COPY dans une table nue (plafond)"),
    ]
    create_scratch_database(url)
    try:
        print(f"{'variante':<50} {'lignes':>8} {'secondes':>9} {'lignes/s':>10} {'mémoire max':>12}  résultat")
        for variant, rows, label in plan:
            command = [sys.executable, __file__, "--child", variant, str(base), str(updated), str(rows), str(args.runs)]
            output = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
            result = json.loads(output.stdout.strip().splitlines()[-1])
            rate = result["rows"] / result["seconds"]
            print(
                f"{label:<50} {result['rows']:>8} {result['seconds']:>9.2f} {rate:>10.0f} "
                f"{result['peak_mb']:>9.0f} Mo  {result.get('outcome', '')} {result['runs']}"
            )
    finally:
        drop_scratch_database(url)
    if args.library_rows < args.rows:
        print(f"\nL'import non bulk de django-import-export est mesuré sur les {args.library_rows} premières lignes.")


if __name__ == "__main__":
    main()
