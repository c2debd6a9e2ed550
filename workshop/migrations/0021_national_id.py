"""A private customer's CIN (8 digits) or carte de séjour (9 digits), which El Fatoora names them by (TEIF I-02,
I-03), and its copy frozen on invoices and credit notes with the other parties' fields.

Issued documents stay immutable for the new column too: as in 0016_invoice_vehicle, the invariants come off first
(SQLite rebuilds the tables for the new columns, and its triggers list the columns they found when installed) and
are installed again at the end. No backfill: no customer has a CIN yet.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import Length, Replace
from django.db.models.lookups import Exact, In

import workshop.validators
from workshop import invariants


def reinstall_invariants(apps, schema_editor):
    invariants.install(schema_editor.connection)


def drop_invariants(apps, schema_editor):
    invariants.uninstall(schema_editor.connection)


def digits_removed(field):
    expression = models.F(field)
    for digit in "0123456789":
        expression = Replace(expression, models.Value(digit), models.Value(""))
    return expression


def frozen_copy(model_name):
    return migrations.AddField(
        model_name=model_name,
        name="customer_national_id",
        field=models.CharField(blank=True, max_length=9, verbose_name="CIN ou carte de séjour du client"),
    )


def customer_field(model_name):
    return migrations.AddField(
        model_name=model_name,
        name="national_id",
        field=models.CharField(
            blank=True,
            help_text="Particulier : 8 chiffres (CIN) ou 9 chiffres (carte de séjour). El Fatoora l'exige.",
            max_length=9,
            validators=[workshop.validators.validate_national_id],
            verbose_name="CIN ou carte de séjour",
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("workshop", "0020_report_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_invariants, reinstall_invariants, elidable=False),
        customer_field("customer"),
        customer_field("historicalcustomer"),
        migrations.AddConstraint(
            model_name="customer",
            constraint=models.CheckConstraint(
                condition=models.Q(national_id="")
                | models.Q(In(Length("national_id"), (8, 9)), Exact(digits_removed("national_id"), "")),
                name="customer_national_id_digits",
                violation_error_message="La CIN compte 8 chiffres, la carte de séjour 9 chiffres.",
            ),
        ),
        frozen_copy("invoice"),
        frozen_copy("historicalinvoice"),
        frozen_copy("creditnote"),
        frozen_copy("historicalcreditnote"),
        migrations.RunPython(reinstall_invariants, drop_invariants, elidable=False),
    ]
