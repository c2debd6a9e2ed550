"""What was declared and sold, by day of issue, kept by the database (workshop.models.sales_days): the TVA summary
and the parts report read a few hundred day rows instead of a year of invoice lines, with no cache to warm.

The sums start from the documents already there, then the triggers keep them; on PostgreSQL the invoices and
credit notes are locked against writes meanwhile (SHARE: reads go on), so that no issue falls between the two.
"""

import django.db.models.deletion
from django.db import migrations, models

from workshop import invariants
from workshop.invariants import sales


def fill_and_keep(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("LOCK TABLE workshop_invoice, workshop_creditnote IN SHARE MODE")
    for statement in sales.backfill():
        schema_editor.execute(statement)
    invariants.install(schema_editor.connection)


def stop_keeping(apps, schema_editor):
    """Back to 0027: the sums' triggers go before their tables."""
    if schema_editor.connection.vendor == "postgresql":
        for name, (table, _body) in sales.postgres_functions().items():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for name in sales.sqlite_sql():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("workshop", "0027_running_sums_of_what_is_owed"),
    ]

    operations = [
        migrations.CreateModel(
            name="TvaDay",
            fields=[
                ("issue_date", models.DateField(primary_key=True, serialize=False)),
                ("invoices", models.IntegerField(db_default=0)),
                ("invoice_stamps_millimes", models.BigIntegerField(db_default=0)),
                ("credit_notes", models.IntegerField(db_default=0)),
                ("credit_stamps_millimes", models.BigIntegerField(db_default=0)),
            ],
        ),
        migrations.CreateModel(
            name="TvaDayRate",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "issue_date", "tva_rate", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("issue_date", models.DateField()),
                (
                    "tva_rate",
                    models.PositiveSmallIntegerField(
                        choices=[(19, "19 %"), (13, "13 %"), (7, "7 %"), (0, "0 % (exonéré)")]
                    ),
                ),
                ("base_millimes", models.BigIntegerField(db_default=0)),
                ("tva_millimes", models.BigIntegerField(db_default=0)),
                ("credited_base_millimes", models.BigIntegerField(db_default=0)),
                ("credited_tva_millimes", models.BigIntegerField(db_default=0)),
            ],
        ),
        migrations.CreateModel(
            name="PartSalesDay",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "issue_date", "part", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("issue_date", models.DateField()),
                ("quantity_thousandths", models.BigIntegerField(db_default=0)),
                ("invoices", models.IntegerField(db_default=0)),
                ("revenue_millimes", models.BigIntegerField(db_default=0)),
                ("cost_microdinars", models.BigIntegerField(db_default=0)),
                (
                    "part",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="workshop.part"
                    ),
                ),
            ],
        ),
        migrations.RunPython(fill_and_keep, stop_keeping, elidable=False),
        # Nothing reads a period's lines any more: the day sums hold what the TVA summary and parts report need.
        migrations.RemoveIndex(model_name="invoiceline", name="invoiceline_report_idx"),
    ]
