"""No price reaches a mechanic: no page he may open, PDFs included, prints an amount or a money label."""

import io
import re

import pytest
from django.apps import apps
from django.db.models import DecimalField
from django.urls import reverse
from pypdf import PdfReader

from tests.authorisation_expected import EXPECTED, expected_key, expected_status
from tests.authorisation_helpers import PAYMENT, admin_routes, logged_in, variants
from workshop.models import Refund
from workshop.money import format_tnd

MONEY_WORDS = re.compile(
    r"\bprix\b|\btotal\s+(?:HT|TTC|TVA|dû)\b|\bmontants?\b|\bmarge\b|\bco[uû]t\b|\bnet à payer\b|\bDT\b|"
    r"\btaux horaire\b|\bencaiss",
    re.IGNORECASE,
)


def _holds_dinars(field) -> bool:
    """Amounts are DecimalField(max_digits=14, decimal_places=3) (quantities have 12 digits)."""
    return isinstance(field, DecimalField) and (field.max_digits, field.decimal_places) == (14, 3)


def money_spellings(world) -> set[str]:
    """Every non-zero amount stored in the garage, as the pages may print it."""
    amounts = set()
    for model in apps.get_models():
        if model._meta.app_label != "workshop":
            continue
        fields = [field.attname for field in model._meta.concrete_fields if _holds_dinars(field)]
        for row in model._base_manager.values_list(*fields) if fields else ():
            amounts |= {value for value in row if value}
    spellings = set()
    for amount in amounts:
        plain = f"{amount:.3f}"
        spellings |= {plain, plain.replace(".", ","), format_tnd(amount).split("\xa0")[0]}
        whole, millimes = plain.split(".")
        grouped = f"{int(whole):,}".replace(",", "\u202f")
        spellings |= {f"{grouped},{millimes}", f"{grouped.replace(chr(0x202F), chr(0xA0))},{millimes}"}
    return {spelling for spelling in spellings if len(spelling) >= 5}


def response_text(response) -> str:
    """What the user reads: the page, the JSON, or the text of a PDF."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8")


def mechanic_pages(world):
    pages = []
    for route, name in admin_routes():
        if name is None or name == "admin:logout":
            continue
        for variant in variants(route, name):
            key = expected_key(name, variant)
            if key in EXPECTED and expected_status(key, "mecanicien", "GET") == 200:
                pages.append((key, world.url(route, name, variant)))
    return pages


@pytest.mark.django_db
def test_no_price_reaches_a_mechanic(world):
    spellings = money_spellings(world)
    assert {"92,815", "123,457", "246,914", "33,375", "71,625"} <= spellings, "the seeded amounts are looked for"
    client = logged_in(world, "mecanicien")
    pages = mechanic_pages(world)
    # His cancelled job: its timeline holds the counter-payment, the refund and the credit kept.
    refunded = world.refunded_job.pk
    pages += [
        ("service_change[refunded]", reverse("admin:workshop_service_change", args=[refunded])),
        ("service_history[refunded]", reverse("admin:workshop_service_history", args=[refunded])),
        ("service_timeline[refunded]", reverse("admin:workshop_service_timeline", args=[refunded])),
    ]
    assert len(pages) > 20 and any("service_change[own]" in key for key, _url in pages)
    assert any("service_timeline[own]" in key for key, _url in pages)
    leaks = []
    for key, url in pages:
        response = client.get(url)
        assert response.status_code == 200, key
        text = response_text(response)
        found = sorted({s for s in spellings if s in text}) + sorted(set(MONEY_WORDS.findall(text)))
        if found:
            leaks.append(f"{key}: {found[:5]}")
    assert leaks == []
    timeline = response_text(client.get(reverse("admin:workshop_service_timeline", args=[refunded])))
    assert "Paiement contre-passé" in timeline, "the scan saw the counter-payment in his job's timeline"
    assert str(Refund.Kind.REFUND.label) in timeline and str(Refund.Kind.CREDIT.label) in timeline


def test_the_money_detector_sees_what_a_price_page_shows():
    """The detector itself: amounts and money labels as the admin prints them are found."""
    page = f"<td>{format_tnd(PAYMENT)}</td><th>Prix de vente HT</th><th>total TTC</th>"
    assert MONEY_WORDS.findall(page) and "92,815" in page
