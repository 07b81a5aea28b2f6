"""The business prompt library (« bibliothèque de prompts métier »): one YAML file per prompt.

Each file holds the RCOTF parts (Jinja templates), the variables and which company data fills
them (a few relevant rows, not the whole ledger), the expected output shape, a token budget, the
offline reference template (« référence générée sans IA ») and offline checks named after
promptfoo's deterministic assertions (``icontains``, ``not-regex``, ``word-count``…).
"""

from __future__ import annotations

import functools
import json
import re
import weakref
from dataclasses import dataclass
from importlib.resources import files

import pandas as pd

from ..errors import InvalidParameterError
from ..money import format_date, format_eur, format_number
from .assistant import Task
from .rcotf import RcotfPrompt

__all__ = ["USE_CASES", "LibraryPrompt", "FilledPrompt", "AssertionResult", "load_library", "get_prompt",
           "fill", "library_tasks", "run_assertions", "SOURCES"]

#: Use cases of the course programme, each covered by at least one prompt.
USE_CASES = {
    "risque_client": "analyse du risque client et du comportement de paiement",
    "conditions_anomalies": "conditions de paiement et anomalies de commande",
    "clauses_signaux": "clauses contractuelles et signaux faibles",
    "conformite_facture": "contrôle de conformité des factures",
    "alerte_externe": "information externe sur un client",
    "balance_agee": "analyse de balance âgée et leviers cash",
    "segmentation": "segmentation et priorisation",
    "urgences_bruit": "urgences réelles et bruit opérationnel",
    "relances": "relances personnalisées et multi-niveaux",
    "controle_qualite": "contrôle qualité avant envoi",
    "fils_emails": "analyse de fils d'e-mails",
    "scripts_appel": "scripts d'appel",
    "synthese_contrat": "synthèse de contrat",
    "litiges": "analyse et réponse aux litiges",
    "notes_internes": "notes, alertes et synthèses internes",
    "vulgarisation": "synthèse pour des non-financiers",
    "rapprochement": "hypothèses de rapprochement bancaire",
    "prevision": "estimation des encaissements",
    "kpi": "lecture des indicateurs",
}
_ASSERTIONS = ("contains", "icontains", "not-contains", "not-icontains", "contains-all", "icontains-all",
               "contains-any", "icontains-any", "regex", "not-regex", "word-count", "is-json")
_SEGMENTS = {"grand_compte": "grand compte", "eti_pme": "ETI / PME", "tpe": "TPE",
             "secteur_public": "secteur public", "export_ue": "export UE"}


# --- data sources: compact extracts of the company ------------------------------------------

def _d(value) -> str:
    return "" if value is None or pd.isna(value) else format_date(pd.Timestamp(value))


def _open(company) -> pd.DataFrame:
    """Open invoices at the case date, read from the receivable position (cached there):
    ``invoice_id``, ``invoice_date``, ``due_date``, ``total_ttc_cents``, ``open_cents``,
    ``days_past_due``, ``status`` and ``statut``."""
    from ..analytics.position import receivable_position

    lines = receivable_position(company).lines
    rows = lines.loc[(lines["document_type"] == "facture") & (lines["remaining_cents"] > 0)]
    return rows.rename(columns={"document_id": "invoice_id", "amount_cents": "total_ttc_cents",
                                "remaining_cents": "open_cents", "days_late": "days_past_due"})


def _flag(r) -> str:
    """The line's status when it is not an ordinary owed invoice (duplicate, dispute, proceedings)."""
    return "" if r.status in ("overdue", "not_due") else f" | {r.statut}"


def _customer(company, ctx) -> pd.Series:
    return company.customer(ctx["customer_id"])


def _src_fiche_client(company, ctx, **_):
    c = _customer(company, ctx)
    return (f"{c['name']} (code {c['customer_id']}), {_SEGMENTS.get(c['segment'], c['segment'])}, "
            f"secteur {c['sector']}, client depuis le {_d(c['customer_since'])} ; conditions {c['payment_terms']} ; "
            f"limite de crédit {format_eur(int(c['credit_limit_cents']))} ; score de crédit {c['credit_score']}/20 ; "
            f"canal de relance préféré : {c['preferred_channel']}"
            + (" ; factures déposées sur Chorus Pro" if c["chorus_pro"] else ""))


def _src_client(company, ctx, **_):
    return str(_customer(company, ctx)["name"])


def _src_factures_ouvertes(company, ctx, max_lignes=6, **_):
    rows = _open(company)
    # the prompt's main invoice, then the largest amounts, shown oldest due date first
    rows = rows[rows["customer_id"] == ctx["customer_id"]]
    rows = rows.assign(_main=rows["invoice_id"] == ctx.get("invoice_id")).sort_values(
        ["_main", "open_cents", "invoice_id"], ascending=[False, False, True])
    rest = rows.iloc[max_lignes:]
    rows = rows.head(max_lignes).sort_values(["due_date", "invoice_id"])
    if rows.empty:
        return "(aucune facture ouverte)"
    more = f"\n- et {len(rest)} autre(s) facture(s) ouverte(s), non listée(s) ici" if len(rest) else ""
    return "\n".join(
        f"- {r.invoice_id} | émise le {_d(r.invoice_date)} | échéance {_d(r.due_date)} | "
        f"TTC {format_eur(int(r.total_ttc_cents))} | reste dû {format_eur(int(r.open_cents))} | "
        + (f"retard {int(r.days_past_due)} j" if r.days_past_due > 0 else "non échue") + _flag(r)
        for r in rows.itertuples()) + more


def _src_total_du(company, ctx, **_):
    rows = _open(company)
    rows = rows[rows["customer_id"] == ctx["customer_id"]]
    overdue = rows.loc[rows["days_past_due"] > 0, "open_cents"].sum()
    duplicates = int(rows.loc[rows["status"] == "duplicate", "open_cents"].sum())
    return (f"encours brut {format_eur(int(rows['open_cents'].sum()))} dont {format_eur(int(overdue))} échus "
            f"({len(rows)} facture(s) ouverte(s))"
            + (f", dont {format_eur(duplicates)} de doublons à annuler par avoir (non dus)" if duplicates else ""))


_PLAN_CACHE: dict[int, tuple] = {}


def _chased(company) -> pd.DataFrame:
    """The dunning plan's invoices to chase now (computed once per company object)."""
    from ..casework.dunning import dunning_plan

    hit = _PLAN_CACHE.get(id(company))
    if hit is None or hit[0]() is not company:
        plan = dunning_plan(company)
        hit = (weakref.ref(company), plan.loc[plan["action"] == "relancer"])
        _PLAN_CACHE[id(company)] = hit
    return hit[1]


def _claim(company, ctx) -> pd.DataFrame:
    from ..casework.dunning import claim_lines

    chased = _chased(company)
    mine = chased.loc[chased["customer_id"] == ctx["customer_id"]]
    return claim_lines(company, ctx["customer_id"], mine)[0] if len(mine) else mine


def _src_factures_a_relancer(company, ctx, **_):
    lines = _claim(company, ctx)
    if lines.empty:
        return "(aucune facture à relancer à ce jour : voir le plan de relance)"
    return "\n".join(f"- {r.invoice_id} | échéance {_d(r.due_date)} | retard {int(r.days_late)} j | principal "
                     f"{format_eur(int(r.principal_cents))} | pénalités au {format_date(company.as_of)} "
                     f"{format_eur(int(r.penalty_cents))} | indemnité forfaitaire {format_eur(int(r.indemnity_cents))}"
                     for r in lines.itertuples())


def _src_total_reclame(company, ctx, **_):
    lines = _claim(company, ctx)
    return (f"principal {format_eur(int(lines['principal_cents'].sum()))} + pénalités "
            f"{format_eur(int(lines['penalty_cents'].sum()))} + indemnités forfaitaires "
            f"{format_eur(int(lines['indemnity_cents'].sum()))} = {format_eur(int(lines['total_cents'].sum()))}"
            if len(lines) else "(rien à réclamer à ce jour)")


def _src_lettre_mise_en_demeure(company, ctx, **_):
    from ..casework.dunning import reminder_text

    chased = _chased(company)
    ids = list(chased.loc[chased["customer_id"] == ctx["customer_id"], "invoice_id"])
    if not ids:
        return "(aucune facture à mettre en demeure pour ce client à ce jour : voir le plan de relance)"
    return reminder_text(company, ctx["customer_id"], 3, "courrier", invoice_ids=ids, plan=chased)


def _src_facture_principale(company, ctx, **_):
    return ctx["invoice_id"]


def _src_historique_paiements(company, ctx, max_lignes=6, **_):
    led = company.ar_ledger
    paid = led[(led["customer_id"] == ctx["customer_id"]) & (led["document_type"] == "facture")
               & (led["lettering"] != "")]
    inv = company.invoices.set_index("invoice_id")
    rows = paid.sort_values("lettering_date").tail(max_lignes)
    if rows.empty:
        return "(aucun paiement récent)"
    return "\n".join(
        f"- {r.document_id} : échéance {_d(inv.loc[r.document_id, 'due_date'])}, soldée le {_d(r.lettering_date)} "
        f"({(pd.Timestamp(r.lettering_date) - pd.Timestamp(inv.loc[r.document_id, 'due_date'])).days:+d} j)"
        for r in rows.itertuples())


def _src_scores(company, ctx, **_):
    s = company.credit_scores
    s = s[s["customer_id"] == ctx["customer_id"]].sort_values("month").tail(6)
    return ", ".join(f"{pd.Timestamp(r.month):%m/%Y} : {r.score}" for r in s.itertuples()) or "(aucun)"


def _src_relances(company, ctx, max_lignes=5, **_):
    d = company.dunning
    d = d[d["customer_id"] == ctx["customer_id"]].sort_values("sent_on").tail(max_lignes)
    return "\n".join(f"- {_d(r.sent_on)} : niveau {r.level} par {r.channel} ({r.invoice_id})"
                     for r in d.itertuples()) or "(aucune relance)"


def _src_promesses(company, ctx, max_lignes=4, **_):
    p = company.promises
    p = p[p["customer_id"] == ctx["customer_id"]].sort_values("made_on").tail(max_lignes)
    return "\n".join(f"- obtenue le {_d(r.made_on)} pour le {_d(r.promised_date)} : "
                     f"{format_eur(int(r.amount_cents))} ({r.invoice_ids}), {r.status}"
                     for r in p.itertuples()) or "(aucune promesse)"


def _src_litige(company, ctx, **_):
    d = company.disputes.set_index("dispute_id").loc[ctx["dispute_id"]]
    return (f"{ctx['dispute_id']} ouvert le {_d(d['opened_on'])} sur {d['invoice_id']} : motif {d['reason_code']}, "
            f"montant contesté {format_eur(int(d['amount_cents']))}, statut {d['status']}. {d['summary']}")


def _src_contrat(company, ctx, **_):
    k = company.contracts
    k = k[k["customer_id"] == ctx["customer_id"]].iloc[0]
    return (f"Contrat {k['contract_id']} signé le {_d(k['signed_on'])} : délai {k['payment_terms']} ; remise "
            f"{k['price_discount_pct']:g} % ; pénalités : {k['penalty_clause'] or 'aucune clause'} ; indemnité 40 € "
            f"{'mentionnée' if k['indemnity_clause'] else 'non mentionnée'} ; escompte "
            f"{k['early_payment_discount_pct']:g} % à {k['early_payment_days']} j ; réserve de propriété "
            f"{'oui' if k['retention_of_title'] else 'non'} ; {k['jurisdiction']}")


def _src_fil_emails(company, ctx, max_messages=5, max_caracteres=700, **_):
    e = company.emails
    e = e[e["thread_id"] == ctx["thread_id"]].sort_values("sent_at").tail(max_messages)
    parts = []
    for r in e.itertuples():
        body = re.split(r"\n(?:Le \d{2}/\d{2}/\d{4}.*a écrit|-{5,} Message transféré)", r.body)[0].strip()
        if len(body) > max_caracteres:
            body = body[:max_caracteres].rsplit(" ", 1)[0] + " […]"
        parts.append(f"--- {r.sent_at[:16].replace('T', ' ')} — De : {r.sender}\nObjet : {r.subject}\n{body}")
    return "\n".join(parts)


def _src_signaux(company, ctx, max_lignes=3, max_caracteres=500, **_):
    s = company.external_signals
    s = s[s["customer_id"] == ctx["customer_id"]].sort_values("published_on").tail(max_lignes)
    return "\n".join(f"- {_d(r.published_on)} ({r.source}) {r.title} : {r.text[:max_caracteres]}"
                     for r in s.itertuples()) or "(aucun signal)"


def _src_facture_detail(company, ctx, **_):
    inv = company.invoices.set_index("invoice_id").loc[ctx["invoice_id"]]
    lines = company.invoice_lines[company.invoice_lines["invoice_id"] == ctx["invoice_id"]]
    dl = company.delivery_lines[company.delivery_lines["delivery_id"] == inv["delivery_id"]]
    ol = company.order_lines[company.order_lines["order_id"] == inv["order_id"]]
    delivered = dict(zip(dl["product_id"], dl["quantity"]))
    ordered = dict(zip(ol["product_id"], zip(ol["quantity"], ol["unit_price_cents"])))
    head = (f"Facture {ctx['invoice_id']} du {_d(inv['invoice_date'])}, échéance {_d(inv['due_date'])} "
            f"({inv['payment_terms']}) ; commande {inv['order_id']}, BL {inv['delivery_id']} ; bon de commande "
            f"client : {inv['customer_po'] or 'absent'} ; SIREN client mentionné : "
            f"{'oui' if inv['customer_siren_shown'] else 'non'} ; mention pénalités : "
            f"{'oui' if inv['penalty_mention'] else 'non'} ; mention indemnité 40 € : "
            f"{'oui' if inv['indemnity_mention'] else 'non'} ; mention TVA : {inv['vat_mention'] or 'aucune'} ; "
            f"total HT {format_eur(int(inv['total_ht_cents']))}, TVA {format_eur(int(inv['total_vat_cents']))}, "
            f"TTC {format_eur(int(inv['total_ttc_cents']))}")
    rows = [f"- {r.product_id} {r.label} : facturé {r.quantity} × {format_eur(int(r.unit_price_cents))} "
            f"(TVA {r.vat_rate:g} %) ; commandé {ordered.get(r.product_id, ('?', 0))[0]} au prix convenu "
            f"{format_eur(int(ordered.get(r.product_id, (0, 0))[1]))} ; livré {delivered.get(r.product_id, 0)}"
            for r in lines.head(8).itertuples()]
    return head + "\n" + "\n".join(rows)


def _src_balance_agee(company, ctx, **_):
    rows = _open(company)
    bins = [(-10**6, 0, "non échu"), (1, 30, "1 à 30 j"), (31, 60, "31 à 60 j"), (61, 90, "61 à 90 j"),
            (91, 10**6, "plus de 90 j")]
    total = int(rows["open_cents"].sum())
    out = []
    for lo, hi, label in bins:
        part = int(rows.loc[rows["days_past_due"].between(lo, hi), "open_cents"].sum())
        out.append(f"- {label} : {format_eur(part)} ({round(part * 100 / max(total, 1))} %)")
    return f"Encours brut {format_eur(total)} au {format_date(company.as_of)}\n" + "\n".join(out)


def _src_top_retards(company, ctx, n=10, **_):
    rows = _open(company)
    late = rows[rows["days_past_due"] > 0].groupby("customer_id").agg(
        echu=("open_cents", "sum"), retard_max=("days_past_due", "max"), factures=("invoice_id", "count"))
    late = late.sort_values("echu", ascending=False).head(n).join(
        company.customers.set_index("customer_id")[["name", "segment", "credit_score"]])
    return "\n".join(f"- {cid} {r['name']} ({_SEGMENTS.get(r['segment'], r['segment'])}, score {r['credit_score']}) : "
                     f"échu {format_eur(int(r['echu']))}, {r['factures']} facture(s), retard max {r['retard_max']} j"
                     for cid, r in late.iterrows())


def _src_indicateurs(company, ctx, **_):
    m = company.summary()
    return (f"{m['dso_name']} {format_number(m['dso_days'], 1)} j (sur {m['period_days']} jours) pour un délai "
            f"contractuel moyen de {m['weighted_terms_days']:.0f} j ; encours brut "
            f"{format_eur(int(m['gross_receivables_cents']))} ; encours net des avoirs "
            f"{format_eur(int(m['net_receivables_cents']))} ; échu {format_eur(int(m['overdue_cents']))} "
            f"({m['overdue_share'] * 100:.0f} %) ; plus de 90 j {format_eur(int(m['over_90_cents']))} "
            f"({m['over_90_share'] * 100:.0f} %) ; 10 premiers clients = {m['top10_overdue_share'] * 100:.0f} % de l'échu ; "
            f"{m['customers_with_open_items']} clients avec des factures ouvertes")


def _src_operations_non_lettrees(company, ctx, n=6, **_):
    tx = company.bank_transactions
    used = set(company.ar_ledger["bank_tx_id"])
    rows = tx[(tx["amount_cents"] > 0) & ~tx["bank_tx_id"].isin(used)].sort_values("booking_date").tail(n)
    return "\n".join(f"- {r.bank_tx_id} du {_d(r.booking_date)} : {format_eur(int(r.amount_cents))} ; libellé "
                     f"« {r.label} » ; donneur d'ordre « {r.counterparty_name} » ; référence « {r.remittance_info} »"
                     for r in rows.itertuples()) or "(aucune opération en attente)"


def _src_echeancier(company, ctx, semaines=8, **_):
    from ..analytics.position import receivable_position

    position = receivable_position(company)  # duplicates left out: cancelled by a credit note, no cash to come
    out = [f"- déjà échu au {format_date(company.as_of)} : {format_eur(int(position.totals['echu_du']))}"]
    out += [f"- semaine du {format_date(r.week_start)} : {format_eur(int(r.due_cents))} à échoir"
            for r in position.falling_due(semaines).itertuples()]
    return "\n".join(out)


def _src_date_arrete(company, ctx, **_):
    return format_date(company.as_of)


def _src_entreprise(company, ctx, **_):
    return company.name


#: Data sources a prompt file may name (``source: factures_ouvertes``): every ``_src_*`` function above.
SOURCES = {name[5:]: fn for name, fn in globals().items() if name.startswith("_src_")}


# --- the prompt files ------------------------------------------------------------------------

@dataclass(frozen=True)
class LibraryPrompt:
    """One prompt of the library, as read from its YAML file."""

    id: str
    title: str
    use_case: str
    rcotf: dict
    variables: dict
    subject: dict
    data: tuple
    output: dict
    token_budget: int
    reference: str
    tests: tuple

    def variable_names(self) -> set[str]:
        import jinja2.meta

        env = _env()
        names = set()
        for text in list(self.rcotf.values()) + [self.reference]:
            names |= jinja2.meta.find_undeclared_variables(env.parse(text))
        return names


@dataclass(frozen=True)
class FilledPrompt:
    """A prompt filled with a company's data: the text to send, its variables and reference."""

    prompt: LibraryPrompt
    text: str
    values: dict
    reference: str
    context: dict

    def task(self) -> Task:
        return Task(self.text, reference=self.reference, title=self.prompt.title)

    @property
    def rcotf(self) -> RcotfPrompt:
        return RcotfPrompt({k: _env().from_string(v).render(**self.values) for k, v in self.prompt.rcotf.items()})


@dataclass(frozen=True)
class AssertionResult:
    type: str
    passed: bool
    detail: str


@functools.lru_cache(maxsize=1)
def _env():
    import jinja2

    return jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=False, autoescape=False)


def _parse(name: str, raw: dict) -> LibraryPrompt:
    required = ("id", "titre", "cas_usage", "rcotf", "variables", "sortie", "budget_jetons", "reference", "tests")
    missing = [k for k in required if k not in raw]
    if missing:
        raise InvalidParameterError(f"Prompt « {name} » : champ(s) manquant(s) {', '.join(missing)}.",
                                    valid=", ".join(required))
    return LibraryPrompt(raw["id"], raw["titre"], raw["cas_usage"], dict(raw["rcotf"]), dict(raw["variables"] or {}),
                         dict(raw.get("sujet") or {}), tuple(raw.get("donnees") or ()), dict(raw["sortie"]),
                         int(raw["budget_jetons"]), raw["reference"], tuple(raw["tests"]))


@functools.lru_cache(maxsize=1)
def load_library() -> dict[str, LibraryPrompt]:
    """Every prompt of the package, by id (files ``prompts/*.yaml``)."""
    import yaml

    out = {}
    for path in sorted(files(__package__).joinpath("prompts").iterdir(), key=lambda p: p.name):
        if path.name.endswith(".yaml"):
            prompt = _parse(path.name, yaml.safe_load(path.read_text(encoding="utf-8")))
            out[prompt.id] = prompt
    return out


def get_prompt(prompt_id: str) -> LibraryPrompt:
    lib = load_library()
    if prompt_id not in lib:
        raise InvalidParameterError(f"Prompt inconnu : « {prompt_id} ».", valid=", ".join(sorted(lib)))
    return lib[prompt_id]


def _context(prompt: LibraryPrompt, company, given: dict) -> dict:
    """customer_id / invoice_id / thread_id / dispute_id for the prompt's subject."""
    ctx = {k: v for k, v in given.items() if v is not None}
    subj = prompt.subject
    if "dispute_id" in subj and "dispute_id" not in ctx:
        ctx["dispute_id"] = subj["dispute_id"]
    if "dispute_id" in ctx:
        row = company.disputes.set_index("dispute_id").loc[ctx["dispute_id"]]
        ctx.setdefault("customer_id", row["customer_id"])
        ctx.setdefault("invoice_id", row["invoice_id"])
        ctx.setdefault("thread_id", row["thread_id"])
    if "role" in subj and "customer_id" not in ctx:
        ctx["customer_id"] = company.role(subj["role"])
        chasing = any(v.get("source") == "factures_a_relancer" for v in prompt.variables.values())
        needs_open = chasing or any(v.get("source") == "factures_ouvertes" for v in prompt.variables.values())
        rows = _open(company)
        if chasing:  # a reminder is about invoices to chase now
            rows = rows.loc[rows["invoice_id"].isin(set(_chased(company)["invoice_id"]))]
        if needs_open and not (rows["customer_id"] == ctx["customer_id"]).any():
            # this seed's role customer owes nothing: take the same segment's largest open balance
            segment = company.customer(ctx["customer_id"])["segment"]
            peers = company.customers.loc[company.customers["segment"] == segment, "customer_id"]
            owed = rows[rows["customer_id"].isin(peers)].groupby("customer_id")["open_cents"].sum()
            if len(owed):
                ctx["replaces_role_customer"] = ctx["customer_id"]
                ctx["customer_id"] = owed.sort_values(ascending=False).index[0]
    if "customer_id" in ctx:
        if "thread_id" not in ctx:
            threads = company.emails.loc[company.emails["customer_id"] == ctx["customer_id"], "thread_id"]
            if len(threads):
                ctx["thread_id"] = threads.iloc[0]
        if "invoice_id" not in ctx:
            rows = _open(company)
            rows = rows[rows["customer_id"] == ctx["customer_id"]]
            # the main invoice: the largest one to chase now, else the largest open one
            rows = rows.assign(_chased=rows["invoice_id"].isin(set(_chased(company)["invoice_id"]))).sort_values(
                ["_chased", "open_cents", "invoice_id"], ascending=[False, False, True])
            inv = company.invoices
            ctx["invoice_id"] = rows["invoice_id"].iloc[0] if len(rows) else \
                inv.loc[inv["customer_id"] == ctx["customer_id"], "invoice_id"].iloc[-1]
    return ctx


def fill(prompt: LibraryPrompt | str, company, *, customer_id=None, invoice_id=None, thread_id=None,
         dispute_id=None, **values) -> FilledPrompt:
    """Fill ``prompt`` with ``company``'s data (extra ``values`` override variables).

    Always available: ``date_arrete``, ``entreprise``, and for a prompt about one customer
    ``client`` and ``facture_principale`` (its largest open invoice unless ``invoice_id`` is given).
    """
    if isinstance(prompt, str):
        prompt = get_prompt(prompt)
    ctx = _context(prompt, company, dict(customer_id=customer_id, invoice_id=invoice_id,
                                         thread_id=thread_id, dispute_id=dispute_id))
    resolved = {"date_arrete": format_date(company.as_of), "entreprise": company.name}
    if "customer_id" in ctx:
        resolved["client"] = str(company.customer(ctx["customer_id"])["name"])
    if "invoice_id" in ctx:
        resolved["facture_principale"] = ctx["invoice_id"]
    for name, spec in prompt.variables.items():
        if name in values:
            resolved[name] = values[name]
        elif "source" in spec:
            options = {k: v for k, v in spec.items() if k != "source"}
            try:
                resolved[name] = SOURCES[spec["source"]](company, ctx, **options)
            except KeyError as exc:
                raise InvalidParameterError(
                    f"Prompt « {prompt.id} », variable « {name} » : donnée introuvable ({exc}).",
                    todo="précisez le client, la facture ou le fil concerné") from None
        else:
            resolved[name] = spec.get("defaut", "")
    env = _env()
    parts = {k: env.from_string(v).render(**resolved).strip() for k, v in prompt.rcotf.items()}
    text = RcotfPrompt(parts).render()
    reference = env.from_string(prompt.reference).render(**resolved).strip()
    return FilledPrompt(prompt, text, resolved, reference, ctx)


def library_tasks(company, prompt_ids=None) -> list[Task]:
    """Every library prompt (or ``prompt_ids``) filled for ``company``, e.g. to record a cohort's replay."""
    ids = prompt_ids if prompt_ids is not None else sorted(load_library())
    return [fill(pid, company).task() for pid in ids]


def run_assertions(prompt: LibraryPrompt, output: str, values: dict) -> list[AssertionResult]:
    """Evaluate the prompt's offline checks (promptfoo assertion names) on ``output``."""
    env = _env()
    results = []
    for test in prompt.tests:
        kind = test["type"]
        raw = test.get("value")
        value = (env.from_string(raw).render(**values) if isinstance(raw, str)
                 else [env.from_string(v).render(**values) for v in raw] if isinstance(raw, list) else raw)
        negate = kind.startswith("not-")
        base = kind[4:] if negate else kind
        low = output.lower()
        if base == "contains":
            ok = value in output
        elif base == "icontains":
            ok = value.lower() in low
        elif base in ("contains-all", "icontains-all"):
            ok = all((v.lower() in low) if base.startswith("i") else (v in output) for v in value)
        elif base in ("contains-any", "icontains-any"):
            ok = any((v.lower() in low) if base.startswith("i") else (v in output) for v in value)
        elif base == "regex":
            ok = re.search(value, output) is not None
        elif base == "word-count":
            n = len(re.findall(r"\w+", output))
            ok = value.get("min", 0) <= n <= value.get("max", 10**9)
        elif base == "is-json":
            try:
                json.loads(output)
                ok = True
            except ValueError:
                ok = False
        else:
            raise InvalidParameterError(f"Prompt « {prompt.id} » : assertion inconnue « {kind} ».",
                                        valid=", ".join(_ASSERTIONS))
        results.append(AssertionResult(kind, ok != negate, f"{kind} {value!r}"))
    return results
