"""Generate the fil-rouge company: truth first, then the observable documents.

>>> company = generate_company(seed=7, customers=60)          # doctest: +SKIP
>>> len(company.disputes.query("status == 'en litige'"))      # doctest: +SKIP
2
"""

from __future__ import annotations

import datetime as dt
import re
import time

import numpy as np
import pandas as pd
from faker import Faker

from ..errors import InvalidParameterError
from . import identities
from .model import Company
from .payments import NOISE_LEVELS, build_payment_tables, draw_payments, timeline_tension
from .portfolio import make_catalog, make_customers
from .sales import make_sales
from .schema import OBSERVABLE_TABLES, TRUTH_TABLES
from .story import make_story
from .scenario import TENSION_THRESHOLDS
from .tension import tension_metrics

__all__ = ["generate_company", "DEFAULT_SEED", "DEFAULT_CUSTOMERS", "DEFAULT_AS_OF",
           "MIN_CUSTOMERS", "MAX_CUSTOMERS"]

DEFAULT_SEED = 2026
DEFAULT_CUSTOMERS = 150
DEFAULT_AS_OF = dt.date(2026, 12, 14)
MIN_CUSTOMERS = 30
MAX_CUSTOMERS = 100_000
#: Largest seed: it is stored as a signed 64-bit integer (manifest, tables), so larger ones could
#: not regenerate the same company.
MAX_SEED = 2**63 - 1
HISTORY_MONTHS = 15
MAX_PAYMENT_DRAWS = 12


def _check_params(seed, customers, as_of, noise) -> tuple[int, int, dt.date, str]:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed <= MAX_SEED:
        raise InvalidParameterError(f"Graine invalide : {seed!r}.",
                                    valid="un entier entre 0 et 2^63 − 1 (9 223 372 036 854 775 807)",
                                    todo="indiquez par exemple --seed 2026")
    if isinstance(customers, bool) or not isinstance(customers, (int, np.integer)) or \
            not MIN_CUSTOMERS <= customers <= MAX_CUSTOMERS:
        raise InvalidParameterError(
            f"Nombre de clients invalide : {customers!r}.",
            valid=f"un entier entre {MIN_CUSTOMERS} et {MAX_CUSTOMERS:,}".replace(",", " "),
            todo=f"indiquez par exemple --customers {DEFAULT_CUSTOMERS} (taille d'une session)")
    as_of = parse_date(as_of)
    if not dt.date(2000, 1, 1) <= as_of <= dt.date(2100, 12, 31):
        raise InvalidParameterError(f"Date d'arrêté hors limites : {as_of:%d/%m/%Y}.",
                                    valid="une date entre 2000 et 2100")
    if noise not in NOISE_LEVELS:
        raise InvalidParameterError(f"Niveau de difficulté inconnu : « {noise} ».",
                                    valid=" ou ".join(NOISE_LEVELS))
    return int(seed), int(customers), as_of, noise


def parse_date(value) -> dt.date:
    """A date from a ``date``, ``AAAA-MM-JJ`` or ``JJ/MM/AAAA``.

    >>> parse_date("14/12/2026")
    datetime.date(2026, 12, 14)

    Raises:
        InvalidParameterError: another format, or a day that does not exist (30/02).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern, fmt in ((r"\d{4}-\d{1,2}-\d{1,2}", "%Y-%m-%d"), (r"\d{1,2}/\d{1,2}/\d{4}", "%d/%m/%Y")):
        if re.fullmatch(pattern, text):
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                raise InvalidParameterError(f"Date impossible : « {value} » n'existe pas au calendrier.",
                                            todo="vérifiez le jour et le mois") from None
    raise InvalidParameterError(f"Date illisible : « {value} ».",
                                valid="AAAA-MM-JJ (2026-12-14) ou JJ/MM/AAAA (14/12/2026)")


def _history_start(as_of: dt.date) -> dt.date:
    month = as_of.month - HISTORY_MONTHS
    year = as_of.year + (month - 1) // 12
    return dt.date(year, (month - 1) % 12 + 1, 1)


def _conform(tables: dict, definitions) -> dict:
    """Keep each table's schema columns, in schema order, with their types."""
    out = {}
    for t in definitions:
        df = tables[t.name]
        missing = [c for c in t.names if c not in df.columns]
        if missing:
            raise RuntimeError(f"table {t.name}: missing columns {missing}")
        df = df[t.names].reset_index(drop=True).copy()
        for c in t.columns:
            if c.kind == "date":
                df[c.name] = pd.to_datetime(df[c.name]).astype("datetime64[ns]")
            elif c.kind in ("cents", "int"):
                df[c.name] = df[c.name].fillna(0).astype(np.int64)
            elif c.kind == "bool":
                df[c.name] = df[c.name].astype(bool)
            elif c.kind == "float":
                df[c.name] = df[c.name].astype(float)
            else:
                df[c.name] = df[c.name].fillna("").astype(str)
        out[t.name] = df
    return out


def generate_company(seed: int = DEFAULT_SEED, customers: int = DEFAULT_CUSTOMERS,
                     as_of=DEFAULT_AS_OF, noise: str = "defaut", progress: bool = False) -> Company:
    """Simulate the fil-rouge company.

    Args:
        seed: same seed, same company (byte for byte in the written files).
        customers: portfolio size, from 30 (a small class) to 100 000 (performance tests).
        as_of: the case date (``date`` or ``AAAA-MM-JJ``); 15 months of history precede it and
            13 weeks of future payments follow it in the truth.
        noise: ``"defaut"``, ``"difficile"`` (more missing references, grouped and partial payments)
            or ``"etranger"`` (« difficile » plus customers citing invoices in their own numbering,
            English or German advices, refunds of credit notes).
        progress: show a progress bar with each stage's duration (useful for large companies).
    """
    seed, n, as_of, noise = _check_params(seed, customers, as_of, noise)
    history_start = _history_start(as_of)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)]
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    fakers_eu = {}
    for k, locale in enumerate(("nl_BE", "de_DE")):
        fakers_eu[locale] = Faker(locale)
        fakers_eu[locale].seed_instance(seed + k + 1)
    fakers_eu["fr_FR"] = fake
    clock = _Clock(progress)

    company_siren = identities.sirens(streams[0], 1)[0]
    company_name = f"{fake.last_name()} Fournitures Industrielles"
    company_iban = identities.fr_iban("30004", "00821", f"{int(streams[0].integers(0, 10**11)):011d}")
    company_row = pd.Series({
        "name": company_name, "siren": company_siren, "vat_number": identities.fr_vat(company_siren),
        "iban": company_iban, "bic": identities.BIC_BY_BANK["30004"],
        "address": f"{fake.street_address()}, 69007 Lyon", "as_of": pd.Timestamp(as_of),
        "history_start": pd.Timestamp(history_start), "seed": seed,
    })
    catalog = make_catalog()
    customers_df, contacts, contracts, behaviour, roles, activity = make_customers(
        n, as_of, history_start, streams[0], fake, fakers_eu)
    clock.tick("portefeuille clients")
    sales, anomalies = make_sales(customers_df, contracts, catalog, activity, roles,
                                  as_of, history_start, streams[1])
    clock.tick(f"ventes ({_thousands(len(sales['invoice_lines']))} lignes de facture)")
    # The story needs a tense aged balance at the case date. Payment histories are drawn until
    # the documented thresholds hold; each new draw makes the ordinary customers later (and their
    # lost invoices more frequent) by the shortfall observed, and the truth records the delays
    # actually used.
    base_behaviour, lateness = behaviour, 1.0
    for attempt in range(MAX_PAYMENT_DRAWS):
        behaviour = base_behaviour.copy()
        ordinary = behaviour["role"] == ""
        behaviour.loc[ordinary, "mean_delay_days"] = (behaviour.loc[ordinary, "mean_delay_days"] * lateness).round(1)
        rng = np.random.default_rng([seed, 2, attempt])
        parts, pay_story = draw_payments(sales["invoices"], sales["credit_notes"], customers_df, contracts,
                                         behaviour, roles, as_of, rng, noise, lost_factor=lateness)
        metrics = timeline_tension(sales["invoices"], sales["credit_notes"], parts, as_of)
        if _shortfall(metrics) <= 1.0:
            pay_tables, pay_truth, pay_story = build_payment_tables(
                parts, pay_story, sales["invoices"], sales["credit_notes"], customers_df, roles,
                company_iban, as_of, history_start, rng, noise)
            metrics = tension_metrics(Company({"company": pd.DataFrame([company_row]), **sales, **pay_tables}, {}))
            if metrics["is_tense"]:
                break
        lateness *= min(1.6, max(1.08, 1.05 * _shortfall(metrics)))
    clock.tick(f"paiements ({_thousands(len(pay_tables['bank_transactions']))} opérations, tirage {attempt + 1})")
    story_tables, story_truth, documents, scenario = make_story(
        company_row, customers_df, contacts, contracts, sales, pay_tables, pay_story,
        behaviour, roles, as_of, streams[3], fake)
    clock.tick("litiges, e-mails, signaux")

    tables = {"company": pd.DataFrame([company_row]), "customers": customers_df, "contacts": contacts,
              "products": catalog, "contracts": contracts, **sales, **pay_tables, **story_tables}
    tables["dunning"] = _stop_dunning(tables["dunning"], tables["disputes"], tables["external_signals"])
    truth = {"customer_truth": behaviour, "invoice_anomalies": anomalies, **pay_truth, **story_truth}
    scenario.update(seed=seed, as_of=as_of.isoformat(), customers=n, noise=noise,
                    payment_draw=attempt)
    company = Company(_conform(tables, OBSERVABLE_TABLES), _conform(truth, TRUTH_TABLES), scenario,
                      documents)
    clock.tick("mise en forme")
    return company


def _stop_dunning(dunning, disputes, signals):
    """The collection team stops chasing a disputed invoice once the dispute is open, and every
    invoice of a customer under collective proceedings once the BODACC notice is out."""
    opened = disputes[disputes["status"] == "en litige"].set_index("invoice_id")["opened_on"]
    stop_invoice = dunning["invoice_id"].map(opened)
    bodacc = signals[signals["source"] == "BODACC"].set_index("customer_id")["published_on"]
    stop_customer = dunning["customer_id"].map(bodacc)
    keep = ~(dunning["sent_on"] >= stop_invoice) & ~(dunning["sent_on"] >= stop_customer)
    return dunning[keep].reset_index(drop=True)


def _shortfall(metrics: dict) -> float:
    """How far the balance is from tense: the largest ratio threshold / observed (≥ 1 if short)."""
    t = TENSION_THRESHOLDS
    ratios = [t["overdue_share_min"] / max(metrics["overdue_share"], 1e-6),
              t["over_90_share_min"] / max(metrics["over_90_share"], 1e-6),
              (metrics["weighted_terms_days"] + t["dso_over_terms_min_days"]) / max(metrics["dso_days"], 1e-6)]
    return max(ratios)


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


class _Clock:
    """Stage timer; with ``verbose`` a tqdm progress bar over the generator's five stages."""

    STAGES = 5

    def __init__(self, verbose: bool):
        self.last = time.perf_counter()
        self.bar = None
        if verbose:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=self.STAGES, desc="Génération", unit="étape", leave=True)

    def tick(self, label: str) -> None:
        now = time.perf_counter()
        if self.bar is not None:
            self.bar.set_postfix_str(f"{label} : {now - self.last:.1f} s")
            self.bar.update(1)
            if self.bar.n >= self.STAGES:
                self.bar.close()
        self.last = now
