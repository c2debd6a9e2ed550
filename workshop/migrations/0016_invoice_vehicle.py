"""The vehicle on the invoice: plate, make and model, VIN and the mileage read at the visit, frozen like the parties.

Issued invoices stay immutable for the new columns too: PostgreSQL's trigger compares whole rows (to_jsonb), but
SQLite's lists the columns it found when installed, so the invariants come off first (SQLite also rebuilds the table
for the new columns) and are installed again at the end, listing them. Existing invoices are filled in from their
job's car, in one UPDATE, while the triggers are off (issued ones refuse any change otherwise).
"""

from django.db import migrations, models

from workshop import invariants

BACKFILL = """
UPDATE workshop_invoice
SET vehicle_plate = c.plate,
    vehicle_make_model = TRIM(c.make || ' ' || c.model),
    vehicle_vin = COALESCE(c.vin, ''),
    vehicle_mileage = s.mileage_in
FROM workshop_service s
JOIN workshop_car c ON c.id = s.car_id
WHERE s.id = workshop_invoice.service_id
"""


def reinstall_invariants(apps, schema_editor):
    invariants.install(schema_editor.connection)


def drop_invariants(apps, schema_editor):
    invariants.uninstall(schema_editor.connection)


def backfill(apps, schema_editor):
    schema_editor.execute(BACKFILL)


def vehicle_fields(model_name):
    return [
        migrations.AddField(
            model_name=model_name,
            name="vehicle_plate",
            field=models.CharField(blank=True, max_length=20, verbose_name="immatriculation"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="vehicle_make_model",
            field=models.CharField(blank=True, max_length=101, verbose_name="marque et modèle"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="vehicle_vin",
            field=models.CharField(blank=True, max_length=17, verbose_name="VIN (n° de châssis)"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="vehicle_mileage",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="kilométrage à l'entrée"),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("workshop", "0015_reminder_templates"),
    ]

    operations = [
        migrations.RunPython(drop_invariants, reinstall_invariants, elidable=False),
        *vehicle_fields("historicalinvoice"),
        *vehicle_fields("invoice"),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(reinstall_invariants, drop_invariants, elidable=False),
    ]
