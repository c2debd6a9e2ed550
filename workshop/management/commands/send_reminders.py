"""`manage.py send_reminders [--date AAAA-MM-JJ] [--dry-run] [--kind KIND …]`: the daily reminder run, by hand."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from workshop.models import Reminder
from workshop.notifications.reminders import send_reminders

OUTCOMES = {
    "sent": "envoyées",
    "to_send": "à envoyer",
    "already": "déjà relancées",
    "no_consent": "sans canal accepté",
}
PREVIEW_LINES = 50


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Date invalide : « {value} » (attendu AAAA-MM-JJ).") from None


class Command(BaseCommand):
    help = (
        "Crée les relances dues (entretien, factures échues, travaux refusés, visite technique, vignette) : "
        "une notification par client sur le canal qu'il accepte, jamais deux fois pour la même échéance."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="jour de la tournée, AAAA-MM-JJ (défaut : aujourd'hui à Tunis)")
        parser.add_argument("--dry-run", action="store_true", help="affiche les relances sans rien enregistrer")
        parser.add_argument("--kind", action="append", choices=Reminder.Kind.values, help="seulement ce type")

    def handle(self, *args, date=None, dry_run=False, kind=None, **options):
        report = send_reminders(on=_day(date) if date else None, dry_run=dry_run, kinds=kind)
        labels = dict(Reminder.Kind.choices)
        blank = " (à blanc : rien n'est enregistré)" if dry_run else ""
        title = f"Relances du {report.on:%d/%m/%Y}{blank}"
        self.stdout.write(title)
        for name, counts in report.counts.items():
            figures = ", ".join(f"{counts[key]} {label}" for key, label in OUTCOMES.items() if counts[key])
            self.stdout.write(f"  {labels[name]} : {figures or 'rien'}")
        for kind_name, customer, channel, text in report.preview[:PREVIEW_LINES]:
            self.stdout.write(f"- [{labels[kind_name]} · {channel}] {customer} : {text}")
        if len(report.preview) > PREVIEW_LINES:
            self.stdout.write(f"… et {len(report.preview) - PREVIEW_LINES} autres.")
