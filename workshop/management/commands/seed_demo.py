import sys
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from workshop.demo import APP_USERNAME, DEFAULT_SEED, DEMO_PASSWORD, ensure_demo_app_account, ensure_demo_users, seed


class Command(BaseCommand):
    help = "Crée les données de démonstration (idempotent) et un compte par rôle."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=60, help="Nombre de clients (défaut : 60).")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Graine : même graine, mêmes données (défaut : {DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--date",
            dest="today",
            default=None,
            help="Jour de référence AAAA-MM-JJ dont les dates de la démo remontent "
            "(défaut : ECAR_DEMO_REFERENCE_DATE, sinon aujourd'hui).",
        )

    def handle(self, *args, customers, batch_size, today, **options):
        if today:
            try:
                today = date.fromisoformat(today)
            except ValueError as error:
                raise CommandError(f"Date invalide : « {today} » (attendu : AAAA-MM-JJ).") from error
        started = time.monotonic()
        logins = ensure_demo_users()
        interactive = sys.stdout.isatty()

        def progress(done, total):
            if interactive:
                self.stdout.write(f"\r  {done}/{total} clients", ending="")
                self.stdout.flush()

        report = seed(customers=customers, batch_size=batch_size, progress=progress, seed=options["seed"], today=today)
        if interactive:
            self.stdout.write("")
        self.stdout.write(
            f"Ajoutés : {report.customers} clients, {report.cars} véhicules, {report.services} ordres de "
            f"réparation, {report.items} lignes, {report.invoices} factures, {report.payments} paiements, "
            f"{report.credit_notes} avoirs ({time.monotonic() - started:.1f} s)."
        )
        if report.customers and connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Fresh bulk rows: no planner statistics and no visibility map yet (no index-only scan, odd plans).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        app_customer = ensure_demo_app_account()
        self.stdout.write(self.style.SUCCESS(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :"))
        for username, role in logins:
            self.stdout.write(f"  {username:<12} {role}")
        if app_customer is not None:
            self.stdout.write(
                f"  {APP_USERNAME:<12} Client, application mobile (API /api/auth/token/) : "
                f"{app_customer.display_name}, {app_customer.phone_display}"
            )
