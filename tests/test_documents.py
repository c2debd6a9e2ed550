"""The PDFs read back: number, parties, totals, pages, Arabic text, and byte-for-byte reproducibility."""

import io
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from reports import documents
from tests import factories as f


def pdf_text(data: bytes) -> str:
    """pdftotext keeps the layout and shapes Arabic correctly; pypdf is the fallback."""
    if shutil.which("pdftotext"):
        return subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def profile(db):
    return f.WorkshopProfileFactory(bank_name="BIAT", invoice_footer="Merci de votre confiance.")


@pytest.fixture
def invoice(profile):
    customer = f.BusinessCustomerFactory(company_name="Transport Sahel SARL", address="5 rue de Sfax", city="Sousse")
    return f.IssuedInvoiceFactory(
        customer=customer,
        number="F-2026-00042",
        issue_date=date(2026, 3, 14),
        due_date=date(2026, 4, 13),
        lines=[
            {"description": "Plaquettes de frein", "quantity": "2", "unit_price": "85.500", "tva_rate": 19},
            {"description": "Main-d'œuvre freinage", "quantity": "1.5", "unit_price": "45.000", "tva_rate": 19},
            {"description": "Huile moteur 5W30", "quantity": "4", "unit_price": "12.250", "tva_rate": 7},
        ],
    )


def test_invoice_pdf_carries_every_mandatory_mention(invoice):
    # HT: 171.000 + 67.500 + 49.000 = 287.500; TVA 19 %: 238.500 -> 45.315; 7 %: 49.000 -> 3.430
    assert invoice.total_ht == Decimal("287.500")
    assert invoice.net_to_pay == Decimal("337.245")
    text = pdf_text(documents.invoice_pdf(invoice))
    for expected in (
        "Facture n° F-2026-00042",
        "14/03/2026",
        "13/04/2026",
        "Garage ECAR SARL",
        "1234567/A/B/M/000",
        "Transport Sahel SARL",
        "5 rue de Sfax",
        "Plaquettes de frein",
        "287,500",
        "45,315",
        "3,430",
        "336,245",
        "337,245",
        "Timbre fiscal",
        "trois cent trente-sept dinars et deux cent quarante-cinq millimes",
        "08 006 0123456789012 34",
        "à 30 jours",
        "Page 1 / 1",
    ):
        assert expected in text, expected


def test_issued_invoice_pdf_is_identical_every_time(invoice):
    first = documents.invoice_pdf(invoice)
    second = documents.invoice_pdf(invoice)
    assert first == second


def test_long_invoice_runs_over_pages_with_numbers_and_repeated_headers(profile):
    invoice = f.IssuedInvoiceFactory(
        lines=[{"description": f"Article n°{i}", "unit_price": "10.000"} for i in range(60)]
    )
    data = documents.invoice_pdf(invoice)
    pages = page_count(data)
    assert pages >= 2
    reader = PdfReader(io.BytesIO(data))
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} / {pages}" in text
        assert "Désignation" in text  # the table header repeats on every page
    assert "Article n°59" in pdf_text(data)
    assert "600,000" in pdf_text(data)


def test_arabic_customer_name_renders_with_arabic_glyphs(profile):
    customer = f.CustomerFactory(first_name="محمد", last_name="الطرابلسي", address="نهج الحبيب بورقيبة")
    invoice = f.IssuedInvoiceFactory(customer=customer)
    text = pdf_text(documents.invoice_pdf(invoice))
    assert "الطرابلسي" in text
    assert "بورقيبة" in text


def test_draft_invoice_is_marked_and_uses_the_current_profile(profile):
    invoice = f.InvoiceFactory(seller_name="", customer_name="")
    f.InvoiceLineFactory(invoice=invoice)
    data = documents.invoice_pdf(invoice)
    text = pdf_text(data)
    assert "BROUILLON" in PdfReader(io.BytesIO(data)).pages[0].extract_text()  # the rotated watermark
    assert "(brouillon)" in text
    assert profile.name in text
    assert invoice.customer.display_name in text


def test_many_invoices_in_one_pdf_keep_their_own_page_numbers(profile):
    invoices = [f.IssuedInvoiceFactory(number=f"F-2026-0010{i}") for i in range(3)]
    data = documents.invoices_pdf(invoices)
    assert page_count(data) == 3
    text = pdf_text(data)
    for invoice in invoices:
        assert f"Facture n° {invoice.number}" in text
    assert text.count("Page 1 / 1") == 3


def test_credit_note_pdf_refers_to_its_invoice(invoice):
    credit_note = f.IssuedCreditNoteFactory(invoice=invoice, number="AV-2026-00007", issue_date=date(2026, 3, 20))
    text = pdf_text(documents.credit_note_pdf(credit_note))
    assert "Avoir n° AV-2026-00007" in text
    assert "Sur facture n° F-2026-00042 du 14/03/2026" in text
    assert "Transport Sahel SARL" in text
    assert "337,245" in text
    assert documents.credit_note_pdf(credit_note) == documents.credit_note_pdf(credit_note)


def test_estimate_shows_lines_totals_and_approval_box(profile):
    service = f.ServiceFactory(diagnosis="Disques usés")
    f.ServiceItemFactory(service=service, description="Disque de frein", quantity="2", unit_price="120.000")
    service.refresh_from_db()
    text = pdf_text(documents.estimate_pdf(service))
    assert f"Devis n° {service.reference}" in text
    assert "Disque de frein" in text
    assert "240,000" in text  # HT
    assert "286,600" in text  # TTC 285.600 + stamp 1.000
    assert "Bon pour accord" in text


def test_job_card_shows_car_complaint_and_signatures_but_no_prices(profile):
    service = f.ServiceFactory(complaint="Bruit au freinage", car__plate="123 TU 4567", car__vin="VF3ABCDEF12345678")
    f.ServiceItemFactory(service=service, description="Contrôle des freins", unit_price="77.777")
    text = pdf_text(documents.job_card_pdf(service))
    assert f"Ordre de réparation n° {service.reference}" in text
    assert "123 TU 4567" in text
    assert "VF3ABCDEF12345678" in text
    assert "Bruit au freinage" in text
    assert "Contrôle des freins" in text
    assert "Signature du client" in text
    assert "77,777" not in text


@pytest.fixture
def clock(monkeypatch):
    """Move `time.time` forward on demand: what a render a day (or a second) later would see."""
    import time

    real_time = time.time
    offset = {"seconds": 0}
    monkeypatch.setattr(time, "time", lambda: real_time() + offset["seconds"])
    return offset


@pytest.fixture
def fonttools_subsetting(monkeypatch):
    """WeasyPrint's fallback when HarfBuzz-Subset is missing: fontTools, which stamps subset fonts with the clock."""
    from weasyprint.pdf import fonts

    monkeypatch.setattr(fonts, "harfbuzz_subset", None)


def test_fonttools_subset_fonts_carry_a_fixed_date_not_the_clock(invoice, fonttools_subsetting, clock, caplog):
    first = documents.invoice_pdf(invoice)
    clock["seconds"] = 86_400 + 1  # a day and a second later
    second = documents.invoice_pdf(invoice)
    assert "Using fontTools instead of HarfBuzz-Subset" in caplog.text  # the fallback really ran
    assert first == second


def test_pdf_is_the_same_after_renders_in_other_scripts_and_fonts(invoice, clock):
    """Whatever ran before (Arabic shaping, symbols, glyphs no font has) and whenever, an invoice prints the same."""
    first = documents.invoice_pdf(invoice)
    arabic = f.CustomerFactory(first_name="محمد", last_name="الطرابلسي", address="نهج الحبيب بورقيبة")
    other = f.IssuedInvoiceFactory(
        customer=arabic, lines=[{"description": "زيت محرك ™ ≥ ∑ Ω ĳ 中文", "unit_price": "10.000"}]
    )
    documents.invoice_pdf(other)
    documents.credit_note_pdf(f.IssuedCreditNoteFactory(invoice=other))
    clock["seconds"] = 3_601
    assert documents.invoice_pdf(invoice) == first


def test_start_up_check_warns_when_harfbuzz_subset_is_missing(monkeypatch):
    from weasyprint.text import ffi

    from reports import checks

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    warnings = checks.check_font_subsetting()
    assert [warning.id for warning in warnings] == ["reports.W001"]
    assert "libharfbuzz-subset0" in warnings[0].hint

    monkeypatch.setattr(checks, "harfbuzz_subset_available", lambda: True)
    assert checks.check_font_subsetting() == []


def _png(colour) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_issued_invoice_and_its_credit_note_print_what_was_frozen_at_issue(settings, tmp_path, accountant):
    from django.core.files.base import ContentFile

    from workshop import billing
    from workshop.models import Service

    settings.MEDIA_ROOT = tmp_path
    profile = f.WorkshopProfileFactory(
        bank_name="BIAT", email="contact@ecar.tn", invoice_footer="Merci de votre confiance."
    )
    profile.logo.save("logo.png", ContentFile(_png("red")))
    service = f.ServiceFactory(status=Service.Status.COMPLETED)
    f.ServiceItemFactory(service=service, description="Vidange", quantity="1", unit_price="100.000", tva_rate=19)
    invoice = billing.issue_invoice(
        invoice=billing.create_invoice_from_service(service=service, user=accountant), user=accountant
    )
    assert (invoice.seller_bank_name, invoice.seller_email, invoice.printed_footer) == (
        "BIAT",
        "contact@ecar.tn",
        "Merci de votre confiance.",
    )
    assert invoice.seller_logo.startswith("documents/logos/") and (tmp_path / invoice.seller_logo).read_bytes() == _png(
        "red"
    )
    note = billing.create_credit_note(invoice=invoice, user=accountant, reason="Annulation")
    before, note_before = documents.invoice_pdf(invoice), documents.credit_note_pdf(note)

    old_logo = tmp_path / profile.logo.name
    profile.bank_name, profile.email, profile.invoice_footer = "STB", "autre@ecar.tn", "Nouveau pied de page."
    profile.rib = "10 000 0000000000000 00"
    profile.logo.save("logo.png", ContentFile(_png("blue")))
    old_logo.unlink()  # the garage's old logo file is gone: the frozen copy still prints

    invoice.refresh_from_db()
    after = documents.invoice_pdf(invoice)
    assert after == before
    assert len(PdfReader(io.BytesIO(after)).pages[0].images) == 1  # the frozen logo, still printed
    text = pdf_text(after)
    assert "BIAT" in text and "Merci de votre confiance." in text and "contact@ecar.tn" in text
    assert "STB" not in text and "Nouveau pied de page." not in text and "autre@ecar.tn" not in text
    assert documents.credit_note_pdf(note) == note_before
    note_text = pdf_text(note_before)
    assert "Merci de votre confiance." in note_text and "Nouveau pied de page." not in note_text


def test_a_draft_follows_the_profile_until_it_is_issued(settings, tmp_path, accountant):
    from workshop import billing
    from workshop.models import Service

    settings.MEDIA_ROOT = tmp_path
    profile = f.WorkshopProfileFactory(bank_name="BIAT", invoice_footer="Pied 1")
    service = f.ServiceFactory(status=Service.Status.COMPLETED)
    f.ServiceItemFactory(service=service)
    draft = billing.create_invoice_from_service(service=service, user=accountant)
    profile.bank_name, profile.invoice_footer = "STB", "Pied 2"
    profile.save()
    assert "Pied 2" in pdf_text(documents.invoice_pdf(draft))
    issued = billing.issue_invoice(invoice=draft, user=accountant)
    assert (issued.seller_bank_name, issued.printed_footer) == ("STB", "Pied 2")  # frozen when issued


@pytest.mark.parametrize(
    ("prefix", "reference", "name"),
    [
        ("OR", "OR-2026-00219", "OR-2026-00219.pdf"),
        ("devis", "OR-2026-00219", "devis-OR-2026-00219.pdf"),
        ("facture", "F-2026-00077", "facture-F-2026-00077.pdf"),
        ("facture", None, "facture-brouillon.pdf"),
    ],
)
def test_document_file_names_never_repeat_their_prefix(prefix, reference, name):
    assert documents.pdf_filename(prefix, reference) == name


def test_an_invoice_billed_from_a_job_thanks_once_and_prints_phones_as_read(profile, accountant):
    invoice = f.billed_job(
        user=accountant,
        items=[{"quantity": "1", "unit_price": "100.000", "discount_percent": "0", "tva_rate": 19}],
        issue_date=date(2026, 3, 2),
        car__owner__phone="+21620123456",
    )
    text = " ".join(pdf_text(documents.invoice_pdf(invoice)).split())
    assert text.count("Merci de votre confiance.") == 1
    assert "+216 20 123 456" in text
    assert "+21620123456" not in text


def test_the_invoice_names_the_vehicle_it_was_frozen_with(profile, accountant):
    invoice = f.billed_job(
        user=accountant,
        items=[{"quantity": "1", "unit_price": "100.000", "discount_percent": "0", "tva_rate": 19}],
        issue_date=date(2026, 3, 2),
        car__plate="123 TU 4567",
        car__make="Renault",
        car__model="Clio",
        car__vin="VF1AB000123456789",
        mileage_in=98765,
    )
    invoice.service.car.plate = "200 TU 1"
    invoice.service.car.save()
    text = " ".join(pdf_text(documents.invoice_pdf(invoice)).split())
    assert "123 TU 4567" in text and "200 TU 1" not in text
    assert "Renault Clio" in text and "VF1AB000123456789" in text
    assert "98\u202f765 km" in text or "98 765 km" in text


def test_the_job_card_names_the_mechanic_and_prints_the_phone_as_the_invoice_does(profile):
    mechanic = f.UserFactory(username="hedi", first_name="Hédi", last_name="Mansour")
    named = f.ServiceFactory(mechanic=mechanic, car__owner__phone="+21620123456")
    text = " ".join(pdf_text(documents.job_card_pdf(named)).split())
    assert "Mécanicien : Hédi Mansour" in text and "hedi" not in text
    assert "+216 20 123 456" in text
    bare = f.ServiceFactory(mechanic=f.UserFactory(username="kais", first_name="", last_name=""))
    assert "Mécanicien : kais" in " ".join(pdf_text(documents.job_card_pdf(bare)).split())


def test_the_copy_of_an_accepted_e_invoice_carries_ttns_reference_and_qr_code(invoice):
    import segno
    from django.utils import timezone

    from workshop.models import EInvoice

    plain = documents.invoice_pdf(invoice)
    assert "facture électronique" not in pdf_text(plain)
    assert not [image for page in PdfReader(io.BytesIO(plain)).pages for image in page.images]
    qr = io.BytesIO()
    segno.make("0123456789ABCDEFGHIJ1234567").save(qr, kind="png", scale=4)
    record = f.EInvoiceFactory(invoice=invoice)
    EInvoice.objects.filter(pk=record.pk).update(
        status=EInvoice.Status.ACCEPTED,
        signed_xml=record.xml,
        ttn_reference="0123456789ABCDEFGHIJ1234567",
        ttn_date=timezone.make_aware(timezone.datetime(2026, 3, 14, 10, 30)),
        qr_png=qr.getvalue(),
    )
    data = documents.invoice_pdf(invoice)
    text = " ".join(pdf_text(data).split())
    assert (
        "Copie de la facture électronique enregistrée auprès de TTN sous la référence unique n° "
        "0123456789ABCDEFGHIJ1234567 le 14/03/2026 à 10:30" in text
    )
    images = [image for page in PdfReader(io.BytesIO(data)).pages for image in page.images]
    assert images, "the QR code is drawn"
