"""How fast and how cheaply hostile spreadsheets are refused: time to refusal and peak memory per file.

    python bench/hostile_files.py [--megabytes 200] [--strings 3000000]

Each file is built from the recipes of tests/corpus/files.py (the 206 KB workbook holding one 200 MB cell, the
3 M shared strings, the same with a lying count; a valid 100,000-row sheet gives what the checks cost), then
read by `workshop.imports.spreadsheets.open_table` in a fresh process: wall time of the refusal, peak Python
allocations (tracemalloc) and the growth of the process's peak RSS while refusing. No database is used.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")


def measure(path: str, checks_only: bool = False) -> dict:
    """In this process: open and read the whole table, as the import does, and measure the refusal.

    `checks_only`: run only the limit checks (for a valid file: what the checks add before openpyxl)."""
    import resource
    import time
    import tracemalloc

    import django

    django.setup()
    from workshop.imports.spreadsheet_limits import check_xlsx_content
    from workshop.imports.spreadsheets import SpreadsheetError, open_table, precheck

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    start = time.perf_counter()
    outcome, rows = "accepted", 0
    try:
        with open(path, "rb") as stream:
            if checks_only:
                precheck(stream, Path(path).name)
                check_xlsx_content(stream, Path(path).name)
            else:
                table = open_table(stream, Path(path).name)
                for _row in table.rows:
                    rows += 1
    except SpreadsheetError as error:
        outcome = str(error)
    elapsed = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "ms": round(elapsed * 1000, 1),
        "peak_mb": round(peak / 2**20, 1),
        "rss_growth_mb": round((after - before) / 1024, 1),
        "rows": rows,
        "outcome": outcome,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--strings", type=int, default=3_000_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--checks-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, checks_only=args.checks_only)))
        return

    import tempfile

    from tests.corpus import files

    cases = [
        (f"une cellule de {args.megabytes} Mo", lambda: files.cell_bomb(args.megabytes)),
        (f"{args.strings:,} textes partagés".replace(",", " "), lambda: files.shared_strings_bomb(args.strings)),
        (
            f"{args.strings:,} textes partagés, nombre déclaré 1".replace(",", " "),
            lambda: files.shared_strings_bomb(args.strings, declared=1),
        ),
        ("XML de feuille tronqué", files.broken_sheet_xml),
        ("entités XML imbriquées", files.entity_expansion),
    ]
    valid = (
        f"feuille valide de {args.rows:,} lignes × 10 (contrôles seuls)".replace(",", " "),
        lambda: files.sheet_xml(files.rows_xml(args.rows, width=10)),
    )
    print(f"{'fichier':<58} {'taille':>10} {'temps':>10} {'pic Python':>11} {'RSS +':>8}  résultat")
    with tempfile.TemporaryDirectory() as folder:
        for label, recipe in [*cases, valid]:
            path = Path(folder) / "hostile.xlsx"
            path.write_bytes(recipe())
            size = path.stat().st_size
            extra = ["--checks-only"] if label == valid[0] else []
            output = subprocess.run(
                [sys.executable, __file__, "--measure", str(path), *extra], capture_output=True, text=True, check=True
            ).stdout
            result = json.loads(output.strip().splitlines()[-1])
            verdict = result["outcome"] if result["outcome"] == "accepted" else "refusé : " + result["outcome"][:70]
            print(
                f"{label:<58} {size / 1024:>8.0f} Ko {result['ms']:>8.1f} ms {result['peak_mb']:>8.1f} Mo "
                f"{result['rss_growth_mb']:>6.1f} Mo  {verdict}"
            )


if __name__ == "__main__":
    main()
