"""A template shown as the customer would read it, with sample values, and what it costs in SMS."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from workshop.models import WorkshopProfile

from .encoding import measure, to_gsm7
from .messages import allowed_placeholders, check_template, fill

SAMPLES = {
    "plate": "123 TU 4567",
    "reference": "OR-2026-00012",
    "total": "1 234,500 DT",
    "number": "F-2026-00042",
    "due_date": "31/12/2026",
    "balance": "250,000 DT",
    "mileage": "85 000 km",
    "code": "482913",
    "customer": "Mohamed Ben Ali",
}


def garage_name() -> str:
    profile = WorkshopProfile.load()
    return profile.name if profile else _("Garage")


def preview(*, event: str, language: str, text: str, garage: str | None = None) -> dict:
    """{text, encoding, characters, segments} for valid input; {error} naming what is wrong otherwise."""
    try:
        check_template(event=event, text=text)
    except ValidationError as error:
        return {"error": " ".join(error.messages)}
    context = {name: SAMPLES.get(name, f"[{name}]") for name in allowed_placeholders(event)}
    context["garage"] = garage_name() if garage is None else garage
    sms = fill(text, context)
    if language == "fr" and settings.ECAR_SMS_GSM7_TRANSLITERATION:
        sms = to_gsm7(sms)
    length = measure(sms)
    return {
        "text": sms,
        "encoding": length.encoding,
        "characters": length.characters,
        "segments": length.segments,
        "summary": _("%(encoding)s · %(characters)s caractères · %(segments)s SMS")
        % {"encoding": length.encoding, "characters": length.characters, "segments": length.segments},
    }
