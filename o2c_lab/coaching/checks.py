"""Immediate French feedback for the self-paced exercises, computed from the company in use.

Expected values come from the company's truth or from the library's analytics for the seed the
trainee works on, so the checks stay right on a new company. A wrong answer gets a hint that
points to the method, never the expected value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from ..errors import InvalidParameterError
from ..money import format_date, format_eur, format_number, format_pct, to_cents
from .scores import Analysis

__all__ = ["QUESTIONS", "Expected", "Feedback", "Verifier"]

#: Question id → what is asked (French), for listings and error messages.
QUESTIONS = {
    "01_facture_erronee": "Numéro de la facture dont le montant est faux dans la relance préparée avec une IA",
    "01_montant_exact": "Montant TTC exact de cette facture, en euros",
    "03_part_plus_90": "Part de l'encours échue depuis plus de 90 jours, en % (une décimale)",
    "03_plus_gros_retard": "Identifiant du client qui a le plus gros montant échu",
    "05_responsable_litige_A": "Qui est responsable du litige A : « entreprise » ou « client » ?",
    "05_avoir_litige_A": "Montant TTC de l'avoir dû au client du litige A, en euros",
    "06_dso": "DSO (méthode simple) en jours, arrondi à l'unité",
    "02_client_bodacc": "Identifiant du client en redressement judiciaire",
    "02_delai_declaration": "Date limite pour déclarer la créance de ce client (JJ/MM/AAAA)",
    "04_client_deja_paye": "Identifiant du client qu'il ne faut pas relancer parce qu'il a déjà payé",
    "04_niveau_plus_ancien": "Niveau de relance (1, 2 ou 3) de la facture échue la plus ancienne du client chronique",
}


@dataclass(frozen=True)
class Expected:
    """The expected answer to one question for one company.

    ``value`` is what the check compares with (a percentage as a number of %, an amount in
    integer cents, a date, a customer id, a level…); ``display`` is the answer written the French
    way for an answer key; ``tolerance`` says, in French, how close an answer must be ("" when exact).
    """

    value: object
    display: str
    tolerance: str = ""


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``ok`` and a French message (a hint when wrong)."""

    ok: bool | None
    message: str

    def __str__(self) -> str:
        mark = {True: "✔", False: "✘", None: "…"}[self.ok]
        return f"{mark} {self.message}"

    def _repr_html_(self) -> str:
        colour = {True: "#2f9e44", False: "#c0392b", None: "#52606d"}[self.ok]
        return f"<div style='color:{colour};font-weight:500'>{escape(str(self))}</div>"


class Verifier:
    """``verifier(question_id, answer)`` → :class:`Feedback` for the company given at creation;
    ``verifier.expected(question_id)`` → the :class:`Expected` answer (for answer keys)."""

    def __init__(self, company):
        self.company = company
        self.analysis = Analysis(company)
        self._expected: dict[str, Expected] = {}

    @staticmethod
    def _known(question: str) -> None:
        if question not in QUESTIONS:
            raise InvalidParameterError(f"Question inconnue : « {question} ».", valid=", ".join(QUESTIONS))

    def __call__(self, question: str, answer) -> Feedback:
        self._known(question)
        if answer is ... or answer is None or (isinstance(answer, str) and not answer.strip()):
            return Feedback(None, "Pas encore de réponse : remplacez « ... » par votre réponse, puis exécutez "
                                  "la cellule.")
        return getattr(self, "_q" + question)(answer)

    def expected(self, question: str) -> Expected:
        """The expected answer to ``question`` for this company (what the check compares with)."""
        self._known(question)
        if question not in self._expected:
            self._expected[question] = getattr(self, "_x" + question)()
        return self._expected[question]

    # ------------------------------------------------------------------ expected answers
    def _customer(self, customer_id: str, detail: str = "") -> Expected:
        name = self.company.customer(customer_id)["name"]
        return Expected(customer_id, f"{customer_id} ({name}{', ' + detail if detail else ''})")

    def _x03_part_plus_90(self) -> Expected:
        share = float(self.analysis.aged.shares()["> 90 j"])
        return Expected(100 * share, format_pct(share), "à 0,5 point près")

    def _x03_plus_gros_retard(self) -> Expected:
        items = self.analysis.aged.items
        overdue = items[(items["days_past_due"] > 0) & ~items["unapplied"]]
        totals = overdue.groupby("customer_id")["residual_cents"].sum()
        return self._customer(totals.idxmax(), f"{format_eur(int(totals.max()))} échus")

    def _dispute_a(self):
        return self.company.truth["dispute_truth"].set_index("dispute_id").loc["LIT-A"]

    def _x05_responsable_litige_A(self) -> Expected:
        value = "entreprise" if "Client : aucune faute" in self._dispute_a()["responsibility"] else "client"
        return Expected(value, value)

    def _x05_avoir_litige_A(self) -> Expected:
        cents = int(self._dispute_a()["credit_note_due_cents"])
        return Expected(cents, format_eur(cents), "à 1 centime près")

    def _x06_dso(self) -> Expected:
        value = self.analysis.kpis["dso_simple"].value
        return Expected(value, f"{format_number(value, 0)} jours", "à 1 jour près")

    def _drill(self):
        from .drills import wrong_amount_drill

        return wrong_amount_drill(self.company)

    def _x01_facture_erronee(self) -> Expected:
        drill = self._drill()
        return Expected(drill.invoice_id, f"{drill.invoice_id} (la relance affiche {format_eur(drill.shown_cents)} "
                                          f"au lieu de {format_eur(drill.true_cents)})")

    def _x01_montant_exact(self) -> Expected:
        cents = self._drill().true_cents
        return Expected(cents, format_eur(cents), "à 1 centime près")

    def _x02_client_bodacc(self) -> Expected:
        return self._customer(self.company.scenario["roles"]["insolvent_customer"])

    def _x02_delai_declaration(self) -> Expected:
        from ..law import claim_declaration_deadline

        signals = self.company.external_signals
        published = signals.loc[signals["source"] == "BODACC", "published_on"].iloc[0].date()
        deadline = claim_declaration_deadline(published)
        return Expected(deadline, format_date(deadline))

    def _x04_client_deja_paye(self) -> Expected:
        return self._customer(self.company.scenario["roles"]["already_paid_customer"])

    def _x04_niveau_plus_ancien(self) -> Expected:
        from ..casework import LEVELS, dunning_plan

        plan = dunning_plan(self.company)
        mine = plan[(plan["customer_id"] == self.company.scenario["roles"]["chronic_late_payer"])
                    & (plan["days_late"] > 0)]
        if mine.empty:  # the question has no answer on this company
            return Expected(None, "aucune facture échue pour ce client à la date d'arrêté")
        level = int(mine.sort_values("due_date")["level"].iloc[0])
        return Expected(level, f"{level} ({LEVELS[level][1]})")

    # ------------------------------------------------------------------ questions
    @staticmethod
    def _number(answer) -> float | None:
        try:
            return float(str(answer).replace("%", "").replace("\u202f", "").replace(" ", "").replace(",", "."))
        except ValueError:
            return None

    def _q03_part_plus_90(self, answer) -> Feedback:
        value = self._number(answer)
        if value is None:
            return Feedback(False, "Donnez un nombre, par exemple 12,5 (en pourcentage).")
        expected = self.expected("03_part_plus_90").value
        if abs(value - expected) <= 0.5:
            return Feedback(True, "Exact.")
        if abs(value - expected / 100) <= 0.005:
            return Feedback(False, "La réponse est attendue en pourcentage (12,5 et non 0,125).")
        return Feedback(False, "Pas tout à fait. Divisez le montant de la colonne « > 90 j » par l'encours total, "
                               "non échu compris (la dernière ligne de la balance âgée).")

    def _q03_plus_gros_retard(self, answer) -> Feedback:
        given = str(answer).strip().upper()
        if given == self.expected("03_plus_gros_retard").value:
            return Feedback(True, "Exact.")
        if given not in set(self.company.customers["customer_id"]):
            return Feedback(False, "Ce n'est pas un identifiant de client (forme C0001).")
        items = self.analysis.aged.items
        if given in set(items.loc[(items["days_past_due"] > 0) & ~items["unapplied"], "customer_id"]):
            return Feedback(False, "Ce client a bien des factures échues, mais un autre en a davantage : additionnez "
                                   "toutes les colonnes de retard (1-30 j à > 90 j), sans le non échu.")
        return Feedback(False, "Ce client n'a aucune facture échue : regardez les colonnes de retard, pas le total.")

    def _q05_responsable_litige_A(self, answer) -> Feedback:
        expected = self.expected("05_responsable_litige_A").value
        given = str(answer).strip().lower()
        if given not in ("entreprise", "client"):
            return Feedback(False, "Répondez « entreprise » ou « client ».")
        if given == expected:
            return Feedback(True, "Exact.")
        return Feedback(False, "Relisez le bon de livraison signé et comparez-le à la facture : qui a commis "
                               "l'écart entre ce qui a été livré et ce qui a été facturé ?")

    def _q05_avoir_litige_A(self, answer) -> Feedback:
        try:
            cents = to_cents(answer)
        except InvalidParameterError:
            return Feedback(False, "Donnez un montant, par exemple 1 234,56.")
        if abs(cents - self.expected("05_avoir_litige_A").value) <= 1:
            return Feedback(True, "Exact.")
        if cents == int(self._dispute_a()["amount_at_stake_cents"]):
            return Feedback(False, "C'est le montant de toute la facture : seules les unités non livrées donnent "
                                   "lieu à un avoir.")
        return Feedback(False, "Pas tout à fait. Multipliez les unités facturées mais non livrées par le prix "
                               "unitaire, puis ajoutez la TVA au taux de la ligne.")

    def _q06_dso(self, answer) -> Feedback:
        value = self._number(answer)
        if value is None:
            return Feedback(False, "Donnez un nombre de jours, par exemple 65.")
        if abs(value - self.expected("06_dso").value) <= 1:
            return Feedback(True, "Exact.")
        return Feedback(False, "Pas tout à fait. DSO = encours clients TTC ÷ ventes TTC des trois derniers mois "
                               "× nombre de jours de ces trois mois.")

    def _customer_answer(self, answer, question: str, wrong_hint: str) -> Feedback:
        given = str(answer).strip().upper()
        if given == self.expected(question).value:
            return Feedback(True, "Exact.")
        if given not in set(self.company.customers["customer_id"]):
            return Feedback(False, "Ce n'est pas un identifiant de client (forme C0001).")
        return Feedback(False, wrong_hint)

    def _q01_facture_erronee(self, answer) -> Feedback:
        given = str(answer).strip().upper()
        if given == self.expected("01_facture_erronee").value:
            return Feedback(True, "Exact : c'est le montant de cette facture qui est faux dans la lettre.")
        if given not in set(self.company.invoices["invoice_id"]):
            return Feedback(False, "Donnez un numéro de facture, par exemple FA-2026-00042.")
        return Feedback(False, "Le montant de cette facture est juste : comparez chaque montant de la lettre au "
                               "TTC du tableau, ligne par ligne.")

    def _q01_montant_exact(self, answer) -> Feedback:
        try:
            cents = to_cents(answer)
        except InvalidParameterError:
            return Feedback(False, "Donnez un montant, par exemple 1 234,56.")
        if abs(cents - self.expected("01_montant_exact").value) <= 1:
            return Feedback(True, "Exact.")
        if cents == self._drill().shown_cents:
            return Feedback(False, "C'est le montant écrit dans la relance, celui qui est faux : prenez le TTC du "
                                   "grand livre.")
        return Feedback(False, "Reprenez le montant TTC de cette facture dans le tableau des factures.")

    def _q02_client_bodacc(self, answer) -> Feedback:
        return self._customer_answer(answer, "02_client_bodacc",
                                     "Regardez la source des signaux externes : c'est l'annonce du BODACC qui "
                                     "publie le jugement d'ouverture.")

    def _q02_delai_declaration(self, answer) -> Feedback:
        try:
            given = dt.datetime.strptime(str(answer).strip(), "%d/%m/%Y").date()
        except ValueError:
            return Feedback(False, "Donnez une date au format JJ/MM/AAAA.")
        if given == self.expected("02_delai_declaration").value:
            return Feedback(True, "Exact : deux mois après la publication au BODACC.")
        return Feedback(False, "Le délai court à partir de la publication au BODACC (pas du jugement) et "
                               "dure deux mois.")

    def _q04_client_deja_paye(self, answer) -> Feedback:
        return self._customer_answer(answer, "04_client_deja_paye",
                                     "Relisez les e-mails : un client affirme avoir payé ; cherchez son virement "
                                     "sur le relevé bancaire.")

    def _q04_niveau_plus_ancien(self, answer) -> Feedback:
        value = self._number(answer)
        if value is None or value not in (1, 2, 3):
            return Feedback(False, "Répondez 1, 2 ou 3.")
        if int(value) == self.expected("04_niveau_plus_ancien").value:
            return Feedback(True, "Exact.")
        return Feedback(False, "Comptez les jours de retard de cette facture à la date d'arrêté, puis "
                               "appliquez les seuils du plan de relance affichés au-dessus.")
