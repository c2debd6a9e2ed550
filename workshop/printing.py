"""What an issued document prints besides its lines: frozen when it is issued, never read live afterwards.

The seller's identity, bank, e-mail, footer and logo are copied into the invoice (and from it into its
credit notes). The logo is copied once into a content-addressed file (`documents/logos/<sha256>.<ext>`)
that nothing ever overwrites, so replacing the garage's logo leaves issued documents printing the old one.
"""

import hashlib
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

FROZEN_LOGO_DIR = "documents/logos"
PRINT_FIELDS = ("seller_bank_name", "seller_email", "seller_logo", "printed_footer")


def frozen_logo(profile) -> str:
    """The storage name of an immutable copy of the profile's current logo ("" without a readable logo)."""
    if profile is None or not profile.logo:
        return ""
    try:
        with profile.logo.open("rb") as source:
            content = source.read()
    except OSError:
        return ""
    suffix = PurePosixPath(profile.logo.name).suffix.lower()[:10]
    name = f"{FROZEN_LOGO_DIR}/{hashlib.sha256(content).hexdigest()}{suffix}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    return name


def seller_snapshot(profile) -> dict:
    """The garage as printed on a document issued now."""
    if profile is None:
        return {}
    return {
        "seller_name": profile.name,
        "seller_address": ", ".join(part for part in (profile.address, profile.city) if part),
        "seller_tax_id": profile.tax_id,
        "seller_rne": profile.rne,
        "seller_phone": profile.phone,
        "seller_rib": profile.rib,
        "seller_bank_name": profile.bank_name,
        "seller_email": profile.email,
        "seller_logo": frozen_logo(profile),
        "printed_footer": profile.invoice_footer,
    }
