"""Each SMS backend against a real HTTP server on 127.0.0.1 (tests/gateway_server.py): no mock of the HTTP client."""

import io

import pytest

from workshop.notifications.gateways import (
    Refused,
    Transient,
    Unreadable,
    check_sender,
    gateway_phone,
    get_gateway,
)

ARABIC = "سيارتكم جاهزة"


def send(backend, text="Votre véhicule est prêt", phone="21620123456", sender="GarageTest"):
    return get_gateway(backend).send(phone=phone, text=text, sender=sender)


# --- TunisieSMS ---------------------------------------------------------------------------------------------------


def test_tunisiesms_success_sends_every_parameter_utf8_and_returns_the_id(sms_gateway):
    sms_gateway.then(200, {"success": True, "code": "message_queued", "data": {"message_id": 98765}})
    assert send("tunisiesms", text=f"Prêt : {ARABIC} & 100%") == "98765"
    (params,) = sms_gateway.sent()
    assert params == {
        "fct": "sms",
        "key": "secret-key",
        "mobile": "21620123456",
        "sms": f"Prêt : {ARABIC} & 100%",
        "sender": "GarageTest",
    }


def test_tunisiesms_refusal_is_definitive_with_its_code_and_message(sms_gateway):
    sms_gateway.then(200, {"success": False, "code": "invalid_key", "message": "Clé invalide"})
    with pytest.raises(Refused, match="Clé invalide") as refused:
        send("tunisiesms")
    assert refused.value.code == "invalid_key" and not refused.value.retry


def test_a_gateway_that_does_not_answer_in_time_is_transient(sms_gateway):
    sms_gateway.then(200, {"success": True, "data": {"message_id": 1}}, delay=1.5)
    with pytest.raises(Transient, match="délai"):
        send("tunisiesms")


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_server_errors_are_transient(sms_gateway, status):
    sms_gateway.then(status, "<html>Service Unavailable</html>")
    with pytest.raises(Transient, match=str(status)):
        send("tunisiesms")


def test_a_client_error_is_a_refusal(sms_gateway):
    sms_gateway.then(403, "Forbidden")
    with pytest.raises(Refused, match="403"):
        send("tunisiesms")


def test_an_unreachable_gateway_is_transient(settings):
    settings.ECAR_SMS_URL = "http://127.0.0.1:9/api.aspx"  # discard port: connection refused
    settings.ECAR_SMS_TIMEOUT = 0.5
    with pytest.raises(Transient):
        send("tunisiesms")


@pytest.mark.parametrize(
    "body",
    ["<html>maintenance</html>", "", "[1, 2]", '{"success": true, "data": {}}', '{"code": "queued"}', "{'bad json'"],
)
def test_malformed_answers_are_unreadable_never_retried(sms_gateway, body):
    sms_gateway.then(200, body)
    with pytest.raises(Unreadable) as unreadable:
        send("tunisiesms")
    assert not unreadable.value.retry


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"success": True, "data": {"status": "DELIVERED"}}, "DELIVERED"),
        ({"success": True, "data": {"status": "UNDELIVERED"}}, "UNDELIVERED"),
        ({"status": "EXPIRED"}, "EXPIRED"),
        ({"dlr": "rejected"}, "REJECTED"),
        ({"success": True, "data": {"status": "UNKNOWN"}}, ""),
        ("DELIVERED", "DELIVERED"),
    ],
)
def test_tunisiesms_delivery_reports(sms_gateway, body, status):
    sms_gateway.then(200, body)
    assert get_gateway("tunisiesms").delivery_status("98765") == status
    assert sms_gateway.sent("dlr") == [{"fct": "dlr", "key": "secret-key", "msg_id": "98765"}]


def test_an_unreadable_delivery_report_is_said_so(sms_gateway):
    sms_gateway.then(200, {"success": True, "data": {"status": "PERDU"}})
    with pytest.raises(Unreadable):
        get_gateway("tunisiesms").delivery_status("1")


# --- WinSMS -------------------------------------------------------------------------------------------------------


def test_winsms_gsm7_success(sms_gateway):
    sms_gateway.then(200, {"code": "ok", "message_id": "W-1"})
    assert send("winsms", text="Votre vehicule est pret") == "W-1"
    (params,) = sms_gateway.sent()
    assert params == {
        "action": "send-sms",
        "api_key": "secret-key",
        "to": "21620123456",
        "from": "GarageTest",
        "sms": "Votre vehicule est pret",
        "response": "json",
    }


def test_winsms_asks_for_unicode_when_the_text_needs_ucs2(sms_gateway):
    sms_gateway.then(200, {"code": "ok", "message_id": "W-2"})
    send("winsms", text=ARABIC)
    assert sms_gateway.sent()[0]["unicode"] == "1"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (102, "clé d'API invalide"),
        (103, "numéro de téléphone invalide"),
        (105, "solde SMS épuisé"),
        (106, "nom d'expéditeur non autorisé"),
        (111, "mot interdit"),
        (112, "liste noire"),
    ],
)
def test_winsms_error_codes_become_french_reasons(sms_gateway, code, reason):
    sms_gateway.then(200, {"code": code, "message": "error"})
    with pytest.raises(Refused, match=reason) as refused:
        send("winsms")
    assert refused.value.code == str(code)


def test_winsms_server_error_is_transient(sms_gateway):
    sms_gateway.then(503, "busy")
    with pytest.raises(Transient):
        send("winsms")


def test_winsms_answer_without_id_is_unreadable(sms_gateway):
    sms_gateway.then(200, {"code": "ok"})
    with pytest.raises(Unreadable):
        send("winsms")


# --- generic HTTP -------------------------------------------------------------------------------------------------


@pytest.fixture
def generic(settings, sms_gateway):
    settings.ECAR_SMS_HTTP_METHOD = "POST"
    settings.ECAR_SMS_HTTP_PARAMS = {"phone": "numero", "text": "message", "sender": "expediteur"}
    settings.ECAR_SMS_HTTP_EXTRA = {"token": "T0K"}
    settings.ECAR_SMS_HTTP_SUCCESS = "result.status=OK"
    settings.ECAR_SMS_HTTP_ID = "result.id"
    settings.ECAR_SMS_HTTP_ERROR = "result.error"
    return sms_gateway


def test_generic_gateway_posts_the_named_parameters(generic):
    generic.then(200, {"result": {"status": "ok", "id": 77}})
    assert send("http", text=ARABIC) == "77"
    (request,) = generic.requests
    assert request["method"] == "POST"
    assert request["params"] == {"token": "T0K", "numero": "21620123456", "message": ARABIC, "expediteur": "GarageTest"}


def test_generic_gateway_refusal_reads_the_reason(generic):
    generic.then(200, {"result": {"status": "KO", "error": "crédit insuffisant"}})
    with pytest.raises(Refused, match="crédit insuffisant"):
        send("http")


def test_generic_gateway_plain_text_success_word(generic, settings):
    settings.ECAR_SMS_HTTP_SUCCESS = "OK"
    generic.then(200, "OK: 4242\n")
    assert send("http") == "4242"
    generic.then(200, "ERROR bad number")
    with pytest.raises(Refused, match="bad number"):
        send("http")


def test_generic_gateway_timeout_and_malformed(generic):
    generic.then(200, {"result": {"status": "ok", "id": 1}}, delay=1.5).then(200, "not json")
    with pytest.raises(Transient):
        send("http")
    with pytest.raises(Unreadable):
        send("http")


# --- console, senders, numbers ------------------------------------------------------------------------------------


def test_console_prints_and_returns_an_id():
    stream = io.StringIO()
    gateway = get_gateway("console")
    gateway.options["stream"] = stream
    message_id = gateway.send(phone="21620123456", text=ARABIC, sender="ECAR")
    assert message_id.startswith("console-") and ARABIC in stream.getvalue() and "21620123456" in stream.getvalue()


@pytest.mark.parametrize("sender", ["ECAR", "GarageSfax1", "21671000000"])
def test_valid_sender_names(sender):
    assert check_sender(sender) == sender


@pytest.mark.parametrize("sender", ["", "GarageDeSfax", "Garage Sfax", "Garagé", "ECAR!"])
def test_invalid_sender_names_are_refused_by_name(sender):
    with pytest.raises(Refused, match="expéditeur"):
        check_sender(sender)


@pytest.mark.parametrize(
    ("given", "digits"),
    [
        ("+21620123456", "21620123456"),
        ("0021620123456", "21620123456"),
        ("20 123 456", "21620123456"),
        ("+33612345678", "33612345678"),
    ],
)
def test_phones_go_out_as_digits_with_the_country_code(given, digits):
    assert gateway_phone(given) == digits


@pytest.mark.parametrize("given", ["", "123", "+2162012345", "+216201234567"])
def test_invalid_phones_are_refused(given):
    with pytest.raises(Refused, match="Numéro"):
        gateway_phone(given)


def test_an_unknown_backend_is_refused(settings):
    with pytest.raises(Refused, match="inconnue"):
        get_gateway("pigeon")
