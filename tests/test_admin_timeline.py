"""The job's « Historique » is read when its folded section opens, from a URL guarded like the job page."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests import factories as f
from tests.admin_transition_helpers import S, _issued_invoice, change_url, timeline_url

pytestmark = pytest.mark.django_db


def test_the_job_page_carries_a_placeholder_that_loads_the_timeline_once_shown(login, manager):
    job = f.ServiceItemFactory(description="Plaquettes avant").service
    page = login(manager).get(change_url(job)).content.decode()
    assert f'hx-get="{timeline_url(job)}" hx-trigger="intersect once"' in page
    assert "Ligne ajoutée : Plaquettes avant" not in page  # not read with the page
    timeline = login(manager).get(timeline_url(job)).content.decode()
    assert "Ligne ajoutée : Plaquettes avant" in timeline and "ecar-timeline" in timeline


def test_the_timeline_keeps_amounts_from_those_who_may_not_see_prices(login, manager, accountant, mechanic):
    from workshop import billing

    invoice = _issued_invoice(accountant)
    job = invoice.service
    type(job).objects.filter(pk=job.pk).update(mechanic=mechanic)  # his job: he may open it
    billing.record_payment(invoice=invoice, user=accountant, amount="50.000", method="cash")
    shown = login(manager).get(timeline_url(job)).content.decode().replace("\xa0", " ")
    assert "Paiement enregistré : 50,000 DT (Espèces)" in shown
    hidden = login(mechanic).get(timeline_url(job)).content.decode().replace("\xa0", " ")
    assert "Paiement enregistré (Espèces)" in hidden and "50,000" not in hidden
    assert invoice.net_to_pay == D("120.000")


def test_a_job_the_user_may_not_see_has_no_timeline_either(login, mechanic):
    someone_elses = f.service_in_state(S.RECEIVED)
    assert login(mechanic).get(timeline_url(someone_elses)).status_code == 404
    assert login(mechanic).get(reverse("admin:workshop_service_timeline", args=[10**9])).status_code == 404
