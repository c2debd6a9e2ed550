"""The parts' stock ledger: out with an issued invoice, back with a credit note, in with a delivery; never rewritten."""

import threading
from datetime import date
from decimal import Decimal as D
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from tests import factories as f
from workshop import billing, invariants, stock
from workshop.models import Invoice, LockedError, Part, StockMovement
from workshop.models.job_lines import ServiceItem
from workshop.workflows import TransitionRefused

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 10)


def part_line(part, quantity, **fields):
    return {"kind": ServiceItem.Kind.PART, "part": part, "quantity": D(quantity), "unit_price": D("20.000"), **fields}


def labour_line():
    return {"kind": ServiceItem.Kind.LABOUR, "quantity": D("1.5"), "unit_price": D("45.000")}


def stock_of(part) -> D:
    return Part.objects.get(pk=part.pk).stock_on_hand


def ledger_sum(part) -> D:
    return sum(StockMovement.objects.filter(part=part).values_list("quantity", flat=True), D(0))


def test_issuing_an_invoice_takes_its_parts_out_of_the_store(accountant):
    pads, oil = f.StockedPartFactory(stock=D("10")), f.StockedPartFactory(stock=D("4"))
    draft = f.billed_job(user=accountant, items=[part_line(pads, "2"), part_line(oil, "1.5"), part_line(pads, "1")])
    assert (stock_of(pads), stock_of(oil)) == (D("10"), D("4")), "a draft moves nothing"
    issued = billing.issue_invoice(invoice=draft, user=accountant, issue_date=TODAY)
    assert (stock_of(pads), stock_of(oil)) == (D("7.000"), D("2.500"))
    sales = {m.part_id: m for m in StockMovement.objects.filter(kind=StockMovement.Kind.SALE)}
    assert {pk: m.quantity for pk, m in sales.items()} == {pads.pk: D("-3.000"), oil.pk: D("-1.500")}
    assert all(m.invoice_id == issued.pk and m.user == accountant and m.credit_note_id is None for m in sales.values())
    assert sales[pads.pk].document == issued


def test_labour_lines_and_free_text_lines_move_no_stock(accountant):
    draft = f.billed_job(user=accountant, items=[labour_line(), {"kind": ServiceItem.Kind.PART, "quantity": D(1)}])
    billing.issue_invoice(invoice=draft, user=accountant, issue_date=TODAY)
    assert not StockMovement.objects.exists()


def test_a_failed_issue_leaves_no_movement(accountant):
    """The movement is written in the issue's transaction: a failure after it rolls both back."""
    part = f.StockedPartFactory(stock=D("5"))
    draft = f.billed_job(user=accountant, items=[part_line(part, "2")])

    original = stock.record_sale

    def write_then_fail(**kwargs):
        original(**kwargs)
        assert StockMovement.objects.filter(kind="sale").count() == 1
        raise ValidationError("panne après le mouvement")

    with mock.patch.object(stock, "record_sale", side_effect=write_then_fail), pytest.raises(ValidationError):
        billing.issue_invoice(invoice=draft, user=accountant, issue_date=TODAY)
    assert Invoice.objects.get(pk=draft.pk).status == Invoice.Status.DRAFT
    assert stock_of(part) == D("5") and StockMovement.objects.filter(kind="sale").count() == 0


def test_credit_notes_bring_the_credited_parts_back(accountant):
    part = f.StockedPartFactory(stock=D("10"))
    issued = billing.issue_invoice(
        invoice=f.billed_job(user=accountant, items=[part_line(part, "4"), labour_line()]),
        user=accountant,
        issue_date=TODAY,
    )
    line = issued.lines.get(part=part)
    partial = billing.create_credit_note(
        invoice=issued, user=accountant, reason="Une pièce rendue", quantities={line.pk: D("1")}, issue_date=TODAY
    )
    assert stock_of(part) == D("7.000")
    returned = StockMovement.objects.get(kind=StockMovement.Kind.RETURN)
    assert (returned.quantity, returned.credit_note, returned.user) == (D("1.000"), partial, accountant)
    billing.create_credit_note(invoice=issued, user=accountant, reason="Annulation", issue_date=TODAY)
    assert stock_of(part) == D("10.000") == ledger_sum(part)
    assert StockMovement.objects.filter(kind=StockMovement.Kind.RETURN).count() == 2


def test_an_invoice_issued_before_the_ledger_gives_nothing_back(accountant):
    """It took nothing out of the store (no sale movement): its credit note puts nothing in."""
    part = f.StockedPartFactory(stock=D("3"))
    issued = f.IssuedInvoiceFactory(lines=[{"kind": "part", "part": part, "quantity": "2"}])
    billing.create_credit_note(invoice=issued, user=accountant, reason="Annulation", issue_date=issued.issue_date)
    assert stock_of(part) == D("3.000") and not StockMovement.objects.filter(kind="return").exists()


def test_a_rebilled_job_takes_its_parts_out_again(accountant):
    part = f.StockedPartFactory(stock=D("6"))
    draft = f.billed_job(user=accountant, items=[part_line(part, "2")])
    issued = billing.issue_invoice(invoice=draft, user=accountant, issue_date=TODAY)
    billing.create_credit_note(invoice=issued, user=accountant, reason="Erreur de client", issue_date=TODAY)
    again = billing.create_invoice_from_service(service=issued.service, user=accountant)
    billing.issue_invoice(invoice=again, user=accountant, issue_date=TODAY)
    assert stock_of(part) == D("4.000") == ledger_sum(part)


def test_receiving_parts_adds_stock_with_the_delivery_note(manager):
    part = f.StockedPartFactory(stock=D("1"))
    movement = stock.receive_parts(part=part, quantity="12,5", user=manager, reference=" BL-2026-118 ")
    assert part.stock_on_hand == D("13.500") == stock_of(part)
    assert (movement.kind, movement.quantity, movement.reference, movement.user) == (
        "receipt",
        D("12.500"),
        "BL-2026-118",
        manager,
    )
    assert movement.document == "BL-2026-118"


@pytest.mark.parametrize("quantity", ["0", "-3", "abc", "1.0001", "1e12", "NaN"])
def test_a_bad_quantity_is_refused_with_nothing_changed(manager, quantity):
    part = f.StockedPartFactory(stock=D("2"))
    with pytest.raises(ValidationError) as error:
        stock.receive_parts(part=part, quantity=quantity, user=manager)
    assert "quantity" in error.value.message_dict
    assert stock_of(part) == D("2.000") and StockMovement.objects.count() == 1


@pytest.mark.parametrize("role", ["adviser", "mechanic", "accountant"])
def test_only_managers_change_the_stock(request, role):
    user = request.getfixturevalue(role)
    part = f.StockedPartFactory(stock=D("2"))
    with pytest.raises(TransitionRefused):
        stock.receive_parts(part=part, quantity="1", user=user)
    with pytest.raises(TransitionRefused):
        stock.count_stock(part=part, counted="1", user=user, note="Inventaire")
    assert stock_of(part) == D("2.000")


def test_an_inventory_count_adjusts_to_what_was_counted(manager):
    part = f.StockedPartFactory(stock=D("8"))
    with pytest.raises(ValidationError):
        stock.count_stock(part=part, counted="5", user=manager, note=" ")
    movement = stock.count_stock(part=part, counted="5", user=manager, note="Inventaire de mars")
    assert (movement.kind, movement.quantity, stock_of(part)) == ("adjustment", D("-3.000"), D("5.000"))
    assert stock.count_stock(part=part, counted="5", user=manager, note="Recompté") is None


def test_parts_below_their_minimum(manager):
    low = f.StockedPartFactory(stock=D("1"), stock_minimum=D("4"), name="Plaquettes")
    empty = f.StockedPartFactory(stock=D("0"), stock_minimum=D("2"), name="Courroie")
    f.StockedPartFactory(stock=D("4"), stock_minimum=D("4"))  # at its minimum: not below
    f.StockedPartFactory(stock=D("0"), stock_minimum=D("3"), is_active=False)  # no longer sold
    f.StockedPartFactory(stock=D("0"))  # no minimum
    assert stock.parts_below_minimum() == [low, empty]  # the furthest below first
    assert stock.parts_below_minimum(limit=1) == [low]


# --- the database refuses what the code would never do ------------------------------------------------------


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def refused_by_database(code):
    class Refused:
        def __enter__(self):
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

        def __exit__(self, kind, error, tb):
            self.atomic.__exit__(kind, error, tb)
            assert error is not None, "the database accepted the write"
            assert isinstance(error, IntegrityError), repr(error)
            assert invariants.refusal_code(error) == code, str(error)
            return True

    return Refused()


def test_movements_are_never_updated_nor_deleted(manager):
    part = f.StockedPartFactory(stock=D("3"))
    movement = StockMovement.objects.get(part=part)
    with pytest.raises(LockedError):
        StockMovement.objects.filter(pk=movement.pk).update(quantity=D("30"))
    with pytest.raises(LockedError):
        StockMovement.objects.filter(pk=movement.pk).delete()
    with pytest.raises(LockedError):
        movement.save()
    with pytest.raises(LockedError):
        movement.delete()
    table = StockMovement._meta.db_table
    with refused_by_database("stock_movement_frozen"):
        raw(f"UPDATE {table} SET quantity = 30 WHERE id = %s", [movement.pk])
    with refused_by_database("stock_movement_frozen"):
        raw(f"UPDATE {table} SET note = 'corrigé' WHERE id = %s", [movement.pk])
    with refused_by_database("stock_movement_frozen"):
        raw(f"DELETE FROM {table} WHERE id = %s", [movement.pk])
    assert StockMovement.objects.get(pk=movement.pk).quantity == D("3.000")


def test_the_stock_column_always_equals_its_ledger(manager):
    part = f.StockedPartFactory(stock=D("3"))
    with refused_by_database("stock_ledger"):
        Part.objects.filter(pk=part.pk).update(stock_on_hand=D("50"))
    with refused_by_database("stock_ledger"):
        raw(f"UPDATE {Part._meta.db_table} SET stock_on_hand = 2 WHERE id = %s", [part.pk])
    with refused_by_database("stock_ledger"):
        Part.objects.create(reference="NEUF-1", name="Neuve", unit_price=D(1), stock_on_hand=D("5"))
    with refused_by_database("stock_ledger"):  # a movement alone leaves the column behind: the next write is refused
        StockMovement.objects.create(part=part, quantity=D("1"), kind="adjustment", note="oubli")
        Part.objects.filter(pk=part.pk).update(name="Renommée")
    part.name = "Renommée"
    part.save()  # an ordinary edit keeps the stock the ledger gives
    assert stock_of(part) == D("3.000")


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "sale", "quantity": D("2")},  # a sale takes out
        {"kind": "receipt", "quantity": D("-2")},  # a receipt brings in
        {"kind": "adjustment", "quantity": D("0")},
        {"kind": "return", "quantity": D("1")},  # a return names its credit note
    ],
)
def test_a_movement_must_match_its_kind(manager, fields):
    part = f.StockedPartFactory(stock=D("3"))
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMovement.objects.create(part=part, **fields)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_receipts_all_count():
    from django.contrib.auth.models import Group

    from workshop import roles

    roles.sync_roles()
    manager = f.UserFactory(username="gerant-stock")
    manager.groups.add(Group.objects.get(name=roles.MANAGER))
    part = f.StockedPartFactory(stock=D("0"))
    errors = []

    def receive():
        try:
            for _ in range(5):
                stock.receive_parts(part=part, quantity="1", user=manager)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=receive) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert stock_of(part) == D("20.000") == ledger_sum(part)
