"""workshop.approvals.page: the public approval page, in French and Arabic, reached only by a signed link."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from tests import factories as f
from workshop.approvals import links
from workshop.models import LineDecision, Service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def estimate():
    f.WorkshopProfileFactory(phone="+216 71 555 000")
    customer = f.CustomerFactory(first_name="Mohamed", last_name="Ben Ali", preferred_language="fr")
    car = f.CarFactory(owner=customer, plate="123 TU 4567")
    service = f.estimate_awaiting_answer(items=2, car=car, item_fields={"unit_price": Decimal("100.000")})
    return service


def url(service):
    return "/devis/" + links.token_for(links.issue_link(service=service)) + "/"


def answer_form(service, **choices):
    data = {"signed_name": "Mohamed Ben Ali"}
    for item in service.items.order_by("id"):
        data[f"terms-{item.pk}"] = item.terms()
    data.update(choices)
    return data


def test_the_page_shows_the_garage_the_car_the_lines_and_the_total_with_stamp_in_french(client, estimate):
    response = client.get(url(estimate))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr" dir="ltr">' in page
    assert "Garage ECAR SARL" in page and "+216 71 555 000" in page and "123 TU 4567" in page
    for item in estimate.items.all():
        assert item.description in page
    assert "238,000 DT" in page and "239,000 DT" in page  # 2 × 119 TTC, then the 1 DT stamp
    assert "Timbre fiscal" in page and "J'accepte" in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_page_speaks_arabic_right_to_left(client, estimate):
    response = client.get(url(estimate) + "?lang=ar")
    page = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "قبول الكل" in page and "أقبل" in page and "اسمكم (بمثابة إمضاء)" in page
    assert "Tout accepter" not in page and "الطابع الجبائي" in page


def test_the_customers_language_is_the_default(client, estimate):
    estimate.customer.preferred_language = "ar"
    estimate.customer.save()
    assert 'dir="rtl"' in client.get(url(estimate)).content.decode()


def test_answering_each_line_records_the_evidence_and_accepts_the_job(client, estimate):
    first, second = estimate.items.order_by("id")
    address = url(estimate)
    form = answer_form(estimate, **{f"line-{first.pk}": "approved", f"line-{second.pk}": "declined"})
    response = client.post(address, form, HTTP_USER_AGENT="Mozilla/5.0 (iPhone)", REMOTE_ADDR="197.1.2.3")
    assert response.status_code == 200 and "Merci, votre réponse est enregistrée." in response.content.decode()
    estimate.refresh_from_db()
    assert estimate.status == Service.Status.APPROVED
    evidence = LineDecision.objects.order_by("item_id")
    assert [(e.decision, e.signed_name, e.ip_address, e.user_agent) for e in evidence] == [
        ("approved", "Mohamed Ben Ali", "197.1.2.3", "Mozilla/5.0 (iPhone)"),
        ("declined", "Mohamed Ben Ali", "197.1.2.3", "Mozilla/5.0 (iPhone)"),
    ]
    used = client.get(address)
    assert used.status_code == 410
    assert "déjà enregistrée" in used.content.decode() and "+216 71 555 000" in used.content.decode()


def test_accept_all_in_arabic(client, estimate):
    response = client.post(url(estimate), {**answer_form(estimate), "all": "approved", "lang": "ar"})
    assert response.status_code == 200 and "شكرا، تم تسجيل ردكم." in response.content.decode()
    assert set(estimate.items.values_list("decision", flat=True)) == {"approved"}


def test_without_a_name_or_with_a_changed_price_nothing_is_recorded(client, estimate):
    first, second = estimate.items.order_by("id")
    address = url(estimate)
    answers = {f"line-{first.pk}": "approved", f"line-{second.pk}": "approved"}
    response = client.post(address, {**answer_form(estimate, **answers), "signed_name": ""})
    assert response.status_code == 400 and "Tapez votre nom" in response.content.decode()
    form = answer_form(estimate, **answers)
    first.unit_price = Decimal("90.000")
    first.save()
    response = client.post(address, form)
    assert response.status_code == 400 and "a changé depuis" in response.content.decode()
    response = client.post(address, {**answer_form(estimate), f"line-{f.ServiceItemFactory().pk}": "approved"})
    assert response.status_code == 400 and "appartiennent pas à ce devis" in response.content.decode()
    assert not LineDecision.objects.exists()
    estimate.refresh_from_db()
    assert estimate.status == Service.Status.DIAGNOSED


def test_a_forged_or_expired_link_says_so_with_the_garages_phone(client, estimate, settings):
    response = client.get("/devis/not-a-real-token/")
    assert response.status_code == 404 and "pas valable" in response.content.decode()
    assert "+216 71 555 000" in response.content.decode()
    address = url(estimate)
    settings.ECAR_APPROVAL_LINK_DAYS = 0
    response = client.get(address)
    assert response.status_code == 410 and "a expiré" in response.content.decode()


def test_the_page_is_rate_limited_per_address(client, estimate, settings):
    settings.ECAR_APPROVAL_PAGE_RATE = 3
    address = url(estimate)
    assert [client.get(address).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get(address, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_after_answering_the_approved_estimate_pdf_shows_each_lines_answer(client, estimate):
    import io

    from pypdf import PdfReader

    first, second = estimate.items.order_by("id")
    token = links.token_for(links.issue_link(service=estimate))
    form = answer_form(estimate, **{f"line-{first.pk}": "approved", f"line-{second.pk}": "declined"})
    done = client.post(f"/devis/{token}/", form).content.decode()
    assert f"/devis/{token}/pdf/" in done
    response = client.get(f"/devis/{token}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Devis accepté" in text and "Accepté" in text and "Refusé (non compté)" in text
    assert "120,000" in text  # 119 TTC of the approved line and the stamp; the declined line is not counted
    assert client.get("/devis/forged-token/pdf/").status_code == 404
