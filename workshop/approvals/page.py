"""The public approval page: no login, reached only by a signed link (`links`), French or Arabic.

It shows the garage, the car and this estimate's lines with their prices, TVA and total with stamp (computed by
`billing.document_totals`, as the estimate PDF and the invoice are), and records the customer's answers through
`decisions.decide`. It reveals nothing else, and says clearly when the link is used or expired.
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal.login_lockout import client_ip
from workshop.billing import document_totals
from workshop.models import LineDecision, ServiceItem, WorkshopProfile
from workshop.workflows import TransitionRefused

from . import throttle
from .decisions import decide
from .links import LinkRefused, open_link, token_for

LANGUAGES = ("fr", "ar")
D = ServiceItem.Decision


def _language(request, link) -> str:
    asked = request.GET.get("lang") or request.POST.get("lang")
    if asked in LANGUAGES:
        return asked
    preferred = getattr(link.service.customer, "preferred_language", "") if link else ""
    return preferred if preferred in LANGUAGES else "fr"


def estimate_context(service) -> dict:
    """The lines and totals the customer answers to; declined lines are shown and count for nothing."""
    items = list(ServiceItem.objects.filter(service=service).order_by("position", "id"))
    counted = [item for item in items if item.decision != D.DECLINED]
    totals = document_totals(counted, stamp_exempt=service.customer.stamp_exempt)
    return {"items": items, "open_items": [i for i in items if i.decision == D.PROPOSED], **totals}


@never_cache
@require_http_methods(["GET"])
def approval_pdf(request, token: str):
    """The estimate with each line's answer, as a PDF: from a live link, or one the customer has answered with."""
    from reports.documents import estimate_pdf, pdf_filename

    if not throttle.allow(request):
        return _closed(request, None, "throttled", status=429)
    try:
        link = open_link(token, answered=True)
    except LinkRefused as refused:
        return _closed(request, refused.link, refused.reason, status=404 if refused.reason == "invalid" else 410)
    response = HttpResponse(estimate_pdf(link.service), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf_filename("devis", link.service.reference)}"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def approval_page(request, token: str):
    if not throttle.allow(request):
        return _closed(request, None, "throttled", status=429)
    try:
        link = open_link(token)
    except LinkRefused as refused:
        status = {"invalid": 404, "used": 410, "expired": 410}[refused.reason]
        return _closed(request, refused.link, refused.reason, status=status)
    with translation.override(_language(request, link)):
        if request.method == "POST":
            return _answer(request, link)
        return _page(request, link)


def _answer(request, link):
    service = link.service
    proposed = ServiceItem.objects.filter(service=service, decision=D.PROPOSED).values_list("pk", flat=True)
    everything = request.POST.get("all")
    answers = {}
    for pk in proposed:
        answer = everything if everything in (D.APPROVED, D.DECLINED) else request.POST.get(f"line-{pk}")
        if answer:
            answers[pk] = answer
    extra = {int(key[5:]) for key in request.POST if key.startswith("line-") and key[5:].isdigit()} - set(proposed)
    if extra:
        answers.update({pk: request.POST[f"line-{pk}"] for pk in extra})  # refused by `decide`: not this estimate's
    terms = {
        int(key[6:]): value for key, value in request.POST.items() if key.startswith("terms-") and key[6:].isdigit()
    }
    try:
        decide(
            service=service,
            answers=answers,
            actor=LineDecision.Actor.CUSTOMER_LINK,
            signed_name=request.POST.get("signed_name", ""),
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            terms=terms,
            link=link,
        )
    except (ValidationError, TransitionRefused) as error:
        return _page(request, link, errors=error.messages, status=400)
    context = {**_common(link), **estimate_context(service), "token": token_for(link)}
    return render(request, "approvals/done.html", context)


def _page(request, link, *, errors=(), status=200) -> HttpResponse:
    context = {**_common(link), **estimate_context(link.service), "errors": errors, "posted": request.POST}
    return render(request, "approvals/page.html", context, status=status)


def _common(link) -> dict:
    language = translation.get_language() or "fr"
    return {
        "link": link,
        "service": link.service,
        "car": link.service.car,
        "profile": WorkshopProfile.load(),
        "language": language,
        "direction": "rtl" if language.startswith("ar") else "ltr",
    }


def _closed(request, link, reason: str, *, status: int) -> HttpResponse:
    with translation.override(_language(request, link)):
        messages = {
            "invalid": _("Ce lien n'est pas valable. Vérifiez qu'il est complet, ou appelez le garage."),
            "used": _("Votre réponse à ce devis est déjà enregistrée : ce lien ne sert plus. Merci !"),
            "expired": _("Ce lien a expiré. Appelez le garage pour recevoir un nouveau devis."),
            "throttled": _("Trop de demandes depuis votre connexion. Réessayez dans une heure."),
        }
        language = translation.get_language() or "fr"
        context = {
            "message": messages[reason],
            "reason": reason,
            "profile": WorkshopProfile.load(),
            "language": language,
            "direction": "rtl" if language.startswith("ar") else "ltr",
        }
        return render(request, "approvals/closed.html", context, status=status)
