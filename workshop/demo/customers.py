"""Demo customers: Tunisian names, addresses, phones and CINs (one company in ten), deterministic by index."""

import random

from workshop.models import Customer

DEMO_NOTE = "Client de démonstration"
FIRST_NAMES = [
    "Mohamed",
    "Ahmed",
    "Ali",
    "Youssef",
    "Hamza",
    "Amine",
    "Mehdi",
    "Walid",
    "Sami",
    "Nizar",
    "Anis",
    "Bilel",
    "Fatma",
    "Amira",
    "Mariem",
    "Sarra",
    "Ines",
    "Rim",
    "Nour",
    "Asma",
    "Olfa",
    "Hela",
    "Salma",
    "Yasmine",
]
LAST_NAMES = [
    "Ben Ali",
    "Trabelsi",
    "Gharbi",
    "Jebali",
    "Hammami",
    "Ayari",
    "Mejri",
    "Bouazizi",
    "Chaabane",
    "Khelifi",
    "Sassi",
    "Ben Salah",
    "Dridi",
    "Zouari",
    "Mansouri",
    "Ferchichi",
    "Baccouche",
    "Ben Amor",
    "Karray",
    "Masmoudi",
    "Jaziri",
    "Riahi",
    "Saidi",
    "Hamdi",
    "Ouertani",
    "Tlili",
    "Abidi",
    "Belhadj",
]
COMPANIES = [
    "Transport Sahel",
    "Société Al Amal",
    "Cap Bon Distribution",
    "Sfax Logistique",
    "Djerba Tours",
    "Carthage Services",
    "Atlas Location",
    "Medina Travaux",
    "Kairouan Agro",
    "Bizerte Marine",
]
COMPANY_FORMS = ["SARL", "SA", "SUARL"]
CITIES = [
    ("Tunis", "Avenue Habib Bourguiba"),
    ("Ariana", "Rue de la Liberté"),
    ("Ben Arous", "Avenue de France"),
    ("La Marsa", "Rue du Lac"),
    ("Sfax", "Route de Tunis km 4"),
    ("Sousse", "Boulevard du 14 Janvier"),
    ("Monastir", "Avenue de l'Environnement"),
    ("Nabeul", "Avenue Farhat Hached"),
    ("Bizerte", "Rue d'Espagne"),
    ("Kairouan", "Avenue de la République"),
    ("Gabès", "Avenue Mohamed Ali"),
    ("Djerba", "Route de Houmt Souk"),
]
TAX_LETTERS = "ABCDEFGHJKLMNPQRSTVWXYZ"


def demo_phone(index: int) -> str:
    """Row i's phone: distinct for every i below 40 million, on the mobile ranges 2x, 5x and 9x."""
    prefix = "259"[index % 3]
    return f"+216{prefix}{(index * 7919) % 10_000_000:07d}"


def demo_national_id(index: int) -> str:
    """Row i's CIN (8 digits, distinct below 20 million rows), or for one in 40 a carte de séjour (9 digits)."""
    if index % 40 == 7:
        return f"{(index * 7919) % 1_000_000_000:09d}"
    return f"{(index * 7919) % 20_000_000:08d}"


def _customer(index: int, rng: random.Random) -> Customer:
    city, street = CITIES[index % len(CITIES)]
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    customer = Customer(
        first_name=first,
        last_name=last,
        phone=demo_phone(index),
        email=f"{first}.{last}.{index}@exemple.tn".lower().replace(" ", ""),
        address=f"{rng.randint(1, 180)} {street}",
        city=city,
        preferred_language="ar" if index % 5 == 0 else "fr",
        notes=DEMO_NOTE,
        national_id=demo_national_id(index),  # not drawn from `rng`: the other values stay those of earlier seeds
    )
    if index % 10 == 3:
        customer.kind = Customer.Kind.BUSINESS
        customer.company_name = f"{COMPANIES[index % len(COMPANIES)]} {rng.choice(COMPANY_FORMS)}"
        customer.tax_id = f"{1000000 + index % 8999999:07d}{rng.choice(TAX_LETTERS)}AM000"
        customer.national_id = ""
    return customer
