"""Each job keeps the hours of its labour lines (those the customer did not decline) beside its totals, and the
activity report's covering index carries them: a year of jobs is summed without joining their lines.

Existing jobs are filled in from their lines in one UPDATE (PostgreSQL, and SQLite from 3.33), before the index
is built again with the new column."""

from decimal import Decimal

from django.db import migrations, models

BACKFILL = """
UPDATE workshop_service
SET labour_hours = hours.total
FROM (
    SELECT service_id, SUM(quantity) AS total
    FROM workshop_serviceitem
    WHERE kind = 'labour' AND decision <> 'declined'
    GROUP BY service_id
) AS hours
WHERE hours.service_id = workshop_service.id
"""


def labour_hours() -> models.DecimalField:
    """The same field on the job and on its history."""
    return models.DecimalField(
        decimal_places=3, default=Decimal("0.000"), editable=False, max_digits=12, verbose_name="heures de main-d'œuvre"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("workshop", "0024_invoice_service_report_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="service", name="service_activity_idx"),
        migrations.AddField(
            model_name="historicalservice",
            name="labour_hours",
            field=labour_hours(),
        ),
        migrations.AddField(
            model_name="service",
            name="labour_hours",
            field=labour_hours(),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop, elidable=False),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(
                fields=["received_at"],
                include=(
                    "id",
                    "status",
                    "kind",
                    "mechanic",
                    "completed_at",
                    "delivered_at",
                    "total_ht",
                    "labour_hours",
                ),
                name="service_activity_idx",
            ),
        ),
    ]
