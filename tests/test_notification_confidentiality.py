"""A hostile employee cannot read or redirect a verification code from the notifications admin."""

import re

import pytest
from django.urls import reverse

from tests import factories as f
from workshop.accounts.registration import start_registration
from workshop.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def code_sms():
    start_registration(phone="20 777 888", name="Mohamed Ben Ali", password="Voiture-Rouge-2026")
    note = Notification.objects.get(event=Notification.Event.VERIFICATION_CODE)
    return note, re.search(r"\d{6}", note.message).group(0)


@pytest.fixture(params=["superuser", "manager", "adviser"])
def staff(request, client):
    client.force_login(request.getfixturevalue(request.param))
    return client


def test_the_code_is_on_no_page_of_the_admin(staff, code_sms):
    note, code = code_sms
    listing = staff.get(reverse("admin:workshop_notification_changelist"))
    assert listing.status_code == 200
    assert code not in listing.content.decode() and note.recipient not in listing.content.decode()
    for name in ("admin:workshop_notification_change", "admin:workshop_notification_history"):
        page = staff.get(reverse(name, args=[note.pk]))
        assert page.status_code in (302, 404) and code not in page.content.decode(), name


def test_the_code_cannot_be_found_by_filtering_the_list_on_the_message(staff, code_sms):
    note, code = code_sms
    url = reverse("admin:workshop_notification_changelist")
    for lookup in ("message__contains", "message__startswith", "message", "message__regex", "message__gt"):
        assert staff.get(url, {lookup: f"est {code[0]}"}).status_code == 400, lookup
    assert staff.get(url, {"q": code}).content.decode().count(note.recipient) == 0


def test_the_code_sms_cannot_be_redirected_or_rewritten(staff, code_sms):
    note, _code = code_sms
    url = reverse("admin:workshop_notification_change", args=[note.pk])
    response = staff.post(
        url,
        {
            "recipient": "+21698000000",
            "channel": "sms",
            "event": "verification_code",
            "message": "x",
            "status": "pending",
        },
    )
    assert response.status_code in (302, 403, 404)
    note.refresh_from_db()
    assert note.recipient == "+21620777888" and note.message != "x"


def test_staff_cannot_queue_a_fake_code(staff):
    html = staff.get(reverse("admin:workshop_notification_add")).content.decode()
    assert 'value="verification_code"' not in html and 'value="car_ready"' in html


def test_other_messages_stay_readable_and_editable(staff):
    note = f.NotificationFactory(message="Votre véhicule 123 TU 4567 est prêt.")
    page = staff.get(reverse("admin:workshop_notification_change", args=[note.pk])).content.decode()
    assert "123 TU 4567" in page and 'name="message"' in page


def test_the_model_says_which_messages_are_confidential(code_sms):
    note, code = code_sms
    assert note.is_confidential and code not in note.readable_message
    plain = f.NotificationFactory(message="Rendez-vous à 10 h")
    assert not plain.is_confidential and plain.readable_message == "Rendez-vous à 10 h"
