"""Pure builders every billing document shares: the parties' and the car's snapshot, and the totals.

Also used by the demo's bulk path and the estimate (approvals), so that their amounts are computed exactly like a
real invoice's.
"""

from django.conf import settings

from workshop.models import Service, WorkshopProfile
from workshop.money import ZERO, to_millimes
from workshop.printing import seller_snapshot


def identity_snapshot(customer, profile: WorkshopProfile | None) -> dict:
    """The parties as they are now, copied into the document so later edits elsewhere never change it."""
    snapshot = {
        "customer_name": customer.display_name,
        "customer_address": customer.address,
        "customer_city": customer.city,
        "customer_tax_id": customer.tax_id if customer.is_business else "",
        "customer_national_id": "" if customer.is_business else customer.national_id,
        "customer_phone": customer.phone or "",
        "customer_kind": customer.kind,
    }
    snapshot.update(seller_snapshot(profile))
    return snapshot


def job_snapshot(service: Service | None) -> dict:
    """The job's car as it is now, the mileage read at the visit, the job's kind and mechanic: copied into the
    invoice (the revenue report groups by the copy)."""
    if service is None:
        return {"job_kind": "", "mechanic_id": None}
    snapshot = {"job_kind": service.kind, "mechanic_id": service.mechanic_id}
    car = service.car
    if car is not None:
        snapshot.update(
            vehicle_plate=car.plate,
            vehicle_make_model=f"{car.make} {car.model}".strip(),
            vehicle_vin=car.vin or "",
            vehicle_mileage=service.mileage_in,
        )
    return snapshot


def document_totals(lines, *, stamp_exempt: bool, stamp_duty=None) -> dict:
    """HT, TVA and TTC as sums of the rounded lines, then the stamp (after TTC, untaxed) and the net to pay."""
    total_ht = sum((line.total_ht for line in lines), ZERO)
    total_tva = sum((line.total_tva for line in lines), ZERO)
    stamp = ZERO if stamp_exempt else to_millimes(settings.ECAR_STAMP_DUTY if stamp_duty is None else stamp_duty)
    total_ttc = total_ht + total_tva
    return {
        "total_ht": total_ht,
        "total_tva": total_tva,
        "total_ttc": total_ttc,
        "stamp_duty": stamp,
        "net_to_pay": total_ttc + stamp,
    }
