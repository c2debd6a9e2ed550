"""workshop.approvals.decisions: each line's answer as evidence, and its effects on the job's state, its invoice
and the follow-up of declined work."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests import factories as f
from workshop import billing, workflows
from workshop.approvals import links
from workshop.approvals.decisions import decide
from workshop.models import ApprovalLink, LineDecision, Service, ServiceItem
from workshop.notifications.reminders_due import declined_lines_due, declined_work_due
from workshop.workflows import TransitionRefused

pytestmark = pytest.mark.django_db
A = LineDecision.Actor


def by_link(service, answers, *, link=None, **extra):
    link = link or links.issue_link(service=service)
    evidence = {"signed_name": "Mohamed Ben Ali", "ip_address": "197.0.0.7", "user_agent": "Mozilla/5.0 (Android)"}
    return decide(service=service, answers=answers, actor=A.CUSTOMER_LINK, link=link, **{**evidence, **extra})


def lines(service):
    return list(service.items.order_by("id"))


def test_the_customer_approves_every_line_and_the_job_is_accepted_with_the_evidence():
    service = f.estimate_awaiting_answer(items=2)
    first, second = lines(service)
    link = links.issue_link(service=service)
    saved = by_link(service, {first.pk: "approved", second.pk: "approved"}, link=link)
    assert saved.status == Service.Status.APPROVED and saved.approved_at is not None
    evidence = LineDecision.objects.filter(service=service).order_by("item_id")
    assert [(e.decision, e.actor, e.signed_name, e.ip_address, e.link_id) for e in evidence] == [
        ("approved", A.CUSTOMER_LINK, "Mohamed Ben Ali", "197.0.0.7", link.pk)
    ] * 2
    assert evidence[0].user_agent == "Mozilla/5.0 (Android)" and evidence[0].total_ttc == first.total_ttc
    link.refresh_from_db()
    assert link.used_at is not None
    last = service.history.latest("history_date")
    assert last.status == "approved" and last.history_user is None  # no app account: the evidence names the signer
    assert "Mohamed Ben Ali" in last.history_change_reason


def test_the_customers_app_account_is_the_acting_user():
    customer = f.app_customer()
    service = f.estimate_awaiting_answer(items=1, car=f.CarFactory(owner=customer))
    (line,) = lines(service)
    decide(service=service, answers={line.pk: "approved"}, actor=A.CUSTOMER_APP, user=customer.user)
    assert service.history.latest("history_date").history_user == customer.user
    assert LineDecision.objects.get().user == customer.user


def test_a_declined_line_stays_on_the_job_out_of_its_totals_and_invoice(superuser):
    service = f.estimate_awaiting_answer(items=2, item_fields={"unit_price": Decimal("100.000")})
    keep, refuse = lines(service)
    by_link(service, {keep.pk: "approved", refuse.pk: "declined"})
    service.refresh_from_db()
    assert service.status == Service.Status.APPROVED
    assert service.total_ttc == keep.total_ttc == Decimal("119.000")
    assert service.items.count() == 2
    Service.objects.filter(pk=service.pk).update(status=Service.Status.COMPLETED)
    service.refresh_from_db()
    invoice = billing.create_invoice_from_service(service=service, user=superuser)
    assert [line.description for line in invoice.lines.all()] == [keep.description]
    assert invoice.total_ttc == Decimal("119.000") and invoice.net_to_pay == Decimal("120.000")


def test_every_line_declined_leaves_the_estimate_waiting():
    service = f.estimate_awaiting_answer(items=2)
    first, second = lines(service)
    assert by_link(service, {first.pk: "declined", second.pk: "declined"}).status == Service.Status.DIAGNOSED


def test_a_recommended_line_need_not_be_answered_and_is_not_billed_unanswered(superuser):
    service = f.estimate_awaiting_answer(items=2)
    required, recommended = lines(service)
    ServiceItem.objects.filter(pk=recommended.pk).update(recommended=True)
    customer = f.app_customer()
    Service.objects.filter(pk=service.pk).update(customer=customer)
    service.refresh_from_db()
    saved = decide(service=service, answers={required.pk: "approved"}, actor=A.CUSTOMER_APP, user=customer.user)
    assert saved.status == Service.Status.APPROVED
    Service.objects.filter(pk=service.pk).update(status=Service.Status.COMPLETED)
    invoice = billing.create_invoice_from_service(service=Service.objects.get(pk=service.pk), user=superuser)
    assert [line.description for line in invoice.lines.all()] == [required.description]


def test_lines_of_another_job_are_refused_and_nothing_changes():
    service, other = f.estimate_awaiting_answer(items=1), f.estimate_awaiting_answer(items=1)
    (mine,), (theirs,) = lines(service), lines(other)
    with pytest.raises(ValidationError, match="n'appartiennent pas"):
        by_link(service, {mine.pk: "approved", theirs.pk: "approved"})
    assert not LineDecision.objects.exists()
    assert set(ServiceItem.objects.values_list("decision", flat=True)) == {"proposed"}


def test_a_line_changed_since_it_was_shown_is_refused():
    service = f.estimate_awaiting_answer(items=1)
    (line,) = lines(service)
    shown = line.terms()
    line.unit_price = Decimal("150.000")
    line.save()
    with pytest.raises(ValidationError, match="a changé"):
        by_link(service, {line.pk: "approved"}, terms={line.pk: shown})
    assert by_link(service, {line.pk: "approved"}, terms={line.pk: line.terms()}).status == "approved"


def test_a_used_link_cannot_answer_again_and_a_customer_cannot_change_an_answer():
    service = f.estimate_awaiting_answer(items=2)
    first, second = lines(service)
    link = links.issue_link(service=service)
    by_link(service, {first.pk: "declined", second.pk: "declined"}, link=link)
    with pytest.raises(ValidationError, match="plus valable"):
        by_link(service, {first.pk: "approved"}, link=link)
    with pytest.raises(ValidationError, match="déjà reçu"):
        by_link(service, {first.pk: "approved"})


def test_the_link_asks_an_answer_for_every_line_and_a_typed_name():
    service = f.estimate_awaiting_answer(items=2)
    first, _second = lines(service)
    with pytest.raises(ValidationError, match="chaque ligne"):
        by_link(service, {first.pk: "approved"})
    with pytest.raises(ValidationError, match="nom"):
        by_link(service, {first.pk: "approved"}, signed_name=" ")
    with pytest.raises(ValidationError, match="Réponse inconnue"):
        by_link(service, {first.pk: "maybe"})


def test_the_adviser_records_a_phone_answer_and_a_mechanic_may_not(adviser, mechanic):
    service = f.estimate_awaiting_answer(items=1)
    (line,) = lines(service)
    with pytest.raises(TransitionRefused):
        decide(service=service, answers={line.pk: "approved"}, actor=A.ADVISER_PHONE, user=mechanic)
    saved = decide(service=service, answers={line.pk: "approved"}, actor=A.ADVISER_PHONE, user=adviser)
    assert saved.status == Service.Status.APPROVED
    assert LineDecision.objects.get().actor == A.ADVISER_PHONE
    assert service.history.latest("history_date").history_user == adviser


def test_the_advisers_accord_button_approves_the_lines_still_proposed(adviser):
    service = f.estimate_awaiting_answer(items=2)
    first, second = lines(service)
    decide(service=service, answers={first.pk: "declined"}, actor=A.ADVISER_PHONE, user=adviser)
    links.issue_link(service=service)
    workflows.transition_service(service=service, name="approve", user=adviser)
    assert [line.decision for line in lines(service)] == ["declined", "approved"]
    counter = LineDecision.objects.get(actor=A.ADVISER_COUNTER)
    assert (counter.item_id, counter.user) == (second.pk, adviser)
    assert not any(link.is_live for link in ApprovalLink.objects.filter(service=service))


def test_a_changed_line_after_approval_is_asked_again_alone_and_billed_once_answered(superuser, adviser):
    service = f.estimate_awaiting_answer(items=3)
    unchanged, changed, extra = lines(service)
    ServiceItem.objects.filter(pk=extra.pk).update(recommended=True)
    by_link(service, {unchanged.pk: "approved", changed.pk: "approved", extra.pk: "approved"})
    changed.refresh_from_db()
    changed.quantity = Decimal("2.000")
    changed.save()
    extra.refresh_from_db()
    extra.quantity = Decimal("3.000")
    extra.save()
    assert [line.decision for line in lines(service)] == ["approved", "proposed", "proposed"]
    Service.objects.filter(pk=service.pk).update(status=Service.Status.COMPLETED)
    completed = Service.objects.get(pk=service.pk)
    with pytest.raises(TransitionRefused, match="attendent encore la réponse du client"):
        billing.create_invoice_from_service(service=completed, user=superuser)
    decide(service=completed, answers={changed.pk: "approved"}, actor=A.ADVISER_PHONE, user=adviser)
    invoice = billing.create_invoice_from_service(service=completed, user=superuser)
    # the recommended line left unanswered is not billed
    assert [line.description for line in invoice.lines.all()] == [unchanged.description, changed.description]


def test_a_line_decision_is_never_changed_nor_deleted():
    service = f.estimate_awaiting_answer(items=1)
    (line,) = lines(service)
    by_link(service, {line.pk: "approved"})
    evidence = LineDecision.objects.get()
    with pytest.raises(ValueError):
        evidence.save()
    with pytest.raises(ValueError):
        evidence.delete()


def test_a_job_no_longer_open_takes_no_answer(adviser):
    service = f.service_in_state(Service.Status.INVOICED, items=1)
    (line,) = lines(service)
    with pytest.raises(TransitionRefused, match="n'attend plus"):
        decide(service=service, answers={line.pk: "approved"}, actor=A.ADVISER_PHONE, user=adviser)


def test_a_declined_line_is_reminded_once_after_the_delay(settings):
    settings.ECAR_DECLINED_WORK_REMINDER_DAYS = 30
    service = f.estimate_awaiting_answer(items=2)
    keep, refuse = lines(service)
    by_link(service, {keep.pk: "approved", refuse.pk: "declined"})
    decided = timezone.make_aware(datetime.combine(date(2026, 10, 2), time(10)))
    ServiceItem.objects.filter(pk=refuse.pk).update(decided_at=decided)
    assert not declined_lines_due(on=date(2026, 10, 31)).exists()
    assert list(declined_lines_due(on=date(2026, 11, 1))) == [refuse]
    (due,) = declined_work_due(on=date(2026, 11, 1))
    assert (due.service_id, due.due_date, due.context["work"]) == (service.pk, date(2026, 10, 2), [refuse.description])
    assert not declined_lines_due(on=date(2026, 12, 2)).exists()  # older than two delays
    f.ServiceFactory(car=service.car, received_at=decided + timedelta(days=5))  # the car came back
    assert not declined_lines_due(on=date(2026, 11, 1)).exists()
