"""What is owed, by customer and by day of issue, kept by the database (workshop.models.owing): the receivables
page pages its customers by the first and totals its ages from the second, instead of grouping every owing invoice.

The sums start from the invoices already there, then the trigger keeps them; on PostgreSQL the invoices are locked
against writes meanwhile (SHARE: reads go on), so that no payment falls between the two.
"""

import django.db.models.deletion
from django.db import migrations, models

from workshop import invariants
from workshop.invariants.running import BACKFILL, POSTGRES_NAME, sqlite_sql


def fill_and_keep(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("LOCK TABLE workshop_invoice IN SHARE MODE")
    for statement in BACKFILL:
        schema_editor.execute(statement)
    invariants.install(schema_editor.connection)


def stop_keeping(apps, schema_editor):
    """Back to 0026: the sums' triggers go before their tables."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {POSTGRES_NAME} ON workshop_invoice")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {POSTGRES_NAME}()")
    else:
        for name in sqlite_sql():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("workshop", "0026_invoice_job_snapshot"),
    ]

    operations = [
        migrations.CreateModel(
            name="OwingDay",
            fields=[
                ("issue_date", models.DateField(primary_key=True, serialize=False)),
                ("open_millimes", models.BigIntegerField(default=0)),
                ("return_millimes", models.BigIntegerField(default=0)),
                ("invoices", models.IntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="OwingCustomer",
            fields=[
                (
                    "customer",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="owing",
                        serialize=False,
                        to="workshop.customer",
                    ),
                ),
                ("balance_millimes", models.BigIntegerField(default=0)),
                ("invoices", models.IntegerField(default=0)),
            ],
            options={
                "indexes": [
                    models.Index(
                        condition=models.Q(("invoices__gt", 0)),
                        fields=["-balance_millimes", "customer"],
                        name="owingcustomer_rank_idx",
                    )
                ],
            },
        ),
        migrations.RunPython(fill_and_keep, stop_keeping, elidable=False),
    ]
