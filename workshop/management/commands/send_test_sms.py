from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workshop.notifications.encoding import measure
from workshop.notifications.gateways import GatewayError
from workshop.notifications.sending import send_test_sms


class Command(BaseCommand):
    help = "Envoie un SMS tout de suite par la passerelle configurée (ECAR_SMS_BACKEND) et affiche sa réponse."

    def add_arguments(self, parser):
        parser.add_argument("phone", help="numéro du destinataire, par exemple 20123456 ou +21620123456")
        parser.add_argument("text", help="texte du message")

    def handle(self, *args, phone, text, **options):
        length = measure(text)
        try:
            message_id = send_test_sms(phone=phone, text=text)
        except GatewayError as error:
            raise CommandError(f"Refusé par {settings.ECAR_SMS_BACKEND} : {error.reason}") from error
        self.stdout.write(f"Passerelle : {settings.ECAR_SMS_BACKEND}")
        self.stdout.write(f"Identifiant : {message_id}")
        self.stdout.write(f"Encodage : {length.encoding} · {length.characters} caractères · {length.segments} SMS")
