"""The customer portfolio: catalogue, customers (with the scenario's roles), contacts, contracts
and each customer's latent payment behaviour (truth).
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
from faker import Faker

from .. import law
from . import identities
from .scenario import ESCOMPTE_DAYS, ROLES, TERMS_BY_SEGMENT

__all__ = ["make_catalog", "make_customers", "SERVICE_LABELS", "PUBLIC_INTEREST_CLAUSE"]

#: Late-payment clause of a public buyer's contract (Code de la commande publique).
PUBLIC_INTEREST_CLAUSE = ("taux BCE en vigueur au premier jour du semestre où les intérêts commencent à "
                          "courir, majoré de 8 points (articles L2192-13 et R2192-31 du Code de la commande "
                          "publique)")

# (family, label, unit price in euros, VAT rate). Industrial supplies to businesses and public
# bodies: standard rate, except equipment for disabled people (5.5 %, CGI 278-0 bis A). No 10 %
# line: that rate needs works in residential premises (CGI 279-0 bis), which this company does not do.
_CATALOG = [
    ("Roulements", "Roulement à billes 6204-2RS", 8.40, 20.0),
    ("Roulements", "Roulement à rouleaux coniques 30206", 21.90, 20.0),
    ("Roulements", "Palier à semelle UCP 205", 34.50, 20.0),
    ("Roulements", "Roulement à aiguilles NK 25/20", 12.30, 20.0),
    ("Outillage", "Coffret de clés mixtes 12 pièces", 89.00, 20.0),
    ("Outillage", "Perceuse-visseuse 18 V sans fil", 189.00, 20.0),
    ("Outillage", "Jeu de forets HSS 25 pièces", 42.00, 20.0),
    ("Outillage", "Meuleuse d'angle 125 mm", 129.00, 20.0),
    ("Outillage", "Clé dynamométrique 40-200 Nm", 156.00, 20.0),
    ("Outillage", "Servante d'atelier 7 tiroirs", 649.00, 20.0),
    ("Sécurité", "Gants anti-coupure niveau C (10 paires)", 38.50, 20.0),
    ("Sécurité", "Chaussures de sécurité S3", 74.90, 20.0),
    ("Sécurité", "Casque de chantier ventilé", 19.80, 20.0),
    ("Sécurité", "Harnais antichute 2 points", 119.00, 20.0),
    ("Sécurité", "Lunettes de protection (boîte de 10)", 32.00, 20.0),
    ("Sécurité", "Barre d'appui pour personne à mobilité réduite", 64.00, 5.5),
    ("Sécurité", "Rampe d'accès amovible PMR", 412.00, 5.5),
    ("Maintenance", "Graisse lithium EP2 (cartouche 400 g)", 6.90, 20.0),
    ("Maintenance", "Courroie trapézoïdale SPZ 1250", 17.60, 20.0),
    ("Maintenance", "Kit joints hydrauliques", 58.00, 20.0),
    ("Maintenance", "Filtre à air industriel F7", 46.00, 20.0),
    ("Maintenance", "Moteur asynchrone 1,5 kW", 318.00, 20.0),
    ("Maintenance", "Variateur de fréquence 2,2 kW", 455.00, 20.0),
    ("Maintenance", "Intervention de maintenance sur machine (forfait)", 280.00, 20.0),
    ("Maintenance", "Remplacement de moteur sur machine (main-d'œuvre)", 760.00, 20.0),
    ("Visserie", "Vis CHC M8x30 inox (boîte de 100)", 24.00, 20.0),
    ("Visserie", "Écrous nylstop M10 (boîte de 200)", 15.50, 20.0),
    ("Visserie", "Chevilles à frapper 6x40 (boîte de 500)", 29.00, 20.0),
    ("Manutention", "Transpalette manuel 2 500 kg", 385.00, 20.0),
    ("Manutention", "Diable de manutention 250 kg", 96.00, 20.0),
    ("Manutention", "Élingue textile 2 t - 3 m", 22.40, 20.0),
    ("Manutention", "Rayonnage métallique 5 niveaux", 245.00, 20.0),
]

_SEGMENT_SHARES = {"grand_compte": 0.06, "eti_pme": 0.30, "tpe": 0.46, "secteur_public": 0.10,
                   "export_ue": 0.08}
_SEGMENT_MIN = {"grand_compte": 3, "eti_pme": 8, "tpe": 3, "secteur_public": 2, "export_ue": 2}
# Orders per month (median) and order size multiplier, per segment.
_ORDERS_PER_MONTH = {"grand_compte": 7.0, "eti_pme": 2.6, "tpe": 0.9, "secteur_public": 1.3,
                     "export_ue": 1.4}
_SIZE = {"grand_compte": 5.5, "eti_pme": 2.2, "tpe": 0.55, "secteur_public": 1.4, "export_ue": 2.5}

_SECTORS = [
    ("25.62A", "Décolletage et usinage"), ("28.29B", "Fabrication de machines"),
    ("33.12Z", "Réparation de machines et équipements"), ("43.21A", "Installation électrique"),
    ("43.22A", "Plomberie et chauffage"), ("41.20A", "Construction de bâtiments"),
    ("49.41A", "Transport routier de fret"), ("10.71A", "Boulangerie industrielle"),
    ("81.10Z", "Services de maintenance des bâtiments"), ("22.29A", "Plasturgie"),
    ("24.10Z", "Sidérurgie"), ("29.32Z", "Équipements automobiles"),
]
_PUBLIC_SECTORS = [("84.11Z", "Administration publique"), ("86.10Z", "Activités hospitalières")]
_PUBLIC_KINDS = ["Commune de {city}", "Centre hospitalier de {city}",
                 "Communauté d'agglomération de {city}", "Syndicat des eaux de {city}"]
_EU = [("BE", "nl_BE", "Belgique"), ("DE", "de_DE", "Allemagne"), ("LU", "fr_FR", "Luxembourg")]
#: Catalogue lines that are services: sold to French customers only (an EU customer buys goods,
#: exempt as intra-EU supplies under CGI 262 ter I; services would follow CGI 259 instead).
SERVICE_LABELS = frozenset({"Intervention de maintenance sur machine (forfait)",
                            "Remplacement de moteur sur machine (main-d'œuvre)"})
# Luxembourg towns with a postcode of each (Faker has no Luxembourg locale for addresses).
_LU_TOWNS = [("Luxembourg", "L-1330"), ("Esch-sur-Alzette", "L-4001"), ("Differdange", "L-4501"),
             ("Dudelange", "L-3401"), ("Ettelbruck", "L-9001"), ("Diekirch", "L-9201"),
             ("Wiltz", "L-9501"), ("Echternach", "L-6401"), ("Remich", "L-5501"), ("Mersch", "L-7501"),
             ("Grevenmacher", "L-6701"), ("Bertrange", "L-8001"), ("Strassen", "L-8002"),
             ("Sanem", "L-4901"), ("Pétange", "L-4701")]
# Legal forms by country: a name without one gets one (a company is invoiced under its full name).
_LEGAL_FORMS = {"FR": ("SAS", "SARL", "SA", "SAS", "SARL"), "DE": ("GmbH", "AG", "GmbH & Co. KG"),
                "BE": ("NV", "BV", "BV"), "LU": ("S.A.", "S.à r.l.")}
_FORM_WORDS = {"SA", "SAS", "SARL", "S.A.R.L.", "EURL", "SNC", "SASU", "S.A.", "S.à", "r.l.", "GmbH", "AG", "KG",
               "KGaA", "OHG", "NV", "BV", "VOF", "CommV", "CV", "SE", "e.G.", "S.A.S.", "GbR"}
_FRENCH_FORM_END = re.compile(r"\s+(S\.A\.R\.L\.|SARL|SAS|SA|S\.A\.)$")
# Overseas departments (971-976) have their own VAT rates: the course company sells in mainland France.
_OVERSEAS = ("97", "98")
_REGIONS = {
    "Île-de-France": {"75", "77", "78", "91", "92", "93", "94", "95"},
    "Nord-Est": {"02", "08", "10", "21", "25", "39", "51", "52", "54", "55", "57", "58", "59", "60",
                 "62", "67", "68", "70", "71", "80", "88", "89", "90"},
    "Ouest": {"14", "16", "17", "18", "22", "27", "28", "29", "35", "36", "37", "41", "44", "45",
              "49", "50", "53", "56", "61", "72", "76", "79", "85", "86"},
}
_AP_ROLES = ["Comptable fournisseurs", "Responsable comptabilité fournisseurs", "Assistante comptable"]
_BUYER_ROLES = ["Acheteur", "Responsable des achats"]

# Latent behaviour of ordinary customers: (profile, share, mean delay after due date, sd).
_ORDINARY_PROFILES = [
    ("ponctuel", 0.32, 1.0, 3.0),
    ("leger_retard", 0.30, 12.0, 6.0),
    ("retard_chronique", 0.22, 27.0, 8.0),
    ("mauvais_payeur", 0.16, 62.0, 18.0),
]


def make_catalog() -> pd.DataFrame:
    """The product catalogue (fixed list, same for every seed)."""
    rows = [
        {"product_id": f"ART-{i + 1:04d}", "label": label, "family": family,
         "unit_price_cents": int(round(price * 100)), "vat_rate": rate}
        for i, (family, label, price, rate) in enumerate(_CATALOG)
    ]
    return pd.DataFrame(rows)


def _region(postal_code: str) -> str:
    for region, departments in _REGIONS.items():
        if postal_code[:2] in departments:
            return region
    return "Sud"


def _segments(n: int, rng: np.random.Generator) -> np.ndarray:
    counts = {s: max(_SEGMENT_MIN[s], int(round(share * n))) for s, share in _SEGMENT_SHARES.items()}
    counts["tpe"] += n - sum(counts.values())
    segments = np.concatenate([[s] * c for s, c in counts.items()])
    return rng.permutation(segments)


def _assign_roles(segments: np.ndarray, weights: np.ndarray, rng: np.random.Generator) -> dict:
    """Pick one distinct customer per role, in segments that fit the story."""
    taken: set[int] = set()

    def pick(candidates_segments, prefer_large=False):
        idx = np.flatnonzero(np.isin(segments, candidates_segments))
        idx = np.array([i for i in idx if i not in taken])
        if prefer_large:
            order = np.argsort(-weights[idx])
            idx = idx[order[: max(1, len(idx) // 3)]]
        choice = int(rng.choice(idx))
        taken.add(choice)
        return choice

    roles = {}
    roles["reliable_key_account"] = pick(["grand_compte"], prefer_large=True)
    roles["unilateral_deducter"] = pick(["grand_compte"])
    roles["public_buyer"] = pick(["secteur_public"], prefer_large=True)
    roles["eu_customer"] = pick(["export_ue"], prefer_large=True)
    roles["dispute_a_customer"] = pick(["eti_pme"], prefer_large=True)
    roles["drifting_customer"] = pick(["eti_pme"], prefer_large=True)
    roles["insolvent_customer"] = pick(["eti_pme"], prefer_large=True)
    roles["chronic_late_payer"] = pick(["eti_pme"])
    roles["plan_negotiator"] = pick(["eti_pme"])
    roles["tuesday_email_responder"] = pick(["eti_pme", "tpe"])
    roles["already_paid_customer"] = pick(["eti_pme", "tpe"])
    assert set(roles) == set(ROLES)
    return roles


def make_customers(n: int, as_of: dt.date, history_start: dt.date, rng: np.random.Generator,
                   fake: Faker, fakers_eu: dict[str, Faker]):
    """Customers, contacts, contracts and behaviour truth.

    Returns ``(customers, contacts, contracts, customer_truth, roles, activity)`` where ``roles``
    maps role -> customer_id and ``activity`` is a DataFrame of order rate and size per customer.
    """
    segments = _segments(n, rng)
    base_rate = np.array([_ORDERS_PER_MONTH[s] for s in segments])
    rate = base_rate * rng.lognormal(0.0, 0.45, n)
    size = np.array([_SIZE[s] for s in segments]) * rng.lognormal(0.0, 0.35, n)
    weights = rate * size
    roles_idx = _assign_roles(segments, weights, rng)
    role_of = {i: r for r, i in roles_idx.items()}
    # Story needs: the drifting and insolvent customers and the dispute customers are sizeable.
    for role in ("dispute_a_customer", "drifting_customer", "insolvent_customer",
                 "chronic_late_payer", "plan_negotiator", "tuesday_email_responder"):
        i = roles_idx[role]
        rate[i] = max(rate[i], _ORDERS_PER_MONTH["eti_pme"] * 1.2)
        size[i] = max(size[i], _SIZE["eti_pme"] * 1.3)

    ids = [f"C{i + 1:04d}" if n < 10_000 else f"C{i + 1:06d}" for i in range(n)]
    french_sirens = identities.sirens(rng, n)
    names_seen: set[str] = set()
    customers, contacts = [], []
    history_days = (as_of - history_start).days
    for i in range(n):
        seg = segments[i]
        country, faker_i = "FR", fake
        if seg == "export_ue":
            country, locale, _ = _EU[int(rng.integers(len(_EU)))]
            faker_i = fakers_eu[locale]
        city = faker_i.city()
        if country == "LU":
            city, postal = _LU_TOWNS[int(rng.integers(len(_LU_TOWNS)))]
        if seg == "secteur_public":
            name = _PUBLIC_KINDS[int(rng.integers(len(_PUBLIC_KINDS)))].format(city=city)
            naf, sector = _PUBLIC_SECTORS[int("hospitalier" in name)]
        else:
            name = faker_i.company().removesuffix(" e.V.")
            naf, sector = _SECTORS[int(rng.integers(len(_SECTORS)))]
        # Two customers never share a name, whatever their legal forms (a bank payer name must tell
        # them apart).
        while _name_key(name) in names_seen:
            name = f"{_name_key(name)} {city}" if city not in name else f"{_name_key(name)} {len(names_seen)}"
        names_seen.add(_name_key(name))
        if seg != "secteur_public":
            name = _with_legal_form(name, country, rng)
        siren = siret = ""
        if country == "FR":
            siren = french_sirens[i]
            siret = identities.siret(siren, int(rng.integers(1, 300)))
            vat = identities.fr_vat(siren)
            bank = list(identities.BIC_BY_BANK)[int(rng.integers(len(identities.BIC_BY_BANK)))]
            iban = identities.fr_iban(bank, f"{int(rng.integers(0, 100_000)):05d}",
                                      f"{int(rng.integers(0, 10**11)):011d}")
            postal = fake.postcode()
            while postal.startswith(_OVERSEAS):
                postal = fake.postcode()
        else:
            vat, iban = identities.eu_identity(country, rng)
            if country != "LU":
                postal = faker_i.postcode()
        if seg == "secteur_public":
            # R2192-10 / R2192-11: 30 days, 50 days for a public health establishment.
            terms = f"{law.public_payment_days(name)}J"
        elif len(TERMS_BY_SEGMENT[seg]) == 1:
            terms = TERMS_BY_SEGMENT[seg][0]
        else:
            terms = TERMS_BY_SEGMENT[seg][0] if rng.random() < 0.75 else TERMS_BY_SEGMENT[seg][1]
        role = role_of.get(i, "")
        if role == "chronic_late_payer":
            terms = "30J"
        monthly_sales = rate[i] * size[i] * 2_600_00  # cents, incl. VAT, rough
        credit_limit = int(np.ceil(monthly_sales * 2.2 / 500_000) * 500_000)
        since_days = int(rng.integers(history_days + 30, history_days + 3_000))
        customers.append({
            "customer_id": ids[i], "name": name, "segment": seg, "siren": siren, "siret": siret,
            "vat_number": vat, "iban": iban, "address": faker_i.street_address(),
            "postal_code": postal, "city": city, "country": country, "naf_code": naf,
            "sector": sector, "region": _region(postal) if country == "FR" else "Export",
            "sales_rep": "", "payment_terms": terms, "credit_limit_cents": credit_limit,
            "credit_score": 0, "chorus_pro": seg == "secteur_public",
            "preferred_channel": "email",
            "customer_since": pd.Timestamp(as_of - dt.timedelta(days=since_days)),
        })
        domain = _email_domain(name)
        n_contacts = 3 if seg in ("grand_compte", "eti_pme") else 2
        for k in range(n_contacts):
            first, last = faker_i.first_name(), faker_i.last_name()
            role_label = (_AP_ROLES[int(rng.integers(len(_AP_ROLES)))] if k == 0 else
                          _BUYER_ROLES[int(rng.integers(len(_BUYER_ROLES)))] if k == 1 else
                          "Responsable qualité")
            contacts.append({
                "contact_id": f"{ids[i]}-{k + 1}", "customer_id": ids[i], "first_name": first,
                "last_name": last, "role": role_label,
                "email": f"{_ascii(first)[0]}.{_ascii(last)}@{domain}",
                "phone": faker_i.phone_number(),
            })
    customers = pd.DataFrame(customers)
    contacts = pd.DataFrame(contacts)
    reps = [fake.name() for _ in range(4)]
    rep_of_region = {r: reps[k] for k, r in enumerate(["Île-de-France", "Nord-Est", "Ouest", "Sud"])}
    rep_of_region["Export"] = reps[0]
    customers["sales_rep"] = customers["region"].map(rep_of_region)
    roles = {role: ids[i] for role, i in roles_idx.items()}
    truth = _behaviour(customers, roles, as_of, rng)
    customers.loc[customers["customer_id"] == roles["tuesday_email_responder"], "preferred_channel"] = "email"
    activity = pd.DataFrame({"customer_id": ids, "orders_per_month": rate, "size": size})
    contracts = _contracts(customers, roles, as_of, rng)
    return customers, contacts, contracts, truth, roles, activity


def _name_key(name: str) -> str:
    """A company name without its legal-form words, to compare names."""
    return " ".join(w for w in name.replace(",", " ").split() if w not in _FORM_WORDS)


def _with_legal_form(name: str, country: str, rng: np.random.Generator) -> str:
    """``name`` with a legal form of ``country`` (« e.V. », a non-profit association, was dropped)."""
    if country == "LU":  # the French Faker names a Luxembourg company: Luxembourg forms instead
        name = _FRENCH_FORM_END.sub("", name)
    if _FORM_WORDS & set(name.replace(",", " ").split()):
        return name
    forms = _LEGAL_FORMS[country]
    return f"{name} {forms[int(rng.integers(len(forms)))]}"


def _ascii(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum()) or "contact"


def _email_domain(name: str) -> str:
    words = [w for w in _ascii_words(name) if w not in {"sa", "sas", "sarl", "et", "de", "la", "le",
                                                        "les", "des", "du", "gmbh", "ag", "bv", "nv",
                                                        "sarlu", "eurl", "snc", "fils"}]
    return ("-".join(words[:2]) or "client") + ".example"


def _ascii_words(name: str) -> list[str]:
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return [w for w in re.split(r"[^a-z0-9]+", plain) if w]


def _behaviour(customers: pd.DataFrame, roles: dict, as_of: dt.date,
               rng: np.random.Generator) -> pd.DataFrame:
    n = len(customers)
    profiles = np.empty(n, dtype=object)
    mean = np.zeros(n)
    sd = np.zeros(n)
    seg = customers["segment"].to_numpy()
    shares = np.array([p[1] for p in _ORDINARY_PROFILES])
    draw = rng.choice(len(_ORDINARY_PROFILES), size=n, p=shares / shares.sum())
    for k, (name, _, m, s) in enumerate(_ORDINARY_PROFILES):
        profiles[draw == k] = name
        mean[draw == k] = m
        sd[draw == k] = s
    # Large groups pay late as a matter of routine (Altares: ~18 days for groups > 1 000 staff).
    big = seg == "grand_compte"
    profiles[big], mean[big], sd[big] = "grand_groupe", 18.0, 7.0
    public = seg == "secteur_public"
    profiles[public], mean[public], sd[public] = "lent_sur", 22.0, 7.0
    eu = seg == "export_ue"
    profiles[eu], mean[eu], sd[eu] = "ponctuel", 2.0, 3.0
    mean = mean * rng.uniform(0.8, 1.2, n)
    drift = np.zeros(n)
    defaults = np.zeros(n, dtype=bool)
    default_from = pd.Series([pd.NaT] * n, dtype="datetime64[ns]")
    role_col = np.array([""] * n, dtype=object)
    index = {cid: i for i, cid in enumerate(customers["customer_id"])}
    settings = {
        "reliable_key_account": ("ponctuel", 0.0, 2.0),
        "chronic_late_payer": ("retard_chronique", 15.0, 1.5),
        "drifting_customer": ("derive", 4.0, 3.0),
        "insolvent_customer": ("defaillant", 30.0, 10.0),
        "already_paid_customer": ("ponctuel", 2.0, 3.0),
        "plan_negotiator": ("negociateur", 28.0, 8.0),
        "tuesday_email_responder": ("retard_chronique", 14.0, 4.0),
        "unilateral_deducter": ("deducteur", 6.0, 4.0),
        "dispute_a_customer": ("leger_retard", 6.0, 4.0),
        "public_buyer": ("lent_sur", 20.0, 5.0),
        "eu_customer": ("ponctuel", 0.0, 2.0),
    }
    for role, cid in roles.items():
        i = index[cid]
        role_col[i] = role
        profiles[i], mean[i], sd[i] = settings[role]
    drift[index[roles["drifting_customer"]]] = 10.0  # extra days of delay per month, last 5 months
    ins = index[roles["insolvent_customer"]]
    defaults[ins] = True
    default_from.iloc[ins] = pd.Timestamp(as_of - dt.timedelta(days=int(rng.integers(95, 120))))
    return pd.DataFrame({
        "customer_id": customers["customer_id"], "role": role_col, "profile": profiles,
        "mean_delay_days": mean.round(1), "delay_sd_days": sd.round(1),
        "drift_days_per_month": drift, "defaults": defaults, "default_from": default_from,
    })


def _contracts(customers: pd.DataFrame, roles: dict, as_of: dt.date,
               rng: np.random.Generator) -> pd.DataFrame:
    n = len(customers)
    seg = customers["segment"].to_numpy()
    discount = np.select([seg == "grand_compte", seg == "eti_pme", seg == "secteur_public"],
                         [rng.choice([8.0, 10.0, 12.0], n), rng.choice([0.0, 3.0, 5.0], n),
                          rng.choice([0.0, 2.0], n)], 0.0)
    penalty = np.where(rng.random(n) < 0.7, "taux BCE majoré de 10 points",
                       "trois fois le taux d'intérêt légal")
    # A public buyer owes moratorium interest set by law (R2192-31), not Code de commerce penalties.
    penalty = np.where(seg == "secteur_public", PUBLIC_INTEREST_CLAUSE, penalty)
    early = np.where((seg != "secteur_public") & (rng.random(n) < 0.15), 1.0, 0.0)
    retention = rng.random(n) < 0.35
    courts = ["Tribunal de commerce de Lyon", "Tribunal de commerce de Paris",
              "Tribunal des activités économiques de Lyon"]
    signed = [pd.Timestamp(as_of - dt.timedelta(days=int(d))) for d in rng.integers(500, 2500, n)]
    contracts = pd.DataFrame({
        "contract_id": [f"CT-{i + 1:05d}" for i in range(n)],
        "customer_id": customers["customer_id"],
        "signed_on": signed,
        "payment_terms": customers["payment_terms"],
        "price_discount_pct": discount,
        "penalty_clause": penalty,
        "indemnity_clause": True,
        "early_payment_discount_pct": early,
        "early_payment_days": np.where(early > 0, ESCOMPTE_DAYS, 0),
        "retention_of_title": retention,
        # A public contract is an administrative contract: its disputes go to the administrative court.
        "jurisdiction": np.where(seg == "secteur_public", "Tribunal administratif de Lyon", rng.choice(courts, n)),
        "document": "",
    })
    by_id = {cid: i for i, cid in enumerate(contracts["customer_id"])}
    # Story: the insolvent customer's goods are under retention of title; dispute B's contract
    # grants a discount that the invoice forgot; one illegal 90-day contract; one without a
    # penalty clause; at least one early-payment discount.
    contracts.loc[by_id[roles["insolvent_customer"]], "retention_of_title"] = True
    contracts.loc[by_id[roles["unilateral_deducter"]], "price_discount_pct"] = 8.0
    contracts.loc[by_id[roles["public_buyer"]], "early_payment_discount_pct"] = 0.0
    ordinary = [i for i in range(n) if customers["customer_id"].iloc[i] not in roles.values()
                and seg[i] in ("eti_pme", "tpe")]
    picks = rng.choice(ordinary, size=3, replace=False)
    illegal, no_penalty, discount_i = (int(p) for p in picks)
    contracts.loc[illegal, "payment_terms"] = "90J"
    contracts.loc[no_penalty, ["penalty_clause", "indemnity_clause"]] = ["", False]
    contracts.loc[discount_i, ["early_payment_discount_pct", "early_payment_days"]] = [1.0, ESCOMPTE_DAYS]
    contracts["document"] = contracts["contract_id"] + ".md"
    customers.loc[illegal, "payment_terms"] = "90J"
    return contracts
