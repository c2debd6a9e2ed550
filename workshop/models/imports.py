"""Who imported which spreadsheet of customers and cars, when, and what it did."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerImport(models.Model):
    """One uploaded file: analysed (dry run) first, then imported; the report keeps the counts and errors."""

    class Status(models.TextChoices):
        ANALYSING = "analysing", _("Analyse en cours")
        ANALYSED = "analysed", _("Analysé (essai)")
        IMPORTING = "importing", _("Import en cours")
        IMPORTED = "imported", _("Importé")
        FAILED = "failed", _("Échec")

    class Source(models.TextChoices):
        ADMIN = "admin", _("Portail")
        COMMAND = "command", _("Ligne de commande")

    file_name = models.CharField(_("fichier"), max_length=255)
    file = models.FileField(_("fichier déposé"), upload_to="imports/%Y/%m/", blank=True)
    rejects_file = models.FileField(_("lignes rejetées"), upload_to="imports/%Y/%m/", blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.ANALYSED)
    source = models.CharField(_("origine"), max_length=10, choices=Source.choices, default=Source.ADMIN)
    skip_invalid = models.BooleanField(_("lignes valides seulement"), default=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("importé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True, db_index=True)
    imported_at = models.DateTimeField(_("importé le"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("lignes"), default=0)
    rows_invalid = models.PositiveIntegerField(_("lignes invalides"), default=0)
    customers_created = models.PositiveIntegerField(_("clients créés"), default=0)
    customers_updated = models.PositiveIntegerField(_("clients modifiés"), default=0)
    cars_created = models.PositiveIntegerField(_("véhicules créés"), default=0)
    cars_updated = models.PositiveIntegerField(_("véhicules modifiés"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("lignes inchangées"), default=0)
    report = models.JSONField(_("rapport"), default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        verbose_name = _("import de clients")
        verbose_name_plural = _("imports de clients")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("import_customers", _("Importer des clients et véhicules")),
            ("export_lists", _("Exporter les listes (clients, véhicules, ordres de réparation)")),
            ("export_billing", _("Exporter la facturation (factures, paiements, avoirs, comptabilité)")),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%d/%m/%Y %H:%M})" if self.created_at else self.file_name
