"""The admin: unfold's look and menu, and how its lists count and search."""

import os

from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

from portal.links import reverse_once

# Unfiltered changelists above this many rows show PostgreSQL's estimate instead of COUNT(*).
ECAR_ESTIMATED_COUNT_THRESHOLD = int(os.environ.get("ECAR_ESTIMATED_COUNT_THRESHOLD", "20000"))
# An admin search finding at most this many rows sorts them instead of walking the list's sort index (admin/search.py).
ECAR_SORTED_SEARCH_MAX = int(os.environ.get("ECAR_SORTED_SEARCH_MAX", "5000"))


def _can(permission: str):
    return lambda request: request.user.has_perm(permission)


UNFOLD = {
    "SITE_TITLE": "ECAR",
    "SITE_HEADER": "ECAR",
    "SITE_SUBHEADER": _("Gestion d'atelier automobile"),
    "SITE_SYMBOL": "car_repair",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "SHOW_LANGUAGES": True,
    "DASHBOARD_CALLBACK": "portal.dashboard.dashboard_callback",
    "STYLES": [lambda request: static("portal/admin.css")],
    "COLORS": {
        "primary": {
            "50": "oklch(97.1% .013 17.38)",
            "100": "oklch(93.6% .032 17.717)",
            "200": "oklch(88.5% .062 18.334)",
            "300": "oklch(80.8% .114 19.571)",
            "400": "oklch(70.4% .191 22.216)",
            "500": "oklch(63.7% .237 25.331)",
            "600": "oklch(57.7% .245 27.325)",
            "700": "oklch(50.5% .213 27.518)",
            "800": "oklch(44.4% .177 26.899)",
            "900": "oklch(39.6% .141 25.723)",
            "950": "oklch(25.8% .092 26.042)",
        },
    },
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        "navigation": [
            {
                "title": _("Atelier"),
                "items": [
                    {
                        "title": _("Tableau de bord"),
                        "icon": "dashboard",
                        "link": reverse_once("admin:index"),
                    },
                    {
                        "title": _("Ordres de réparation"),
                        "icon": "build",
                        "link": reverse_once("admin:workshop_service_changelist"),
                        "permission": _can("workshop.view_service"),
                    },
                    {
                        "title": _("Notifications"),
                        "icon": "notifications",
                        "link": reverse_once("admin:workshop_notification_changelist"),
                        "permission": _can("workshop.view_notification"),
                    },
                    {
                        "title": _("Modèles de messages"),
                        "icon": "edit_note",
                        "link": reverse_once("admin:workshop_notificationtemplate_changelist"),
                        "permission": _can("workshop.view_notificationtemplate"),
                    },
                ],
            },
            {
                "title": _("Clients"),
                "items": [
                    {
                        "title": _("Clients"),
                        "icon": "people",
                        "link": reverse_once("admin:workshop_customer_changelist"),
                        "permission": _can("workshop.view_customer"),
                    },
                    {
                        "title": _("Véhicules"),
                        "icon": "directions_car",
                        "link": reverse_once("admin:workshop_car_changelist"),
                        "permission": _can("workshop.view_car"),
                    },
                    {
                        "title": _("Imports"),
                        "icon": "upload_file",
                        "link": reverse_once("admin:workshop_customerimport_changelist"),
                        "permission": _can("workshop.view_customerimport"),
                    },
                ],
            },
            {
                "title": _("Facturation"),
                "items": [
                    {
                        "title": _("Factures"),
                        "icon": "receipt_long",
                        "link": reverse_once("admin:workshop_invoice_changelist"),
                        "permission": _can("workshop.view_invoice"),
                    },
                    {
                        "title": _("Avoirs"),
                        "icon": "undo",
                        "link": reverse_once("admin:workshop_creditnote_changelist"),
                        "permission": _can("workshop.view_creditnote"),
                    },
                    {
                        "title": _("Paiements"),
                        "icon": "payments",
                        "link": reverse_once("admin:workshop_payment_changelist"),
                        "permission": _can("workshop.view_payment"),
                    },
                    {
                        "title": _("Export comptable"),
                        "icon": "request_quote",
                        "link": reverse_once("accounting_export"),
                        "permission": _can("workshop.export_billing"),
                    },
                ],
            },
            {
                "title": _("Rapports"),
                "collapsible": True,
                "items": [
                    {
                        "title": _("Chiffre d'affaires"),
                        "icon": "trending_up",
                        "link": reverse_once("reports:revenue"),
                        "permission": _can("reports.view_financial_reports"),
                    },
                    {
                        "title": _("Récapitulatif TVA"),
                        "icon": "account_balance",
                        "link": reverse_once("reports:tva"),
                        "permission": _can("reports.view_financial_reports"),
                    },
                    {
                        "title": _("Créances clients"),
                        "icon": "hourglass_bottom",
                        "link": reverse_once("reports:receivables"),
                        "permission": _can("reports.view_financial_reports"),
                    },
                    {
                        "title": _("Relevé de compte"),
                        "icon": "person_search",
                        "link": reverse_once("reports:statement"),
                        "permission": _can("reports.view_financial_reports"),
                    },
                    {
                        "title": _("Pièces vendues"),
                        "icon": "inventory_2",
                        "link": reverse_once("reports:parts"),
                        "permission": _can("reports.view_financial_reports"),
                    },
                    {
                        "title": _("Activité de l'atelier"),
                        "icon": "build",
                        "link": reverse_once("reports:activity"),
                        "permission": _can("reports.view_activity_reports"),
                    },
                ],
            },
            {
                "title": _("Catalogue"),
                "items": [
                    {
                        "title": _("Pièces"),
                        "icon": "inventory_2",
                        "link": reverse_once("admin:workshop_part_changelist"),
                        "permission": _can("workshop.view_part"),
                    },
                    {
                        "title": _("Main-d'œuvre"),
                        "icon": "engineering",
                        "link": reverse_once("admin:workshop_labouroperation_changelist"),
                        "permission": _can("workshop.view_labouroperation"),
                    },
                ],
            },
            {
                "title": _("Administration"),
                "items": [
                    {
                        "title": _("Atelier (identité)"),
                        "icon": "storefront",
                        "link": reverse_once("admin:workshop_workshopprofile_changelist"),
                        "permission": _can("workshop.view_workshopprofile"),
                    },
                    {
                        "title": _("Utilisateurs"),
                        "icon": "person",
                        "link": reverse_once("admin:auth_user_changelist"),
                        "permission": _can("auth.view_user"),
                    },
                    {
                        "title": _("Connexions bloquées"),
                        "icon": "lock_person",
                        "link": reverse_once("admin:axes_accessattempt_changelist"),
                        "permission": _can("axes.view_accessattempt"),
                    },
                    {
                        "title": _("Rôles"),
                        "icon": "group",
                        "link": reverse_once("admin:auth_group_changelist"),
                        "permission": _can("auth.view_group"),
                    },
                ],
            },
        ],
    },
}
