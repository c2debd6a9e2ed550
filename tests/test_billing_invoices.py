"""Invoices (workshop/billing/invoices.py): drafted from a completed job once, numbered without gaps at issue,
never edited once issued, and numbered and drafted under real concurrency on PostgreSQL."""

import threading
import time
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.db import connection, transaction

from tests import factories as f
from tests.billing_helpers import MIXED_LINES, YEAR, completed_job
from tests.concurrency_helpers import at_once, succeeded
from workshop import billing
from workshop.models import Invoice, InvoiceLine, LockedError, Service
from workshop.workflows import TransitionRefused

pytestmark = pytest.mark.django_db


def test_lines_keep_the_part_and_its_cost_for_margins(accountant, profile):
    part = f.PartFactory(unit_price="25.000", purchase_price="15.500")
    service = f.ServiceFactory(status=Service.Status.COMPLETED)
    f.ServiceItemFactory(service=service, part=part, unit_price=None, description="")
    line = billing.create_invoice_from_service(service=service, user=accountant).lines.get()
    assert (line.part, line.unit_cost, line.reference, line.description) == (
        part,
        D("15.500"),
        part.reference,
        part.name,
    )


def test_a_job_is_invoiced_once(accountant, profile):
    service = completed_job()
    billing.create_invoice_from_service(service=service, user=accountant)
    with pytest.raises(TransitionRefused, match="déjà une facture"):
        billing.create_invoice_from_service(service=service, user=accountant)


def test_only_a_completed_job_is_invoiced(accountant, profile):
    service = f.service_in_state(Service.Status.IN_PROGRESS)
    with pytest.raises(TransitionRefused, match="Seul un ordre terminé"):
        billing.create_invoice_from_service(service=service, user=accountant)


def test_issuing_numbers_the_invoice_dates_it_and_sets_the_due_date(accountant, profile):
    invoice = billing.create_invoice_from_service(service=completed_job(), user=accountant)
    assert invoice.number is None
    issued = billing.issue_invoice(invoice=invoice, user=accountant, issue_date=date(YEAR, 3, 10))
    assert issued.number == f"F-{YEAR}-00001"
    assert issued.status == Invoice.Status.ISSUED
    assert issued.issue_date == date(YEAR, 3, 10)
    assert issued.due_date == date(YEAR, 3, 10) + timedelta(days=profile.default_payment_terms_days)
    assert issued.issued_by == accountant
    assert issued.history.first().history_user == accountant


def test_a_draft_never_issued_uses_no_number(accountant, profile):
    left_as_draft = billing.create_invoice_from_service(service=completed_job(), user=accountant)
    second = billing.create_invoice_from_service(service=completed_job(), user=accountant)
    assert billing.issue_invoice(invoice=second, user=accountant).number == f"F-{YEAR}-00001"
    third = billing.create_invoice_from_service(service=completed_job(), user=accountant)
    assert billing.issue_invoice(invoice=third, user=accountant).number == f"F-{YEAR}-00002"
    left_as_draft.refresh_from_db()
    assert left_as_draft.number is None


@pytest.mark.parametrize("role", ["adviser", "mechanic"])
def test_issuing_is_refused_to_roles_without_the_permission(request, role, accountant, profile):
    invoice = billing.create_invoice_from_service(service=completed_job(), user=accountant)
    with pytest.raises(TransitionRefused) as refused:
        billing.issue_invoice(invoice=invoice, user=request.getfixturevalue(role))
    assert refused.value.code == "forbidden"
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == ("draft", None)


def test_an_issued_invoice_cannot_be_issued_twice(issued, accountant):
    with pytest.raises(TransitionRefused):
        billing.issue_invoice(invoice=issued, user=accountant)


def test_an_issued_invoice_is_never_edited_nor_deleted_from_code(issued):
    issued.customer_name = "Falsifié"
    with pytest.raises(LockedError, match="avoir"):
        issued.save()
    with pytest.raises(LockedError):
        issued.delete()
    with pytest.raises(LockedError):
        Invoice.objects.filter(pk=issued.pk).update(notes="modifié")
    with pytest.raises(LockedError):
        Invoice.objects.filter(pk=issued.pk).delete()
    with pytest.raises(LockedError), transaction.atomic():  # bulk_update's own block has no savepoint
        Invoice.objects.bulk_update([issued], ["customer_name"])
    line = issued.lines.first()
    line.unit_price = D("1.000")
    with pytest.raises(LockedError):
        line.save()
    with pytest.raises(LockedError):
        line.delete()
    with pytest.raises(LockedError):
        InvoiceLine.objects.filter(invoice=issued).update(unit_price=0)
    with pytest.raises(LockedError):
        InvoiceLine.objects.filter(invoice=issued).delete()
    with pytest.raises(LockedError):
        InvoiceLine(invoice=issued, description="Ajout", quantity=1, unit_price=5).save()
    fresh = Invoice.objects.get(pk=issued.pk)
    assert fresh.customer_name != "Falsifié" and fresh.lines.count() == 4 and fresh.net_to_pay == D("239.646")


def test_a_draft_stays_editable_and_its_totals_follow_its_lines(accountant, profile):
    draft = billing.create_invoice_from_service(service=completed_job(), user=accountant)
    line = draft.lines.get(position=3)
    line.quantity = D("1")  # 10.005 -15 % = 8.50425 -> 8.504
    line.save()
    assert line.total_ht == D("8.504")
    billing.refresh_invoice_totals(invoice=draft)
    assert draft.total_ht == D("207.809") - D("25.513") + D("8.504")
    Invoice.objects.filter(pk=draft.pk).update(notes="ok")


def test_bulk_issue_numbers_in_creation_order_and_reports_refusals(accountant, profile):
    drafts = [billing.create_invoice_from_service(service=completed_job(), user=accountant) for _ in range(3)]
    issued_one = billing.issue_invoice(invoice=drafts[1], user=accountant)
    done, refusals = billing.issue_invoices(invoices=list(reversed(drafts)), user=accountant)
    assert [i.number for i in done] == [f"F-{YEAR}-00002", f"F-{YEAR}-00003"]
    assert [i.pk for i in done] == [drafts[0].pk, drafts[2].pk]
    assert len(refusals) == 1 and issued_one.number in refusals[0] and "a changé entre-temps" in refusals[0]


def test_a_stale_draft_copy_cannot_overwrite_an_invoice_issued_meanwhile(accountant, profile):
    draft = billing.create_invoice_from_service(service=completed_job(), user=accountant)
    stale = Invoice.objects.get(pk=draft.pk)
    issued = billing.issue_invoice(invoice=draft, user=accountant)
    stale.customer_name = "Falsifié"
    with pytest.raises(LockedError, match="avoir"), transaction.atomic():  # the refused UPDATE rolls its block back
        stale.save()
    fresh = Invoice.objects.get(pk=draft.pk)
    assert (fresh.customer_name, fresh.status, fresh.number) == (issued.customer_name, "issued", issued.number)
    assert fresh.history.count() == 2  # created, issued: nothing recorded for the refused write


def test_issuing_recomputes_the_totals_from_the_lines_in_the_same_audited_write(accountant, profile):
    draft = billing.create_invoice_from_service(service=completed_job(), user=accountant)
    line = draft.lines.get(position=3)
    line.quantity = D("1")  # 10.005 -15 % = 8.50425 -> 8.504, totals not refreshed by hand
    line.save()
    issued = billing.issue_invoice(invoice=draft, user=accountant)
    expected_ht = D("207.809") - D("25.513") + D("8.504")
    assert issued.total_ht == expected_ht and Invoice.objects.get(pk=draft.pk).total_ht == expected_ht
    latest = issued.history.first()
    assert (latest.status, latest.total_ht, latest.history_user) == ("issued", expected_ht, accountant)


# Counted inside the test's transaction: each operation's atomic block adds a SAVEPOINT and its RELEASE
# (two queries that a real request, in autocommit, does not run). The user's permissions are already
# cached on the user object, as they are for the rest of a request. Twelve lines show the count does not
# grow with the invoice.
QUERIES_TO_CREATE_A_DRAFT = (
    13  # lock+job, items, open invoices, job update+history (savepoint), profile, invoice+history, lines
)
QUERIES_TO_ISSUE = 8  # lock+invoice, lines, profile (frozen into the invoice), next number, update, history
QUERIES_TO_RECORD_A_PAYMENT = 7  # lock+invoice, update, history, payment, payment history


def test_billing_one_invoice_runs_a_fixed_number_of_queries(
    accountant, profile, django_assert_max_num_queries, django_assert_num_queries
):
    service = completed_job(lines=MIXED_LINES * 3)
    assert accountant.has_perm("workshop.issue_invoice")  # loads the permission cache
    with django_assert_max_num_queries(QUERIES_TO_CREATE_A_DRAFT):
        draft = billing.create_invoice_from_service(service=service, user=accountant)
    with django_assert_max_num_queries(QUERIES_TO_ISSUE):
        issued = billing.issue_invoice(invoice=draft, user=accountant)
    with django_assert_max_num_queries(QUERIES_TO_RECORD_A_PAYMENT):
        billing.record_payment(invoice=issued, user=accountant, amount=issued.net_to_pay, method="card")
    assert (issued.number, issued.status, issued.lines.count()) == (f"F-{YEAR}-00001", "paid", 12)


@pytest.mark.concurrency
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_twenty_invoices_issued_at_once_get_twenty_consecutive_numbers(committed_accountant):
    drafts = [
        billing.create_invoice_from_service(service=completed_job(), user=committed_accountant) for _ in range(20)
    ]
    numbers = succeeded(
        at_once(lambda invoice: billing.issue_invoice(invoice=invoice, user=committed_accountant).number, drafts)
    )
    assert sorted(numbers) == [f"F-{YEAR}-{n:05d}" for n in range(1, 21)]
    assert Invoice.objects.filter(status="issued").count() == 20


def _waits_on_a_lock(pid: int, timeout: float = 10.0) -> bool:
    """True once PostgreSQL shows backend `pid` blocked on a lock (pg_stat_activity), not merely still running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cursor.fetchone()
        if row and row[0] == "Lock":
            return True
        time.sleep(0.02)
    return False


@pytest.mark.concurrency
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_a_line_added_while_the_draft_is_being_issued_waits_and_is_refused(committed_accountant):
    draft = billing.create_invoice_from_service(service=completed_job(), user=committed_accountant)
    issuing_holds_the_lock, editor_connected, outcome = threading.Event(), threading.Event(), {}

    def add_line():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            outcome["pid"] = cursor.fetchone()[0]
        editor_connected.set()
        issuing_holds_the_lock.wait()
        try:
            InvoiceLine(invoice_id=draft.pk, description="Ajout tardif", quantity=1, unit_price=10).save()
            outcome["line"] = "saved"
        except LockedError as error:
            outcome["line"] = str(error)
        finally:
            connection.close()

    editor = threading.Thread(target=add_line)
    editor.start()
    with transaction.atomic():
        Invoice.objects.select_for_update().get(pk=draft.pk)  # what issuing does first
        assert editor_connected.wait(timeout=10)
        issuing_holds_the_lock.set()
        assert _waits_on_a_lock(outcome["pid"]), "the line edit must wait for the issuing transaction's row lock"
        assert editor.is_alive() and "line" not in outcome
        issued = billing.issue_invoice(invoice=draft, user=committed_accountant)
    editor.join(timeout=10)
    assert "Une facture émise ne peut être ni modifiée" in outcome["line"]
    assert issued.lines.count() == InvoiceLine.objects.filter(invoice=draft).count()


@pytest.mark.concurrency
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_six_parallel_invoicings_of_one_job_make_one_invoice(committed_accountant):
    """Finding 2: after the lock, the "already billed" check read the snapshot taken before it, and the job's
    new « Facturé » status fell into the re-billing branch: 6 clicks made 6 drafts."""
    service = completed_job()
    barrier = threading.Barrier(6)
    outcomes = []

    def bill():
        try:
            copy = Service.objects.get(pk=service.pk)  # each click's own page
            barrier.wait()
            billing.create_invoice_from_service(service=copy, user=committed_accountant)
            outcomes.append("created")
        except TransitionRefused as exc:
            outcomes.append(" ".join(exc.messages))
        except Exception as exc:
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=bill) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refusal = f"L'ordre {service.reference} a déjà une facture en cours."
    assert sorted(outcomes) == sorted(["created"] + [refusal] * 5)
    assert Invoice.objects.filter(service=service).count() == 1
    assert Service.objects.get(pk=service.pk).status == Service.Status.INVOICED


def test_billing_a_job_whose_draft_exists_is_refused_even_from_a_stale_copy(accountant, profile):
    service = completed_job()
    stale = Service.objects.get(pk=service.pk)
    billing.create_invoice_from_service(service=service, user=accountant)
    with pytest.raises(TransitionRefused, match="déjà une facture en cours"):
        billing.create_invoice_from_service(service=stale, user=accountant)
    assert Invoice.objects.filter(service=service).count() == 1
