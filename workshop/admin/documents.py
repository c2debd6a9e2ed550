"""What the invoice and credit note pages show alike: their lines, the frozen identities, the totals."""

from django.utils.translation import gettext_lazy as _

from workshop.models.documents import CUSTOMER_COPY_FIELDS, SELLER_COPY_FIELDS

LINE_FIELDS = (
    "position",
    "reference",
    "description",
    "quantity",
    "unit_price",
    "discount_percent",
    "tva_rate",
    "total_ht",
    "total_tva",
    "total_ttc",
)
IDENTITY_FIELDSETS = (
    (
        _("Client (copie figée)"),
        {"fields": CUSTOMER_COPY_FIELDS},
    ),
    (
        _("Atelier (copie figée)"),
        {
            "fields": SELLER_COPY_FIELDS,
            "classes": ["collapse"],
        },
    ),
)
TOTAL_FIELDS = ("total_ht", "total_tva", "total_ttc", "stamp_duty", "net_to_pay")
