"""Signed, expiring, single-use links to an estimate's public approval page.

The token is `django.core.signing` over the job's id and a random nonce, with a salt of its own: it cannot be
forged or enumerated, and naming another job's id breaks the signature. The nonce names an `ApprovalLink` row,
which ends the link when the customer has decided with it, when a newer link replaces it, or when it expires
(`ECAR_APPROVAL_LINK_DAYS`, checked both by the signature's age and by the row).
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from workshop.models import ApprovalLink, Notification, Service

SALT = "workshop.approvals.link"


class LinkRefused(Exception):
    """The link cannot be used: `reason` is `invalid`, `expired` or `used`; `link` is known unless invalid."""

    def __init__(self, reason: str, link: ApprovalLink | None = None):
        super().__init__(reason)
        self.reason, self.link = reason, link


class _IssuedAtSigner(signing.TimestampSigner):
    """Signs with the link's creation time, not the clock's: one link has one token (the URL the SMS carried is
    the one the admin shows), and the signature's age is the link's."""

    def __init__(self, *, issued_at, **kwargs):
        self.issued_at = issued_at
        super().__init__(**kwargs)

    def timestamp(self):
        return signing.b62_encode(int(self.issued_at.timestamp()))


def token_for(link: ApprovalLink) -> str:
    payload = {"s": link.service_id, "n": link.nonce}
    return _IssuedAtSigner(issued_at=link.created_at, salt=SALT).sign_object(payload, compress=True)


def url_for(link: ApprovalLink) -> str:
    return settings.ECAR_PUBLIC_URL + reverse("approval_page", args=[token_for(link)])


def issue_link(*, service: Service, user=None) -> ApprovalLink:
    """A new link for the job; the older live ones stop working (only the newest estimate may be answered)."""
    now = timezone.now()
    with transaction.atomic():
        ApprovalLink.objects.filter(service=service, used_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        )
        return ApprovalLink.objects.create(
            service=service,
            nonce=secrets.token_urlsafe(16),
            created_at=now,
            expires_at=now + timedelta(days=settings.ECAR_APPROVAL_LINK_DAYS),
            created_by=user if getattr(user, "pk", None) else None,
        )


def open_link(token: str, *, for_update: bool = False, answered: bool = False) -> ApprovalLink:
    """The live link the token names, or `LinkRefused` saying why (the link, when known, gives the garage).

    `answered=True` also opens a link the customer has used (not a replaced one) until it expires: the
    approved estimate's PDF stays downloadable from it."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=timedelta(days=settings.ECAR_APPROVAL_LINK_DAYS))
    except signing.SignatureExpired:
        payload, expired = signing.loads(token, salt=SALT), True
    except (signing.BadSignature, ValueError):
        raise LinkRefused("invalid") from None
    else:
        expired = False
    rows = ApprovalLink.objects.select_related("service__customer", "service__car")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    link = rows.filter(nonce=str(payload.get("n", "")), service_id=payload.get("s")).first()
    if link is None:
        raise LinkRefused("invalid")
    if link.revoked_at or (link.used_at and not answered):
        raise LinkRefused("used", link)
    if expired or link.expires_at <= timezone.now():
        raise LinkRefused("expired", link)
    return link


def send_link(*, service: Service, user=None) -> Notification | None:
    """« Devis prêt » again, with a new link (the admin's « Renvoyer le lien », and a changed approved estimate)."""
    from workshop.notifications.messages import for_service

    link = issue_link(service=service, user=user)
    return for_service(service=service, event=Notification.Event.ESTIMATE_READY, link=link)


def ask_again_on_commit(*, service_id: int) -> None:
    """A line of an approved job changed or was added: once committed, send one new link for the job.

    Several lines saved in one transaction schedule several callbacks; the first sends, the others find its link."""
    scheduled = timezone.now()

    def ask():
        if not ApprovalLink.objects.filter(service_id=service_id, created_at__gte=scheduled).exists():
            send_link(service=Service.objects.select_related("car", "customer").get(pk=service_id))

    transaction.on_commit(ask, robust=True)
