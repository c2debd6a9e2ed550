"""The reports app owns no table: one unmanaged model carries the permissions that open the report pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportAccess(models.Model):
    """Permission holder only (managed = False: no table). Roles get these through workshop.roles."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("accès aux rapports")
        verbose_name_plural = _("accès aux rapports")
        permissions = [
            ("view_financial_reports", _("Voir les rapports financiers (chiffre d'affaires, TVA, créances)")),
            ("view_activity_reports", _("Voir les rapports d'activité de l'atelier")),
        ]

    def __str__(self):
        return str(self._meta.verbose_name)


FINANCIAL = "reports.view_financial_reports"
ACTIVITY = "reports.view_activity_reports"
