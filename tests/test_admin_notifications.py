"""The notifications list (cost, failures, hidden codes), « Tester la passerelle », and the templates' preview."""

import pytest
from django.urls import reverse

from tests import factories as f
from workshop.models import Notification, NotificationTemplate

Status = Notification.Status


@pytest.fixture(autouse=True)
def daytime(settings):
    settings.ECAR_SMS_QUIET_START = settings.ECAR_SMS_QUIET_END = "00:00"


def test_the_list_shows_what_each_sms_costs_and_filters_failures(manager_client):
    f.SmsNotificationFactory(message="Votre véhicule est prêt", status=Status.FAILED, last_error="Solde épuisé")
    f.SmsNotificationFactory(message="a" * 161, status=Status.SENT)
    page = manager_client.get(reverse("admin:workshop_notification_changelist"))
    html = page.content.decode()
    assert "UCS-2 · 23 car. · 1 SMS" in html and "GSM-7 · 161 car. · 2 SMS" in html
    failed = manager_client.get(reverse("admin:workshop_notification_changelist"), {"probleme": "echec"})
    assert list(failed.context["cl"].result_list.values_list("status", flat=True)) == [Status.FAILED]


def test_the_list_runs_a_constant_number_of_queries(manager_client, django_assert_max_num_queries):
    f.SmsNotificationFactory.create_batch(30, status=Status.SENT)
    with django_assert_max_num_queries(12):
        assert manager_client.get(reverse("admin:workshop_notification_changelist")).status_code == 200


def test_verification_codes_are_never_shown_to_staff(login, superuser):
    client = login(superuser)
    code = f.SmsNotificationFactory(
        customer=None, recipient="+21650111222", event=Notification.Event.VERIFICATION_CODE, message="Code : 918273"
    )
    listing = client.get(reverse("admin:workshop_notification_changelist"))
    assert "918273" not in listing.content.decode() and code not in listing.context["cl"].result_list
    assert client.get(reverse("admin:workshop_notification_change", args=[code.pk])).status_code in (302, 404)
    add = client.get(reverse("admin:workshop_notification_add")).content.decode()
    assert 'value="verification_code"' not in add


def test_a_manager_tests_the_gateway(manager_client, sms_gateway):
    sms_gateway.then(200, {"success": True, "code": "message_queued", "data": {"message_id": "ADM-1"}})
    url = reverse("admin:workshop_notification_test_gateway")
    answer = manager_client.post(url, {"phone": "20 123 456", "text": "Essai prêt"}, follow=True)
    assert answer.status_code == 200
    assert "ADM-1" in answer.content.decode() and "UCS-2" in answer.content.decode()
    assert sms_gateway.sent()[0] == {
        "fct": "sms",
        "key": "secret-key",
        "mobile": "21620123456",
        "sms": "Essai prêt",
        "sender": "GarageTest",
    }


def test_a_refused_test_shows_the_gateways_reason_with_a_400(manager_client, sms_gateway):
    sms_gateway.then(200, {"success": False, "code": "bad_key", "message": "Clé inconnue"})
    answer = manager_client.post(
        reverse("admin:workshop_notification_test_gateway"), {"phone": "20123456", "text": "x"}
    )
    assert answer.status_code == 400 and "Clé inconnue" in answer.content.decode()


def test_an_adviser_may_not_test_the_gateway(login, adviser, sms_gateway):
    client = login(adviser)
    url = reverse("admin:workshop_notification_test_gateway")
    assert client.post(url, {"phone": "20123456", "text": "x"}).status_code == 403
    assert not sms_gateway.requests


def test_a_template_with_an_unknown_placeholder_is_refused_by_name(manager_client):
    url = reverse("admin:workshop_notificationtemplate_add")
    NotificationTemplate.objects.filter(event="car_ready", language="ar").delete()
    data = {"event": "car_ready", "language": "ar", "subject": "", "text": "سيارتكم {plate} جاهزة {immatriculation}"}
    answer = manager_client.post(url, data)
    assert answer.status_code == 200 and "Variable inconnue : {immatriculation}" in answer.content.decode()
    assert not NotificationTemplate.objects.filter(event="car_ready", language="ar").exists()
    data["text"] = "سيارتكم {plate} جاهزة"
    assert manager_client.post(url, data).status_code == 302
    assert NotificationTemplate.objects.get(event="car_ready", language="ar").text == data["text"]


def test_the_preview_renders_a_sample_and_counts_segments(manager_client):
    url = reverse("admin:workshop_notificationtemplate_preview")
    answer = manager_client.post(url, {"event": "car_ready", "language": "fr", "text": "Véhicule {plate} prêt."})
    assert answer.status_code == 200
    assert answer.json() | {} == {
        "text": "Véhicule 123 TU 4567 pret.",
        "encoding": "GSM-7",
        "characters": 26,
        "segments": 1,
        "summary": "GSM-7 · 26 caractères · 1 SMS",
    }
    arabic = manager_client.post(url, {"event": "car_ready", "language": "ar", "text": "س" * 71}).json()
    assert (arabic["encoding"], arabic["segments"]) == ("UCS-2", 2)
    bad = manager_client.post(url, {"event": "car_ready", "language": "fr", "text": "{plaque}"})
    assert bad.status_code == 400 and "{plaque}" in bad.json()["error"]
    assert manager_client.get(url).status_code == 405


def test_the_template_page_shows_its_preview(manager_client):
    template = f.NotificationTemplateFactory(event="car_ready", language="fr")
    template.text = "Votre véhicule {plate} est prêt."
    template.save()
    page = manager_client.get(reverse("admin:workshop_notificationtemplate_change", args=[template.pk]))
    html = page.content.decode()
    assert "Votre véhicule 123 TU 4567 est pret." in html and "GSM-7 · 36 caractères · 1 SMS" in html
    assert "{plate}" in html and "template_preview.js" in html
