"""E-mail through Django's backend (SMTP from the environment, console in development): text and HTML, the
customer's language, the invoice PDF with « Facture émise »."""

from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from .gateways import Refused, Transient


def send(notification) -> str:
    """Send one e-mail; returns its Message-ID (kept as the gateway id)."""
    language = getattr(notification.customer, "preferred_language", "") or "fr"
    message_id = make_msgid(domain=settings.ECAR_EMAIL_DOMAIN)
    with translation.override(language):
        html = render_to_string(
            "workshop/notifications/email.html",
            {"notification": notification, "rtl": language == "ar", "language": language},
        )
    mail = EmailMultiAlternatives(
        subject=notification.subject or notification.get_event_display(),
        body=notification.message,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        headers={"Message-ID": message_id},
    )
    mail.attach_alternative(html, "text/html")
    if notification.invoice_id and notification.invoice.number:
        from reports.documents import invoice_pdf

        mail.attach(f"facture-{notification.invoice.number}.pdf", invoice_pdf(notification.invoice), "application/pdf")
    try:
        mail.send(fail_silently=False)
    except (TimeoutError, ConnectionError) as error:
        raise Transient(str(error) or error.__class__.__name__) from error
    except OSError as error:  # smtplib's errors are OSErrors: refused recipient or sender, authentication
        if getattr(error, "smtp_code", 0) and 400 <= error.smtp_code < 500:
            raise Transient(str(error)) from error
        raise Refused(str(error) or error.__class__.__name__) from error
    return message_id.strip("<>")
