"""Demo cars: plates deterministic by index, makes and models of the Tunisian market."""

import random

from workshop.models import Car

MAKES = {
    "Peugeot": ["208", "301", "308", "2008", "Partner"],
    "Renault": ["Clio", "Symbol", "Megane", "Kangoo"],
    "Volkswagen": ["Polo", "Golf", "Caddy"],
    "Kia": ["Picanto", "Rio", "Sportage"],
    "Hyundai": ["i10", "i20", "Accent", "Tucson"],
    "Toyota": ["Yaris", "Corolla", "Hilux"],
    "Citroën": ["C3", "C-Elysée", "Berlingo"],
    "Fiat": ["Punto", "Tipo"],
    "Suzuki": ["Swift", "Celerio"],
    "Isuzu": ["D-Max"],
    "Dacia": ["Logan", "Sandero"],
    "Seat": ["Ibiza"],
    "Mercedes-Benz": ["Classe C"],
    "Chery": ["Tiggo 2"],
}
FUELS = ["petrol"] * 6 + ["diesel"] * 3 + ["lpg", "hybrid"]
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def demo_plate(index: int) -> str:
    if index % 50 == 49:
        return f"{10000 + index} RS"
    return f"{100 + (index // 9999) % 150} TU {index % 9999 + 1}"


def _car(index: int, owner_id: int, rng: random.Random) -> Car:
    make = rng.choice(list(MAKES))
    year = rng.randint(2006, 2025)
    return Car(
        owner_id=owner_id,
        plate=demo_plate(index),
        vin="".join(rng.choice(VIN_CHARS) for _ in range(17)) if index % 3 else None,
        make=make,
        model=rng.choice(MAKES[make]),
        year=year,
        fuel=rng.choice(FUELS),
        mileage=(2026 - year) * rng.randint(9000, 22000) + rng.randint(0, 9000),
    )
