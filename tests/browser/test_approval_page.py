"""The customer's approval page in a phone-sized Chromium, in French and in Arabic (right to left): one line
accepted, one refused, the name typed, confirmed; the job is « Accepté » and the link then says it is used."""

from decimal import Decimal

import pytest

from tests import factories as f
from workshop.approvals import links
from workshop.models import LineDecision, Service

LANGUAGES = {  # language: (direction, signed name, confirm button, thanks)
    "fr": ("ltr", "Mohamed Ben Ali", "Confirmer mes choix", "Merci, votre réponse est enregistrée."),
    "ar": ("rtl", "محمد بن علي", "تأكيد اختياراتي", "شكرا، تم تسجيل ردكم."),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_customer_answers_line_by_line_on_a_phone(language, browser, live_server, transactional_db):
    direction, name, confirm, thanks = LANGUAGES[language]
    f.WorkshopProfileFactory(phone="+216 71 555 000")
    car = f.CarFactory(owner=f.CustomerFactory(preferred_language=language))
    service = f.estimate_awaiting_answer(items=2, car=car, item_fields={"unit_price": Decimal("100.000")})
    first, second = service.items.order_by("id")
    address = live_server.url + "/devis/" + links.token_for(links.issue_link(service=service)) + "/"
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, user_agent="ECAR-test-phone")
    page = context.new_page()
    try:
        page.goto(address)
        assert page.locator("html").get_attribute("dir") == direction
        body_width = page.evaluate("document.documentElement.scrollWidth")
        assert body_width <= 390  # nothing wider than the phone
        page.locator(f"input[name='line-{first.pk}'][value='approved']").check()
        page.locator(f"input[name='line-{second.pk}'][value='declined']").check()
        page.fill("#signed_name", name)
        page.get_by_role("button", name=confirm).click()
        page.get_by_text(thanks).wait_for()
        service.refresh_from_db()
        assert service.status == Service.Status.APPROVED
        evidence = LineDecision.objects.order_by("item_id")
        assert [(e.decision, e.signed_name, e.user_agent) for e in evidence] == [
            ("approved", name, "ECAR-test-phone"),
            ("declined", name, "ECAR-test-phone"),
        ]
        page.goto(address)
        assert "+216 71 555 000" in page.content()
    finally:
        context.close()
