"""Trigram indexes for the admin searches migration 0002 left out, on PostgreSQL only.

One column of a search without its index makes PostgreSQL read the whole table: searching cars for « Clio » read
the 150,000 cars for their make (twice: the count, then the page), invoices for « Dridi » the 413,000 invoices for
their number, customer name and tax id (2 s). Columns searched on tables that grow with the garage's work get
the same `UPPER(col::text) gin_trgm_ops` index as 0002's; the catalogue, templates and users stay small.
"""

from django.db import migrations

SEARCHED = {
    "workshop_car": ["make"],
    "workshop_invoice": ["number", "customer_name", "customer_tax_id"],
    "workshop_payment": ["reference", "withholding_certificate"],
    "workshop_creditnote": ["number", "customer_name", "reason"],
    "workshop_refund": ["reference"],
    "workshop_einvoice": ["ttn_reference"],
    "workshop_notification": ["recipient", "gateway_id"],
}


def _index(table, column):
    return f"{table}_{column}_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, columns in SEARCHED.items():
        for column in columns:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{_index(table, column)}" ON "{table}" '
                f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in SEARCHED.items():
        for column in columns:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{_index(table, column)}"')


class Migration(migrations.Migration):
    dependencies = [("workshop", "0022_report_covering_indexes")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
