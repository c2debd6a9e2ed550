"""/api/customers/, /api/cars/, /api/notifications/: rows per role, lookups in any spelling, writes through
the model's rules as the acting user, constant queries."""

import pytest

from tests import factories as f
from tests.api_helpers import ROLES, api_client
from workshop.models import Car, Customer

pytestmark = pytest.mark.django_db

CUSTOMERS, CARS, NOTIFICATIONS = "/api/customers/", "/api/cars/", "/api/notifications/"


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# What each role gets on each list: "mine" (its own rows only), "all", or an HTTP status.
LISTS = {
    CUSTOMERS: {"customer": "mine", "mechanic": 403, "adviser": "all", "accountant": "all", "manager": "all"},
    CARS: {"customer": "mine", "mechanic": "mine", "adviser": "all", "accountant": "all", "manager": "all"},
    NOTIFICATIONS: {"customer": "mine", "mechanic": 403, "adviser": "all", "accountant": 403, "manager": "all"},
}


def rows(garage, url):
    return {
        CUSTOMERS: (garage.my_customer.pk, garage.other_customer.pk),
        CARS: (garage.my_car.pk, garage.other_car.pk),
        NOTIFICATIONS: (garage.my_note.pk, garage.other_note.pk),
    }[url]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", list(LISTS))
def test_list_and_detail_by_role(garage, url, role):
    client = api_client(garage.users[role])
    mine, other = rows(garage, url)
    expected = 401 if role == "anonymous" else LISTS[url][role]
    response = client.get(url)
    if isinstance(expected, int):
        assert response.status_code == expected
        assert client.get(f"{url}{mine}/").status_code == expected
        return
    assert ids(response) == ({mine} if expected == "mine" else {mine, other})
    assert client.get(f"{url}{mine}/").status_code == 200
    assert client.get(f"{url}{other}/").status_code == (404 if expected == "mine" else 200)


def test_customer_updates_only_their_own_preferences(garage):
    client = api_client(garage.users["customer"])
    response = client.patch(
        f"{CUSTOMERS}{garage.my_customer.pk}/",
        {"preferred_language": "ar", "sms_consent": False, "email": "Nouveau@Exemple.TN", "last_name": "Pirate"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    me = Customer.objects.get(pk=garage.my_customer.pk)
    assert (me.preferred_language, me.sms_consent, me.email) == ("ar", False, "nouveau@exemple.tn")
    assert me.last_name == garage.my_customer.last_name  # not theirs to change
    assert me.history.first().history_user == garage.users["customer"]
    assert (
        client.patch(f"{CUSTOMERS}{garage.other_customer.pk}/", {"sms_consent": False}, format="json").status_code
        == 404
    )
    assert Customer.objects.get(pk=garage.other_customer.pk).sms_consent is True
    assert client.post(CUSTOMERS, {"last_name": "X", "phone": "20 000 111"}, format="json").status_code == 403


def test_customer_profile_has_no_staff_notes(garage):
    data = api_client(garage.users["customer"]).get(f"{CUSTOMERS}{garage.my_customer.pk}/").json()
    assert "notes" not in data and "tax_id" not in data
    assert data["phone"] == garage.my_customer.phone


def test_customer_cannot_remove_every_way_to_reach_them(garage):
    Customer.objects.filter(pk=garage.my_customer.pk).update(phone=None)
    response = api_client(garage.users["customer"]).patch(
        f"{CUSTOMERS}{garage.my_customer.pk}/", {"email": ""}, format="json"
    )
    assert response.status_code == 400 and "phone" in response.json()


def test_customer_reads_mileage_and_next_service_of_their_cars(garage):
    Car.objects.filter(pk=garage.my_car.pk).update(next_service_mileage=95000)
    data = api_client(garage.users["customer"]).get(CARS).json()["results"][0]
    assert (data["mileage"], data["next_service_mileage"], data["customer"]) == (85000, 95000, garage.my_customer.pk)


@pytest.mark.parametrize("spelling", ["20 123 456", "+216 20 123 456", "0021620123456", "20.123.456", "21620123456"])
def test_staff_find_a_customer_by_phone_in_any_spelling(garage, adviser, spelling):
    wanted = f.CustomerFactory(phone="+21620123456")
    assert ids(api_client(adviser).get(CUSTOMERS, {"phone": spelling})) == {wanted.pk}


@pytest.mark.parametrize("spelling", ["123 TU 4567", "123 تونس 4567", "123tun4567", "123-TU-4567"])
def test_staff_find_a_car_by_plate_in_any_spelling(garage, adviser, spelling):
    wanted = f.CarFactory(plate="123 TU 4567")
    assert ids(api_client(adviser).get(CARS, {"plate": spelling})) == {wanted.pk}
    assert ids(api_client(adviser).get(CUSTOMERS, {"plate": spelling})) == {wanted.owner_id}


def test_staff_find_a_car_by_vin(garage, adviser):
    wanted = f.CarFactory(vin="VF3ABCDEFGH123456")
    assert ids(api_client(adviser).get(CARS, {"vin": "vf3 abcdefgh123456"})) == {wanted.pk}


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        (CUSTOMERS, {"phone": "12"}, "phone"),
        (CARS, {"plate": "hello"}, "plate"),
        (CARS, {"vin": "IOQ"}, "vin"),
        (CARS, {"customer": "99999999999999999999999"}, "customer"),
        (CARS, {"next_service_before": "0001-01-01"}, "next_service_before"),
        (NOTIFICATIONS, {"created_after": "9999-12-31"}, "created_after"),
        (NOTIFICATIONS, {"status": "nope"}, "status"),
    ],
)
def test_impossible_filters_are_400_naming_the_filter(garage, adviser, url, params, field):
    response = api_client(adviser).get(url, params)
    assert response.status_code == 400
    assert field in response.json()


def test_adviser_creates_a_customer_and_a_car_through_the_models_rules(garage, adviser):
    client = api_client(adviser)
    response = client.post(CUSTOMERS, {"last_name": "Trabelsi", "phone": "+216 98 765 432"}, format="json")
    assert response.status_code == 201, response.json()
    customer = Customer.objects.get(pk=response.json()["id"])
    assert customer.phone == "+21698765432" and customer.history.first().history_user == adviser
    response = client.post(CARS, {"customer": customer.pk, "plate": "200 تونس 15", "make": "Kia"}, format="json")
    assert response.status_code == 201, response.json()
    car = Car.objects.get(pk=response.json()["id"])
    assert (car.plate, car.owner_id) == ("200 TU 15", customer.pk)
    assert response.json()["plate_arabic"] == "200 تونس 15"
    assert car.history.first().history_user == adviser


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"last_name": "Sans contact"}, "phone"),
        ({"kind": "business", "last_name": "X", "phone": "22 000 001"}, "company_name"),
        ({"last_name": "X", "phone": "01 000 000"}, "phone"),
        ({"last_name": "X", "phone": "20 123 456", "tax_id": "nope"}, "tax_id"),
        ({"last_name": "X", "email": "not-an-email"}, "email"),
        ({"kind": "spaceship", "last_name": "X", "phone": "22 000 002"}, "kind"),
    ],
)
def test_bad_customer_input_is_400_naming_the_field(garage, adviser, payload, field):
    response = api_client(adviser).post(CUSTOMERS, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_phone_already_used_in_another_spelling_is_refused(garage, adviser):
    f.CustomerFactory(phone="+21620999888")
    response = api_client(adviser).post(CUSTOMERS, {"last_name": "Double", "phone": "20 999 888"}, format="json")
    assert response.status_code == 400 and "phone" in response.json()


def test_a_plate_already_used_in_another_spelling_is_refused(garage, adviser):
    f.CarFactory(plate="300 TU 1")
    response = api_client(adviser).post(
        CARS, {"customer": garage.my_customer.pk, "plate": "300 تونس 1", "make": "Fiat"}, format="json"
    )
    assert response.status_code == 400 and "plate" in response.json()


@pytest.mark.parametrize(("role", "code"), [("accountant", 403), ("mechanic", 403), ("customer", 403)])
def test_who_may_not_create_customers_or_cars(garage, role, code):
    client = api_client(garage.users[role])
    assert client.post(CUSTOMERS, {"last_name": "X", "phone": "22 111 222"}, format="json").status_code == code
    payload = {"customer": garage.my_customer.pk, "plate": "400 TU 1", "make": "Fiat"}
    assert client.post(CARS, payload, format="json").status_code == code
    assert not Car.objects.filter(plate="400 TU 1").exists()


def test_notifications_are_read_only(garage, manager):
    client = api_client(manager)
    assert client.post(NOTIFICATIONS, {}, format="json").status_code == 405
    assert client.delete(f"{NOTIFICATIONS}{garage.my_note.pk}/").status_code == 405


@pytest.mark.parametrize("role", ["customer", "mechanic", "adviser", "accountant", "manager"])
@pytest.mark.parametrize("url", [CUSTOMERS, CARS, NOTIFICATIONS])
def test_lists_cost_the_same_queries_for_1_or_50_rows(garage, role, url, django_assert_max_num_queries):
    if isinstance(LISTS[url][role], int):
        return
    for _ in range(50):
        job = f.ServiceFactory(car=f.CarFactory(owner=garage.my_customer), mechanic=garage.users["mechanic"])
        f.NotificationFactory(customer=garage.my_customer, service=job)
    if url == CUSTOMERS and role != "customer":
        f.CustomerFactory.create_batch(50)
    counts = []
    for size in (1, 50):
        client = api_client(garage.users[role])
        with django_assert_max_num_queries(20) as captured:
            response = client.get(url, {"page_size": size})
        expected = 1 if url == CUSTOMERS and role == "customer" else size
        assert response.status_code == 200 and len(response.json()["results"]) == expected
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("role", ["customer", "adviser", "manager"])
@pytest.mark.parametrize("url", [CUSTOMERS, CARS, NOTIFICATIONS])
def test_details_cost_the_same_queries_however_much_the_customer_has(garage, role, url, django_assert_max_num_queries):
    mine = rows(garage, url)[0]
    counts = []
    for extra in (0, 20):
        for _ in range(extra):
            job = f.ServiceFactory(car=f.CarFactory(owner=garage.my_customer))
            f.NotificationFactory(customer=garage.my_customer, service=job)
        client = api_client(garage.users[role])
        with django_assert_max_num_queries(10) as captured:
            assert client.get(f"{url}{mine}/").status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts
