"""Turn spreadsheet rows into new or changed customers and cars, validated like the admin, matched in bulk.

A batch is parsed first, then existing customers and cars are fetched with one query per key kind, then each
row is resolved in order against them and against the rows before it. A row either applies in full or not at
all: its errors name the column as written in the file and say why in French.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from workshop.imports.row_parsing import _CUSTOMER_IDS, RowParser
from workshop.imports.validation import ImportValidator
from workshop.models import Car, Customer

CUSTOMER_FIELDS = ("kind", "first_name", "last_name", "company_name", "phone", "email", "address", "city", "tax_id")
CUSTOMER_FIELDS += ("national_id",)
CAR_FIELDS = ("plate", "vin", "make", "model", "year", "mileage", "first_registration", "category")
# Fields not in the file are not checked again; nor are the identifiers `parse` already put through the very
# validators the model fields run (normalise_phone/tax_id/national_id/plate/vin), so each value is validated once.
_CUSTOMER_UNCHECKED = [f.name for f in Customer._meta.fields if f.name not in CUSTOMER_FIELDS]
_CUSTOMER_UNCHECKED += [name for name, _normaliser in _CUSTOMER_IDS]
_CAR_UNCHECKED = [f.name for f in Car._meta.fields if f.name not in CAR_FIELDS] + ["plate", "vin"]


@dataclass
class RowOutcome:
    row: int
    cells: list[str]
    kind: str = "unchanged"  # new / updated / unchanged (ignored when errors)
    errors: list[tuple[str, str]] = field(default_factory=list)
    customer: str = ""
    plate: str = ""
    changes: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "row": self.row,
            "outcome": "invalid" if self.errors else self.kind,
            "customer": self.customer,
            "plate": self.plate,
            "changes": self.changes,
            "errors": [f"{column} : {message}" if column else message for column, message in self.errors],
        }


@dataclass
class Pending:
    new_customers: list = field(default_factory=list)
    changed_customers: list = field(default_factory=list)
    new_cars: list = field(default_factory=list)
    changed_cars: list = field(default_factory=list)


def _one_of(values: set[str]):
    """The right side of an `__in` look-up: on PostgreSQL one array parameter, not a thousand placeholders."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::text[])", [sorted(values)])
    return values


class RowResolver(RowParser):
    def __init__(self, *, mapping: dict[str, int], headers: dict[str, str]):
        self.mapping = mapping
        self.headers = headers
        self.pending = Pending()
        self._changed_customer_ids: set[int] = set()
        self._changed_car_ids: set[int] = set()
        # Identity keys this import has already written, with the first row that wrote them: a later row that
        # disagrees is an error rather than a silent overwrite. Strings only, so memory stays small.
        self.seen_customers: dict[tuple[str, str], int] = {}
        self.seen_cars: dict[tuple[str, str], int] = {}
        self._validators = {
            Customer: ImportValidator(Customer, exclude=_CUSTOMER_UNCHECKED),
            Car: ImportValidator(Car, exclude=_CAR_UNCHECKED),
        }
        self._reset_batch()

    def _reset_batch(self) -> None:
        self.customers_by_phone: dict[str, Customer] = {}
        self.customers_by_email: dict[str, Customer] = {}
        self.cars_by_plate: dict[str, Car] = {}
        self.cars_by_vin: dict[str, Car] = {}
        self.customers_by_pk: dict[int, Customer] = {}
        self.cars_by_pk: dict[int, Car] = {}

    def take_pending(self) -> Pending:
        pending, self.pending = self.pending, Pending()
        self._changed_customer_ids, self._changed_car_ids = set(), set()
        self._reset_batch()
        return pending

    # --- resolving ---------------------------------------------------------------------------------

    def resolve_batch(self, batch: list[tuple[int, list[str]]]) -> list[RowOutcome]:
        parsed = [(number, cells, *self.parse(number, cells)) for number, cells in batch]
        self._prefetch(parsed)
        outcomes = []
        for number, cells, customer, car, errors in parsed:
            outcome = RowOutcome(row=number, cells=cells, errors=errors)
            if not errors:
                self._resolve(outcome, customer, car)
            outcomes.append(outcome)
        return outcomes

    def _prefetch(self, parsed) -> None:
        phones = {c["phone"] for _n, _c, c, _car, e in parsed if not e and "phone" in c}
        emails = {c["email"] for _n, _c, c, _car, e in parsed if not e and "phone" not in c and "email" in c}
        plates = {car["plate"] for *_x, car, e in parsed if not e and car and "plate" in car}
        vins = {car["vin"] for *_x, car, e in parsed if not e and car and "vin" in car}
        if emails:  # several customers may share an e-mail: the oldest one is the match
            for customer in Customer.objects.filter(email__in=_one_of(emails)).order_by("id"):
                customer = self.customers_by_pk.setdefault(customer.pk, customer)
                self.customers_by_email.setdefault(customer.email, customer)
        if phones:
            for customer in Customer.objects.filter(phone__in=_one_of(phones)).order_by():
                customer = self.customers_by_pk.setdefault(customer.pk, customer)
                self.customers_by_phone[customer.phone] = customer
        if plates or vins:
            query = Q(plate__in=_one_of(plates))
            if vins:
                query |= Q(vin__in=_one_of(vins))
            for car in Car.objects.filter(query).order_by():
                self.cars_by_pk[car.pk] = car
                self.cars_by_plate[car.plate] = car
                if car.vin:
                    self.cars_by_vin[car.vin] = car

    def _find_customer(self, values: dict) -> Customer | None:
        if "phone" in values:
            return self.customers_by_phone.get(values["phone"])
        return self.customers_by_email.get(values["email"])

    def _conflicts(self, target, values: dict, seen: dict, keys, what: str) -> list[tuple[str, str]]:
        first = min((seen[key] for key in keys if key in seen), default=None)
        if first is None:
            return []
        errors = []
        for name, value in values.items():
            current = getattr(target, name)
            if current not in (None, "") and current != value:
                errors.append(
                    (
                        self.label(name),
                        _("%(what)s figure déjà ligne %(row)s avec « %(current)s » ; ici « %(value)s ».")
                        % {"what": what, "row": first, "current": current or "", "value": value},
                    )
                )
        return errors

    @staticmethod
    def _customer_keys(values) -> list[tuple[str, str]]:
        return [(name, values[name]) for name in ("phone", "email") if values.get(name)]

    @staticmethod
    def _car_keys(values) -> list[tuple[str, str]]:
        return [(name, values[name]) for name in ("plate", "vin") if values.get(name)]

    def _validated(self, model, instance_values: dict, outcome: RowOutcome, pk=None):
        validator = self._validators[model]
        instance = validator.build(instance_values, pk=pk)
        try:
            validator.validate(instance)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = self.label(name) if name in self.headers else ""
                outcome.errors.extend((column, message) for message in messages)
            return None
        return instance

    def _resolve(self, outcome: RowOutcome, incoming: dict, incoming_car: dict | None) -> None:
        number = outcome.row
        target = self._find_customer(incoming)
        if incoming.get("company_name") and (target is None or target.kind == Customer.Kind.INDIVIDUAL):
            incoming["kind"] = Customer.Kind.BUSINESS
        if target is None:
            customer = self._validated(Customer, incoming, outcome)
            customer_changes = list(incoming) if customer else []
        else:
            outcome.errors.extend(
                self._conflicts(
                    target, incoming, self.seen_customers, self._customer_keys(self._values(target)), _("Ce client")
                )
            )
            merged = {**self._values(target, CUSTOMER_FIELDS), **incoming}
            customer_changes = [name for name in CUSTOMER_FIELDS if merged[name] != getattr(target, name)]
            customer = target
            if customer_changes and not outcome.errors:
                checked = self._validated(Customer, merged, outcome, pk=target.pk)
                customer = target if checked else None
        if customer is None or outcome.errors:
            return

        car, car_target, car_changes = None, None, []
        if incoming_car is not None:
            car, car_target, car_changes = self._resolve_car(outcome, incoming_car, customer, target is None)
            if outcome.errors:
                return

        # The whole row is valid: apply it.
        outcome.customer = customer.display_name
        if target is None:
            self.pending.new_customers.append(customer)
            outcome.kind = "new"
        elif customer_changes:
            for name in customer_changes:
                setattr(target, name, merged[name])
            if target.pk is not None and target.pk not in self._changed_customer_ids:
                self._changed_customer_ids.add(target.pk)
                self.pending.changed_customers.append(target)
            outcome.kind = "updated"
        self._index_customer(customer, number)
        if car is not None:
            outcome.plate = car.plate
            if car_target is None:
                self.pending.new_cars.append(car)
                outcome.kind = "new"
            elif car_changes:
                if car_target.pk is not None and car_target.pk not in self._changed_car_ids:
                    self._changed_car_ids.add(car_target.pk)
                    self.pending.changed_cars.append(car_target)
                if outcome.kind != "new":
                    outcome.kind = "updated"
            self._index_car(car, number)
        outcome.changes = [self.label(name) for name in customer_changes if target is not None] + [
            self.label(name) if name != "owner" else str(_("propriétaire")) for name in car_changes
        ]

    def _resolve_car(self, outcome: RowOutcome, incoming: dict, customer: Customer, customer_is_new: bool):
        by_plate = self.cars_by_plate.get(incoming.get("plate"))
        by_vin = self.cars_by_vin.get(incoming["vin"]) if "vin" in incoming else None
        if by_plate is not None and by_vin is not None and by_plate is not by_vin:
            outcome.errors.append(
                (
                    self.label("vin"),
                    _("Ce VIN appartient déjà au véhicule %(plate)s, pas à %(other)s.")
                    % {"plate": by_vin.plate, "other": by_plate.plate},
                )
            )
            return None, None, []
        target = by_plate or by_vin
        if target is None:
            car = self._validated(Car, incoming, outcome)
            if car is not None:
                car.owner = customer
            return car, None, []
        outcome.errors.extend(
            self._conflicts(target, incoming, self.seen_cars, self._car_keys(self._values(target)), _("Ce véhicule"))
        )
        owner_changed = customer_is_new or target.owner_id != customer.pk
        if owner_changed and self._already_seen(self.seen_cars, self._car_keys(self._values(target))):
            outcome.errors.append(
                (self.label("plate"), _("Ce véhicule figure déjà dans le fichier avec un autre propriétaire."))
            )
        if outcome.errors:
            return None, None, []
        merged = {**self._values(target, CAR_FIELDS), **incoming}
        changes = [name for name in CAR_FIELDS if merged[name] != getattr(target, name)]
        if changes and self._validated(Car, merged, outcome, pk=target.pk) is None:
            return None, None, []
        for name in changes:
            setattr(target, name, merged[name])
        if owner_changed:
            target.owner = customer
            changes.append("owner")
        return target, target, changes

    @staticmethod
    def _already_seen(seen, keys) -> bool:
        return any(key in seen for key in keys)

    @staticmethod
    def _values(instance, names=("phone", "email", "plate", "vin")) -> dict:
        return {name: getattr(instance, name) for name in names if hasattr(instance, name)}

    def _index_customer(self, customer: Customer, number: int) -> None:
        if customer.phone:
            self.customers_by_phone[customer.phone] = customer
        if customer.email:
            self.customers_by_email.setdefault(customer.email, customer)
        for key in self._customer_keys(self._values(customer)):
            self.seen_customers.setdefault(key, number)

    def _index_car(self, car: Car, number: int) -> None:
        self.cars_by_plate[car.plate] = car
        if car.vin:
            self.cars_by_vin[car.vin] = car
        for key in self._car_keys(self._values(car)):
            self.seen_cars.setdefault(key, number)
