"""The job timeline read back from the audit history: on the workshop's clock (Africa/Tunis), changed values
included; without prices for those who may not see them."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories as f
from workshop import billing
from workshop.history import service_timeline
from workshop.models import Service

pytestmark = pytest.mark.django_db


def test_changed_datetimes_are_shown_in_tunis_time_like_the_entry_itself(settings):
    assert settings.TIME_ZONE == "Africa/Tunis"
    service = f.ServiceFactory(received_at=datetime(2026, 11, 25, 8, 0, tzinfo=UTC))
    service.completed_at = datetime(2026, 11, 25, 22, 8, tzinfo=UTC)  # 23:08 in Tunis (UTC+1, no summer time)
    service.save()
    edit = next(entry for entry in service_timeline(service) if entry.kind == "edit")
    assert "terminé le : — → 25/11/2026 23:08" in edit.changes
    assert timezone.localtime(edit.when).tzinfo is not None


def test_a_change_across_midnight_utc_shows_the_tunis_day():
    service = f.ServiceFactory(
        received_at=datetime(2026, 6, 1, 8, 0, tzinfo=UTC),
        promised_at=datetime(2026, 6, 2, 16, 0, tzinfo=UTC),
    )
    service.promised_at = datetime(2026, 6, 2, 23, 30, tzinfo=UTC)  # 3 June 00:30 in Tunis
    service.save()
    edit = next(entry for entry in service_timeline(service) if entry.kind == "edit")
    assert edit.changes == ["promis pour le : 02/06/2026 17:00 → 03/06/2026 00:30"]


def test_dates_are_written_the_french_way():
    from workshop.history import _value
    from workshop.models import Car

    assert _value(Car._meta.get_field("next_service_date"), date(2027, 3, 9), {}) == "09/03/2027"


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
