"""Texts per event and language: defaults, the garage's edits, placeholders checked, the channel the customer chose."""

import pytest
from django.core.exceptions import ValidationError

from tests import factories as f
from workshop.models import Notification, NotificationTemplate
from workshop.notifications import messages


@pytest.fixture(autouse=True)
def daytime(settings):
    settings.ECAR_SMS_QUIET_START = settings.ECAR_SMS_QUIET_END = "00:00"


def test_defaults_are_seeded_in_french_and_arabic_without_overwriting_edits(db):
    from importlib import import_module

    from django.apps import apps

    NotificationTemplate.objects.all().delete()
    edited = f.NotificationTemplateFactory(event="car_ready", language="fr", text="Prêt : {plate}")
    import_module("workshop.migrations.0014_notification_sending").seed_templates(apps, None)
    import_module("workshop.migrations.0015_reminder_templates").seed_templates(apps, None)
    seeded = set(NotificationTemplate.objects.values_list("event", "language"))
    edited.refresh_from_db()
    assert edited.text == "Prêt : {plate}"
    for event in Notification.Event.values:
        assert {(event, "fr"), (event, "ar")} <= seeded


def test_render_uses_the_garages_text_and_fills_placeholders(db):
    f.NotificationTemplateFactory(event="car_ready", language="fr").__class__.objects.filter(
        event="car_ready", language="fr"
    ).update(text="{garage} : {plate} prête, {{merci}}")
    f.WorkshopProfileFactory(name="Garage Bizerte")
    rendered = messages.render(event="car_ready", language="fr", context={"plate": "123 TU 4567"})
    assert rendered.text == "Garage Bizerte : 123 TU 4567 prête, {merci}"


def test_render_falls_back_to_the_default_then_to_french(db):
    NotificationTemplate.objects.all().delete()
    assert messages.render(event="car_ready", language="ar", context={"plate": "1 TU 2"}).text.startswith("سيارتكم")
    assert messages.render(event="car_ready", language="en", context={"plate": "1 TU 2"}).language == "fr"


def test_a_missing_value_is_named(db):
    with pytest.raises(ValueError, match="{plate}"):
        messages.render(event="car_ready", language="fr", context={})


@pytest.mark.parametrize(
    ("text", "named"),
    [("Bonjour {client}", "{client}"), ("{plate} {Plate}", "{Plate}"), ("{ plate }", "{ plate }")],
)
def test_an_unknown_placeholder_is_refused_on_save_with_its_name(db, text, named):
    template = NotificationTemplate(event="car_ready", language="fr", text=text)
    with pytest.raises(ValidationError) as refused:
        template.save()
    assert named in str(refused.value) and not NotificationTemplate.objects.filter(text=text).exists()


@pytest.mark.parametrize("text", ["Prix {plate", "Prix plate}", "{}"])
def test_lone_braces_are_refused(db, text):
    with pytest.raises(ValidationError):
        NotificationTemplate(event="car_ready", language="fr", text=text).save()


def test_an_unknown_event_is_refused(db):
    with pytest.raises(ValidationError, match="Événement inconnu"):
        NotificationTemplate(event="anniversaire", language="fr", text="Bonne fête").save()


def test_other_modules_register_their_events(db):
    messages.register(
        "vignette_due",
        label="Vignette",
        placeholders=("plate", "deadline"),
        defaults={"fr": "Vignette de {plate} avant le {deadline}."},
    )
    try:
        rendered = messages.render(event="vignette_due", language="ar", context={"plate": "1 TU 2", "deadline": "5/3"})
        assert rendered.text == "Vignette de 1 TU 2 avant le 5/3."
        NotificationTemplate(event="vignette_due", language="ar", text="{plate} {deadline}").save()
    finally:
        messages.EVENTS.pop("vignette_due")


def test_a_service_message_goes_on_the_channel_the_customer_accepted(db):
    sms = f.ServiceFactory()
    assert Notification.for_service(sms, "car_ready").channel == "sms"
    by_mail = f.ServiceFactory(customer=f.CustomerFactory(sms_consent=False))
    note = Notification.for_service(by_mail, "car_ready")
    assert (note.channel, note.recipient) == ("email", by_mail.customer.email)
    assert note.subject == "Véhicule prêt"
    nothing = f.ServiceFactory(customer=f.CustomerFactory(sms_consent=False, email_consent=False))
    assert Notification.for_service(nothing, "car_ready") is None


def test_french_sms_are_written_in_gsm7_unless_the_setting_says_no(db, settings):
    service = f.ServiceFactory()
    assert "prêt" not in Notification.for_service(service, "car_ready").message
    settings.ECAR_SMS_GSM7_TRANSLITERATION = False
    assert "prêt" in Notification.for_service(service, "car_ready").message


def test_verification_codes_go_to_the_phone_given(db):
    note = messages.verification_code(phone="+21650111222", code="918273", language="ar")
    assert (note.recipient, note.customer, note.channel) == ("+21650111222", None, "sms")
    assert "918273" in note.message and note.message.startswith("رمز")


def test_quiet_hours_set_the_morning_at_queue_time(db, settings):
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    settings.ECAR_SMS_QUIET_START, settings.ECAR_SMS_QUIET_END = "00:00", "23:59"  # always quiet but one minute
    note = f.SmsNotificationFactory()
    local = note.scheduled_for.astimezone(ZoneInfo("Africa/Tunis"))
    assert (local.hour, local.minute) == (23, 59) and note.scheduled_for >= timezone.now()
    code = messages.verification_code(phone="+21650111222", code="1")
    assert code.scheduled_for <= timezone.now()


def test_contact_never_picks_a_refused_channel():
    from workshop.models import Customer
    from workshop.notifications.messages import contact

    both = Customer(phone="+21620123456", email="a@b.tn", sms_consent=True, email_consent=True)
    assert contact(both, event="service_due") == ("sms", "+21620123456")
    assert contact(both, event="service_due", channels=("email",)) == ("email", "a@b.tn")
    refused = Customer(phone="+21620123456", email="", sms_consent=False, email_consent=True)
    assert contact(refused, event="service_due") is None
    no_phone = Customer(phone=None, email="a@b.tn", sms_consent=True, email_consent=True)
    assert contact(no_phone, event="service_due") == ("email", "a@b.tn")
