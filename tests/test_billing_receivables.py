"""Receivables (workshop/billing/receivables.py): what each customer owes, what is overdue, and since when."""

from datetime import date, timedelta
from decimal import Decimal as D
from unittest import mock

import pytest

from workshop import billing

pytestmark = pytest.mark.django_db


def test_receivables_know_what_is_due_and_since_when(issued, accountant):
    billing.record_payment(invoice=issued, user=accountant, amount="39.646")
    later = date.today() + timedelta(days=365)
    rows = billing.receivables_by_customer(as_of=later)
    assert rows == [
        {
            "customer_id": issued.customer_id,
            "customer_name": issued.customer_name,
            "due": D("200.000"),
            "overdue": D("200.000"),
            "to_return": D("0"),
            "oldest_due_date": issued.due_date,
        }
    ]
    issued.refresh_from_db()
    assert issued.due_date == issued.issue_date + timedelta(days=30)  # the profile's default terms
    assert issued.days_overdue == 0  # issued today: not due yet
    with mock.patch("django.utils.timezone.localdate", return_value=later):
        assert issued.days_overdue == 365 - 30
