from django.core.management.base import BaseCommand

from workshop.roles import sync_roles


class Command(BaseCommand):
    help = "Crée ou répare les rôles (groupes) et leurs permissions exactes."

    def handle(self, *args, **options):
        for role, count in sync_roles().items():
            self.stdout.write(f"{role}: {count} permissions")
