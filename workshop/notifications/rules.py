"""When and to whom a message may leave: quiet hours for SMS, consent per channel, what the law requires anyway."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

TUNIS = ZoneInfo("Africa/Tunis")


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def bypasses_quiet_hours(event: str) -> bool:
    return event in settings.ECAR_SMS_QUIET_HOURS_EXEMPT_EVENTS


def is_legally_required(event: str) -> bool:
    return event in settings.ECAR_NOTIFY_REQUIRED_EVENTS


def next_sending_time(moment: datetime | None = None) -> datetime:
    """`moment` itself outside the quiet hours, else the end of the quiet hours (Africa/Tunis) that follows it."""
    moment = moment or timezone.now()
    start, end = _clock(settings.ECAR_SMS_QUIET_START), _clock(settings.ECAR_SMS_QUIET_END)
    if start == end:
        return moment
    local = moment.astimezone(TUNIS)
    clock = local.time()
    quiet = (clock >= start or clock < end) if start > end else (start <= clock < end)
    if not quiet:
        return moment
    morning = datetime.combine(local.date(), end, tzinfo=TUNIS)
    if morning <= local:
        morning = datetime.combine(local.date() + timedelta(days=1), end, tzinfo=TUNIS)
    return morning


def refusal_for(*, customer, channel: str, event: str) -> str:
    """Why this customer may not get this message on this channel now ('' when they may)."""
    if customer is None or is_legally_required(event):
        return ""
    accepted = {"sms": customer.sms_consent, "email": customer.email_consent}.get(channel, True)
    if not accepted:
        return _("Le client n'accepte pas ce canal (consentement retiré).")
    return ""
