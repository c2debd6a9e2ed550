"""Quiet hours (Africa/Tunis) and consent."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests import factories as f
from workshop.notifications import rules

TUNIS = ZoneInfo("Africa/Tunis")


def at(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=TUNIS)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(26, 12), at(26, 12)),
        (at(26, 20, 59), at(26, 20, 59)),
        (at(26, 21, 0), at(27, 8)),
        (at(26, 23, 30), at(27, 8)),
        (at(27, 0, 5), at(27, 8)),
        (at(27, 7, 59), at(27, 8)),
        (at(27, 8, 0), at(27, 8)),
        (datetime(2026, 11, 26, 21, 30, tzinfo=ZoneInfo("UTC")), at(27, 8)),  # 22:30 in Tunis
        (
            datetime(2026, 11, 26, 19, 30, tzinfo=ZoneInfo("UTC")),
            datetime(2026, 11, 26, 19, 30, tzinfo=ZoneInfo("UTC")),
        ),
    ],
)
def test_sms_wait_for_the_morning(settings, moment, expected):
    settings.ECAR_SMS_QUIET_START, settings.ECAR_SMS_QUIET_END = "21:00", "08:00"
    assert rules.next_sending_time(moment) == expected


def test_a_daytime_window_and_no_window(settings):
    settings.ECAR_SMS_QUIET_START, settings.ECAR_SMS_QUIET_END = "13:00", "15:00"
    assert rules.next_sending_time(at(26, 14)) == at(26, 15)
    assert rules.next_sending_time(at(26, 16)) == at(26, 16)
    settings.ECAR_SMS_QUIET_START = settings.ECAR_SMS_QUIET_END = "00:00"
    assert rules.next_sending_time(at(26, 23)) == at(26, 23)


def test_consent_per_channel_and_what_the_law_requires(db, settings):
    customer = f.CustomerFactory(sms_consent=False, email_consent=True)
    assert rules.refusal_for(customer=customer, channel="sms", event="car_ready")
    assert not rules.refusal_for(customer=customer, channel="email", event="car_ready")
    assert not rules.refusal_for(customer=customer, channel="sms", event="verification_code")
    assert not rules.refusal_for(customer=None, channel="sms", event="car_ready")
    settings.ECAR_NOTIFY_REQUIRED_EVENTS = ["invoice_issued"]
    assert not rules.refusal_for(customer=customer, channel="sms", event="invoice_issued")
