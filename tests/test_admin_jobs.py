"""The job page: the customer follows the car, another customer is confirmed, the next steps after « Terminé »
and after a total credit note, people's full names and Tunis times in the timeline."""

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from workshop import billing, workflows
from workshop.admin.next_steps import BILLED_BY
from workshop.models import Notification, Service

pytestmark = pytest.mark.django_db
CONFIRM = "Le véhicule appartient à un autre client : je confirme"


def new_job(car, customer=None, **extra):
    now = timezone.localtime()
    return {
        "car": car.pk,
        "customer": customer.pk if customer else "",
        "kind": "repair",
        "received_at_0": now.strftime("%d/%m/%Y"),
        "received_at_1": now.strftime("%H:%M:%S"),
        "mileage_in": "90000",
        "complaint": "Bruit au freinage",
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        **extra,
    }


def test_the_customer_left_empty_is_the_cars_owner(login, adviser):
    car = f.CarFactory()
    response = login(adviser).post(reverse("admin:workshop_service_add"), new_job(car))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Service.objects.get().customer == car.owner


def test_the_add_form_is_prefilled_from_the_car_page_link(login, adviser):
    car = f.CarFactory(plate="77 TU 7777")
    url = f"{reverse('admin:workshop_service_add')}?car={car.pk}&customer={car.owner_id}"
    page = login(adviser).get(url).content.decode()
    assert "77 TU 7777" in page and car.owner.display_name in page and CONFIRM in page
    assert "portal/job_form.js" in page  # picking another car fills in its owner


def test_a_customer_search_by_plate_finds_the_owner_the_script_fills_in(login, adviser):
    car = f.CarFactory(plate="88 TU 888")
    query = "term=88 TU 888&app_label=workshop&model_name=service&field_name=customer"
    results = login(adviser).get(f"{reverse('admin:autocomplete')}?{query}").json()["results"]
    assert [int(r["id"]) for r in results] == [car.owner_id]


def test_a_car_of_another_customer_needs_the_confirmation(login, adviser):
    """A fleet car driven by an employee: the job, its messages and its invoice go to the employee."""
    fleet = f.BusinessCustomerFactory(company_name="Société Flotte SA")
    car = f.CarFactory(owner=fleet)
    driver = f.CustomerFactory(first_name="Sami", last_name="Chauffeur", phone="+21620999888")
    client = login(adviser)
    refused = client.post(reverse("admin:workshop_service_add"), new_job(car, driver))
    assert refused.status_code == 200 and not Service.objects.exists()
    assert "appartient à Société Flotte SA" in refused.content.decode()
    accepted = client.post(reverse("admin:workshop_service_add"), new_job(car, driver, confirm_other_owner="on"))
    assert accepted.status_code == 302
    job = Service.objects.get()
    assert job.customer == driver and job.car.owner == fleet
    f.ServiceItemFactory(service=job)
    job.refresh_from_db()
    workflows.transition_service(service=job, name="diagnose", user=adviser)
    message = Notification.objects.get()
    assert (message.customer, message.recipient) == (driver, "+21620999888")


def test_editing_a_confirmed_job_does_not_ask_again(login, adviser):
    car, driver = f.CarFactory(), f.CustomerFactory()
    job = f.ServiceFactory(car=car, customer=driver)
    data = new_job(car, driver, kind="maintenance")
    data.update({"received_at_0": timezone.localtime(job.received_at).strftime("%d/%m/%Y")})
    data.update({"received_at_1": timezone.localtime(job.received_at).strftime("%H:%M:%S")})
    response = login(adviser).post(reverse("admin:workshop_service_change", args=[job.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Service.objects.get(pk=job.pk).kind == "maintenance"


def steps(client, job) -> str:
    page = client.get(reverse("admin:workshop_service_change", args=[job.pk])).content.decode()
    return page.split('class="ecar-next-steps')[1].split("</div>")[0] if "ecar-next-steps" in page else ""


def test_after_terminé_the_panel_says_who_invoices(login, adviser, accountant, mechanic):
    job = f.service_in_state("completed", mechanic=mechanic)
    panel = steps(login(adviser), job)
    assert "Facturer" in panel and str(BILLED_BY) in panel and "Après « Terminé »" in panel
    assert str(BILLED_BY) in steps(login(mechanic), job)
    panel = steps(login(accountant), job)
    assert "Facturer" in panel and "possible" in panel and str(BILLED_BY) not in panel


def test_after_a_total_credit_note_the_panel_offers_refacturer(login, adviser, accountant):
    invoice = f.billed_job(
        user=accountant, items=[{"quantity": 1, "unit_price": D("80")}], issue_date=timezone.localdate()
    )
    billing.create_credit_note(invoice=invoice, user=accountant, reason="Erreur de client")
    job = invoice.service
    panel = steps(login(adviser), job)
    assert "Refacturer" in panel and str(BILLED_BY) in panel
    panel = steps(login(accountant), job)
    assert "Refacturer" in panel and "possible" in panel


def test_the_timeline_names_people_and_shows_tunis_time(login, manager):
    person = f.UserFactory(username="k.benali", first_name="Karim", last_name="Ben Ali", role="Gérant")
    job = f.ServiceFactory()
    row = job.history.get()
    # 23:30 UTC in January is 00:30 the next day in Tunis (UTC+1)
    type(row).objects.filter(pk=row.pk).update(
        history_user=person, history_date=datetime(2026, 1, 9, 23, 30, tzinfo=UTC)
    )
    page = login(manager).get(reverse("admin:workshop_service_timeline", args=[job.pk])).content.decode()
    timeline = page.split("ecar-timeline ")[1].split("</ol>")[0]
    assert "10/01/2026 00:30 · Karim Ben Ali" in timeline and "k.benali" not in timeline


@pytest.mark.django_db
def test_job_lines_pick_parts_without_a_menu_of_related_links_on_every_row(manager_client):
    job = f.service_in_state("received", items=3)
    html = manager_client.get(reverse("admin:workshop_service_change", args=[job.pk])).content.decode()
    assert 'id="id_items-0-part"' in html
    assert "related-widget-wrapper-items-0-part" not in html
    assert "related-widget-wrapper-items-0-labour" not in html
    assert "related-widget-wrapper-car" in html  # the job's own car keeps its links
