"""The books' invariants in the database: see workshop/invariants.py for what each trigger refuses."""

from django.db import migrations, models

from workshop import invariants


def install(apps, schema_editor):
    invariants.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    invariants.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("workshop", "0005_refunds_and_reversals"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "cancelled"), _negated=True),
                fields=("service",),
                name="invoice_one_in_force_per_service",
                violation_error_message="Cet ordre de réparation a déjà une facture en cours.",
            ),
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
