"""Registration of a customer's app account by phone: a 6-digit code by SMS, then the account.

Nothing here tells whether a phone belongs to a customer or already has an account before the code is
proven: `start_registration` does the same work for every phone (it reads no customer and no user), and every
failure of `verify_registration` gives the same answer. Only once the caller has shown they hold the phone is
the account opened, linked to the customer with that phone (or a new one), or refused if one exists already.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from workshop.models import Customer, Notification, PhoneVerification
from workshop.validators import normalise_phone

CODE_DIGITS = 6
HISTORY_REASON = "Compte de l'application ouvert après vérification du téléphone"


class TooManyCodes(Exception):
    """This phone had its quota of codes this hour; `retry_after` seconds until the next one."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class AccountExists(Exception):
    """The phone (proven) already has an app account: no second one."""


def app_phone(value: str) -> str:
    """A mobile number in E.164, or a ValidationError naming what is wrong (a landline gets no SMS)."""
    phone = normalise_phone(value)
    if phone[4] == "7":
        raise ValidationError(_("Ce numéro est un fixe : indiquez un numéro de mobile, qui reçoit les SMS."))
    return phone


def split_name(name: str) -> tuple[str, str]:
    """`Mohamed Ben Ali` -> (`Mohamed`, `Ben Ali`); one word is a last name (a customer must have one)."""
    words = name.split()
    if len(words) < 2:
        return "", " ".join(words)
    return words[0], " ".join(words[1:])


def code_digest(phone: str, code: str) -> str:
    """Keyed with the secret key: a copy of the table alone cannot be searched for the million codes."""
    return salted_hmac("workshop.accounts.registration", f"{phone}:{code}", algorithm="sha256").hexdigest()


@dataclass
class Registration:
    phone: str
    expires_at: object


def start_registration(*, phone: str, name: str, password: str) -> Registration:
    """Validate, keep the request, queue the SMS with the code; a newer code replaces an older one.

    Raises ValidationError (fields `phone`, `name`, `password`) or TooManyCodes.
    """
    errors = {}
    try:
        phone = app_phone(phone)
    except ValidationError as error:
        errors["phone"] = error.messages
    name = " ".join((name or "").split())
    first, last = split_name(name)
    if not last:
        errors["name"] = [_("Indiquez votre nom.")]
    elif len(first) > 80 or len(last) > 80:
        errors["name"] = [_("Ce nom est trop long (80 caractères au plus pour le prénom et pour le nom).")]
    candidate = get_user_model()(username=phone if "phone" not in errors else "", first_name=first, last_name=last)
    try:
        validate_password(password, candidate)
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    for attempt in range(2):
        try:
            return _queue_code(phone=phone, name=name, password_hash=make_password(password))
        except IntegrityError:  # a concurrent registration of the same phone opened its code first
            if attempt:
                raise
    raise AssertionError("unreachable")


def _queue_code(*, phone: str, name: str, password_hash: str) -> Registration:
    now = timezone.now()
    with transaction.atomic():
        hour = list(
            PhoneVerification.objects.filter(phone=phone, created_at__gt=now - timedelta(hours=1))
            .order_by("created_at")
            .values_list("created_at", flat=True)
        )
        if len(hour) >= settings.ECAR_REGISTRATION_CODES_PER_PHONE_HOUR:
            raise TooManyCodes(max(1, int((hour[0] + timedelta(hours=1) - now).total_seconds()) + 1))
        PhoneVerification.objects.filter(phone=phone, closed_at__isnull=True).update(closed_at=now)
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        minutes = settings.ECAR_REGISTRATION_CODE_MINUTES
        message = _(
            "ECAR : votre code de vérification est %(code)s. Il expire dans %(minutes)d minutes. "
            "Ne le donnez à personne, pas même au garage."
        ) % {"code": code, "minutes": minutes}
        with transaction.atomic():
            verification = PhoneVerification.objects.create(
                phone=phone,
                name=name,
                password=password_hash,
                language=(translation.get_language() or settings.LANGUAGE_CODE)[:2],
                code_digest=code_digest(phone, code),
                expires_at=now + timedelta(minutes=minutes),
            )
        verification.notification = Notification.objects.create(
            customer=None,
            channel=Notification.Channel.SMS,
            event=Notification.Event.VERIFICATION_CODE,
            recipient=phone,
            message=message,
        )
        verification.save(update_fields=["notification"])
    return Registration(phone=phone, expires_at=verification.expires_at)


def wrong_code() -> ValidationError:
    return ValidationError(
        {"code": [_("Code incorrect ou expiré. Vérifiez le dernier SMS reçu, ou demandez un nouveau code.")]},
        code="invalid_code",
    )


def verify_registration(*, phone: str, code: str):
    """The right code, within its time and tries: the account is opened and returned.

    Every failure (no registration, wrong code, expired, no tries left, bad phone) raises the same
    ValidationError; a proven phone that already has an app account raises AccountExists.
    """
    try:
        phone = app_phone(phone)
    except ValidationError:
        phone = ""
    code = (code or "").strip()
    now = timezone.now()
    with transaction.atomic():
        pending = (
            PhoneVerification.objects.select_for_update().filter(phone=phone, closed_at__isnull=True).first()
            if phone
            else None
        )
        digest = code_digest(phone, code)  # computed on every path: the same work whatever the phone
        matched = False
        if pending is not None and pending.expires_at > now:
            pending.attempts += 1
            matched = len(code) == CODE_DIGITS and constant_time_compare(pending.code_digest, digest)
            if matched or pending.attempts >= settings.ECAR_REGISTRATION_CODE_TRIES:
                pending.closed_at = now
            pending.save(update_fields=["attempts", "closed_at"])
        elif pending is not None:
            pending.closed_at = now
            pending.save(update_fields=["closed_at"])
        account = _open_account(pending) if matched else None
    if not matched:
        raise wrong_code()
    if account is None:
        raise AccountExists
    return account


def _open_account(pending: PhoneVerification):
    """The account for a proven phone, linked to its customer (created if none); None if one exists."""
    User = get_user_model()
    customer = Customer.objects.select_for_update().filter(phone=pending.phone).first()
    if (customer is not None and customer.user_id) or User.objects.filter(username=pending.phone).exists():
        return None
    first, last = split_name(pending.name)
    try:
        with transaction.atomic():
            user = User(username=pending.phone, first_name=first, last_name=last, is_staff=False, is_active=True)
            user.password = pending.password
            user.save()
            fields = None
            if customer is None:
                customer = Customer(
                    first_name=first, last_name=last, phone=pending.phone, preferred_language=pending.language
                )
            else:
                fields = ["user", "updated_at"]
            customer.user = user
            customer._history_user = user
            customer._change_reason = HISTORY_REASON
            customer.save(update_fields=fields)
    except IntegrityError:  # the same phone or username taken meanwhile by another path
        return None
    pending.account = user
    pending.save(update_fields=["account"])
    return user


def purge_registrations(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Forget registrations whose code expired more than `older_than` ago: an unverified one keeps the hash of a
    password nobody will use. Returns how many rows went."""
    deleted, _ = PhoneVerification.objects.filter(expires_at__lt=timezone.now() - older_than).delete()
    return deleted
