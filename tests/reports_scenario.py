"""A small set of books whose report figures are worked out by hand in the tests' comments and asserts.

Invoices (net = TTC + 1.000 stamp):
  I1 Alpha 2026-01-10, job S1 (repair, Karim): 2 x 100.000 @19 % (part P1, cost 60) + 1 x 50.000 @7 % (part P2,
     cost 45): HT 250.000, TVA 41.500, net 292.500; paid 100.000 on 2026-01-20 -> partially paid, 192.500 due.
  I2 Bchir 2026-01-25, job S2 (maintenance, Hatem): 1 x 80.000 @19 % (part P1, cost 60): HT 80, TVA 15.200,
     net 96.200, paid the same day.
  I3 Alpha 2026-02-05, no job: labour 1 x 1000.000 @19 %: HT 1000, TVA 190, net 1191.000; settled 500.000 +
     11.900 withheld on 2026-02-20 -> 679.100 due.
  I4 Bchir 2026-02-10: 1 x 30.000 @19 % (part P2), cancelled by the total credit note AV1 of 2026-02-12
     (HT 30, TVA 5.700, stamp 1.000, net 36.700).
  I6 Gamma 2025-11-01: 50.000 @19 %, net 60.500, unpaid.  I7 Bchir 2026-03-15: 10.000 @19 %, net 12.900, unpaid.
  One draft invoice, counted nowhere.
Jobs (January 2026): Karim: S1 (24 h to delivery, 2.5 h labour), S3 (48 h, 1 h); Hatem: S2 invoiced (1.5 h),
S4 in progress (3 h, not sold); nobody: S5 cancelled (2 h, not sold).
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from tests import factories as f
from workshop import roles
from workshop.models import Service


def at(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


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


def build_books() -> Books:
    f.WorkshopProfileFactory()
    karim = f.UserFactory(username="karim", first_name="Karim", last_name="Jaziri", role=roles.MECHANIC)
    hatem = f.UserFactory(username="hatem", first_name="Hatem", last_name="Mejri", role=roles.MECHANIC)
    alpha = f.BusinessCustomerFactory(company_name="Alpha SARL", city="Sousse")
    bchir = f.CustomerFactory(first_name="Sami", last_name="Bchir", city="Tunis")
    gamma = f.CustomerFactory(first_name="Rim", last_name="Gamma", city="Sfax")
    p1 = f.PartFactory(reference="PL-001", name="Plaquettes avant", brand="Bosch")
    p2 = f.PartFactory(reference="HU-002", name="Huile 5W30", brand="Total")

    def job(mechanic, kind, status, received, delivered=None, completed=None, labour_hours=None, owner=alpha):
        return f.service_in_state(
            status,
            items=1 if labour_hours else 0,
            item_fields={"kind": "labour", "quantity": labour_hours, "unit_price": "40.000"},
            car__owner=owner,
            mechanic=mechanic,
            kind=kind,
            received_at=received,
            completed_at=completed or delivered,
            delivered_at=delivered,
        )

    services = {
        "S1": job(karim, Service.Kind.REPAIR, "delivered", at(2026, 1, 5, 8), at(2026, 1, 6, 8), labour_hours="2.5"),
        "S3": job(karim, Service.Kind.REPAIR, "delivered", at(2026, 1, 7, 8), at(2026, 1, 9, 8), labour_hours="1"),
        "S2": job(
            hatem,
            Service.Kind.MAINTENANCE,
            "invoiced",
            at(2026, 1, 20, 8),
            completed=at(2026, 1, 20, 12),
            labour_hours="1.5",
            owner=bchir,
        ),
        "S4": job(hatem, Service.Kind.MAINTENANCE, "in_progress", at(2026, 1, 21, 8), labour_hours="3"),
        "S5": job(None, Service.Kind.DIAGNOSIS, "cancelled", at(2026, 1, 22, 8), labour_hours="2"),
    }
    part = {"kind": "part"}
    invoices = {
        "I1": f.IssuedInvoiceFactory(
            customer=alpha,
            service=services["S1"],
            issue_date=date(2026, 1, 10),
            lines=[
                {**part, "part": p1, "quantity": "2", "unit_price": "100.000", "unit_cost": "60.000"},
                {**part, "part": p2, "quantity": "1", "unit_price": "50.000", "tva_rate": 7, "unit_cost": "45.000"},
            ],
        ),
        "I2": f.IssuedInvoiceFactory(
            customer=bchir,
            service=services["S2"],
            issue_date=date(2026, 1, 25),
            lines=[{**part, "part": p1, "quantity": "1", "unit_price": "80.000", "unit_cost": "60.000"}],
        ),
        "I3": f.IssuedInvoiceFactory(
            customer=alpha,
            issue_date=date(2026, 2, 5),
            lines=[{"kind": "labour", "quantity": "1", "unit_price": "1000.000"}],
        ),
        "I4": f.IssuedInvoiceFactory(
            customer=bchir,
            issue_date=date(2026, 2, 10),
            lines=[{**part, "part": p2, "quantity": "1", "unit_price": "30.000", "unit_cost": "20.000"}],
        ),
        "I6": f.IssuedInvoiceFactory(customer=gamma, issue_date=date(2025, 11, 1), lines=[{"unit_price": "50.000"}]),
        "I7": f.IssuedInvoiceFactory(customer=bchir, issue_date=date(2026, 3, 15), lines=[{"unit_price": "10.000"}]),
    }
    f.InvoiceLineFactory(invoice=f.InvoiceFactory(customer=alpha))  # a draft: in no report
    # Payments and the credit note go through billing, which settles the invoices (I1 partially paid,
    # I2 paid, I3 partially paid, I4 cancelled), as the database requires.
    f.PaymentFactory(invoice=invoices["I1"], date=date(2026, 1, 20), amount=Decimal("100.000"))
    f.PaymentFactory(invoice=invoices["I2"], date=date(2026, 1, 25), amount=Decimal("96.200"))
    f.PaymentFactory(
        invoice=invoices["I3"], date=date(2026, 2, 20), amount=Decimal("500.000"), withholding_amount=Decimal("11.900")
    )
    credit_note = f.IssuedCreditNoteFactory(invoice=invoices["I4"], issue_date=date(2026, 2, 12))
    return Books(alpha, bchir, gamma, karim, hatem, invoices, credit_note, services)
