"""Parts in and out of the store: the movement ledger and the stock it sums to.

A part leaves the store when its job's invoice is issued and comes back when a credit note is issued on that
invoice (`workshop.billing` calls `record_sale` / `record_return` inside its own transaction, so the movement
and the document commit or fail together); a manager records deliveries (`receive_parts`) and inventory counts
(`count_stock`). Each writer adds movement rows, then moves `Part.stock_on_hand` by their sum in the same
transaction: the database checks that the column equals the ledger (workshop.invariants LEDGERS) and
refuses any change to a movement (FROZEN). Stock may go negative: a part fitted before its delivery was
recorded is still sold; the dashboard shows it among the parts below their minimum.
"""

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from workshop.models import CreditNote, Invoice, Part, StockMovement
from workshop.models.common import QUANTITY, database_refusals
from workshop.workflows import TransitionRefused

RECEIVE_PERMISSION = "workshop.add_stockmovement"
MAX_QUANTITY = Decimal(10) ** (QUANTITY["max_digits"] - QUANTITY["decimal_places"])


def _apply(movements: list[StockMovement]) -> list[StockMovement]:
    """Write the rows, then move each part's stock by its total, parts in id order (no lock-order deadlock)."""
    if not movements:
        return []
    with database_refusals():
        StockMovement.objects.bulk_create(movements)
        totals: dict[int, Decimal] = defaultdict(Decimal)
        for movement in movements:
            totals[movement.part_id] += movement.quantity
        for part_id in sorted(totals):
            Part.objects.filter(pk=part_id).update(stock_on_hand=F("stock_on_hand") + totals[part_id])
    return movements


def record_sale(*, invoice: Invoice, user) -> list[StockMovement]:
    """At issue: one `sale` movement per catalogue part on the invoice (call inside the issuing transaction)."""
    sold: dict[int, Decimal] = defaultdict(Decimal)
    for line in invoice.lines.all():
        if line.part_id and line.quantity > 0:
            sold[line.part_id] += line.quantity
    movements = [
        StockMovement(part_id=part_id, quantity=-quantity, kind=StockMovement.Kind.SALE, invoice=invoice, user=user)
        for part_id, quantity in sold.items()
    ]
    return _apply(movements)


def record_return(*, credit_note: CreditNote, user) -> list[StockMovement]:
    """At a credit note's issue: the credited parts come back, as much as the invoice took out of the store.

    An invoice issued before the ledger existed took nothing out, so its credit notes put nothing back.
    """
    sold = dict(
        StockMovement.objects.filter(invoice_id=credit_note.invoice_id, kind=StockMovement.Kind.SALE).values_list(
            "part_id", "quantity"
        )
    )
    returned_before = defaultdict(Decimal)
    for part_id, quantity in StockMovement.objects.filter(
        credit_note__invoice_id=credit_note.invoice_id, kind=StockMovement.Kind.RETURN
    ).values_list("part_id", "quantity"):
        returned_before[part_id] += quantity
    back: dict[int, Decimal] = defaultdict(Decimal)
    for line in credit_note.lines.select_related("invoice_line"):
        part_id = line.invoice_line.part_id
        if part_id in sold and line.quantity > 0:
            back[part_id] += line.quantity
    movements = []
    for part_id, quantity in back.items():
        quantity = min(quantity, -sold[part_id] - returned_before[part_id])
        if quantity > 0:
            movements.append(
                StockMovement(
                    part_id=part_id,
                    quantity=quantity,
                    kind=StockMovement.Kind.RETURN,
                    credit_note=credit_note,
                    user=user,
                )
            )
    return _apply(movements)


def _quantity(value, *, field: str = "quantity", allow_zero: bool = False) -> Decimal:
    try:
        quantity = Decimal(str(value).replace(",", ".").replace(" ", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Indiquez une quantité (par exemple 4 ou 2,5).")}) from None
    if not quantity.is_finite() or quantity != quantity.quantize(Decimal("0.001")):
        raise ValidationError({field: _("La quantité a au plus trois décimales.")})
    if quantity < 0 or (quantity == 0 and not allow_zero):
        raise ValidationError({field: _("La quantité doit être positive.")})
    if quantity >= MAX_QUANTITY:
        raise ValidationError({field: _("Quantité trop grande.")})
    return quantity


def _require_receiver(user) -> None:
    if not user.has_perm(RECEIVE_PERMISSION):
        raise TransitionRefused(_("Votre rôle ne permet pas de modifier le stock des pièces."), code="forbidden")


def receive_parts(*, part: Part, quantity, user, reference: str = "", note: str = "") -> StockMovement:
    """A delivery from a supplier: the part's stock goes up by `quantity` (the delivery note in `reference`)."""
    _require_receiver(user)
    quantity = _quantity(quantity)
    with transaction.atomic():
        locked = Part.objects.select_for_update().get(pk=part.pk)
        movement = StockMovement(
            part=locked,
            quantity=quantity,
            kind=StockMovement.Kind.RECEIPT,
            user=user,
            reference=(reference or "").strip()[:60],
            note=(note or "").strip()[:255],
        )
        _apply([movement])
    part.refresh_from_db(fields=["stock_on_hand"])
    return movement


def count_stock(*, part: Part, counted, user, note: str = "") -> StockMovement | None:
    """An inventory count: an adjustment brings the stock to what was counted (None when it already was)."""
    _require_receiver(user)
    counted = _quantity(counted, field="counted", allow_zero=True)
    if not (note or "").strip():
        raise ValidationError({"note": _("Indiquez la raison de l'ajustement (inventaire, casse…).")})
    with transaction.atomic():
        locked = Part.objects.select_for_update().get(pk=part.pk)
        difference = counted - locked.stock_on_hand
        if difference == 0:
            return None
        movement = StockMovement(
            part=locked, quantity=difference, kind=StockMovement.Kind.ADJUSTMENT, user=user, note=note.strip()[:255]
        )
        _apply([movement])
    part.refresh_from_db(fields=["stock_on_hand"])
    return movement


def open_stock(*, quantities: dict[int, Decimal], note: str) -> list[StockMovement]:
    """Opening balances of newly created parts (reference data, migrations): adjustments by nobody."""
    movements = [
        StockMovement(part_id=part_id, quantity=Decimal(quantity), kind=StockMovement.Kind.ADJUSTMENT, note=note)
        for part_id, quantity in quantities.items()
        if Decimal(quantity) != 0
    ]
    with transaction.atomic():
        return _apply(movements)


def parts_below_minimum(*, limit: int = 20) -> list[Part]:
    """Active parts whose stock is under their minimum, the emptiest first (one query)."""
    return list(
        Part.objects.filter(is_active=True, stock_on_hand__lt=F("stock_minimum")).order_by(
            F("stock_on_hand") - F("stock_minimum"), "name", "id"
        )[:limit]
    )
