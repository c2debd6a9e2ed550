"""The job's kind and mechanic copied on the invoice, so that revenue by kind or mechanic groups the invoices alone.

Revenue by mechanic joined a year of invoices (300,000 on the demo data) to their 500,000 jobs. Issued invoices
refuse any change, so, as in migration 0016, the invariants come off first and are installed again at the end
(SQLite's triggers list the columns they found). Existing invoices, and their history rows (or the timeline would
show the copy appearing as an edit), are filled in from their job in one UPDATE each. The index the join used
(0024) goes; the reports' index of issued invoices carries the two columns instead of the job's id.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from workshop import invariants

BACKFILL = [
    f"""
    UPDATE {table}
    SET job_kind = s.kind, mechanic_id = s.mechanic_id
    FROM workshop_service s
    WHERE s.id = {table}.service_id
    """
    for table in ("workshop_invoice", "workshop_historicalinvoice")
]


def reinstall_invariants(apps, schema_editor):
    invariants.install(schema_editor.connection)


def drop_invariants(apps, schema_editor):
    invariants.uninstall(schema_editor.connection)


def backfill(apps, schema_editor):
    for statement in BACKFILL:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("workshop", "0025_service_labour_hours"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_invariants, reinstall_invariants, elidable=False),
        migrations.RemoveIndex(
            model_name="invoice",
            name="invoice_issued_idx",
        ),
        migrations.RemoveIndex(
            model_name="invoice",
            name="invoice_service_report_idx",
        ),
        migrations.AddField(
            model_name="historicalinvoice",
            name="job_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("maintenance", "Entretien"),
                    ("repair", "Réparation"),
                    ("diagnosis", "Diagnostic"),
                    ("inspection", "Contrôle"),
                    ("bodywork", "Carrosserie"),
                ],
                editable=False,
                max_length=12,
                verbose_name="type d'intervention",
            ),
        ),
        migrations.AddField(
            model_name="historicalinvoice",
            name="mechanic",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="mécanicien",
            ),
        ),
        migrations.AddField(
            model_name="invoice",
            name="job_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("maintenance", "Entretien"),
                    ("repair", "Réparation"),
                    ("diagnosis", "Diagnostic"),
                    ("inspection", "Contrôle"),
                    ("bodywork", "Carrosserie"),
                ],
                editable=False,
                max_length=12,
                verbose_name="type d'intervention",
            ),
        ),
        migrations.AddField(
            model_name="invoice",
            name="mechanic",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="mécanicien",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(
                condition=models.Q(("status__in", ("issued", "partially_paid", "paid", "cancelled"))),
                fields=["issue_date"],
                include=(
                    "id",
                    "status",
                    "job_kind",
                    "mechanic",
                    "stamp_duty",
                    "total_ht",
                    "total_tva",
                    "total_ttc",
                    "amount_credited",
                    "amount_paid",
                    "amount_withheld",
                    "net_to_pay",
                    "amount_refunded",
                ),
                name="invoice_issued_idx",
            ),
        ),
        migrations.RunPython(reinstall_invariants, drop_invariants, elidable=False),
    ]
