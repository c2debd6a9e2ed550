from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PhoneVerification(models.Model):
    """A registration waiting for the code sent by SMS to its phone (workshop.accounts.registration).

    The account is only made once the code is right: until then the name and the password's hash wait here.
    The code itself is kept as a keyed digest (HMAC with the secret key), never in clear. At most one open
    verification per phone, enforced by the database.
    """

    phone = models.CharField(_("téléphone"), max_length=16)
    name = models.CharField(_("nom"), max_length=160)
    password = models.CharField(_("mot de passe (haché)"), max_length=128)
    language = models.CharField(_("langue"), max_length=2, default="fr")
    code_digest = models.CharField(_("empreinte du code"), max_length=64)
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    # Set when the code was found, the tries ran out, or a newer code replaced this one: no longer usable.
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte ouvert"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notification = models.ForeignKey(
        "workshop.Notification",
        verbose_name=_("SMS du code"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("vérification de téléphone")
        verbose_name_plural = _("vérifications de téléphone")
        indexes = [models.Index(fields=["phone", "created_at"], name="phoneverification_phone_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=Q(closed_at__isnull=True), name="phoneverification_one_open_per_phone"
            ),
        ]

    def __str__(self):
        return self.phone
