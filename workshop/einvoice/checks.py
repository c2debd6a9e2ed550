"""What must be right before an invoice is issued when e-invoicing is on (`ECAR_EINVOICING`): TEIF names the
garage and a business customer by a matricule fiscal in the form TTN's schema asserts (13 characters, TVA code
A/B/D/N/P, category C/M/N/P, principal establishment 000); a forfaitaire garage (TVA code F) cannot be carried.
A private customer is named by their CIN (I-02) or carte de séjour (I-03): one of them must be on the invoice.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from .teif import MATRICULE_TEIF, compact

COMPANY_KINDS = ("business", "public")


def matricule_problem(value: str) -> str | None:
    """Why a matricule cannot go into TEIF, in French; None when it can."""
    tax_id = compact(value)
    if MATRICULE_TEIF.match(tax_id):
        return None
    if not tax_id:
        return _("aucun matricule fiscal")
    if len(tax_id) == 8:
        return _("« %(value)s » s'arrête à la lettre-clé : il manque le code TVA, la catégorie et l'établissement") % {
            "value": value
        }
    if len(tax_id) == 13 and tax_id[8] == "F":
        return _("« %(value)s » est au régime forfaitaire (code TVA F), que le format TEIF de TTN ne porte pas") % {
            "value": value
        }
    if len(tax_id) == 13 and tax_id[9] not in "CMNP":
        return _("« %(value)s » : la catégorie %(category)s n'est pas acceptée par El Fatoora (C, M, N ou P)") % {
            "value": value,
            "category": tax_id[9],
        }
    if len(tax_id) == 13 and tax_id[10:] != "000":
        return _("« %(value)s » : El Fatoora n'accepte que l'établissement principal 000") % {"value": value}
    return _("« %(value)s » n'a pas la forme d'un matricule fiscal (1234567A/B/M/000)") % {"value": value}


def issue_problems(invoice) -> list[str]:
    """What keeps this draft (its frozen copy of the parties, as it is about to be issued) out of El Fatoora."""
    if not settings.ECAR_EINVOICING:
        return []
    problems = []
    seller = matricule_problem(invoice.seller_tax_id)
    if seller:
        problems.append(
            _("Facture électronique : le matricule fiscal de l'atelier (profil) ne convient pas : %(why)s.")
            % {"why": seller}
        )
    customer = matricule_problem(invoice.customer_tax_id)
    if invoice.customer_kind in COMPANY_KINDS and customer:
        problems.append(
            _("Facture électronique : le matricule fiscal du client %(name)s ne convient pas : %(why)s.")
            % {"name": invoice.customer_name, "why": customer}
        )
    person = invoice.customer_kind not in COMPANY_KINDS and not compact(invoice.customer_tax_id)
    if person and not invoice.customer_national_id:
        problems.append(
            _(
                "Facture électronique : le client %(name)s n'a ni CIN ni carte de séjour, par lesquelles El Fatoora "
                "identifie un particulier."
            )
            % {"name": invoice.customer_name}
        )
    return problems
