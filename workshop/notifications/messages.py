"""What each event says, in French and Arabic: placeholders, default texts, rendering and queuing.

Texts use `{placeholder}` (`{{` and `}}` for a literal brace). Managers edit them as `NotificationTemplate` rows;
an event without a row speaks its default below. Other modules (reminders) add their events with `register`.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workshop.models import Notification, NotificationTemplate, WorkshopProfile
from workshop.money import format_tnd

COMMON = ("customer", "garage")  # every event may name the customer and the garage
LANGUAGES = ("fr", "ar")


@dataclass(frozen=True)
class EventSpec:
    label: object
    placeholders: tuple[str, ...]
    defaults: dict  # language -> text
    subjects: dict  # language -> e-mail subject


EVENTS: dict[str, EventSpec] = {}


def register(event: str, *, label, placeholders, defaults: dict, subjects: dict | None = None) -> None:
    """Declare (or redeclare) an event: its placeholders and its default text per language (French at least)."""
    spec = EventSpec(label, tuple(placeholders), dict(defaults), dict(subjects or {}))
    for text in (*spec.defaults.values(), *spec.subjects.values()):
        _check(text, allowed=set(spec.placeholders) | set(COMMON))
    EVENTS[event] = spec


_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def placeholders_in(text: str) -> list[str]:
    return [m.group(1) for m in _TOKEN.finditer(text) if m.group(1) is not None]


def _check(text: str, *, allowed: set[str]) -> None:
    for name in placeholders_in(text):
        if name not in allowed:
            raise ValidationError(
                _("Variable inconnue : {%(name)s}. Variables possibles : %(allowed)s.")
                % {"name": name, "allowed": ", ".join(f"{{{a}}}" for a in sorted(allowed))}
            )
    if "{" in _TOKEN.sub("", text) or "}" in _TOKEN.sub("", text):
        raise ValidationError(_("Accolade seule : écrivez {{ ou }} pour une accolade, {nom} pour une variable."))


def allowed_placeholders(event: str) -> tuple[str, ...]:
    spec = EVENTS.get(event)
    return (*spec.placeholders, *COMMON) if spec else ()


def check_template(*, event: str, text: str, subject: str = "") -> None:
    """Refuse an unknown event or placeholder, naming it (model validation of `NotificationTemplate`)."""
    if event not in EVENTS:
        raise ValidationError({"event": _("Événement inconnu : %(event)s.") % {"event": event}})
    allowed = set(allowed_placeholders(event))
    for field, value in (("text", text), ("subject", subject)):
        try:
            _check(value, allowed=allowed)
        except ValidationError as error:
            raise ValidationError({field: error.messages}) from error


def fill(text: str, context: dict) -> str:
    def replace(match):
        if match.group(1) is None:
            return match.group(0)[0]
        name = match.group(1)
        if name not in context:
            raise ValueError(f"Valeur manquante pour {{{name}}}")
        return str(context[name])

    return _TOKEN.sub(replace, text)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    language: str


def language_of(customer) -> str:
    language = getattr(customer, "preferred_language", "") or "fr"
    return language if language in LANGUAGES else "fr"


def render(*, event: str, language: str = "fr", context: dict) -> Rendered:
    """The event's message in the language (the garage's edited template, else the default), placeholders filled."""
    spec = EVENTS[event]
    language = language if language in LANGUAGES else "fr"
    row = NotificationTemplate.objects.filter(event=event, language=language).first()
    text = row.text if row else spec.defaults.get(language) or spec.defaults["fr"]
    subject = (row.subject if row else "") or spec.subjects.get(language) or ""
    if not subject:
        with translation.override(language):
            subject = str(spec.label)
    profile = WorkshopProfile.load()
    full = {"garage": profile.name if profile else "", "customer": "", **context}
    return Rendered(subject=fill(subject, full), text=fill(text, full), language=language)


def queue(
    *, event: str, channel: str, recipient: str, text: str, subject: str = "", customer=None, service=None, invoice=None
) -> Notification:
    """Record the message; once the transaction commits, one Celery task delivers it (see `signals`)."""
    return Notification.objects.create(
        event=event,
        channel=channel,
        recipient=recipient,
        message=text,
        subject=subject,
        customer=customer,
        service=service,
        invoice=invoice,
    )


def contact(customer, *, event: str, channels=("sms", "email")) -> tuple[str, str] | None:
    """(channel, address) of the first channel the customer may get this event on, SMS first; None if none.

    Consent decides, except for the events the garage declared legally required (`refusal_for`)."""
    from .rules import refusal_for

    for channel in channels:
        address = {"sms": customer.phone, "email": customer.email}.get(channel) or ""
        if address and not refusal_for(customer=customer, channel=channel, event=event):
            return channel, address
    return None


def notify(
    *, customer, event: str, context: dict, service=None, invoice=None, channels=("sms", "email"), required=()
) -> Notification | None:
    """Queue the event's message to the customer on the first channel they accepted; None when they accepted none.

    `required` names placeholders whose value the message must carry: a garage's template written without them
    gets the value appended (the approval link must reach the customer whatever the text says)."""
    found = contact(customer, event=event, channels=channels)
    if found is None:
        return None
    channel, recipient = found
    rendered = render(event=event, language=language_of(customer), context={"customer": str(customer), **context})
    text = rendered.text
    for name in required:
        if str(context[name]) not in text:
            text = f"{text} {context[name]}"
    rendered = Rendered(subject=rendered.subject, text=text, language=rendered.language)
    return queue(
        event=event,
        channel=channel,
        recipient=recipient,
        text=rendered.text,
        subject=rendered.subject,
        customer=customer,
        service=service,
        invoice=invoice,
    )


def for_service(*, service, event: str, link=None) -> Notification | None:
    """A job's news (estimate ready, waiting for parts, car ready) to its customer.

    « Devis prêt » carries a new signed link to the approval page (`workshop.approvals.links`); `link` is one
    the caller already made (the admin's « Renvoyer le lien » records who sent it)."""
    context = {"plate": service.car.plate, "reference": service.reference, "total": format_tnd(service.total_ttc)}
    if event == Notification.Event.ESTIMATE_READY:
        from workshop.approvals.links import issue_link, url_for

        context["link"] = url_for(link or issue_link(service=service))
        return notify(customer=service.customer, event=event, context=context, service=service, required=("link",))
    return notify(customer=service.customer, event=event, context=context, service=service)


def for_invoice(*, invoice) -> Notification | None:
    """« Facture émise »: by e-mail first (the PDF goes with it), by SMS otherwise. Called once the number is given."""
    service = invoice.service
    context = {
        "number": invoice.number,
        "total": format_tnd(invoice.net_to_pay),
        "due_date": formats.date_format(invoice.due_date, "d/m/Y") if invoice.due_date else "—",
        "plate": service.car.plate if service else "",
        "reference": service.reference if service else "",
    }
    return notify(
        customer=invoice.customer,
        event=Notification.Event.INVOICE_ISSUED,
        context=context,
        service=service,
        invoice=invoice,
        channels=("email", "sms"),
    )


def invoice_issued(*, invoice_id: int) -> Notification | None:
    """After the commit that numbered the invoice (see `billing.issue_invoice`)."""
    from workshop.models import Invoice

    invoice = Invoice.objects.select_related("customer", "service__car").get(pk=invoice_id)
    return for_invoice(invoice=invoice)


def verification_code(*, phone: str, code: str, language: str = "fr") -> Notification:
    """The code that proves a new app account owns its phone: to `phone`, at any hour, never shown to staff."""
    rendered = render(event=Notification.Event.VERIFICATION_CODE, language=language, context={"code": code})
    return queue(event=Notification.Event.VERIFICATION_CODE, channel="sms", recipient=phone, text=rendered.text)


E = Notification.Event
register(
    E.ESTIMATE_READY,
    label=gettext_lazy("Devis prêt"),
    placeholders=("plate", "reference", "total", "link"),
    defaults={
        "fr": "Votre devis pour le véhicule {plate} est prêt : {total} TTC (ordre {reference}). "
        "Acceptez ou refusez chaque ligne ici : {link}",
        "ar": "عرض السعر الخاص بالسيارة {plate} جاهز: {total} (أمر الإصلاح {reference}). "
        "اقبلوا أو ارفضوا كل سطر هنا: {link}",
    },
)
register(
    E.WAITING_PARTS,
    label=gettext_lazy("En attente de pièces"),
    placeholders=("plate", "reference"),
    defaults={
        "fr": "Les travaux sur le véhicule {plate} attendent une pièce. Nous vous prévenons dès sa réception.",
        "ar": "الأشغال على السيارة {plate} في انتظار قطعة غيار. سنعلمكم فور وصولها.",
    },
)
register(
    E.CAR_READY,
    label=gettext_lazy("Véhicule prêt"),
    placeholders=("plate", "reference", "total"),
    defaults={
        "fr": "Votre véhicule {plate} est prêt. Vous pouvez venir le récupérer.",
        "ar": "سيارتكم {plate} جاهزة. يمكنكم القدوم لاستلامها.",
    },
)
register(
    E.INVOICE_ISSUED,
    label=gettext_lazy("Facture émise"),
    placeholders=("number", "total", "due_date", "plate", "reference"),
    defaults={
        "fr": "Votre facture {number} d'un montant de {total} est émise (échéance {due_date}). "
        "Merci de votre confiance.",
        "ar": "تم إصدار الفاتورة {number} بمبلغ {total} (تاريخ الاستحقاق {due_date}). شكرا لثقتكم.",
    },
)
register(
    E.PAYMENT_REMINDER,
    label=gettext_lazy("Relance de paiement"),
    placeholders=("number", "balance", "due_date"),
    defaults={
        "fr": "Rappel : la facture {number} reste à régler, solde {balance} (échéance {due_date}).",
        "ar": "تذكير: الفاتورة {number} غير خالصة، المبلغ المتبقي {balance} (تاريخ الاستحقاق {due_date}).",
    },
)
register(
    E.SERVICE_DUE,
    label=gettext_lazy("Entretien à prévoir"),
    placeholders=("plate", "due_date", "mileage"),
    defaults={
        "fr": "L'entretien du véhicule {plate} est à prévoir ({due_date}). Appelez-nous pour un rendez-vous.",
        "ar": "حان موعد صيانة السيارة {plate} ({due_date}). اتصلوا بنا لأخذ موعد.",
    },
)
# The reminders (workshop/notifications/reminders.py) have finer built-in texts (by date, by km, follow-up); a
# template a manager changes for their event replaces them (`reminders.edited_templates`).
register(
    E.DECLINED_WORK,
    label=gettext_lazy("Travaux non réalisés"),
    placeholders=("plate", "work"),
    defaults={
        "fr": "Les travaux proposés pour votre véhicule {plate} ({work}) n'ont pas été réalisés. "
        "Souhaitez-vous un rendez-vous ?",
        "ar": "الأشغال المقترحة لسيارتكم {plate} ({work}) لم تُنجز بعد. هل تريدون موعدا؟",
    },
)
register(
    E.INSPECTION_DUE,
    label=gettext_lazy("Visite technique à prévoir"),
    placeholders=("plate", "due_date"),
    defaults={
        "fr": "La visite technique de votre véhicule {plate} est à passer avant le {due_date}. "
        "Nous vous proposons un contrôle avant la visite à l'atelier.",
        "ar": "الفحص الفني لسيارتكم {plate} قبل {due_date}. نقترح عليكم فحصا مسبقا في الورشة.",
    },
)
register(
    E.ROAD_TAX_DUE,
    label=gettext_lazy("Vignette à payer"),
    placeholders=("plate", "due_date", "year"),
    defaults={
        "fr": "La vignette {year} de votre véhicule {plate} est à payer en ligne avant le {due_date}.",
        "ar": "معلوم الجولان {year} لسيارتكم {plate} يُدفع عبر الإنترنت قبل {due_date}.",
    },
)
register(
    E.VERIFICATION_CODE,
    label=gettext_lazy("Code de vérification"),
    placeholders=("code",),
    defaults={"fr": "Votre code de vérification : {code}", "ar": "رمز التحقق الخاص بكم: {code}"},
)
del E
