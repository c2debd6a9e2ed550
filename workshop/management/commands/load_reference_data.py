from django.core.management.base import BaseCommand

from workshop.reference_data import load_catalogue
from workshop.roles import sync_roles


class Command(BaseCommand):
    help = "Charge les données de référence (rôles, catalogue) sans écraser les modifications de l'atelier."

    def handle(self, *args, **options):
        sync_roles()
        for name, count in load_catalogue().items():
            self.stdout.write(f"{name} : {count} ajouté(s)")
