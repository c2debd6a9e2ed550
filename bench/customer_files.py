"""The customer files bench/import_customers.py imports: a garage's export as French Excel writes it, then the same
garage's next export with updates. Not a benchmark itself (`make bench` runs only the scripts).

Distinct names drawn from Tunisian first and last names, 24 cities, 14 makes and their models, years 1998-2025,
mobile and landline phones and plates in every spelling people type, businesses with a matricule fiscal, VINs on
some cars; random.Random(seed), so the same files every run.
"""

import csv
import random
from pathlib import Path

HEADERS = ["Nom", "Prénom", "Société", "Téléphone", "Email", "Adresse", "Ville", "Matricule fiscal"]
HEADERS += ["Immatriculation", "Marque", "Modèle", "Année", "VIN", "Kilométrage"]
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
    "Karim",
    "Hatem",
    "Slim",
    "Skander",
    "Aymen",
    "Oussama",
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
    "Leila",
    "Emna",
    "Khadija",
    "Rania",
]
LAST_NAMES = [
    *[
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
        "Dridi",
        "Zouari",
        "Mansouri",
    ],
    *[
        "Ferchichi",
        "Baccouche",
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
        "Mabrouk",
    ],
    *[
        "Chebbi",
        "Gabsi",
        "Marzouki",
        "Nasri",
        "Jlassi",
        "Ghannouchi",
        "Kefi",
        "Bouslama",
        "Sfaxi",
        "Mahjoub",
        "Cherif",
        "Guesmi",
    ],
    "Ben Ali",
    "Ben Salah",
    "Ben Amor",
    "Ben Youssef",
]
COMPANIES = ["Transport Sahel", "Al Amal", "Cap Bon Distribution", "Sfax Logistique", "Djerba Tours", "Atlas Location"]
CITIES = {
    "Tunis": "Avenue Habib Bourguiba", "Ariana": "Rue de la Liberté", "Ben Arous": "Avenue de France",
    "La Marsa": "Rue du Lac", "Manouba": "Rue de Tunis", "Sfax": "Route de Gabès km 3",
    "Sousse": "Boulevard du 14 Janvier", "Monastir": "Avenue de l'Environnement", "Mahdia": "Rue du Port",
    "Nabeul": "Avenue Farhat Hached", "Hammamet": "Avenue de la Paix", "Bizerte": "Rue d'Espagne",
    "Béja": "Rue de Carthage", "Jendouba": "Avenue Bourguiba", "Kairouan": "Avenue de la République",
    "Kasserine": "Rue Ibn Khaldoun", "Gafsa": "Avenue Taieb Mhiri", "Gabès": "Avenue Mohamed Ali",
    "Médenine": "Rue de Djerba", "Djerba": "Route de Houmt Souk", "Tozeur": "Avenue Abou El Kacem Chebbi",
    "Zaghouan": "Rue du Temple", "Siliana": "Rue Hédi Chaker", "Kef": "Rue de Tunis",
}  # fmt: skip
MAKES = {
    "Peugeot": ["208", "301", "308", "2008", "Partner"], "Renault": ["Clio", "Symbol", "Megane", "Kangoo"],
    "Volkswagen": ["Polo", "Golf", "Caddy"], "Kia": ["Picanto", "Rio", "Sportage"],
    "Hyundai": ["i10", "i20", "Accent", "Tucson"], "Toyota": ["Yaris", "Corolla", "Hilux"],
    "Citroën": ["C3", "C-Elysée", "Berlingo"], "Fiat": ["Punto", "Tipo"], "Suzuki": ["Swift", "Celerio"],
    "Isuzu": ["D-Max"], "Dacia": ["Logan", "Sandero"], "Seat": ["Ibiza"], "Mercedes-Benz": ["Classe C"],
    "Chery": ["Tiggo 2"],
}  # fmt: skip
PHONE_SPELLINGS = [
    lambda d: f"{d[:2]} {d[2:5]} {d[5:]}",
    lambda d: f"+216 {d[:2]} {d[2:5]} {d[5:]}",
    lambda d: f"00216{d}",
    lambda d: f"{d[:2]}.{d[2:5]}.{d[5:]}",
    lambda d: d,
]
PLATE_SPELLINGS = ["{series} TU {number}", "{series} tun {number}", "{series}TU{number}", "{series} تونس {number}"]
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
TAX_LETTERS = "ABCDEFGHJKLMNPQRSTVWXYZ"


def customer_row(n: int, rng: random.Random) -> list:
    """Row n: its phone and plate are distinct for every n (a permutation of the index), the rest drawn by `rng`."""
    digits = f"{'2459357'[n % 7]}{(n * 7919 + 12345) % 10_000_000:07d}"
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    city = rng.choice(list(CITIES))
    company = tax_id = ""
    if rng.random() < 0.12:
        company = f"{rng.choice(COMPANIES)} {rng.choice(['SARL', 'SA', 'SUARL'])}"
        compact = f"{1000000 + n:07d}{rng.choice(TAX_LETTERS)}AM000"
        tax_id = rng.choice([compact, f"{compact[:8]}/{compact[8]}/{compact[9]}/{compact[10:]}"])
    if n % 50 == 49:
        plate = f"{10000 + n} RS"
    else:
        plate = rng.choice(PLATE_SPELLINGS).format(series=100 + (n // 9999) % 150, number=n % 9999 + 1)
    make = rng.choice(list(MAKES))
    year = rng.randint(1998, 2025)
    return [
        last,
        first,
        company,
        rng.choice(PHONE_SPELLINGS)(digits),
        f"{first}.{last}.{n}@exemple.tn".lower().replace(" ", "") if rng.random() < 0.7 else "",
        f"{rng.randint(1, 250)} {CITIES[city]}",
        city,
        tax_id,
        plate,
        make,
        rng.choice(MAKES[make]),
        year,
        "".join(rng.choice(VIN_CHARS) for _ in range(17)) if rng.random() < 0.4 else "",
        f"{(2026 - year) * rng.randint(8000, 25000)} km",
    ]


def later_export(row: list, n: int, rng: random.Random) -> list:
    """The same customer and car some months later, as the garage's next export has them."""
    row = list(row)
    digits = f"{'2459357'[n % 7]}{(n * 7919 + 12345) % 10_000_000:07d}"
    row[3] = rng.choice(PHONE_SPELLINGS)(digits)  # typed differently, the same number
    if rng.random() < 1 / 3:
        city = rng.choice(list(CITIES))
        row[5], row[6] = f"{rng.randint(1, 250)} {CITIES[city]}", city
        row[4] = f"{row[1]}.{row[0]}.{n}@nouveau.tn".lower().replace(" ", "")
    row[13] = f"{int(row[13].removesuffix(' km')) + rng.randint(3000, 20000)} km"
    return row


def write_csv(path: Path, rows: int, *, updated: bool = False, seed: int = 2026) -> None:
    """Semicolon CSV as French Excel writes it; `updated`: the later export, with 5 % more rows."""
    rng, later = random.Random(seed), random.Random(seed + 1)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADERS)
        for n in range(rows):
            row = customer_row(n, rng)
            writer.writerow(later_export(row, n, later) if updated else row)
        if updated:
            for n in range(rows, rows + rows // 20):
                writer.writerow(customer_row(n, later))
