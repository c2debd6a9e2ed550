"""The books' invariants hold below the models: every SQL path is refused by the database's triggers.

These run on the SQLite default and on PostgreSQL (each backend's triggers are generated from the same
spec in workshop.invariants). Each write here would succeed without the triggers.
"""

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet

from tests import factories as f
from workshop import billing, invariants
from workshop.models import (
    CreditNote,
    CreditNoteLine,
    DocumentSequence,
    Invoice,
    InvoiceLine,
    LockedError,
    Payment,
)

pytestmark = pytest.mark.django_db
LEDGER = "ne se modifie pas à la main"


@pytest.fixture
def issued():
    """Lines 100.000 and 50.000 at 19 %: TTC 178.500, net 179.500; 20.000 paid: 159.500 due."""
    invoice = f.IssuedInvoiceFactory(lines=[{"unit_price": "100.000"}, {"unit_price": "50.000"}])
    f.PaymentFactory(invoice=invoice, amount=D("20.000"))
    invoice.refresh_from_db()
    assert (invoice.net_to_pay, invoice.amount_paid, invoice.status) == (D("179.500"), D("20.000"), "partially_paid")
    return invoice


@pytest.fixture
def draft():
    invoice = f.InvoiceFactory(total_ht=D("100.000"), total_tva=D("19.000"), total_ttc=D("119.000"))
    Invoice.objects.filter(pk=invoice.pk).update(net_to_pay=D("120.000"))
    f.InvoiceLineFactory(invoice=invoice)
    return invoice


def refused(match=None):
    """A write the database refuses; inside a savepoint so the test's transaction goes on (PostgreSQL)."""
    return _Refused(match)


class _Refused:
    def __init__(self, match):
        self.match = match

    def __enter__(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def __exit__(self, kind, error, tb):
        self.atomic.__exit__(kind, error, tb)
        assert error is not None, "the database accepted the write"
        cause = error if isinstance(error, IntegrityError) else error.__cause__
        assert isinstance(cause, IntegrityError), repr(error)
        assert invariants.MARKER in str(cause), str(cause)
        if self.match:
            assert str(self.match) in str(error), str(error)
        return True


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_installed_triggers_are_those_the_spec_generates():
    """Fails when a table was rebuilt (SQLite drops its triggers), a column added or the spec changed without
    a migration calling `invariants.install` again."""
    expected = invariants.expected(connection)
    # 28 checks: 10 frozen documents and ledgers (the stock movements' and the customers' answers included), 6
    # frozen lines, 4 numbering, 4 ledger sums (invoice settlement, part stock), 2 payment ceiling; each on
    # PostgreSQL a function and a trigger. Then the running sums of what is owed: one function on PostgreSQL, four
    # triggers on SQLite; and of what was declared and sold: a function per document table on PostgreSQL (invoices,
    # credit notes), four triggers per share on SQLite (invoice TVA, credit-note TVA, parts sold).
    assert len(expected) == 28 + (1 + 2 if connection.vendor == "postgresql" else 4 + 12)
    assert invariants.installed(connection) == expected


def test_bulk_create_adds_no_line_to_an_issued_invoice_nor_credit_note(issued):
    with refused(invariants.MESSAGES["invoice_frozen"]):
        InvoiceLine.objects.bulk_create([InvoiceLine(invoice=issued, description="Ajout", quantity=1, unit_price=5)])
    note = f.IssuedCreditNoteFactory(invoice=issued, is_total=False, lines={issued.lines.first(): 1})
    line = issued.lines.first()
    with refused(invariants.MESSAGES["credit_note_frozen"]):
        CreditNoteLine.objects.bulk_create(
            [CreditNoteLine(credit_note=note, invoice_line=line, description="Ajout", quantity=1, unit_price=5)]
        )
    assert (issued.lines.count(), note.lines.count()) == (2, 1)


def test_upserts_overwrite_no_issued_invoice_line_or_payment(issued):
    line, payment = issued.lines.first(), issued.payments.get()
    forged = Invoice(id=issued.pk, customer_id=issued.customer_id, customer_name="Falsifié")
    with refused():
        Invoice.objects.bulk_create(
            [forged], update_conflicts=True, unique_fields=["id"], update_fields=["customer_name"]
        )
    forged_line = InvoiceLine(id=line.pk, invoice=issued, description="x", quantity=1, unit_price=0)
    with refused(invariants.MESSAGES["invoice_frozen"]):
        InvoiceLine.objects.bulk_create(
            [forged_line], update_conflicts=True, unique_fields=["id"], update_fields=["unit_price"]
        )
    forged_payment = Payment(id=payment.pk, invoice=issued, date=payment.date, amount=D("1.000"))
    with refused(invariants.MESSAGES["payment_frozen"]):
        Payment.objects.bulk_create(
            [forged_payment], update_conflicts=True, unique_fields=["id"], update_fields=["amount"]
        )
    issued.refresh_from_db()
    line.refresh_from_db()
    assert (issued.customer_name, line.unit_price, Payment.objects.get().amount) != ("Falsifié", 0, D("1.000"))
    assert (line.unit_price, Payment.objects.get().amount) == (D("100.000"), D("20.000"))


def test_settlement_columns_follow_the_ledger_whatever_update_fields_say(issued):
    issued.amount_paid = D("179.500")
    with pytest.raises(LockedError, match=LEDGER), transaction.atomic():
        issued.save(update_fields=["amount_paid"])
    issued.refresh_from_db()
    issued.__dict__["status"] = Invoice.Status.PAID
    with pytest.raises(LockedError, match=LEDGER), transaction.atomic():
        issued.save(update_fields=["status"])
    with refused(invariants.MESSAGES["invoice_frozen"]):
        raw("UPDATE workshop_invoice SET status = 'draft' WHERE id = %s", [issued.pk])
    issued.refresh_from_db()
    assert (issued.amount_paid, issued.status) == (D("20.000"), "partially_paid")
    issued.save(update_fields=["amount_paid", "updated_at"])  # what the ledger says: accepted


def test_queryset_update_and_delete_below_the_guards_are_refused(issued):
    with refused(invariants.MESSAGES["invoice_frozen"]):
        QuerySet(Invoice).filter(pk=issued.pk).update(notes="modifié")
    with refused(invariants.MESSAGES["invoice_frozen"]):
        QuerySet(InvoiceLine).filter(invoice=issued).delete()
    with refused(invariants.MESSAGES["invoice_frozen"]):
        QuerySet(InvoiceLine).filter(invoice=issued).update(unit_price=0)
    with refused(invariants.MESSAGES["payment_frozen"]):
        QuerySet(Payment).all().delete()
    with refused(invariants.MESSAGES["payment_frozen"]):
        QuerySet(Payment).all().update(amount=0)
    assert Invoice.objects.get(pk=issued.pk).notes == "" and issued.lines.count() == 2


def test_raw_sql_cannot_touch_issued_documents_or_payments(issued):
    note = f.IssuedCreditNoteFactory(invoice=issued, is_total=False, lines={issued.lines.first(): 1})
    for sql, params in [
        ("UPDATE workshop_invoice SET total_ttc = 0 WHERE id = %s", [issued.pk]),
        ("DELETE FROM workshop_invoice WHERE id = %s", [issued.pk]),
        ("UPDATE workshop_invoiceline SET unit_price = 1 WHERE invoice_id = %s", [issued.pk]),
        ("DELETE FROM workshop_invoiceline WHERE invoice_id = %s", [issued.pk]),
        ("UPDATE workshop_payment SET amount = 1", []),
        ("DELETE FROM workshop_payment", []),
        ("UPDATE workshop_creditnote SET reason = 'x' WHERE id = %s", [note.pk]),
        ("DELETE FROM workshop_creditnote WHERE id = %s", [note.pk]),
        ("UPDATE workshop_creditnoteline SET quantity = 0 WHERE credit_note_id = %s", [note.pk]),
        ("DELETE FROM workshop_creditnoteline WHERE credit_note_id = %s", [note.pk]),
        (
            "INSERT INTO workshop_invoiceline (invoice_id, position, kind, reference, description, quantity, "
            "unit_price, discount_percent, tva_rate, total_ht, total_tva, total_ttc, unit_cost) "
            "VALUES (%s, 9, 'part', '', 'Ajout', 1, 5, 0, 19, 5, 0.95, 5.95, 0)",
            [issued.pk],
        ),
    ]:
        with refused():
            raw(sql, params)
    issued.refresh_from_db()
    assert (issued.total_ttc, issued.lines.count(), note.lines.count()) == (D("178.500"), 2, 1)
    assert (Payment.objects.get().amount, CreditNote.objects.get().reason) == (D("20.000"), "Erreur de facturation")


def test_a_customers_answer_to_the_estimate_is_evidence_no_sql_changes_or_deletes():
    from workshop.approvals import links
    from workshop.approvals.decisions import decide
    from workshop.models import LineDecision

    service = f.estimate_awaiting_answer(items=2)
    first, second = service.items.order_by("id")
    decide(
        service=service,
        answers={first.pk: "approved", second.pk: "declined"},
        actor=LineDecision.Actor.CUSTOMER_LINK,
        link=links.issue_link(service=service),
        signed_name="Mohamed Ben Ali",
        ip_address="197.0.0.7",
        user_agent="Mozilla/5.0 (Android)",
    )
    evidence = LineDecision.objects.get(item=first)
    for sql in [
        "UPDATE workshop_linedecision SET decision = 'declined' WHERE id = %s",
        "UPDATE workshop_linedecision SET signed_name = 'Quelqu''un' WHERE id = %s",
        "UPDATE workshop_linedecision SET decided_at = decided_at - interval '1 day' WHERE id = %s"
        if connection.vendor == "postgresql"
        else "UPDATE workshop_linedecision SET decided_at = '2000-01-01' WHERE id = %s",
        "DELETE FROM workshop_linedecision WHERE id = %s",
    ]:
        with refused(invariants.MESSAGES["line_decision_frozen"]):
            raw(sql, [evidence.pk])
    with refused(invariants.MESSAGES["line_decision_frozen"]):
        raw("UPDATE workshop_linedecision SET link_id = NULL, actor = 'adviser_phone' WHERE id = %s", [evidence.pk])
    # A line or an account deleted later leaves the evidence, no longer pointing at it (on_delete=SET_NULL).
    raw("UPDATE workshop_linedecision SET item_id = NULL, user_id = NULL WHERE id = %s", [evidence.pk])
    evidence.refresh_from_db()
    assert (evidence.decision, evidence.signed_name, evidence.item_id) == ("approved", "Mohamed Ben Ali", None)


def test_the_vehicle_frozen_on_an_issued_invoice_is_refused_any_change(issued, draft):
    """Raw SQL, below every model guard: the triggers cover the columns added after 0006 (0016, 0026)."""
    for column, value in [
        ("vehicle_plate", "'1 TU 1'"),
        ("vehicle_make_model", "'Autre'"),
        ("vehicle_vin", "'VF1AB000123456789'"),
        ("vehicle_mileage", "1"),
        ("job_kind", "'bodywork'"),  # 0026's copy of the job, which revenue groups by
    ]:
        with refused(invariants.MESSAGES["invoice_frozen"]):
            raw(f"UPDATE workshop_invoice SET {column} = {value} WHERE id = %s", [issued.pk])
        raw(f"UPDATE workshop_invoice SET {column} = {value} WHERE id = %s", [draft.pk])  # a draft still moves
    draft.refresh_from_db()
    assert (draft.vehicle_plate, draft.vehicle_mileage) == ("1 TU 1", 1)


def test_the_customers_cin_frozen_on_issued_documents_is_refused_any_change(issued, draft):
    """The column 0021 added to invoices and credit notes: covered by the triggers installed again after it."""
    note = f.IssuedCreditNoteFactory(invoice=issued, lines=[], is_total=False)  # leaves the settlement as it is
    for table, code, pk in [
        ("workshop_invoice", "invoice_frozen", issued.pk),
        ("workshop_creditnote", "credit_note_frozen", note.pk),
    ]:
        with refused(invariants.MESSAGES[code]):
            raw(f"UPDATE {table} SET customer_national_id = '01234567' WHERE id = %s", [pk])
    raw("UPDATE workshop_invoice SET customer_national_id = '01234567' WHERE id = %s", [draft.pk])
    draft.refresh_from_db()
    assert draft.customer_national_id == "01234567"


def test_refunds_are_a_ledger_and_the_invoice_follows_it(issued, accountant):
    from workshop import settlements

    billing.create_credit_note(invoice=issued, user=accountant, reason="Client parti")  # 20.000 owed back
    refund = settlements.refund_customer(invoice=issued, user=accountant, amount="15.000", method="cash")
    for sql, params in [
        ("UPDATE workshop_refund SET amount = 1 WHERE id = %s", [refund.pk]),
        ("DELETE FROM workshop_refund WHERE id = %s", [refund.pk]),
    ]:
        with refused(invariants.MESSAGES["refund_frozen"]):
            raw(sql, params)
    with refused(invariants.MESSAGES["ledger"]):
        QuerySet(Invoice).filter(pk=issued.pk).update(amount_refunded=D("20.000"))
    issued.refresh_from_db()
    assert (issued.status, issued.amount_refunded, issued.money_to_return) == ("cancelled", D("15.000"), D("5.000"))


def test_a_number_comes_only_from_the_series_at_issue(draft):
    year = date.today().year
    with pytest.raises(LockedError, match="le suivant de la série"), transaction.atomic():
        Invoice.objects.filter(pk=draft.pk).update(status="issued", number=f"F-{year}-99999", issue_date=date.today())
    with refused(invariants.MESSAGES["number"]):  # a draft has no number
        raw("UPDATE workshop_invoice SET number = %s WHERE id = %s", [f"F-{year}-00001", draft.pk])
    serial = DocumentSequence.next_value(f"F-{year}")
    with refused(invariants.MESSAGES["number"]):  # the year of its date
        Invoice.objects.filter(pk=draft.pk).update(
            status="issued", number=f"F-{year - 1}-{serial:05d}", issue_date=date.today()
        )
    with refused(invariants.MESSAGES["number"]):  # written as the series writes it
        Invoice.objects.filter(pk=draft.pk).update(
            status="issued", number=f"F-{year}-{serial:06d}", issue_date=date.today()
        )
    with refused(invariants.MESSAGES["born_draft"]):
        Invoice.objects.bulk_create([Invoice(customer=draft.customer, number=f"F-{year}-{serial:05d}")])
    assert Invoice.objects.get(pk=draft.pk).number is None
    # The number the counter has just given is accepted: the rule is "from the series", not "never".
    Invoice.objects.filter(pk=draft.pk).update(
        status="issued", number=f"F-{year}-{serial:05d}", issue_date=date.today()
    )
    assert Invoice.objects.get(pk=draft.pk).status == "issued"


def test_a_credit_note_number_comes_only_from_its_series(issued):
    note = f.CreditNoteFactory(invoice=issued)
    with pytest.raises(LockedError, match="le suivant de la série"), transaction.atomic():
        CreditNote.objects.filter(pk=note.pk).update(status="issued", number="AV-2026-04242", issue_date=date.today())
    assert CreditNote.objects.get(pk=note.pk).status == "draft"


def test_payments_cannot_overpay_nor_go_to_a_draft(issued, draft):
    with pytest.raises(LockedError, match="dépasse le reste dû"), transaction.atomic():
        Payment.objects.create(invoice=issued, date=date.today(), amount=D("99999.000"))
    with refused(invariants.MESSAGES["overpaid"]):  # 20.000 + 159.501 > 179.500
        Payment.objects.bulk_create([Payment(invoice=issued, date=date.today(), amount=D("159.501"))])
    with refused(invariants.MESSAGES["payment_on_draft"]):
        Payment.objects.bulk_create([Payment(invoice=draft, date=date.today(), amount=D("1.000"))])
    assert Payment.objects.count() == 1
    # Exactly the balance is not over it.
    billing.record_payment(invoice=issued, user=f.billing_clerk(), amount=D("159.500"))
    assert issued.status == "paid"


def test_an_issued_invoice_is_born_a_draft_with_its_settlement_at_zero():
    customer = f.CustomerFactory()
    with refused(invariants.MESSAGES["born_draft"]):
        Invoice.objects.bulk_create(
            [
                Invoice(
                    customer=customer,
                    status="issued",
                    number=f"F-{date.today().year}-00001",
                    issue_date=date.today(),
                    net_to_pay=D("10.000"),
                )
            ]
        )
    with refused(LEDGER):
        Invoice.objects.bulk_create([Invoice(customer=customer, amount_paid=D("5.000"))])


def test_one_invoice_in_force_per_job_drafts_included():
    service = f.service_in_state("invoiced")
    f.IssuedInvoiceFactory(service=service, customer=service.customer, status=Invoice.Status.CANCELLED)
    Invoice.objects.create(service=service, customer=service.customer)  # a cancelled one does not count
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(service=service, customer=service.customer)
    assert Invoice.objects.filter(service=service).count() == 2


def test_a_trigger_refusal_is_recognised_and_any_other_error_is_not():
    assert invariants.refusal_code(IntegrityError(f"{invariants.MARKER}overpaid: ...")) == "overpaid"
    assert invariants.refusal_code(IntegrityError("UNIQUE constraint failed: workshop_invoice.number")) is None
    assert invariants.refusal_code(ValueError(f"{invariants.MARKER}overpaid")) is None


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # the view is frozen for the transaction otherwise
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.concurrency
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_updates_waiting_for_an_issue_are_refused_once_it_commits(committed_accountant):
    """Finding 3's race: QuerySet.update() checked the draft, then waited for the issuing transaction's lock,
    then rewrote the issued invoice's notes; a line's price was rewritten without waiting at all."""
    import threading
    import time

    draft = billing.create_invoice_from_service(
        service=f.service_in_state("completed", items=2), user=committed_accountant
    )
    outcomes = {}

    def edit(name, write):
        try:
            write()
            outcomes[name] = "written"
        except LockedError as error:
            outcomes[name] = str(error)
        finally:
            connection.close()

    editors = [
        threading.Thread(target=edit, args=("notes", lambda: Invoice.objects.filter(pk=draft.pk).update(notes="x"))),
        threading.Thread(
            target=edit,
            args=("price", lambda: InvoiceLine.objects.filter(invoice_id=draft.pk).update(unit_price=D("1.000"))),
        ),
    ]
    with transaction.atomic():
        Invoice.objects.select_for_update().get(pk=draft.pk)  # what issuing does first
        for editor in editors:
            editor.start()
        deadline = time.monotonic() + 10
        while _waiting_on_locks() < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _waiting_on_locks() == 2, ("both writes must wait for the issuing transaction", outcomes)
        billing.issue_invoice(invoice=draft, user=committed_accountant)
    for editor in editors:
        editor.join(timeout=10)
    frozen = str(invariants.MESSAGES["invoice_frozen"])
    assert outcomes == {"notes": frozen, "price": frozen}
    issued = Invoice.objects.get(pk=draft.pk)
    assert (issued.status, issued.notes) == ("issued", draft.notes)
    assert set(issued.lines.values_list("unit_price", flat=True)) == {D("100.000")}
