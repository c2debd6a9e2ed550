"""Demo repair orders and their lines: 2 to 5 visits per car, dated back from the reference day, numbered in order."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from workshop.models import DocumentSequence, Service, ServiceItem
from workshop.money import line_amounts

from .common import rng_for

COMPLAINTS = [
    "Vidange et révision des 10 000 km",
    "Bruit au freinage à l'avant",
    "Voyant moteur allumé",
    "Climatisation ne refroidit plus",
    "Préparation de la visite technique",
    "Claquement dans la suspension avant",
    "Embrayage qui patine",
    "Batterie faible au démarrage",
    "Choc pare-chocs arrière à réparer",
]


def _service_items(service: Service, rng, parts, labours) -> list[ServiceItem]:
    items = []
    for position in range(rng.randint(1, 4)):
        if position % 2 == 0 and labours:
            op = rng.choice(labours)
            item = ServiceItem(
                kind=ServiceItem.Kind.LABOUR,
                labour_id=op.pk,
                description=op.name,
                quantity=op.standard_hours,
                unit_price=op.hourly_rate,
                tva_rate=op.tva_rate,
            )
        else:
            part = rng.choice(parts)
            item = ServiceItem(
                kind=ServiceItem.Kind.PART,
                part_id=part.pk,
                description=part.name,
                quantity=Decimal(rng.choice([1, 1, 2, 4])),
                unit_price=part.unit_price,
                tva_rate=part.tva_rate,
            )
        item.service = service
        item.position = position
        item.discount_percent = Decimal(rng.choice([0, 0, 0, 5, 10]))
        item.total_ht, item.total_tva, item.total_ttc = line_amounts(
            quantity=item.quantity,
            unit_price=item.unit_price,
            discount_percent=item.discount_percent,
            tva_rate=item.tva_rate,
        )
        if service.status not in NOT_YET_APPROVED:  # the customer agreed to every line (the adviser's button)
            item.decision, item.decided_at, item.decided_terms = (
                ServiceItem.Decision.APPROVED,
                service.received_at,
                item.terms(),
            )
        items.append(item)
    return items


NOT_YET_APPROVED = (Service.Status.RECEIVED, Service.Status.DIAGNOSED, Service.Status.CANCELLED)


def _status_for_age(days: int, rng) -> str:
    if days > 20:
        return rng.choice([Service.Status.DELIVERED] * 8 + [Service.Status.CANCELLED])
    if days > 3:
        return rng.choice([Service.Status.DELIVERED, Service.Status.INVOICED, Service.Status.COMPLETED])
    return rng.choice(
        [
            Service.Status.RECEIVED,
            Service.Status.DIAGNOSED,
            Service.Status.APPROVED,
            Service.Status.IN_PROGRESS,
            Service.Status.WAITING_PARTS,
        ]
    )


def _services_for(cars, now, mechanics, parts, labours, seed):
    services, items = [], []
    for car_id, owner_id, mileage, plate in cars:
        rng = rng_for(seed, "visits", plate)
        visits = rng.choice([2, 3, 3, 4, 5])
        for visit in range(visits):
            days = rng.randint(0, 540) if visit else rng.randint(0, 30)
            received = now - timedelta(days=days, hours=rng.randint(0, 9))
            status = _status_for_age(days, rng)
            service = Service(
                car_id=car_id,
                customer_id=owner_id,
                kind=rng.choice(Service.Kind.values),
                status=status,
                complaint=rng.choice(COMPLAINTS),
                mileage_in=max(0, mileage - days * 40),
                mechanic_id=rng.choice(mechanics) if mechanics and status != Service.Status.RECEIVED else None,
                received_at=received,
                promised_at=received + timedelta(days=rng.randint(1, 4)),
            )
            if status in (Service.Status.COMPLETED, Service.Status.INVOICED, Service.Status.DELIVERED):
                service.completed_at = received + timedelta(hours=rng.randint(3, 60))
            if status == Service.Status.DELIVERED:
                service.delivered_at = service.completed_at + timedelta(hours=rng.randint(1, 30))
            lines = _service_items(service, rng, parts, labours)
            service.total_ht = sum((i.total_ht for i in lines), Decimal("0.000"))
            service.total_tva = sum((i.total_tva for i in lines), Decimal("0.000"))
            service.total_ttc = sum((i.total_ttc for i in lines), Decimal("0.000"))
            kept = [i for i in lines if i.decision != ServiceItem.Decision.DECLINED]
            hours = (i.quantity for i in kept if i.kind == ServiceItem.Kind.LABOUR)
            service.labour_hours = sum(hours, Decimal("0.000"))
            services.append(service)
            items.append(lines)
    _number(services)
    return services, items


def _number(services: list[Service]) -> None:
    """Give the batch its references in one reservation per year, in order of reception."""
    by_year: dict[int, list[Service]] = {}
    for service in sorted(services, key=lambda s: s.received_at):  # stable: ties keep the cars' plate order
        by_year.setdefault(timezone.localtime(service.received_at).year, []).append(service)
    for year, group in by_year.items():
        for service, number in zip(group, DocumentSequence.reserve(f"OR-{year}", len(group)), strict=True):
            service.reference = f"OR-{year}-{number:05d}"
