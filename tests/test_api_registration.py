"""Registration of a customer's app account by phone (workshop.accounts.registration and its two endpoints)."""

import re
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests import api_account_helpers
from tests import factories as f
from workshop.models import Customer, Notification, PhoneVerification

pytestmark = pytest.mark.django_db
PHONE = "+21620777888"
PASSWORD = "Voiture-Rouge-2026"


fresh_throttles, api = api_account_helpers.fresh_throttles, api_account_helpers.api  # every attempt starts unthrottled


def register(api, phone="20 777 888", name="Mohamed Ben Ali", password=PASSWORD, **extra):
    body = {"phone": phone, "name": name, "password": password}
    return api.post(reverse("api:register"), body, format="json", **extra)


def verify(api, code, phone="20 777 888"):
    return api.post(reverse("api:register-verify"), {"phone": phone, "code": code}, format="json")


def sent_code(phone=PHONE) -> str:
    note = Notification.objects.filter(recipient=phone, event=Notification.Event.VERIFICATION_CODE).first()
    return re.search(r"\b(\d{6})\b", note.message).group(1)


def other(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_new_phone_registers_and_gets_a_customer_and_a_session(api):
    response = register(api)
    assert response.status_code == 202, response.content
    assert response.json()["phone"] == PHONE and response.json()["expires_in"] == 600
    note = Notification.objects.get(event=Notification.Event.VERIFICATION_CODE)
    assert (note.customer, note.recipient, note.channel, note.status) == (None, PHONE, "sms", "pending")
    code = sent_code()
    assert "Ne le donnez à personne" in note.message
    pending = PhoneVerification.objects.get(phone=PHONE)
    assert code not in pending.code_digest and pending.password != PASSWORD
    assert not get_user_model().objects.filter(username=PHONE).exists()  # nothing before the proof

    opened = verify(api, code)
    assert opened.status_code == 201, opened.content
    body = opened.json()
    customer = Customer.objects.get(phone=PHONE)
    assert body["user"]["role"] == "customer" and body["user"]["customer_id"] == customer.pk
    assert (customer.first_name, customer.last_name) == ("Mohamed", "Ben Ali")
    assert customer.user.username == PHONE and not customer.user.is_staff
    assert customer.history.first().history_user == customer.user
    me = api.get(reverse("api:user-me"), HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert me.json()["customer_id"] == customer.pk
    login = api.post(reverse("api:token"), {"username": "20777888", "password": PASSWORD}, format="json")
    assert login.status_code == 200
    assert verify(api, code).status_code == 400  # used once


def test_a_known_customer_is_linked_not_duplicated(api):
    customer = f.CustomerFactory(phone=PHONE, first_name="Salma", last_name="Trabelsi")
    f.CarFactory(owner=customer)
    register(api, name="Salma Trabelsi")
    body = verify(api, sent_code()).json()
    customer.refresh_from_db()
    assert Customer.objects.filter(phone=PHONE).count() == 1
    assert body["user"]["customer_id"] == customer.pk and customer.user.username == PHONE
    assert customer.history.first().history_change_reason.startswith("Compte de l'application")


def test_a_wrong_code_is_refused_then_the_right_one_works(api):
    register(api)
    code = sent_code()
    wrong = verify(api, other(code))
    assert wrong.status_code == 400
    assert wrong.json()["code"][0].startswith("Code incorrect ou expiré")
    assert verify(api, code).status_code == 201


def test_five_wrong_tries_burn_the_code(api):
    register(api)
    code = sent_code()
    for _ in range(5):
        assert verify(api, other(code)).status_code == 400
    sixth = verify(api, code)
    assert sixth.status_code == 400 and sixth.json() == verify(api, other(code)).json()
    assert not Customer.objects.filter(phone=PHONE).exists()


def test_a_code_expires_after_ten_minutes(api):
    register(api)
    PhoneVerification.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert verify(api, sent_code()).status_code == 400
    assert not get_user_model().objects.filter(username=PHONE).exists()


def test_a_new_code_replaces_the_old_one(api):
    register(api)
    first = sent_code()
    Notification.objects.all().delete()
    register(api)
    second = sent_code()
    if first != second:
        assert verify(api, first).status_code == 400
    assert verify(api, second).status_code == 201
    assert PhoneVerification.objects.filter(phone=PHONE, closed_at__isnull=True).count() == 0


def test_the_database_keeps_one_open_code_per_phone(api):
    from django.db import IntegrityError, transaction

    register(api)
    pending = PhoneVerification.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        PhoneVerification.objects.create(
            phone=PHONE, name="x", password="x", code_digest="x", expires_at=pending.expires_at
        )


def test_no_answer_tells_whether_a_phone_is_known(api):
    """Unknown phone, a customer's phone, a phone with an app account: same status, body and work."""
    f.CustomerFactory(phone="+21620111222")
    f.app_customer(phone="+21620333444", username="+21620333444")
    answers, query_counts = [], []
    for phone in ("20 555 666", "20 111 222", "20 333 444"):
        with CaptureQueriesContext(connection) as queries:
            response = register(api, phone=phone)
        answers.append((response.status_code, {k: v for k, v in response.json().items() if k != "phone"}))
        query_counts.append(len(queries.captured_queries))
    assert answers[0] == answers[1] == answers[2] and answers[0][0] == 202
    assert query_counts[0] == query_counts[1] == query_counts[2]
    assert set(Notification.objects.values_list("customer", flat=True)) == {None}
    wrongs = []
    for phone in ("20 555 666", "20 111 222", "20 333 444", "20 999 000"):  # the last never registered
        code = sent_code(f"+216{phone.replace(' ', '')}") if phone != "20 999 000" else "123456"
        with CaptureQueriesContext(connection) as queries:
            response = verify(api, other(code), phone=phone)
        wrongs.append((response.status_code, response.json(), len(queries.captured_queries) > 0))
    assert all(answer == wrongs[0] for answer in wrongs) and wrongs[0][0] == 400


def test_a_phone_with_an_app_account_gets_no_second_one(api):
    customer = f.app_customer(phone=PHONE, username="mohamed")
    register(api)
    response = verify(api, sent_code())
    assert response.status_code == 409 and response.json()["code"] == "account_exists"
    assert get_user_model().objects.filter(customer=customer).count() == 1
    assert not get_user_model().objects.filter(username=PHONE).exists()


def test_a_deactivated_app_account_is_not_bypassed_by_registering_again(api):
    customer = f.app_customer(phone=PHONE)
    customer.user.is_active = False
    customer.user.save()
    register(api)
    assert verify(api, sent_code()).status_code == 409
    customer.refresh_from_db()
    assert customer.user.username == "client"


@pytest.mark.parametrize(
    ("body", "field", "start"),
    [
        ({"phone": "12"}, "phone", "Numéro de téléphone invalide"),
        ({"phone": "71 123 456"}, "phone", "Ce numéro est un fixe"),
        ({"name": " "}, "name", ""),
        ({"password": "123"}, "password", "Ce mot de passe est trop court"),
        ({"password": "20777888"}, "password", ""),
    ],
)
def test_bad_input_is_400_naming_the_field_and_sends_nothing(api, body, field, start):
    response = register(api, **body)
    assert response.status_code == 400
    assert field in response.json() and response.json()[field][0].startswith(start)
    assert not Notification.objects.exists() and not PhoneVerification.objects.exists()


def test_registration_is_throttled_per_address(api, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"register": "2/hour"}}
    assert register(api, phone="20 000 001").status_code == 202
    assert register(api, phone="20 000 002").status_code == 202
    third = register(api, phone="20 000 003")
    assert third.status_code == 429 and int(third["Retry-After"]) > 0
    assert Notification.objects.count() == 2
    assert register(APIClient(REMOTE_ADDR="10.0.0.9"), phone="20 000 003").status_code == 202


def test_verification_is_throttled_per_address(api, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"register_verify": "3/hour"}}
    for _ in range(3):
        assert verify(api, "000000").status_code == 400
    assert verify(api, "000000").status_code == 429


def test_codes_per_phone_are_capped_from_any_address(api):
    for n in range(3):
        assert register(APIClient(REMOTE_ADDR=f"10.0.1.{n}")).status_code == 202
    capped = register(APIClient(REMOTE_ADDR="10.0.1.9"))
    assert capped.status_code == 429 and 3000 < int(capped["Retry-After"]) <= 3601
    assert Notification.objects.count() == 3


def test_the_code_message_and_errors_speak_the_callers_language(api):
    register(api, HTTP_ACCEPT_LANGUAGE="ar")
    note = Notification.objects.get()
    assert note.message.startswith("ECAR: رمزك ") and re.search(r"\d{6}", note.message)
    english = api.post(
        reverse("api:register-verify"), {"phone": PHONE, "code": "1"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.status_code == 400 and english.json()["code"][0].startswith("Wrong or expired code.")
    assert verify(api, "1").json()["code"][0].startswith("Code incorrect ou expiré")  # French by default


@pytest.mark.django_db(transaction=True)
def test_two_verifications_at_once_open_one_account():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    register(APIClient(REMOTE_ADDR="10.0.0.1"))
    code = sent_code()
    statuses, barrier = [], threading.Barrier(2)

    def attempt():
        barrier.wait()
        try:
            statuses.append(verify(APIClient(REMOTE_ADDR="10.0.0.2"), code).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 400]
    assert get_user_model().objects.filter(username=PHONE).count() == 1


def test_expired_registrations_and_tokens_are_purged(api):
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    from portal.maintenance import purge_task

    register(api)
    register(api, phone="20 777 999")
    PhoneVerification.objects.filter(phone=PHONE).update(expires_at=timezone.now() - timedelta(days=2))
    user = f.UserFactory(username="vieux")
    OutstandingToken.objects.create(user=user, jti="old", token="x", expires_at=timezone.now() - timedelta(days=1))
    OutstandingToken.objects.create(user=user, jti="live", token="y", expires_at=timezone.now() + timedelta(days=1))
    purge_task.delay()  # the daily purge
    assert list(PhoneVerification.objects.values_list("phone", flat=True)) == ["+21620777999"]
    assert list(OutstandingToken.objects.values_list("jti", flat=True)) == ["live"]
