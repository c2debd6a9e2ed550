"""The job timeline read back from the audit history; without prices for those who may not see them."""

from decimal import Decimal

import pytest

from tests import factories as f
from workshop import billing
from workshop.history import service_timeline
from workshop.models import Service

pytestmark = pytest.mark.django_db


def _titles_and_changes(entries) -> str:
    return "\n".join(f"{entry.title} | {' ; '.join(entry.changes)}" for entry in entries)


@pytest.fixture
def paid_job(accountant):
    service = f.service_in_state(Service.Status.COMPLETED, items=1, item_fields={"unit_price": Decimal("78.000")})
    item = service.items.get()
    Service.objects.filter(pk=service.pk).update(status=Service.Status.IN_PROGRESS)
    item.refresh_from_db()
    item.unit_price = Decimal("77.996")
    item.save()
    Service.objects.filter(pk=service.pk).update(status=Service.Status.COMPLETED)
    service.refresh_from_db()
    invoice = billing.issue_invoice(
        invoice=billing.create_invoice_from_service(service=service, user=accountant), user=accountant
    )
    billing.record_payment(invoice=invoice, user=accountant, amount=Decimal("92.815"))
    return service


def test_the_full_timeline_shows_amounts(paid_job):
    text = _titles_and_changes(service_timeline(paid_job))
    assert "Paiement enregistré : 92,815\xa0DT (Espèces)" in text
    assert "78,000\xa0DT → 77,996\xa0DT" in text


def test_the_timeline_without_prices_keeps_the_events_and_drops_every_amount(paid_job):
    entries = service_timeline(paid_job, with_prices=False)
    text = _titles_and_changes(entries)
    assert "Paiement enregistré (Espèces)" in text
    assert "Facture créée (brouillon)" in text
    for amount in ("92,815", "78,000", "77,996", "DT"):
        assert amount not in text
    assert len(entries) == len(service_timeline(paid_job)) - 1  # the price-only edit of the line is gone
