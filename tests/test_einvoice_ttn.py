"""TTN's web service against a SOAP stand-in on 127.0.0.1 (tests/ttn_server.py): accepted, refused, timed out,
faulted, not yet answered, and off when not configured."""

import base64
from datetime import datetime

import pytest
from django.utils import timezone
from lxml import etree

from tests.factories import EInvoiceFactory
from tests.ttn_server import FakeTtn, consult_answer, fault_answer, save_answer
from workshop.einvoice import tasks, ttn
from workshop.models import EInvoice

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n-the-qr-code-"
REFERENCE = "0123456789ABCDEFGHIJ1234567"


@pytest.fixture
def fake_ttn(settings):
    server = FakeTtn().start()
    settings.ECAR_TTN_WSDL = server.url + "?wsdl"
    settings.ECAR_TTN_LOGIN = "garage"
    settings.ECAR_TTN_PASSWORD = "secret"
    settings.ECAR_TTN_MATRICULE = "1234567ABM000"
    settings.ECAR_TTN_TIMEOUT = 0.5
    yield server
    server.stop()


@pytest.fixture
def signed():
    record = EInvoiceFactory()
    EInvoice.objects.filter(pk=record.pk).update(status=EInvoice.Status.SIGNED, signed_xml=record.xml)
    record.refresh_from_db()
    return record


def stamped(record) -> bytes:
    """The TEIF as TTN sends it back: the document plus RefTtnVal."""
    root = etree.fromstring(record.signed_xml.encode())
    block = etree.SubElement(root, "RefTtnVal")
    etree.SubElement(block, "ReferenceTTN", refID="I-88").text = REFERENCE
    date = etree.SubElement(block, "ReferenceDate")
    etree.SubElement(date, "DateText", format="ddMMyyHHmm", functionCode="I-37").text = "2601261030"
    etree.SubElement(block, "ReferenceCEV").text = base64.b64encode(PNG).decode()
    return etree.tostring(root)


def test_accepted_after_a_deposit_and_a_poll(fake_ttn, signed):
    fake_ttn.then(save_answer("778899"))
    record = ttn.submit(record=signed)
    assert (record.status, record.ttn_save_id, record.attempts) == (EInvoice.Status.SUBMITTED, "778899", 1)
    call = fake_ttn.calls[0]
    assert call["operation"] == "saveEfact" and call["soap"] in ('""', "")
    assert (call["params"]["login"], call["params"]["matricule"]) == ("garage", "1234567ABM000")
    assert base64.b64decode(call["params"]["documentEfact"]).decode() == signed.signed_xml

    fake_ttn.then(consult_answer({"idSaveEfact": "778899", "generatedRef": REFERENCE, "xmlContent": stamped(signed)}))
    record = ttn.poll(record=record)
    assert fake_ttn.calls[1]["params"]["idSaveEfact"] == "778899"
    assert (record.status, record.ttn_reference) == (EInvoice.Status.ACCEPTED, REFERENCE)
    assert record.ttn_date == timezone.make_aware(datetime(2026, 1, 26, 10, 30))  # Africa/Tunis
    assert bytes(record.qr_png) == PNG and "RefTtnVal" in record.ttn_xml


def test_refused_with_ttns_reasons(fake_ttn, signed):
    fake_ttn.then(save_answer("1")).then(
        consult_answer({"idSaveEfact": "1", "listAcknowlegments": [{"code": "E023", "message": "Matricule inconnu"}]})
    )
    record = ttn.poll(record=ttn.submit(record=signed))
    assert record.status == EInvoice.Status.REFUSED and record.error == "E023 Matricule inconnu"


def test_not_answered_yet_stays_submitted(fake_ttn, signed):
    fake_ttn.then(save_answer("2")).then(consult_answer())
    record = ttn.poll(record=ttn.submit(record=signed))
    assert (record.status, record.attempts) == (EInvoice.Status.SUBMITTED, 2)


def test_a_timeout_leaves_it_signed_for_the_next_run(fake_ttn, signed):
    fake_ttn.then(save_answer("3"), delay=1.5)
    record = ttn.submit(record=signed)
    assert (record.status, record.attempts) == (EInvoice.Status.SIGNED, 1)
    assert "saveEfact" in record.error and "Timeout" in record.error


def test_a_soap_fault_is_a_refusal(fake_ttn, signed):
    fake_ttn.then(fault_answer("Signature invalide"))
    record = ttn.submit(record=signed)
    assert record.status == EInvoice.Status.REFUSED and "Signature invalide" in record.error


def test_the_periodic_task_sends_then_polls(fake_ttn, signed):
    fake_ttn.then(save_answer("4")).then(consult_answer({"generatedRef": REFERENCE, "xmlContent": stamped(signed)}))
    assert tasks.send_einvoices() == {EInvoice.Status.SUBMITTED: 1, EInvoice.Status.ACCEPTED: 1}
    assert [call["operation"] for call in fake_ttn.calls] == ["saveEfact", "consultEfact"]


def test_off_unless_configured(signed, settings):
    settings.ECAR_TTN_WSDL = ""
    assert not ttn.enabled() and tasks.send_einvoices() == {}
    signed.refresh_from_db()
    assert signed.status == EInvoice.Status.SIGNED and signed.attempts == 0


def test_only_a_signed_record_is_deposited(fake_ttn):
    prepared = EInvoiceFactory()
    assert ttn.submit(record=prepared).status == EInvoice.Status.PREPARED and fake_ttn.calls == []
