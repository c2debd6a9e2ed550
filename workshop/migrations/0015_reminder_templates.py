"""The reminders' events get their editable templates too (seeded like 0014's, never over a garage's edit)."""

from django.db import migrations

DEFAULT_TEMPLATES = [
    (
        "declined_work",
        "fr",
        "Les travaux proposés pour votre véhicule {plate} ({work}) n'ont pas été réalisés. "
        "Souhaitez-vous un rendez-vous ?",
    ),
    ("declined_work", "ar", "الأشغال المقترحة لسيارتكم {plate} ({work}) لم تُنجز بعد. هل تريدون موعدا؟"),
    (
        "inspection_due",
        "fr",
        "La visite technique de votre véhicule {plate} est à passer avant le {due_date}. "
        "Nous vous proposons un contrôle avant la visite à l'atelier.",
    ),
    ("inspection_due", "ar", "الفحص الفني لسيارتكم {plate} قبل {due_date}. نقترح عليكم فحصا مسبقا في الورشة."),
    (
        "road_tax_due",
        "fr",
        "La vignette {year} de votre véhicule {plate} est à payer en ligne avant le {due_date}.",
    ),
    ("road_tax_due", "ar", "معلوم الجولان {year} لسيارتكم {plate} يُدفع عبر الإنترنت قبل {due_date}."),
]


def seed_templates(apps, schema_editor):
    NotificationTemplate = apps.get_model("workshop", "NotificationTemplate")
    existing = set(NotificationTemplate.objects.values_list("event", "language"))
    NotificationTemplate.objects.bulk_create(
        NotificationTemplate(event=event, language=language, text=text)
        for event, language, text in DEFAULT_TEMPLATES
        if (event, language) not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("workshop", "0014_notification_sending")]

    operations = [migrations.RunPython(seed_templates, migrations.RunPython.noop)]
