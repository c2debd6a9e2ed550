"""The customer's answers to an estimate become immutable in the database too (workshop/invariants.py)."""

from django.db import migrations

from workshop import invariants


def reinstall_invariants(apps, schema_editor):
    invariants.install(schema_editor.connection)


def drop_invariants(apps, schema_editor):
    invariants.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("workshop", "0018_estimate_approval"),
    ]

    operations = [
        migrations.RunPython(reinstall_invariants, drop_invariants, elidable=False),
    ]
