from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display
from unfold.enums import ActionVariant
from unfold.forms import BaseDialogForm

from workshop import stock
from workshop.models import LabourOperation, Part, StockMovement

from .base import EcarModelAdmin
from .cells import money
from .transitions import TransitionAdminMixin

RECENT_MOVEMENTS = 20


class ReceivePartsForm(BaseDialogForm):
    quantity = forms.DecimalField(label=_("Quantité reçue"), max_digits=12, decimal_places=3, min_value=0.001)
    reference = forms.CharField(label=_("Bon de livraison / référence"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class CountStockForm(BaseDialogForm):
    counted = forms.DecimalField(label=_("Quantité comptée"), max_digits=12, decimal_places=3, min_value=0)
    note = forms.CharField(label=_("Raison (inventaire, casse…)"), max_length=255)


@admin.register(Part)
class PartAdmin(TransitionAdminMixin, EcarModelAdmin):
    list_display = ("reference", "name", "brand", "price_column", "tva_rate", "stock_column", "is_active")
    list_filter = ("brand", "tva_rate", "is_active")
    search_fields = ("reference", "name", "brand")
    price_columns = ("price_column",)
    actions_detail = ["receive_parts", "count_stock"]
    readonly_fields = ("stock_on_hand", "movements")
    fieldsets = (
        (None, {"fields": ("reference", "name", "brand", "tva_rate", "is_active")}),
        (_("Prix"), {"fields": (("unit_price", "purchase_price"),)}),  # dropped whole for those without prices
        (_("Stock"), {"fields": (("stock_on_hand", "stock_minimum"), "movements")}),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:  # a new part starts at 0: its stock comes from a receipt
            return [
                (title, {**options, "fields": [f for f in options["fields"] if f != "movements"]})
                for title, options in fieldsets
            ]
        return fieldsets

    @display(description=_("prix HT"), ordering="unit_price")
    def price_column(self, obj):
        return money(obj.unit_price)

    @display(description=_("stock"), ordering="stock_on_hand", label={"low": "danger", "ok": ""})
    def stock_column(self, obj):
        low = obj.stock_minimum > 0 and obj.stock_on_hand < obj.stock_minimum
        return ("low" if low else "ok"), f"{obj.stock_on_hand.normalize():f}"

    @display(description=_("derniers mouvements"))
    def movements(self, obj):
        if not obj.pk:
            return "—"
        rows = (
            StockMovement.objects.filter(part=obj)
            .select_related("user", "invoice", "credit_note")
            .order_by("-created_at", "-id")[:RECENT_MOVEMENTS]
        )
        return render_to_string("workshop/admin/stock_movements.html", {"movements": rows})

    def _stock_action(self, request, object_id, run, message):
        part = self.get_object(request, object_id)
        if part is None:
            return self.dialog_response(request, self.change_url(object_id), status=404)
        try:
            movement = run(part)
        except ValidationError as exc:
            return self.refused(request, object_id, exc)
        messages.success(request, message(part, movement))
        return self.dialog_response(request, self.change_url(object_id))

    @action(
        description=_("Réception de pièces"),
        url_path="receive",
        icon="inventory",
        variant=ActionVariant.PRIMARY,
        permissions=[stock.RECEIVE_PERMISSION],
        dialog={
            "title": _("Réception de pièces"),
            "description": _("Les pièces livrées entrent en stock ; le bon de livraison reste dans le registre."),
            "form_class": ReceivePartsForm,
            "form_submit_text": _("Enregistrer la réception"),
        },
    )
    def receive_parts(self, request, form, object_id):
        data = form.cleaned_data
        return self._stock_action(
            request,
            object_id,
            lambda part: stock.receive_parts(
                part=part, quantity=data["quantity"], user=request.user, reference=data["reference"], note=data["note"]
            ),
            lambda part, movement: gettext("Réception enregistrée : stock %(stock)s.") % {"stock": part.stock_on_hand},
        )

    @action(
        description=_("Inventaire"),
        url_path="count",
        icon="fact_check",
        permissions=[stock.RECEIVE_PERMISSION],
        dialog={
            "title": _("Inventaire de la pièce"),
            "description": _("Le stock est ramené à la quantité comptée par un ajustement inscrit au registre."),
            "form_class": CountStockForm,
            "form_submit_text": _("Enregistrer l'inventaire"),
        },
    )
    def count_stock(self, request, form, object_id):
        data = form.cleaned_data
        return self._stock_action(
            request,
            object_id,
            lambda part: stock.count_stock(part=part, counted=data["counted"], user=request.user, note=data["note"]),
            lambda part, movement: gettext("Inventaire enregistré : stock %(stock)s.") % {"stock": part.stock_on_hand},
        )


@admin.register(LabourOperation)
class LabourOperationAdmin(EcarModelAdmin):
    list_display = ("code", "name", "standard_hours", "rate_column", "tva_rate", "is_active")
    list_filter = ("tva_rate", "is_active")
    search_fields = ("code", "name")
    price_columns = ("rate_column",)

    @display(description=_("taux horaire HT"), ordering="hourly_rate")
    def rate_column(self, obj):
        return money(obj.hourly_rate)
