"""Workflow buttons and bulk actions on the jobs, invoicing from them, and the job's timeline in the admin."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f
from tests.admin_transition_helpers import S, _issued_invoice, action_url, change_url, timeline_url
from workshop import billing
from workshop.models import Invoice, Service, ServiceItem
from workshop.workflows import transition_service

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_only_the_transitions_the_state_and_role_allow_are_buttons(login, adviser):
    service = f.service_in_state(S.RECEIVED)
    html = login(adviser).get(change_url(service)).content.decode()
    assert action_url(service, "transition-diagnose") in html
    assert action_url(service, "transition-cancel") in html
    assert action_url(service, "transition-approve") not in html
    assert action_url(service, "transition-start") not in html


def test_a_blocked_step_is_explained_instead_of_offered(login, adviser):
    service = f.ServiceFactory()  # no item: no estimate yet
    html = login(adviser).get(change_url(service)).content.decode()
    assert action_url(service, "transition-diagnose") not in html
    assert "bloquée" in html and "au moins une ligne" in html


def test_accountants_see_no_workshop_transition_but_may_invoice(login, accountant):
    service = f.service_in_state(S.COMPLETED)
    html = login(accountant).get(change_url(service)).content.decode()
    assert f"/{service.pk}/transition-" not in html
    assert action_url(service, "create-invoice") in html


def test_the_dialog_carries_the_state_the_user_saw(login, adviser):
    service = f.service_in_state(S.RECEIVED)
    html = login(adviser).get(action_url(service, "transition-diagnose"), **HTMX).content.decode()
    assert 'name="expected_status"' in html and 'value="received"' in html


def test_a_button_really_submits_and_moves_the_job(login, adviser):
    service = f.service_in_state(S.RECEIVED)
    client = login(adviser)
    response = client.post(
        action_url(service, "transition-diagnose"), {"_form_submitted": "1", "expected_status": "received"}, **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == change_url(service)
    assert Service.objects.get(pk=service.pk).status == S.DIAGNOSED
    assert "effectué" in client.get(change_url(service)).content.decode()


def test_a_stale_click_is_refused_with_409_and_changes_nothing(login, adviser, manager):
    service = f.service_in_state(S.RECEIVED)
    transition_service(service=service, name="cancel", user=manager)
    response = login(adviser).post(
        action_url(service, "transition-diagnose"), {"_form_submitted": "1", "expected_status": "received"}
    )
    assert response.status_code == 409
    assert "a changé entre-temps" in response.content.decode()
    assert Service.objects.get(pk=service.pk).status == S.CANCELLED


def test_a_refused_role_gets_403_and_a_condition_gets_400(login, accountant, adviser):
    service = f.service_in_state(S.RECEIVED)
    response = login(accountant).post(
        action_url(service, "transition-diagnose"), {"_form_submitted": "1", "expected_status": "received"}
    )
    assert response.status_code == 403  # accountants see all jobs: the refusal is the role's
    empty = f.ServiceFactory()
    response = login(adviser).post(
        action_url(empty, "transition-diagnose"), {"_form_submitted": "1", "expected_status": "received"}
    )
    assert response.status_code == 400
    assert "au moins une ligne" in response.content.decode()
    assert Service.objects.get(pk=empty.pk).status == S.RECEIVED


def test_cancel_asks_for_a_reason(login, adviser):
    service = f.service_in_state(S.RECEIVED)
    client = login(adviser)
    response = client.post(
        action_url(service, "transition-cancel"), {"_form_submitted": "1", "expected_status": "received"}
    )
    assert response.status_code == 200 and "dialog" in response.content.decode()  # the form again, with its error
    assert Service.objects.get(pk=service.pk).status == S.RECEIVED
    client.post(
        action_url(service, "transition-cancel"),
        {"_form_submitted": "1", "expected_status": "received", "reason": "Client parti"},
    )
    assert Service.objects.get(pk=service.pk).cancellation_reason == "Client parti"


def test_the_status_field_is_not_editable_in_the_form(login, manager):
    service = f.service_in_state(S.RECEIVED)
    html = login(manager).get(change_url(service)).content.decode()
    assert 'name="status"' not in html


def test_bulk_start_moves_the_ready_jobs_and_explains_the_others(login, manager):
    ready = f.service_in_state(S.APPROVED, mechanic=manager)
    blocked = f.service_in_state(S.APPROVED)
    response = login(manager).post(
        reverse("admin:workshop_service_changelist"),
        {"action": "bulk_start", "_selected_action": [ready.pk, blocked.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert Service.objects.get(pk=ready.pk).status == S.IN_PROGRESS
    assert Service.objects.get(pk=blocked.pk).status == S.APPROVED
    assert blocked.reference in html and "Affectez un mécanicien" in html


def test_bulk_actions_are_offered_only_to_roles_that_may_fire_them(login, accountant, mechanic):
    f.service_in_state(S.APPROVED)
    html = login(accountant).get(reverse("admin:workshop_service_changelist")).content.decode()
    assert 'value="create_invoices"' in html and 'value="bulk_start"' not in html


def test_invoicing_from_the_job_page_and_in_bulk(login, accountant):
    f.WorkshopProfileFactory()
    one, two = f.service_in_state(S.COMPLETED), f.service_in_state(S.COMPLETED)
    client = login(accountant)
    response = client.post(action_url(one, "create-invoice"), {"_form_submitted": "1", "expected_status": "completed"})
    assert response.status_code == 302
    invoice = Invoice.objects.get(service=one)
    assert response["Location"] == change_url(invoice)
    client.post(
        reverse("admin:workshop_service_changelist"), {"action": "create_invoices", "_selected_action": [two.pk]}
    )
    assert Invoice.objects.filter(service=two, status="draft").exists()


def test_a_job_whose_invoice_was_cancelled_offers_and_explains_re_billing(login, accountant, adviser):
    f.WorkshopProfileFactory()
    service = f.service_in_state(S.COMPLETED)
    invoice = billing.issue_invoice(
        invoice=billing.create_invoice_from_service(service=service, user=accountant), user=accountant
    )
    client = login(accountant)
    html = client.get(change_url(service)).content.decode()
    assert action_url(service, "rebill") not in html and "Refacturer" not in html  # its invoice is in force
    billing.create_credit_note(invoice=invoice, user=accountant, reason="Erreur de client")
    html = client.get(change_url(service)).content.decode()
    assert Service.objects.get(pk=service.pk).status == S.INVOICED
    assert action_url(service, "rebill") in html
    assert "Étapes suivantes" in html and "Refacturer" in html and "annulées par avoir" in html
    html = login(adviser).get(change_url(service)).content.decode()
    assert action_url(service, "rebill") not in html  # advisers do not bill: the panel says who does
    assert "Refacturer" in html and "la facturation est faite par le comptable ou le gérant" in html
    assert login(adviser).post(action_url(service, "rebill"), {"_form_submitted": "1"}).status_code == 403
    client = login(accountant)
    response = client.post(action_url(service, "rebill"), {"_form_submitted": "1", "expected_status": "invoiced"})
    again = Invoice.objects.get(service=service, status="draft")
    assert response.status_code == 302 and response["Location"] == change_url(again)
    assert again.net_to_pay == invoice.net_to_pay
    html = client.get(change_url(service)).content.decode()
    assert action_url(service, "rebill") not in html  # billed again: nothing more to offer


def test_frozen_items_are_read_only_on_the_invoiced_job(login, manager, accountant):
    service = f.service_in_state(S.COMPLETED)
    billing.create_invoice_from_service(service=service, user=accountant)
    html = login(manager).get(change_url(service)).content.decode()
    assert 'name="items-0-quantity"' not in html


def test_the_job_page_shows_its_timeline_who_and_when(login, manager, adviser):
    service = f.ServiceFactory()
    item = f.ServiceItemFactory(service=service, description="Plaquettes avant")
    item.quantity = 2
    item.save()
    transition_service(service=service, name="diagnose", user=adviser)
    html = login(manager).get(timeline_url(service)).content.decode()
    assert "Statut : Reçu → Devis prêt" in html
    assert "Ligne modifiée : Plaquettes avant" in html
    assert adviser.get_full_name() in html


def test_the_timeline_shows_counter_payments_and_money_returned(login, manager, accountant):
    from workshop import settlements

    invoice = _issued_invoice(accountant)
    # service_in_state(COMPLETED) bills one line of 1 x 100.000 at 19 %: net 119.000 + 1.000 stamp = 120.000
    assert invoice.net_to_pay == D("120.000")
    wrong = billing.record_payment(invoice=invoice, user=accountant, amount="50.000", method="cheque")
    settlements.reverse_payment(payment=wrong, user=manager, reason="Chèque sans provision")
    billing.record_payment(invoice=invoice, user=accountant, amount="80.000", method="cash")
    billing.create_credit_note(invoice=invoice, user=accountant, reason="Annulation")
    settlements.refund_customer(invoice=invoice, user=accountant, amount="30.000", method="cash")
    settlements.keep_as_customer_credit(invoice=invoice, user=manager)
    html = login(manager).get(timeline_url(invoice.service)).content.decode().replace("\xa0", " ")
    assert "Paiement enregistré : 50,000 DT (Chèque)" in html
    assert "Paiement contre-passé : -50,000 DT (Chèque), motif : Chèque sans provision" in html
    assert "Remboursé au client : 30,000 DT (Espèces)" in html
    assert "Gardé en avoir client : 50,000 DT" in html


def test_the_timeline_costs_the_same_queries_however_long_the_history(login, manager):
    client = login(manager)

    def job_with_edits(count):
        service = f.ServiceFactory(mechanic=manager)
        item = f.ServiceItemFactory(service=service)
        for n in range(count):
            item.quantity = n + 2
            item._history_user = manager
            item.save()
        transition_service(service=service, name="diagnose", user=manager)
        return service

    short, long = job_with_edits(2), job_with_edits(25)
    with CaptureQueriesContext(connection) as few:
        client.get(timeline_url(short))
    with CaptureQueriesContext(connection) as many:
        response = client.get(timeline_url(long))
    assert response.status_code == 200
    assert len(many) <= len(few)


def test_the_history_view_uses_unfold_and_names_the_user(login, manager, adviser):
    service = f.ServiceFactory()
    f.ServiceItemFactory(service=service)
    transition_service(service=service, name="diagnose", user=adviser)
    response = login(manager).get(reverse("admin:workshop_service_history", args=[service.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert adviser.username in html or adviser.get_full_name() in html
    origins = {template.origin.name for template in response.templates if template.origin}
    assert any("unfold/contrib/simple_history" in origin for origin in origins)


def test_admin_edits_record_the_acting_user(login, manager):
    service = f.ServiceFactory()
    item = f.ServiceItemFactory(service=service)
    data = {
        "car": service.car_id,
        "customer": service.customer_id,
        "kind": "repair",
        "received_at_0": service.received_at.strftime("%d/%m/%Y"),
        "received_at_1": service.received_at.strftime("%H:%M:%S"),
        "mileage_in": "90000",
        "complaint": "Bruit",
        "diagnosis": "",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "1",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-id": item.pk,
        "items-0-service": service.pk,
        "items-0-position": "0",
        "items-0-kind": "part",
        "items-0-description": item.description,
        "items-0-quantity": "2",
        "items-0-unit_price": "100.000",
        "items-0-discount_percent": "0",
        "items-0-tva_rate": "19",
    }
    response = login(manager).post(change_url(service), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert service.history.first().history_user == manager
    assert ServiceItem.objects.get(pk=item.pk).history.first().history_user == manager


@pytest.mark.concurrency
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_six_parallel_clicks_on_facturer_make_one_invoice_and_no_500(committed_accountant):
    import threading

    from django.test import Client

    service = f.service_in_state(S.COMPLETED)
    barrier = threading.Barrier(6)
    responses = []

    def click():
        try:
            client = Client(raise_request_exception=False)
            client.force_login(committed_accountant)
            barrier.wait()
            data = {"_form_submitted": "1", "expected_status": "completed"}
            response = client.post(action_url(service, "create-invoice"), data, **HTMX)
            responses.append((response.status_code, response.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(code for code, _ in responses)
    assert len(codes) == 6 and 500 not in codes
    assert Invoice.objects.filter(service=service).count() == 1
    refusals = [body for code, body in responses if code in (400, 409)]
    assert len(refusals) == 5, codes  # the winner is redirected to its invoice
    for body in refusals:  # too late either at the stale-page check or after the lock
        assert "déjà une facture en cours" in body or "a changé entre-temps" in body
