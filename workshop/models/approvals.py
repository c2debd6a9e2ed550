"""The customer's answer to an estimate, line by line (issue 13): the links that ask, the decisions as evidence."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .common import MONEY


class ApprovalLink(models.Model):
    """One signed link sent to the customer. The URL carries a signed token naming this row's random `nonce`
    (never a sequential id); it ends at `expires_at`, when the customer decides with it (`used_at`), or when a
    newer link replaces it (`revoked_at`)."""

    service = models.ForeignKey(
        "workshop.Service",
        verbose_name=_("ordre de réparation"),
        on_delete=models.CASCADE,
        related_name="approval_links",
    )
    nonce = models.CharField(max_length=32, unique=True, editable=False)
    created_at = models.DateTimeField(_("envoyé le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("remplacé le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("envoyé par"), on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("lien d'accord du devis")
        verbose_name_plural = _("liens d'accord du devis")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["service", "-created_at"], name="approval_link_service_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="approval_link_expires")
        ]

    def __str__(self):
        return f"{self.service_id} · {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class LineDecision(models.Model):
    """One decision on one estimate line, kept for ever as evidence: who, how, when, from where, signed how.

    Rows are only ever added (`save` refuses an update, `delete` refuses); the line's current answer is
    `ServiceItem.decision`, this table is its history."""

    class Actor(models.TextChoices):
        CUSTOMER_LINK = "customer_link", _("Client, par le lien envoyé")
        CUSTOMER_APP = "customer_app", _("Client, dans l'application")
        ADVISER_PHONE = "adviser_phone", _("Conseiller, accord donné par téléphone")
        ADVISER_COUNTER = "adviser_counter", _("Conseiller, « Accord du client »")

    service = models.ForeignKey(
        "workshop.Service", verbose_name=_("ordre de réparation"), on_delete=models.CASCADE, related_name="decisions"
    )
    item = models.ForeignKey(
        "workshop.ServiceItem",
        verbose_name=_("ligne"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    description = models.CharField(_("désignation"), max_length=255)
    total_ttc = models.DecimalField(_("total TTC"), **MONEY)
    terms = models.CharField(max_length=64)
    decision = models.CharField(
        _("décision"), max_length=8, choices=[("approved", _("Accepté")), ("declined", _("Refusé"))]
    )
    actor = models.CharField(_("par"), max_length=16, choices=Actor.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("compte"), on_delete=models.SET_NULL, null=True, blank=True
    )
    signed_name = models.CharField(_("nom signé"), max_length=120, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    user_agent = models.CharField(_("appareil"), max_length=300, blank=True)
    link = models.ForeignKey(ApprovalLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions")
    decided_at = models.DateTimeField(_("décidé le"), default=timezone.now)

    class Meta:
        verbose_name = _("décision sur une ligne du devis")
        verbose_name_plural = _("décisions sur les lignes du devis")
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["service", "-decided_at"], name="line_decision_service_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(decision__in=["approved", "declined"]), name="line_decision_value"),
            models.CheckConstraint(
                condition=~Q(actor="customer_link") | (~Q(signed_name="") & Q(link__isnull=False)),
                name="line_decision_link_signed",
            ),
        ]

    def __str__(self):
        return f"{self.description} · {self.get_decision_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A line decision is evidence: it is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A line decision is evidence: it is never deleted.")
