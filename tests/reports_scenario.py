"""A small set of books, built through the billing functions, whose report figures are worked out by hand.

Every invoice is drafted from a completed job (`create_invoice_from_service`), numbered by `issue_invoice`, paid by
`record_payment` and cancelled by `create_credit_note`, each by the manager at the moment written here (the clock is
set to it), so statuses, balances and numbers are those a garage would really see. Labour is 40.000 an hour.

Invoices (net = TTC + 1.000 stamp), in issue order:
  I5 Alpha 2026-01-09, job S3 (repair, Karim): labour 1 h @19 %: HT 40.000, TVA 7.600, TTC 47.600, net 48.600;
     paid in full the same day -> paid.
  I1 Alpha 2026-01-10, job S1 (repair, Karim): labour 2.5 h = 100.000 @19 % + 2 x 100.000 @19 % (part P1, cost 60)
     + 1 x 50.000 @7 % (part P2, cost 45): HT 350.000, TVA 19 + 38 + 3.5 = 60.500, TTC 410.500, net 411.500;
     100.000 paid on 2026-01-20 -> partially paid, 311.500 due.
  I2 Bchir 2026-01-25, job S2 (maintenance, Hatem): labour 1.5 h = 60.000 + 1 x 80.000 (part P1, cost 60), both
     @19 %: HT 140.000, TVA 26.600, TTC 166.600, net 167.600, paid the same day -> paid.
  I3 Alpha 2026-02-05, job S6 (repair, Karim, received 2 Feb): labour 8 h @125.000 = 1000.000 @19 %: TVA 190.000,
     TTC 1190.000, net 1191.000; 500.000 paid + 11.900 withheld (1 % of the TTC) on 2026-02-20 -> 679.100 due.
  I4 Bchir 2026-02-10, job S7 (maintenance, Hatem, received 9 Feb): 1 x 30.000 @19 % (part P2), cancelled by the
     total credit note AV1 of 2026-02-12 (HT 30.000, TVA 5.700, stamp 1.000, net 36.700).
  I6 Gamma 2025-11-01, job S8 (Hatem): labour 1 h @50.000: net 60.500, unpaid.
  I7 Bchir 2026-03-15, job S9 (Karim): labour 0.25 h = 10.000: net 12.900, unpaid.
  One draft (job S10, March), counted nowhere.
Jobs received in January 2026: Karim: S1 (24 h to delivery, 2.5 h labour), S3 (48 h, 1 h), both delivered;
Hatem: S2 invoiced, not delivered (1.5 h), S4 in progress (3 h, not sold); nobody: S5 cancelled (2 h, not sold).
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from tests import factories as f
from workshop import billing, roles, settlements
from workshop.models import Invoice, Service
from workshop.workflows import transition_service

# A sum of a per-row difference: a new numeric on every invoice (the reports sum columns instead).
PER_ROW_BALANCE = re.compile(r'SUM\(\(*"workshop_invoice"\."(net_to_pay|amount_paid)" [-+]')


def at(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@contextmanager
def clock(moment: datetime):
    """Act at `moment`: what the garage would have recorded had it done this then."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@dataclass
class Books:
    alpha: object
    bchir: object
    gamma: object
    karim: object
    hatem: object
    invoices: dict
    credit_note: object
    services: dict


def labour(hours, rate="40.000"):
    return {"kind": "labour", "description": "Main-d'œuvre", "quantity": hours, "unit_price": rate}


def build_books() -> Books:
    f.WorkshopProfileFactory()
    manager = f.UserFactory(username="gerant-livres", role=roles.MANAGER)
    karim = f.UserFactory(username="karim", first_name="Karim", last_name="Jaziri", role=roles.MECHANIC)
    hatem = f.UserFactory(username="hatem", first_name="Hatem", last_name="Mejri", role=roles.MECHANIC)
    alpha = f.BusinessCustomerFactory(company_name="Alpha SARL", city="Sousse")
    bchir = f.CustomerFactory(first_name="Sami", last_name="Bchir", city="Tunis")
    gamma = f.CustomerFactory(first_name="Rim", last_name="Gamma", city="Sfax")
    p1 = f.PartFactory(reference="PL-001", name="Plaquettes avant", brand="Bosch", purchase_price=Decimal("60.000"))
    p2 = f.PartFactory(reference="HU-002", name="Huile 5W30", brand="Total", purchase_price=Decimal("45.000"))

    def part(item, quantity, price, rate=19):
        return {"kind": "part", "part": item, "description": item.name, "quantity": quantity, "unit_price": price,
                "tva_rate": rate}  # fmt: skip

    def bill(owner, mechanic, kind, items, *, received, completed, issued: date | None):
        """A job received and completed at those moments, drafted on completion, issued (if `issued`) at 9:00."""
        with clock(completed):
            invoice = f.billed_job(
                user=manager,
                items=items,
                car__owner=owner,
                mechanic=mechanic,
                kind=kind,
                received_at=received,
                completed_at=completed,
            )
        if issued is None:
            return invoice
        with clock(at(issued.year, issued.month, issued.day, 9)):
            return billing.issue_invoice(invoice=invoice, user=manager, issue_date=issued)

    def deliver(service, moment):
        with clock(moment):
            return transition_service(service=service, name="deliver", user=manager)

    def pay(invoice, day, amount, withheld="0"):
        with clock(at(day.year, day.month, day.day, 16)):
            billing.record_payment(
                invoice=invoice, user=manager, amount=Decimal(amount), withholding_amount=Decimal(withheld),
                payment_date=day,
            )  # fmt: skip

    repair, maintenance = Service.Kind.REPAIR, Service.Kind.MAINTENANCE
    invoices = {
        "I5": bill(alpha, karim, repair, [labour("1")], received=at(2026, 1, 7, 8), completed=at(2026, 1, 8, 17),
                   issued=date(2026, 1, 9)),
        "I1": bill(alpha, karim, repair, [labour("2.5"), part(p1, "2", "100.000"), part(p2, "1", "50.000", rate=7)],
                   received=at(2026, 1, 5, 8), completed=at(2026, 1, 5, 18), issued=date(2026, 1, 10)),
        "I2": bill(bchir, hatem, maintenance, [labour("1.5"), part(p1, "1", "80.000")],
                   received=at(2026, 1, 20, 8), completed=at(2026, 1, 20, 12), issued=date(2026, 1, 25)),
        "I3": bill(alpha, karim, repair, [labour("8", rate="125.000")], received=at(2026, 2, 2, 8),
                   completed=at(2026, 2, 4, 17), issued=date(2026, 2, 5)),
        "I4": bill(bchir, hatem, maintenance, [part(p2, "1", "30.000")], received=at(2026, 2, 9, 8),
                   completed=at(2026, 2, 9, 16), issued=date(2026, 2, 10)),
        "I6": bill(gamma, hatem, maintenance, [labour("1", rate="50.000")], received=at(2025, 10, 30, 8),
                   completed=at(2025, 10, 31, 12), issued=date(2025, 11, 1)),
        "I7": bill(bchir, karim, repair, [labour("0.25")], received=at(2026, 3, 13, 8),
                   completed=at(2026, 3, 14, 12), issued=date(2026, 3, 15)),
    }  # fmt: skip
    bill(alpha, karim, repair, [labour("1")], received=at(2026, 3, 1, 8), completed=at(2026, 3, 2, 8), issued=None)
    services = {
        "S1": deliver(invoices["I1"].service, at(2026, 1, 6, 8)),  # received 5 Jan 8:00: 24 h
        "S3": deliver(invoices["I5"].service, at(2026, 1, 9, 8)),  # received 7 Jan 8:00: 48 h
        "S2": invoices["I2"].service,
        "S4": f.service_in_state(
            "in_progress",
            item_fields=labour("3"),
            car__owner=alpha,
            mechanic=hatem,
            kind=maintenance,
            received_at=at(2026, 1, 21, 8),
        ),
        "S5": f.service_in_state(
            "cancelled",
            item_fields=labour("2"),
            car__owner=alpha,
            kind=Service.Kind.DIAGNOSIS,
            received_at=at(2026, 1, 22, 8),
        ),  # fmt: skip
    }
    pay(invoices["I5"], date(2026, 1, 9), "48.600")
    pay(invoices["I1"], date(2026, 1, 20), "100.000")
    pay(invoices["I2"], date(2026, 1, 25), "167.600")
    pay(invoices["I3"], date(2026, 2, 20), "500.000", withheld="11.900")
    with clock(at(2026, 2, 12, 10)):
        credit_note = billing.create_credit_note(
            invoice=invoices["I4"], user=manager, reason="Pièce retournée", issue_date=date(2026, 2, 12)
        )
    for invoice in invoices.values():
        invoice.refresh_from_db()
    return Books(alpha, bchir, gamma, karim, hatem, invoices, credit_note, services)


# --- money owed back to a customer, built through the billing functions ----------------------------------
# Invoice A: 1 x 100.000 + 1 x 21.000 at 19 % = TTC 143.990 + stamp 1.000 = net 144.990.
# Invoice B: 1 x 50.000 at 19 % = TTC 59.500 + stamp 1.000 = net 60.500.
A_LINES = [
    {"quantity": "1", "unit_price": "100.000", "discount_percent": "0", "tva_rate": 19},
    {"quantity": "1", "unit_price": "21.000", "discount_percent": "0", "tva_rate": 19},
]
B_LINES = [{"quantity": "1", "unit_price": "50.000", "discount_percent": "0", "tva_rate": 19}]
MARCH = date(2026, 3, 1)


def issue_job_invoice(user, customer, lines, on):
    """A completed job with `lines` for `customer`, drafted and issued on `on` by `user`."""
    service = f.ServiceFactory(status=Service.Status.COMPLETED, car__owner=customer)
    for position, line in enumerate(lines):
        f.ServiceItemFactory(service=service, position=position, **line)
    draft = billing.create_invoice_from_service(service=service, user=user)
    return billing.issue_invoice(invoice=draft, user=user, issue_date=on)


def build_returned(accountant):
    """A paid 100.000 then cancelled (100.000 owed back); B paid by transfer by mistake, reversed; 30.000
    refunded on A. The rest of A (70.000) is kept as credit by the test that needs it."""
    f.WorkshopProfileFactory()
    customer = f.CustomerFactory(first_name="Sami", last_name="Ben Salah")
    a = issue_job_invoice(accountant, customer, A_LINES, date(2026, 3, 2))
    billing.record_payment(invoice=a, user=accountant, amount="100.000", payment_date=date(2026, 3, 5))
    billing.create_credit_note(invoice=a, user=accountant, reason="Annulation", issue_date=date(2026, 3, 10))
    b = issue_job_invoice(accountant, customer, B_LINES, date(2026, 3, 12))
    wrong = billing.record_payment(
        invoice=b, user=accountant, amount="60.500", method="transfer", payment_date=date(2026, 3, 13)
    )
    settlements.reverse_payment(
        payment=wrong, user=accountant, reason="Virement rejeté", reversal_date=date(2026, 3, 14)
    )
    settlements.refund_customer(
        invoice=a, user=accountant, amount="30.000", method="cheque", refund_date=date(2026, 3, 15)
    )
    return customer, Invoice.objects.get(pk=a.pk), Invoice.objects.get(pk=b.pk)


@pytest.fixture
def books(db):
    """The books above, for the report tests (offered to every test by conftest)."""
    return build_books()


@pytest.fixture
def returned(db, accountant):
    """Money owed back to a customer (`build_returned`), for the receivables and statement tests."""
    return build_returned(accountant)
