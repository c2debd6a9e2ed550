"""What the billing tests share: a completed job whose lines mix TVA rates, with totals worked out by hand, the
workshop profile, and that job's issued invoice (the last two are fixtures, offered to every test by conftest)."""

import pytest
from django.utils import timezone

from tests import factories as f
from workshop import billing
from workshop.models import Service

YEAR = timezone.localdate().year

# Hand-computed, each line rounded half-up to the millime:
#  1. 2.5 h x 45.000 -10 % at 19 %: HT 101.250, TVA 19.2375 -> 19.238, TTC 120.488
#  2. 4 x 12.345 at 19 %:           HT  49.380, TVA  9.3822 ->  9.382, TTC  58.762
#  3. 1 x 33.333 -5 % at 7 %:        HT 31.66635 -> 31.666, TVA 2.21662 -> 2.217, TTC 33.883
#  4. 3 x 10.005 -15 % at 0 %:       HT 25.51275 -> 25.513, TVA 0, TTC 25.513
# HT 207.809, TVA 30.837, TTC 238.646, stamp 1.000, net 239.646
MIXED_LINES = [
    {"quantity": "2.5", "unit_price": "45.000", "discount_percent": "10", "tva_rate": 19},
    {"quantity": "4", "unit_price": "12.345", "discount_percent": "0", "tva_rate": 19},
    {"quantity": "1", "unit_price": "33.333", "discount_percent": "5", "tva_rate": 7},
    {"quantity": "3", "unit_price": "10.005", "discount_percent": "15", "tva_rate": 0},
]


def completed_job(lines=MIXED_LINES, **service_kwargs):
    service = f.ServiceFactory(status=Service.Status.COMPLETED, **service_kwargs)
    for position, line in enumerate(lines):
        f.ServiceItemFactory(service=service, position=position, **line)
    return service


@pytest.fixture
def profile(db):
    return f.WorkshopProfileFactory()


@pytest.fixture
def issued(accountant, profile):
    invoice = billing.create_invoice_from_service(service=completed_job(), user=accountant)
    return billing.issue_invoice(invoice=invoice, user=accountant)
