"""The catalogues are complete: every project message has its Arabic and English translation, none fuzzy,
with the same placeholders; the screens then speak the chosen language (the `django_language` cookie)."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse

from tests import factories as f

ROOT = Path(settings.BASE_DIR)
CATALOGUES = sorted(path for base in settings.LOCALE_PATHS for path in Path(base).glob("*/LC_MESSAGES/*.po"))
# Catalogues made by makemessages from French sources may leave the French msgstr empty (the msgid is the text);
# the hand-made unfold/Django overrides (English msgids) must translate to French too.
COMPLETE = [path for path in CATALOGUES if path.parts[-3] in ("ar", "en") or "unfold_locale" in path.parts]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}")


def _messages(path):
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    return [message for message in catalogue if message.id]


def _forms(message):
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


def test_the_project_has_arabic_and_english_catalogues():
    names = {str(path.relative_to(ROOT)) for path in COMPLETE}
    assert {"locale/ar/LC_MESSAGES/django.po", "locale/en/LC_MESSAGES/django.po"} <= names


@pytest.mark.parametrize("path", COMPLETE, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_message_is_translated_and_none_is_fuzzy(path):
    missing = [message.id for message in _messages(path) if not all(_forms(message))]
    fuzzy = [message.id for message in _messages(path) if message.fuzzy]
    assert missing == [], f"{len(missing)} untranslated in {path}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy in {path}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_translations_keep_the_placeholders(path):
    wrong = []
    for message in _messages(path):
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        expected = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for form in _forms(message):
            if form and not set(PLACEHOLDER.findall(form)) <= expected:
                wrong.append((ids[0], form))
            if form and len(ids) == 1 and set(PLACEHOLDER.findall(form)) != expected:
                wrong.append((ids[0], form))
    assert wrong == []


@pytest.fixture
def speaking(login, manager):
    def _client(language):
        client = login(manager)
        client.cookies["django_language"] = language
        return client

    return _client


@pytest.mark.django_db
def test_arabic_admin_pages_are_translated(speaking):
    client = speaking("ar")
    invoice = f.billed_job(
        user=f.UserFactory(username="facturation", role="Gérant"),
        items=[{"quantity": "1", "unit_price": "100.000", "discount_percent": "0", "tva_rate": 19}],
    )
    pages = {
        reverse("admin:workshop_invoice_change", args=[invoice.pk]): ["السيارة (نسخة مثبتة)", "الحريف (نسخة مثبتة)"],
        reverse("admin:workshop_customer_changelist"): ["الحرفاء"],
        reverse("admin:workshop_service_change", args=[invoice.service_id]): ["التسلسل الزمني"],
        reverse("admin:workshop_invoice_history", args=[invoice.pk]): ["التغييرات"],
    }
    for url, texts in pages.items():
        html = client.get(url).content.decode()
        assert 'dir="rtl"' in html
        for text in texts:
            assert text in html, (url, text)
        for french in ("Client (copie figée)", "chronologie", "Aucun historique."):
            assert french not in html, (url, french)


@pytest.mark.django_db
def test_english_admin_pages_are_translated(speaking):
    client = speaking("en")
    html = client.get(reverse("admin:workshop_customer_changelist")).content.decode()
    assert "Customers" in html and "Repair orders" in html
    assert "Ordres de réparation" not in html


@pytest.mark.django_db
def test_french_corrects_django_and_unfold_strings(speaking):
    client = speaking("fr")
    invoice = f.InvoiceFactory()
    html = client.get(reverse("admin:workshop_invoice_changelist")).content.decode()
    assert "Supprimer les factures de la sélection" in html
    assert "sélectionnés" not in html
    history = client.get(reverse("admin:workshop_invoice_history", args=[invoice.pk])).content.decode()
    assert "Modifications" in history and ">Changes<" not in history
    logged_out = client.post(reverse("admin:logout")).content.decode()
    assert "You have been successfully logged out" not in logged_out
