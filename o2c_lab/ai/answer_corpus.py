"""Answers to check the fact-checker with, generated from a company's ledger: correct ones, and
ones with exactly one planted error of a known kind.

The forms are those a model or an accountant writes (reminders at each level, customer summaries,
aged-balance comments, dispute notes, internal alerts, weekly syntheses), with varied wording,
amount and date formats. The figures are computed here from the company's tables and the law
module, not from the fact-checker's fact model, so the corpus is a second, independent route.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import pandas as pd

from .. import law
from ..errors import MissingLegalRateError

__all__ = ["CorpusAnswer", "ERROR_KINDS", "FORMS", "correct_answers", "planted_answers", "CorpusScore",
           "score_corpus", "ReferenceScore", "score_references"]

#: Kinds of planted error, one per wrong answer.
ERROR_KINDS = ("montant", "facture_autre_client", "echeance", "date_paiement", "numero_facture", "jours_retard",
               "total_client", "taux_penalite", "montant_penalite", "nom_client", "facture_inexistante")
FORMS = ("relance_1", "relance_2", "relance_3", "synthese_client", "note_litige", "alerte_interne",
         "commentaire_balance", "synthese_hebdo")
_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"]


@dataclass(frozen=True)
class CorpusAnswer:
    """One answer: its form, text, the customer it is about, and for a wrong one the kind of
    error and the line that holds it (the fact-checker must flag a fact of that line)."""

    form: str
    text: str
    customer_id: str | None
    planted: str | None = None
    planted_line: str | None = None


# --- French writing variants -------------------------------------------------------------------

def _eur(cents: int, style: int) -> str:
    euros, cent = divmod(int(cents), 100)
    groups = f"{euros:,}"
    return [groups.replace(",", "\u202f") + f",{cent:02d}\u00a0€", groups.replace(",", " ") + f",{cent:02d} €",
            f"{euros},{cent:02d} EUR", groups.replace(",", ".") + f",{cent:02d} €",
            groups.replace(",", "\u00a0") + f",{cent:02d} euros"][style % 5]


def _date(day: dt.date, style: int) -> str:
    return [f"{day:%d/%m/%Y}", f"{day.day if day.day > 1 else '1er'} {_MONTHS[day.month - 1]} {day.year}",
            f"{day:%d/%m/%Y}"][style % 3]


def _pct(value, style: int) -> str:
    text = f"{value:g}".replace(".", ",")
    return f"{text} %" if style % 2 == 0 else f"{text} pour cent"


# --- the ledger, read independently --------------------------------------------------------------

@dataclass
class _Ledger:
    company: object
    open: pd.DataFrame      # invoices never paid at all: remaining = TTC, days late
    owed: pd.DataFrame      # every invoice with something left to pay (partly paid too)
    paid: pd.DataFrame      # fully paid invoices with their payment date
    customers: pd.DataFrame


def _ledger(company) -> _Ledger:
    """Open invoices from the receivable position (aged open items), payment dates from the lettering."""
    from ..analytics.aging import company_open_items

    as_of = pd.Timestamp(company.as_of)
    items = company_open_items(company)
    residual = items.loc[items["document_type"] == "facture"].set_index("document_id")["residual_cents"]
    inv = company.invoices.copy()
    inv["remaining_cents"] = inv["invoice_id"].map(residual).fillna(0).astype("int64")
    inv["days_late"] = (as_of - pd.to_datetime(inv["due_date"])).dt.days
    led = company.ar_ledger
    lettered = led[(led["document_type"] == "facture") & (led["lettering"] != "")]
    inv["paid_on"] = inv["invoice_id"].map(lettered.groupby("document_id")["lettering_date"].max())
    never_paid = inv[(inv["remaining_cents"] > 0) & (inv["remaining_cents"] == inv["total_ttc_cents"])]
    paid = inv[inv["paid_on"].notna() & (inv["remaining_cents"] == 0)]
    return _Ledger(company, never_paid, inv[inv["remaining_cents"] > 0], paid, company.customers.set_index("customer_id"))


def _penalty(cents: int, due: dt.date, as_of: dt.date) -> tuple[int, str]:
    """Penalties to date as a letter states them: semesters whose rate is not published are left
    out and said « à confirmer », as in the course's own letters."""
    result = law.penalty_to_date(int(cents), due, as_of)
    return result.cents, "".join(f" (taux du {_semester(s)} à confirmer)" for s in result.to_confirm)


def _semester(start: dt.date) -> str:
    return f"{'1er' if start.month == 1 else '2d'} semestre {start.year}"


def _stated_rate(as_of: dt.date) -> tuple:
    """The penalty rate a reminder states: the case date's semester or, while that rate is not
    published, the previous semester's, said so."""
    try:
        return law.penalty_rate(as_of), ""
    except MissingLegalRateError as missing:
        before = missing.semester - dt.timedelta(days=1)
        return law.penalty_rate(before), (f" (taux du {_semester(law.semester_start(before))}, celui du "
                                          f"{_semester(missing.semester)} restant à confirmer)")


# --- answers -----------------------------------------------------------------------------------

class _Writer:
    """Writes one answer; ``plant`` names the error to plant, ``planted_line`` records where."""

    def __init__(self, led: _Ledger, cid: str, rng: random.Random, plant: str | None):
        self.led, self.cid, self.rng, self.plant = led, cid, rng, plant
        self.style = rng.randrange(15)
        self.planted_line: str | None = None
        self.as_of = led.company.as_of
        self.name = str(led.customers.loc[cid, "name"])
        self.others = led.customers.index[led.customers.index != cid]

    def eur(self, cents):
        return _eur(cents, self.style)

    def date(self, day):
        return _date(pd.Timestamp(day).date(), self.style)

    def mark(self, line: str, kind: str) -> str:
        if self.plant == kind:
            self.planted_line = line
        return line

    def wrong_cents(self, cents: int) -> int:
        return int(cents) + self.rng.choice((-1, 1)) * self.rng.choice((self.rng.randint(100, 99_900), 1000, 10_000))

    def wrong_day(self, day, avoid=()) -> dt.date:
        day = pd.Timestamp(day).date()
        while True:
            wrong = day + dt.timedelta(days=self.rng.choice((-1, 1)) * self.rng.randint(1, 20))
            if wrong not in avoid and wrong != self.as_of:
                return wrong

    def customer_name(self) -> str:
        if self.plant == "nom_client":
            return str(self.led.customers.loc[self.rng.choice(list(self.others)), "name"])
        return self.name

    def invoice_line(self, r, level: int) -> str:
        """One open invoice, in one of several formats, with at most one planted error."""
        iid, ttc, due = r.invoice_id, int(r.total_ttc_cents), pd.Timestamp(r.due_date).date()
        days, issued = int(r.days_late), pd.Timestamp(r.invoice_date).date()
        kind = self.plant if self.plant in ("montant", "echeance", "jours_retard", "numero_facture",
                                            "montant_penalite") and self.planted_line is None else None
        if kind == "montant":
            ttc = self.wrong_cents(ttc)
        elif kind == "echeance":
            due = self.wrong_day(due, avoid={issued})
        elif kind == "jours_retard":
            days = days + self.rng.choice((-1, 1)) * self.rng.randint(1, 15)
        elif kind == "numero_facture":
            mine = self.led.company.invoices
            mine = mine[(mine["customer_id"] == self.cid) & (mine["invoice_id"] != iid)
                        & (mine["total_ttc_cents"] != ttc)]
            iid = self.rng.choice(list(mine["invoice_id"]))
        variant = (self.style + level) % 4
        if variant == 0:
            line = (f"- Facture {iid} du {self.date(issued)} : {self.eur(ttc)} TTC, échéance le {self.date(due)}, "
                    f"{days} jours de retard")
        elif variant == 1:
            line = (f"- la facture {iid}, émise le {self.date(issued)} pour un montant de {self.eur(ttc)}, est arrivée "
                    f"à échéance le {self.date(due)} ({days} jours de retard)")
        elif variant == 2:
            line = f"| {iid} | {self.date(issued)} | {self.date(due)} | {self.eur(ttc)} | {days} j |"
        else:
            line = f"- {iid} : reste dû {self.eur(ttc)}, échue depuis le {self.date(due)}, soit un retard de {days} jours"
        if level == 3:
            penalty, pending = _penalty(int(r.total_ttc_cents), pd.Timestamp(r.due_date).date(), self.as_of)
            if kind == "montant_penalite":
                penalty = self.wrong_cents(penalty) if penalty > 20_000 else penalty + self.rng.randint(150, 2_000)
            line += f" ; pénalités de retard à ce jour : {self.eur(penalty)}{pending}"
        if kind:
            self.planted_line = line
        return line


def _pick(led: _Ledger, rng: random.Random, n: int) -> list[str]:
    counts = led.open[led.open["days_late"] > 5].groupby("customer_id")["invoice_id"].count()
    eligible = sorted(counts[counts >= 1].index)
    return rng.sample(eligible, min(n, len(eligible)))


def _staff(company, rng) -> str:
    staff = list(company.scenario.get("staff", {}).values()) or [{"name": "Service comptabilité clients"}]
    return str(rng.choice(staff)["name"])


def _contact(company, cid, rng) -> str:
    c = company.contacts[company.contacts["customer_id"] == cid]
    if c.empty:
        return "Madame, Monsieur,"
    row = c.iloc[rng.randrange(len(c))]
    return rng.choice([f"Bonjour {row.first_name} {row.last_name},", "Madame, Monsieur,", "Bonjour,"])


def _reminder(w: _Writer, level: int) -> str:
    led, cid, rng = w.led, w.cid, w.rng
    mine = led.open[(led.open["customer_id"] == cid) & (led.open["days_late"] > 5)].sort_values("due_date")
    rows = list(mine.head(rng.randint(1, 4)).itertuples())
    if w.plant == "taux_penalite" and level == 1:
        level = 2
    lines = [_contact(led.company, cid, rng), ""]
    opening = ["Sauf erreur de notre part, les factures suivantes restent impayées :",
               "Nous constatons que les factures ci-dessous ne sont pas réglées à ce jour :",
               "Nos relevés font apparaître le retard de règlement suivant :"][w.style % 3]
    if level == 3:
        opening = "Par la présente, nous vous mettons en demeure de régler les sommes suivantes :"
    lines += [w.mark(f"Objet : relance {['amiable', 'ferme', 'mise en demeure'][level - 1]} – client "
                     f"{w.customer_name()}", "nom_client"), opening]
    if (w.style + level) % 4 == 2:
        lines.append("| Facture | Émise le | Échéance | Montant TTC | Retard |")
    lines += [w.invoice_line(r, level) for r in rows]
    extra = 0
    if w.plant == "facture_autre_client":
        other = led.open[(led.open["customer_id"] != cid) & (led.open["days_late"] > 5)]
        r = other.iloc[rng.randrange(len(other))]
        lines.append(w.mark(f"- Facture {r.invoice_id} : {w.eur(int(r.total_ttc_cents))} TTC, échéance le "
                            f"{w.date(r.due_date)}", "facture_autre_client"))
        extra = int(r.total_ttc_cents)
    if w.plant == "facture_inexistante":
        known = set(led.company.invoices["invoice_id"])
        year = led.company.as_of.year
        fake = next(f"FA-{year}-{k:05d}" for k in (rng.randint(50_000, 99_999) for _ in range(99))
                    if f"FA-{year}-{k:05d}" not in known)
        extra = rng.randint(10_000, 900_000)
        lines.append(w.mark(f"- Facture {fake} : {w.eur(extra)} TTC", "facture_inexistante"))
    total = sum(int(r.total_ttc_cents) for r in rows) + extra  # the total adds up what the letter lists
    if w.plant == "total_client":
        total = w.wrong_cents(total)
    if len(rows) > 1 or w.plant == "total_client":
        lines.append(w.mark(f"Total dû : {w.eur(total)}", "total_client"))
    if level >= 2:
        rate, which = _stated_rate(w.as_of)
        if w.plant == "taux_penalite":
            rate = rate + rng.choice((-1, 1, 2, 3))  # never -2: BCE + 8 points is the public buyers' rate
        lines.append(w.mark(f"Conformément à l'article L441-10 du Code de commerce, des pénalités de retard au taux "
                            f"de {_pct(rate, w.style)}{which} sont exigibles, ainsi que l'indemnité forfaitaire de "
                            f"40 € pour frais de recouvrement par facture.", "taux_penalite"))
    closing = {1: "Merci de procéder au règlement dans les meilleurs délais.",
               2: "Sans règlement sous quinze jours, nous serons contraints de suspendre vos livraisons.",
               3: "À défaut de paiement sous huit jours, nous engagerons une procédure de recouvrement judiciaire."}
    lines += ["", closing[level], "", "Cordialement,", _staff(led.company, rng),
              f"Service comptabilité clients – {led.company.name}"]
    return "\n".join(lines)


def _summary(w: _Writer) -> str:
    led, cid, rng = w.led, w.cid, w.rng
    c = led.customers.loc[cid]
    mine = led.owed[led.owed["customer_id"] == cid]
    overdue = int(mine.loc[mine["days_late"] > 0, "remaining_cents"].sum())
    lines = [w.mark(f"Synthèse client – {w.customer_name()} ({cid})", "nom_client"),
             f"Conditions de paiement : {c['payment_terms']} ; limite de crédit {w.eur(int(c['credit_limit_cents']))}."]
    if w.plant == "total_client":
        overdue = w.wrong_cents(overdue)
    lines.append(w.mark(f"Factures ouvertes : {len(mine)}, dont {w.eur(overdue)} échus au {w.date(w.as_of)}.",
                        "total_client"))
    paid = led.paid[led.paid["customer_id"] == cid].sort_values("paid_on").tail(3)
    if len(paid):
        lines.append("Derniers règlements :")
    for r in paid.itertuples():
        day = pd.Timestamp(r.paid_on).date()
        due = pd.Timestamp(r.due_date).date()
        line = f"- {r.invoice_id} : échéance {w.date(due)}, soldée le {{paid}} ({(day - due).days:+d} j)"
        if w.plant == "date_paiement" and w.planted_line is None:
            day = w.wrong_day(day, avoid={due, pd.Timestamp(r.invoice_date).date()})
            line = w.mark(line.format(paid=w.date(day)), "date_paiement")
        else:
            line = line.format(paid=w.date(day))
        lines.append(line)
    late = led.open[(led.open["customer_id"] == cid) & (led.open["days_late"] > 5)].sort_values("due_date")
    for r in late.head(2).itertuples():
        lines.append(w.invoice_line(r, 1))
    lines.append(rng.choice(["Comportement à surveiller.", "Client à suivre de près.", "Pas d'alerte particulière."]))
    return "\n".join(lines)


def _alert(w: _Writer) -> str:
    led, cid = w.led, w.cid
    c = led.customers.loc[cid]
    overdue = led.owed[(led.owed["customer_id"] == cid) & (led.owed["days_late"] > 0)]
    mine = led.open[(led.open["customer_id"] == cid) & (led.open["days_late"] > 0)]
    worst = mine.sort_values("days_late").iloc[-1]
    total = int(overdue["remaining_cents"].sum())
    if w.plant == "total_client":
        total = w.wrong_cents(total)
    lines = [w.mark(f"Alerte interne – client {w.customer_name()}", "nom_client"),
             w.mark(f"Le client présente un total échu de {w.eur(total)} pour une limite de crédit de "
                    f"{w.eur(int(c['credit_limit_cents']))}.", "total_client"),
             f"La plus ancienne facture échue est la {worst.invoice_id}, arrivée à échéance le "
             f"{w.date(worst.due_date)}.",
             w.invoice_line(worst, 2), "Proposition : bloquer les nouvelles commandes jusqu'au règlement."]
    return "\n".join(lines)


def _dispute_note(w: _Writer) -> str | None:
    d = w.led.company.disputes
    d = d[d["customer_id"] == w.cid]
    if d.empty:
        return None
    r = d.iloc[0]
    lines = [w.mark(f"Note litige {r.dispute_id} – client {w.customer_name()}", "nom_client"),
             f"Litige ouvert le {w.date(r.opened_on)} sur la facture {r.invoice_id}, montant contesté "
             f"{w.eur(int(r.amount_cents))}.", "Prochaine étape : réunir le bon de livraison signé et le contrat."]
    late = w.led.open[(w.led.open["customer_id"] == w.cid) & (w.led.open["days_late"] > 5)]
    lines += [w.invoice_line(x, 2) for x in late.head(1).itertuples()]
    return "\n".join(lines)


def _company_comment(led: _Ledger, rng: random.Random, style: int) -> str:
    """Aged-balance comment on the whole company (correct answers only)."""
    o = led.owed
    total = int(o["remaining_cents"].sum())
    over90 = int(o.loc[o["days_late"] > 90, "remaining_cents"].sum())
    top = o[o["days_late"] > 0].groupby("customer_id")["remaining_cents"].sum().sort_values().tail(3)
    lines = [f"Balance âgée au {_date(led.company.as_of, style)} : les factures ouvertes totalisent "
             f"{_eur(total, style)}, dont {_eur(over90, style)} échus depuis plus de 90 jours."]
    for cid, cents in top.items():
        lines.append(f"- {cid} {led.customers.loc[cid, 'name']} : {_eur(int(cents), style)} en retard")
    return "\n".join(lines)


def _weekly(led: _Ledger, rng: random.Random, style: int) -> str:
    o = led.owed[led.owed["days_late"] > 0]
    g = o.groupby("customer_id").agg(due=("remaining_cents", "sum"), worst=("days_late", "max"))
    lines = [f"Synthèse hebdomadaire – semaine du {_date(led.company.as_of, style)}",
             "Clients à relancer en priorité :"]
    for cid, r in g.sort_values("due").tail(rng.randint(3, 6)).iterrows():
        lines.append(f"- {cid} {led.customers.loc[cid, 'name']} : {_eur(int(r['due']), style)} échus, "
                     f"plus ancienne facture en retard de {int(r['worst'])} jours")
    return "\n".join(lines)


_CUSTOMER_FORMS = {"relance_1": lambda w: _reminder(w, 1), "relance_2": lambda w: _reminder(w, 2),
                   "relance_3": lambda w: _reminder(w, 3), "synthese_client": _summary, "alerte_interne": _alert,
                   "note_litige": _dispute_note}
#: The forms where each error kind can be planted.
_PLANTABLE = {
    "montant": ("relance_1", "relance_2", "relance_3", "synthese_client"),
    "facture_autre_client": ("relance_1", "relance_2", "relance_3"),
    "echeance": ("relance_1", "relance_2", "relance_3", "alerte_interne"),
    "date_paiement": ("synthese_client",),
    "numero_facture": ("relance_1", "relance_2", "relance_3"),
    "jours_retard": ("relance_1", "relance_2", "relance_3", "alerte_interne"),
    "total_client": ("relance_1", "relance_2", "synthese_client", "alerte_interne"),
    "taux_penalite": ("relance_2", "relance_3"),
    "montant_penalite": ("relance_3",),
    "nom_client": ("relance_1", "relance_2", "relance_3", "synthese_client", "alerte_interne", "note_litige"),
    "facture_inexistante": ("relance_1", "relance_2", "relance_3"),
}


def correct_answers(company, n: int = 40, seed: int = 0) -> list[CorpusAnswer]:
    """About ``n`` correct answers of every form for ``company``."""
    rng = random.Random(f"corpus-ok-{company.seed}-{seed}")
    led = _ledger(company)
    out = [CorpusAnswer("commentaire_balance", _company_comment(led, rng, s), None) for s in range(2)]
    out += [CorpusAnswer("synthese_hebdo", _weekly(led, rng, s), None) for s in range(2)]
    customers = _pick(led, rng, n)
    forms = list(_CUSTOMER_FORMS)
    for k in range(4 * n):
        if len(out) >= n:
            break
        cid, form = customers[k % len(customers)], forms[k % len(forms)]
        text = _CUSTOMER_FORMS[form](_Writer(led, cid, rng, None))
        if text is not None:
            out.append(CorpusAnswer(form, text, cid))
    return out


def planted_answers(company, per_kind: int = 3, seed: int = 0) -> list[CorpusAnswer]:
    """``per_kind`` answers for each kind of :data:`ERROR_KINDS`, each with exactly one planted error."""
    rng = random.Random(f"corpus-err-{company.seed}-{seed}")
    led = _ledger(company)
    with_paid = set(led.paid["customer_id"])
    with_dispute = set(company.disputes["customer_id"])
    customers = _pick(led, rng, 60)
    out = []
    for kind in ERROR_KINDS:
        made = 0
        for attempt in range(per_kind * 10):
            if made == per_kind:
                break
            form = _PLANTABLE[kind][attempt % len(_PLANTABLE[kind])]
            cid = customers[(attempt * 7 + made + len(out)) % len(customers)]
            if (form == "synthese_client" and cid not in with_paid) or (form == "note_litige" and cid not in with_dispute):
                continue
            w = _Writer(led, cid, rng, kind)
            text = _CUSTOMER_FORMS[form](w)
            if text is not None and w.planted_line is not None:
                out.append(CorpusAnswer(form, text, cid, kind, w.planted_line))
                made += 1
    return out


# --- measuring the checker on a corpus -----------------------------------------------------------

@dataclass
class CorpusScore:
    """What a checker did on a corpus: false alarms on correct answers, planted errors caught."""

    correct: int = 0
    false_alarms: int = 0
    planted: dict = field(default_factory=lambda: {k: [0, 0] for k in ERROR_KINDS})  # kind -> [answers, caught]
    misses: list = field(default_factory=list)  # (answer, report): errors not caught, false alarms

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.correct if self.correct else 0.0

    @property
    def caught_rate(self) -> float:
        n = sum(a for a, _ in self.planted.values())
        return sum(c for _, c in self.planted.values()) / n if n else 0.0

    def kind_rate(self, kind: str) -> float:
        n, c = self.planted[kind]
        return c / n if n else 0.0


def score_corpus(checker, answers, score: CorpusScore | None = None) -> CorpusScore:
    """Run ``checker`` on ``answers``: a correct answer with any « écart » is a false alarm; a
    planted error is caught when a fact of its line gets « écart » and no other fact does."""
    score = score or CorpusScore()
    for a in answers:
        report = checker.check(a.text, customer_id=a.customer_id)
        gaps = [v for v in report.verdicts if v.verdict == "écart"]
        if a.planted is None:
            score.correct += 1
            if gaps:
                score.false_alarms += 1
                score.misses.append((a, report))
            continue
        start = a.text.index(a.planted_line)
        end = start + len(a.planted_line)
        inside = [v for v in gaps if start <= v.fact.start < end]
        score.planted[a.planted][0] += 1
        if inside and len(inside) == len(gaps):
            score.planted[a.planted][1] += 1
        else:
            score.misses.append((a, report))
    return score


@dataclass
class ReferenceScore:
    """The checker on the course's own texts (offline references and reminder letters): verdicts by
    kind, texts with an écart."""

    references: int = 0
    letters: int = 0
    with_gap: int = 0
    counts: dict = field(default_factory=lambda: {"confirmé": 0, "écart": 0, "non vérifiable": 0})
    gaps: list = field(default_factory=list)  # (prompt id or letter, verdict)

    @property
    def unverifiable_rate(self) -> float:
        n = sum(self.counts.values())
        return self.counts["non vérifiable"] / n if n else 0.0

    def add(self, name: str, report) -> None:
        for v in report.verdicts:
            self.counts[v.verdict] += 1
        self.gaps += [(name, v) for v in report.problems]
        self.with_gap += bool(report.problems)


def score_references(checker, company, score: ReferenceScore | None = None) -> ReferenceScore:
    """Check every library prompt's reference text, with the prompt's customer scope, and every
    reminder the dunning plan sends (each chased customer at its level, by e-mail and by letter;
    an SMS gives a total without the invoices behind it, nothing the checker can recompute)."""
    from ..casework.dunning import dunning_plan, reminder_text
    from .library import fill, load_library

    score = score or ReferenceScore()
    for prompt_id in sorted(load_library()):
        filled = fill(prompt_id, company)
        score.references += 1
        score.add(prompt_id, checker.check(filled.reference, customer_id=filled.context.get("customer_id")))
    plan = dunning_plan(company)
    chased = plan.loc[plan["action"] == "relancer", ["customer_id", "level"]].drop_duplicates()
    for cid, level in chased.itertuples(index=False):
        for channel in ("email", "courrier"):
            text = reminder_text(company, cid, int(level), channel, plan=plan)
            score.letters += 1
            score.add(f"relance niveau {level} ({channel}) {cid}", checker.check(text, customer_id=cid))
    return score
