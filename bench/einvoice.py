"""El Fatoora on the demo data set: TEIF build, validation and XAdES signature, documents per second.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecar_bench python bench/einvoice.py \
        [--customers N] [--from 2026-01-01] [--to 2026-01-31] [--no-seed]

Seeds with `seed_demo --customers N` (idempotent), then takes every issued invoice and credit note of the period
and times each step separately over all of them (one process, one core). With no ECAR_TEIF_P12 the signature uses
a throw-away 2048-bit RSA seal made here (as TunTrust's seals are). The demo's private customers have a CIN or a
carte de séjour, so every document seeded since validates; the failures are listed.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--from", dest="start", default="2026-01-01")
    parser.add_argument("--to", dest="end", default="2026-01-31")
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()
    if not args.no_seed:
        seed = (
            ["migrate", "--noinput", "-v", "0"],
            ["load_reference_data"],
            ["seed_demo", "--customers", str(args.customers)],
        )
        for command in seed:
            subprocess.run([sys.executable, "manage.py", *command], check=True)

    import django

    django.setup()
    from datetime import date

    from workshop.einvoice import records, signature, teif, validation

    started = time.perf_counter()
    documents = records.issued_documents(date_from=date.fromisoformat(args.start), date_to=date.fromisoformat(args.end))
    loading = time.perf_counter() - started
    if not documents:
        sys.exit("No issued document in the period.")
    seal = signature.load_seal() if os.environ.get("ECAR_TEIF_P12") else throwaway_seal()
    policy = signature.POLICIES["v3"]

    started = time.perf_counter()
    trees = [teif.build(document) for document in documents]
    building = time.perf_counter() - started
    started = time.perf_counter()
    failures = []
    for document, root in zip(documents, trees, strict=True):
        try:
            validation.validate(root, document=document.number)
        except validation.TeifInvalid as failure:
            failures.append(failure)
    validating = time.perf_counter() - started
    started = time.perf_counter()
    for root in trees:
        signature.sign(root, seal, policy)
    signing = time.perf_counter() - started

    count = len(documents)
    total = building + validating + signing
    print(f"documents: {count} ({args.start} → {args.end}), read in {loading:.1f} s")
    for label, seconds in (("build", building), ("validate", validating), ("sign", signing), ("total", total)):
        print(f"  {label:<9} {seconds:7.2f} s   {count / seconds:8.0f} documents/s")
    print(f"validation failures: {len(failures)}")
    for failure in failures[:10]:
        print(f"  {failure}")


def throwaway_seal():
    from tests.pki import make_pki

    class Folder:
        @staticmethod
        def mktemp(name):
            return Path(tempfile.mkdtemp(prefix=name))

    pki = make_pki(Folder())
    from workshop.einvoice import signature

    return signature.load_seal(pki["p12"], "secret")


if __name__ == "__main__":
    main()
