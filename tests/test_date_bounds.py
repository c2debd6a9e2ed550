"""Every date a person types stays in a sane range: tests/corpus/dates.txt replayed against the shared
validator, the payment dialog, the billing functions, the models and the database's check constraints."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date

from tests import factories as f
from workshop import billing
from workshop.models import Car, Invoice, Payment, Service
from workshop.validators import validate_past_date, validate_planned_date

S = Service.Status


def corpus() -> list[tuple[str, str, str]]:
    rows = []
    for line in (Path(__file__).parent / "corpus" / "dates.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            value, past, planned = line.rsplit(None, 2)
            rows.append((value.strip(), past, planned))
    return rows


CORPUS = corpus()


def typed(value: str) -> str:
    """`today+2` -> the ISO date the test day gives; anything else as written."""
    if value.startswith("today"):
        offset = int(value[5:] or 0)
        return (timezone.localdate() + timedelta(days=offset)).isoformat()
    return value


def parsed(value: str) -> date | None:
    """As the French form reads it: ISO or dd/mm/yyyy."""
    text = typed(value)
    try:
        return parse_date(text) or datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None


def test_the_corpus_has_both_kinds_of_verdict():
    assert {past for _, past, _ in CORPUS} == {"accept", "refuse", "invalid"}
    assert len(CORPUS) == 20


@pytest.mark.parametrize(("value", "past", "planned"), CORPUS)
def test_shared_validators_follow_the_corpus(value, past, planned):
    day = parsed(value)
    if past == "invalid":
        assert day is None
        return
    for validator, verdict in ((validate_past_date, past), (validate_planned_date, planned)):
        if verdict == "accept":
            validator(day)
        else:
            with pytest.raises(ValidationError) as refused:
                validator(day)
            assert "Date hors de la plage acceptée" in refused.value.messages[0]
            assert "01/01/2000" in refused.value.messages[0]


def test_the_refusal_names_the_date_and_the_range(settings):
    with pytest.raises(ValidationError) as refused:
        validate_past_date(date(9999, 12, 31))
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    assert refused.value.messages == [
        f"Date hors de la plage acceptée : 31/12/9999. Attendu entre le 01/01/2000 et le {tomorrow}."
    ]


def test_an_aware_datetime_is_judged_by_its_local_date():
    """23:30 UTC on the last accepted day is already the next day in Tunis (UTC+1): refused."""
    last = timezone.localdate() + timedelta(days=1)
    validate_past_date(timezone.make_aware(datetime.combine(last, datetime.min.time())))
    with pytest.raises(ValidationError):
        validate_past_date(datetime.combine(last, datetime.min.time(), tzinfo=UTC) + timedelta(hours=23, minutes=30))


def _issued_invoice(accountant):
    f.WorkshopProfileFactory()
    invoice = billing.create_invoice_from_service(service=f.service_in_state(S.COMPLETED), user=accountant)
    return billing.issue_invoice(invoice=invoice, user=accountant)


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "past", "planned"), CORPUS)
def test_payment_dialog_follows_the_corpus(login, accountant, value, past, planned):
    invoice = _issued_invoice(accountant)
    url = reverse("admin:workshop_invoice_change", args=[invoice.pk]).removesuffix("change/") + "record-payment/"
    response = login(accountant).post(
        url,
        {
            "_form_submitted": "1",
            "expected_status": "issued",
            "amount": "1",
            "method": "cash",
            "payment_date": typed(value),
        },
    )
    if past == "accept":
        assert Payment.objects.get(invoice=invoice).date == parsed(value)
    else:
        # An invalid dialog form is drawn again with its errors (200: htmx swaps only successful answers).
        assert response.status_code == 200
        body = response.content.decode()
        expected = "Saisissez une date valide" if past == "invalid" else "Date hors de la plage acceptée"
        assert expected in body
        assert not Payment.objects.filter(invoice=invoice).exists()
        invoice.refresh_from_db()
        assert invoice.amount_paid == 0


@pytest.mark.django_db
@pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 12, 31)])
def test_billing_functions_refuse_dates_out_of_range(accountant, day):
    invoice = _issued_invoice(accountant)
    with pytest.raises(ValidationError) as refused:
        billing.record_payment(invoice=invoice, user=accountant, amount="1", payment_date=day)
    assert "payment_date" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        billing.create_credit_note(invoice=invoice, user=accountant, reason="Erreur", issue_date=day)
    assert "issue_date" in refused.value.message_dict
    draft = billing.create_invoice_from_service(service=f.service_in_state(S.COMPLETED), user=accountant)
    with pytest.raises(ValidationError) as refused:
        billing.issue_invoice(invoice=draft, user=accountant, issue_date=day)
    assert "issue_date" in refused.value.message_dict
    assert Invoice.objects.get(pk=draft.pk).status == "draft"
    assert not invoice.payments.exists() and not invoice.credit_notes.exists()


@pytest.mark.django_db
def test_job_and_car_forms_refuse_dates_out_of_range():
    service = f.ServiceFactory()
    service.received_at = datetime(1, 1, 1, tzinfo=UTC)
    service.promised_at = timezone.now() + timedelta(days=400)
    with pytest.raises(ValidationError) as refused:
        service.full_clean()
    assert {"received_at", "promised_at"} <= set(refused.value.message_dict)
    car = f.CarFactory(next_service_date=timezone.localdate() + timedelta(days=30))
    car.next_service_date = date(9999, 12, 31)
    with pytest.raises(ValidationError) as refused:
        car.full_clean()
    assert "next_service_date" in refused.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "field", "value"),
    [
        (lambda: f.CarFactory(), "next_service_date", date(1, 1, 1)),
        (lambda: f.CarFactory(), "next_service_date", date(9999, 12, 31)),
        (lambda: f.ServiceFactory(), "received_at", datetime(1, 1, 1, tzinfo=UTC)),
        (lambda: f.ServiceFactory(), "promised_at", datetime(9999, 12, 31, tzinfo=UTC)),
        (lambda: f.InvoiceFactory(), "issue_date", date(9999, 12, 31)),
    ],
)
def test_the_database_refuses_dates_out_of_range_whatever_the_path(make, field, value):
    row = make()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(row).objects.filter(pk=row.pk).update(**{field: value})


@pytest.mark.django_db
def test_the_database_refuses_a_payment_dated_year_one(accountant):
    invoice = _issued_invoice(accountant)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.bulk_create([Payment(invoice=invoice, date=date(1, 1, 1), amount=1, method="cash")])
    assert Car.objects.count() == 1
