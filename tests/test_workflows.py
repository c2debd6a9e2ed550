"""Service workflow: every transition allowed and refused per role, conditions, effects, locking."""

import threading
from datetime import date

import pytest
from django.db import connection
from django_fsm import ConcurrentTransition

from tests import factories as f
from workshop import billing, workflows
from workshop.models import Car, LockedError, Notification, Service, ServiceItem
from workshop.workflows import TransitionRefused, transition_service

pytestmark = pytest.mark.django_db
S = Service.Status
ROLES = ("manager", "adviser", "mechanic", "accountant")
# transition: (source state, roles that may fire it on a job assigned to the `mechanic` fixture)
SERVICE_MATRIX = {
    "diagnose": (S.RECEIVED, {"manager", "adviser", "mechanic"}),
    "approve": (S.DIAGNOSED, {"manager", "adviser"}),
    "start": (S.APPROVED, {"manager", "adviser", "mechanic"}),
    "wait_for_parts": (S.IN_PROGRESS, {"manager", "adviser", "mechanic"}),
    "resume": (S.WAITING_PARTS, {"manager", "adviser", "mechanic"}),
    "complete": (S.IN_PROGRESS, {"manager", "adviser", "mechanic"}),
    "deliver": (S.INVOICED, {"manager", "adviser"}),
    "cancel": (S.RECEIVED, {"manager", "adviser"}),
}
TARGETS = {
    "diagnose": S.DIAGNOSED,
    "approve": S.APPROVED,
    "start": S.IN_PROGRESS,
    "wait_for_parts": S.WAITING_PARTS,
    "resume": S.IN_PROGRESS,
    "complete": S.COMPLETED,
    "deliver": S.DELIVERED,
    "cancel": S.CANCELLED,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(SERVICE_MATRIX))
def test_each_transition_is_allowed_or_refused_per_role(request, name, role):
    source, allowed = SERVICE_MATRIX[name]
    user = request.getfixturevalue(role)
    mechanic = request.getfixturevalue("mechanic")
    service = f.service_in_state(source, mechanic=mechanic)
    if role in allowed:
        moved = transition_service(service=service, name=name, user=user)
        assert moved.status == TARGETS[name]
        assert Service.objects.get(pk=service.pk).status == TARGETS[name]
    else:
        with pytest.raises(TransitionRefused) as refused:
            transition_service(service=service, name=name, user=user)
        assert refused.value.code == "forbidden"
        assert "Votre rôle ne permet pas" in refused.value.messages[0]
        assert Service.objects.get(pk=service.pk).status == source


@pytest.mark.parametrize("role", ROLES)
def test_invoicing_a_job_is_for_accountants_and_managers(request, role, mechanic):
    user = request.getfixturevalue(role)
    f.WorkshopProfileFactory()
    service = f.service_in_state(S.COMPLETED, mechanic=mechanic)
    if role in {"manager", "accountant"}:
        invoice = billing.create_invoice_from_service(service=service, user=user)
        assert invoice.status == "draft"
        assert Service.objects.get(pk=service.pk).status == S.INVOICED
    else:
        with pytest.raises(TransitionRefused):
            billing.create_invoice_from_service(service=service, user=user)
        assert Service.objects.get(pk=service.pk).status == S.COMPLETED


@pytest.mark.parametrize("role", ROLES)
def test_discarding_a_draft_reopens_the_job_for_accountants_and_managers(request, role, accountant):
    user = request.getfixturevalue(role)
    service = f.service_in_state(S.COMPLETED)
    invoice = billing.create_invoice_from_service(service=service, user=accountant)
    if role in {"manager", "accountant"}:
        billing.discard_draft_invoice(invoice=invoice, user=user)
        assert Service.objects.get(pk=service.pk).status == S.COMPLETED
        assert not service.invoices.exists()
    else:
        with pytest.raises(TransitionRefused):
            billing.discard_draft_invoice(invoice=invoice, user=user)
        assert Service.objects.get(pk=service.pk).status == S.INVOICED


def test_a_mechanic_moves_only_the_jobs_assigned_to_them(mechanic):
    other = f.UserFactory(username="autre-meca", role="Mécanicien")
    service = f.service_in_state(S.APPROVED, mechanic=other)
    with pytest.raises(TransitionRefused) as refused:
        transition_service(service=service, name="start", user=mechanic)
    assert refused.value.code == "forbidden"


@pytest.mark.parametrize(
    ("state", "name"),
    [
        (S.RECEIVED, "approve"),
        (S.DIAGNOSED, "start"),
        (S.APPROVED, "complete"),
        (S.COMPLETED, "deliver"),
        (S.COMPLETED, "cancel"),
        (S.INVOICED, "cancel"),
        (S.DELIVERED, "cancel"),
        (S.CANCELLED, "diagnose"),
        (S.WAITING_PARTS, "complete"),
    ],
)
def test_a_transition_from_the_wrong_state_is_refused_and_changes_nothing(manager, state, name):
    service = f.service_in_state(state, mechanic=manager)
    with pytest.raises(TransitionRefused) as refused:
        transition_service(service=service, name=name, user=manager)
    assert refused.value.code == "state"
    assert "impossible" in refused.value.messages[0]
    assert Service.objects.get(pk=service.pk).status == state


def test_cancel_is_possible_from_every_state_before_completion(manager):
    for state in Service.CANCELLABLE_STATUSES:
        service = f.service_in_state(state)
        moved = transition_service(service=service, name="cancel", user=manager, reason="Client injoignable")
        assert moved.status == S.CANCELLED
        assert moved.cancelled_at is not None
        assert moved.cancellation_reason == "Client injoignable"


def test_no_estimate_nor_approval_without_an_item(adviser):
    service = f.ServiceFactory()
    with pytest.raises(TransitionRefused) as refused:
        transition_service(service=service, name="diagnose", user=adviser)
    assert refused.value.code == "condition"
    assert "au moins une ligne" in refused.value.messages[0]
    diagnosed = f.service_in_state(S.DIAGNOSED, items=0)
    with pytest.raises(TransitionRefused, match="au moins une ligne"):
        transition_service(service=diagnosed, name="approve", user=adviser)


def test_no_start_nor_completion_with_an_unassigned_mechanic(adviser):
    approved = f.service_in_state(S.APPROVED)
    with pytest.raises(TransitionRefused, match="Affectez un mécanicien"):
        transition_service(service=approved, name="start", user=adviser)
    in_progress = f.service_in_state(S.IN_PROGRESS)
    with pytest.raises(TransitionRefused, match="Affectez un mécanicien"):
        transition_service(service=in_progress, name="complete", user=adviser)
    assert Service.objects.get(pk=in_progress.pk).status == S.IN_PROGRESS


def test_no_invoicing_of_a_job_with_nothing_to_bill(accountant):
    service = f.service_in_state(S.COMPLETED, items=0)
    f.ServiceItemFactory(service=service, unit_price=0)
    with pytest.raises(TransitionRefused, match="Rien à facturer"):
        billing.create_invoice_from_service(service=service, user=accountant)
    assert not service.invoices.exists()


def test_diagnosis_tells_the_customer_the_estimate_by_sms(adviser):
    service = f.ServiceFactory()
    f.ServiceItemFactory(service=service, unit_price="100.000")
    moved = transition_service(service=service, name="diagnose", user=adviser)
    assert moved.diagnosed_at is not None
    notification = Notification.objects.get(service=service)
    assert notification.event == Notification.Event.ESTIMATE_READY
    assert notification.channel == Notification.Channel.SMS
    assert notification.recipient == service.customer.phone
    assert service.car.plate in notification.message
    assert "119,000" in notification.message


def test_completion_updates_the_mileage_stamps_the_time_and_says_the_car_is_ready(mechanic):
    service = f.service_in_state(S.IN_PROGRESS, mechanic=mechanic, mileage_in=120_000)
    Car.objects.filter(pk=service.car_id).update(mileage=100_000)
    moved = transition_service(service=service, name="complete", user=mechanic)
    assert moved.completed_at is not None
    assert Car.objects.get(pk=service.car_id).mileage == 120_000
    assert Notification.objects.filter(service=service, event=Notification.Event.CAR_READY).count() == 1


def test_a_customer_without_consent_gets_no_notification(adviser):
    customer = f.CustomerFactory(sms_consent=False, email_consent=False)
    service = f.ServiceFactory(car__owner=customer)
    f.ServiceItemFactory(service=service)
    transition_service(service=service, name="diagnose", user=adviser)
    assert not Notification.objects.exists()


def test_each_step_stamps_its_time(manager):
    service = f.service_in_state(S.RECEIVED, mechanic=manager)
    for name, stamp in [("diagnose", "diagnosed_at"), ("approve", "approved_at"), ("start", "started_at")]:
        service = transition_service(service=service, name=name, user=manager)
        assert getattr(service, stamp) is not None


def test_status_is_protected_from_direct_assignment():
    service = f.ServiceFactory()
    with pytest.raises(AttributeError):
        service.status = S.COMPLETED


def test_invoice_and_reopen_are_not_fired_directly(manager):
    service = f.service_in_state(S.COMPLETED)
    with pytest.raises(TransitionRefused, match="Transition inconnue"):
        transition_service(service=service, name="invoice", user=manager)


def test_a_stale_page_cannot_fire_on_a_state_nobody_looked_at(adviser, manager):
    service = f.service_in_state(S.RECEIVED, mechanic=manager)
    transition_service(service=service, name="cancel", user=manager)
    with pytest.raises(TransitionRefused) as refused:
        transition_service(service=service, name="diagnose", user=adviser, expected_status=S.RECEIVED)
    assert refused.value.code == "stale"
    assert "a changé entre-temps" in refused.value.messages[0]
    assert "Annulé" in refused.value.messages[0]


def test_a_save_from_a_stale_copy_is_refused_by_the_concurrent_transition_guard(manager):
    service = f.service_in_state(S.APPROVED, mechanic=manager)
    first, second = Service.objects.get(pk=service.pk), Service.objects.get(pk=service.pk)
    first.start()
    first.save()
    second.cancel()
    with pytest.raises(ConcurrentTransition):
        second.save()
    assert Service.objects.get(pk=service.pk).status == S.IN_PROGRESS


@pytest.mark.django_db(transaction=True)
def test_firing_on_an_already_locked_row_needs_the_callers_transaction(manager):
    service = f.service_in_state(S.APPROVED, mechanic=manager)
    with pytest.raises(RuntimeError, match="transaction"):
        workflows.fire(instance=service, name="start", user=manager, locked=True)
    assert Service.objects.get(pk=service.pk).status == S.APPROVED


def test_items_are_frozen_once_the_job_is_invoiced(accountant):
    service = f.service_in_state(S.COMPLETED, items=2)
    billing.create_invoice_from_service(service=service, user=accountant)
    item = service.items.first()
    item.quantity = 3
    with pytest.raises(LockedError, match="figées"):
        item.save()
    with pytest.raises(LockedError):
        item.delete()
    with pytest.raises(LockedError):
        ServiceItem(service=service, description="Ajout", unit_price=10).save()
    with pytest.raises(LockedError):
        ServiceItem.objects.filter(service=service).update(quantity=5)
    with pytest.raises(LockedError):
        ServiceItem.objects.filter(service=service).delete()
    assert service.items.count() == 2
    assert set(service.items.values_list("quantity", flat=True)) == {1}


def test_bulk_transition_moves_what_it_can_and_lists_the_refusals(manager):
    ready = f.service_in_state(S.APPROVED, mechanic=manager)
    blocked = f.service_in_state(S.APPROVED)  # no mechanic
    moved, refusals = workflows.transition_services(services=[ready, blocked], name="start", user=manager)
    assert [s.pk for s in moved] == [ready.pk]
    assert len(refusals) == 1 and blocked.reference in refusals[0]


def test_transitions_record_the_acting_user_and_the_reason_in_history(adviser):
    service = f.ServiceFactory()
    f.ServiceItemFactory(service=service)
    transition_service(service=service, name="diagnose", user=adviser)
    record = service.history.first()
    assert record.history_user == adviser
    assert record.status == S.DIAGNOSED
    assert record.history_change_reason == "Devis prêt"


pytestmark_pg = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")


@pytest.mark.concurrency
@pytestmark_pg
@pytest.mark.django_db(transaction=True)
def test_two_transitions_on_the_same_job_at_once_only_one_wins():
    from workshop.roles import sync_roles

    sync_roles()
    manager = f.UserFactory(username="gerant-c", role="Gérant")
    service = f.service_in_state(S.IN_PROGRESS, mechanic=manager)
    barrier = threading.Barrier(2)
    outcomes = {}

    def fire(name):
        try:
            barrier.wait()
            transition_service(service=service, name=name, user=manager, expected_status=S.IN_PROGRESS)
            outcomes[name] = "won"
        except TransitionRefused as exc:
            outcomes[name] = exc.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=fire, args=(name,)) for name in ("wait_for_parts", "complete")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()).count("won") == 1, outcomes
    loser = next(message for message in outcomes.values() if message != "won")
    assert "a changé entre-temps" in loser
    winner = next(name for name, outcome in outcomes.items() if outcome == "won")
    assert Service.objects.get(pk=service.pk).status == TARGETS[winner]


@pytest.mark.concurrency
@pytestmark_pg
@pytest.mark.django_db(transaction=True)
def test_parallel_stale_checks_reloads_and_issues_never_trip_over_the_protected_status(committed_accountant):
    """Finding 10: django-fsm lifted `protected` on the shared field while one thread reloaded, so another's
    reload raised "Direct status modification is not allowed" (a 500 on « Émettre » under a threaded server)."""
    drafts = [
        billing.create_invoice_from_service(service=f.service_in_state(S.COMPLETED), user=committed_accountant)
        for _ in range(8)
    ]
    barrier = threading.Barrier(len(drafts))
    errors, numbers = [], []

    def issue(invoice):
        try:
            barrier.wait()
            for _ in range(40):
                workflows.refuse_if_stale(invoice, "draft")
            numbers.append(
                billing.issue_invoice(invoice=invoice, user=committed_accountant, issue_date=date(2026, 3, 2)).number
            )
            for _ in range(40):
                invoice.refresh_from_db()
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(invoice,)) for invoice in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [f"F-2026-{n:05d}" for n in range(1, 9)]
