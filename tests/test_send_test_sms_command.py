"""`manage.py send_test_sms PHONE TEXT`: the gateway's id, the encoding and segments; non-zero with the reason."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command


def test_prints_the_gateway_id_encoding_and_segments(sms_gateway, capsys):
    sms_gateway.then(200, {"success": True, "code": "message_queued", "data": {"message_id": "T-1"}})
    call_command("send_test_sms", "20 123 456", "سيارتكم جاهزة")
    out = capsys.readouterr().out
    assert "Identifiant : T-1" in out and "UCS-2 · 13 caractères · 1 SMS" in out
    assert sms_gateway.sent()[0]["mobile"] == "21620123456"


def test_a_refusal_is_an_error_with_the_gateways_reason(sms_gateway):
    sms_gateway.then(200, {"success": False, "code": "no_credit", "message": "Solde insuffisant"})
    with pytest.raises(CommandError, match="Solde insuffisant"):
        call_command("send_test_sms", "20123456", "Test")


def test_the_shell_gets_a_non_zero_exit_status(sms_gateway):
    sms_gateway.then(200, {"success": False, "code": "bad_sender", "message": "Expéditeur inconnu"})
    env = {
        "ECAR_SMS_BACKEND": "tunisiesms",
        "ECAR_SMS_URL": sms_gateway.url,
        "ECAR_SMS_KEY": "k",
        "ECAR_SMS_SENDER": "ECAR",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "send_test_sms", "20123456", "Test"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "Expéditeur inconnu" in done.stderr
