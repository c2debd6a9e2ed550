"""The part page: its stock and movements, « Réception de pièces », « Inventaire »; the dashboard's low list."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests import factories as f
from workshop import billing, stock
from workshop.models import Part, StockMovement
from workshop.models.job_lines import ServiceItem

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def receive_url(part):
    return reverse("admin:workshop_part_receive_parts", args=[part.pk])


def count_url(part):
    return reverse("admin:workshop_part_count_stock", args=[part.pk])


def test_a_manager_receives_parts_through_the_dialog(manager_client):
    part = f.StockedPartFactory(stock=D("2"))
    form = {"_form_submitted": "1", "quantity": "6", "reference": "BL-77", "note": ""}
    response = manager_client.post(receive_url(part), form, **HTMX)
    assert response.status_code == 200 and response["HX-Redirect"] == reverse(
        "admin:workshop_part_change", args=[part.pk]
    )
    assert Part.objects.get(pk=part.pk).stock_on_hand == D("8.000")
    assert StockMovement.objects.get(kind="receipt").reference == "BL-77"
    page = manager_client.get(reverse("admin:workshop_part_change", args=[part.pk])).content.decode()
    assert "BL-77" in page and "+6" in page and "Réception de pièces" in page


def test_an_inventory_count_through_the_dialog(manager_client):
    part = f.StockedPartFactory(stock=D("9"))
    form = {"_form_submitted": "1", "counted": "7", "note": "Inventaire annuel"}
    assert manager_client.post(count_url(part), form, **HTMX).status_code == 200
    assert Part.objects.get(pk=part.pk).stock_on_hand == D("7.000")


@pytest.mark.parametrize("role", ["adviser", "mechanic", "accountant"])
def test_other_roles_cannot_move_stock(request, login, role):
    part = f.StockedPartFactory(stock=D("2"))
    client = login(request.getfixturevalue(role))
    form = {"_form_submitted": "1", "quantity": "6", "counted": "0", "note": "x"}
    assert client.post(receive_url(part), form, **HTMX).status_code == 403
    assert client.post(count_url(part), form, **HTMX).status_code == 403
    assert Part.objects.get(pk=part.pk).stock_on_hand == D("2.000") and StockMovement.objects.count() == 1
    page = client.get(reverse("admin:workshop_part_change", args=[part.pk])).content.decode()
    assert "Réception de pièces" not in page


def test_the_stock_is_not_typed_in_the_part_form(manager_client):
    part = f.StockedPartFactory(stock=D("2"))
    data = {
        "reference": part.reference,
        "name": part.name,
        "brand": "",
        "is_active": "on",
        "unit_price": "25.000",
        "purchase_price": "15.000",
        "tva_rate": "19",
        "stock_on_hand": "999",
        "stock_minimum": "3",
    }
    response = manager_client.post(reverse("admin:workshop_part_change", args=[part.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    part.refresh_from_db()
    assert (part.stock_on_hand, part.stock_minimum) == (D("2.000"), D("3.000"))


def test_the_part_page_shows_its_movements_in_constant_queries(
    manager_client, manager, accountant, django_assert_max_num_queries
):
    part = f.StockedPartFactory(stock=D("50"))
    invoice = f.billed_job(
        user=accountant, items=[{"kind": ServiceItem.Kind.PART, "part": part, "quantity": D(2), "unit_price": 10}]
    )
    invoice = billing.issue_invoice(invoice=invoice, user=accountant)
    url = reverse("admin:workshop_part_change", args=[part.pk])
    with django_assert_max_num_queries(60) as few:
        manager_client.get(url)
    for _ in range(10):
        stock.receive_parts(part=part, quantity=1, user=manager)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = manager_client.get(url).content.decode()
    assert "Vente (facture)" in page and invoice.number in page and accountant.get_full_name() in page


def test_the_dashboard_lists_parts_below_their_minimum(manager_client, manager, login, mechanic):
    low = f.StockedPartFactory(stock=D("1"), stock_minimum=D("5"), reference="PL-LOW")
    f.StockedPartFactory(stock=D("9"), stock_minimum=D("5"), reference="PL-OK")
    page = manager_client.get(reverse("admin:index")).content.decode()
    assert "Pièces sous leur stock minimum" in page and "PL-LOW" in page and "PL-OK" not in page
    assert "PL-LOW" in login(mechanic).get(reverse("admin:index")).content.decode()  # quantities, not money
    stock.receive_parts(part=low, quantity=4, user=manager)  # at its minimum: off the list at once
    assert "PL-LOW" not in login(manager).get(reverse("admin:index")).content.decode()
