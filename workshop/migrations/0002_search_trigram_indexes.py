"""Trigram indexes for the admin's `icontains` searches, on PostgreSQL only.

Django searches with UPPER(col::text) LIKE UPPER('%term%'); a GIN trigram index on that expression turns the
full-table scan into an index lookup. SQLite has no such index and scans (fine for its small data).
"""

from django.db import migrations

SEARCHED = {
    "workshop_customer": ["last_name", "first_name", "company_name", "phone", "email", "tax_id"],
    "workshop_car": ["plate", "vin", "model"],
    "workshop_service": ["reference"],
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
    dependencies = [("workshop", "0001_initial")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
