"""Immediate French feedback for the self-paced exercises, computed from the company in use.

Expected values come from the company's truth or from the library's analytics for the seed the
trainee works on, so the checks stay right on a new company. A wrong answer gets a hint that
points to the method, never the expected value.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from ..errors import InvalidParameterError
from ..money import to_cents
from .scores import Analysis

__all__ = ["QUESTIONS", "Feedback", "Verifier"]

#: Question id → what is asked (French), for listings and error messages.
QUESTIONS = {
    "03_part_plus_90": "Part de l'encours échue depuis plus de 90 jours, en % (une décimale)",
    "03_plus_gros_retard": "Identifiant du client qui a le plus gros montant échu",
    "05_responsable_litige_A": "Qui est responsable du litige A : « entreprise » ou « client » ?",
    "05_avoir_litige_A": "Montant TTC de l'avoir dû au client du litige A, en euros",
    "06_dso": "DSO (méthode simple) en jours, arrondi à l'unité",
}


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
    """``verifier(question_id, answer)`` → :class:`Feedback` for the company given at creation."""

    def __init__(self, company):
        self.company = company
        self.analysis = Analysis(company)

    def __call__(self, question: str, answer) -> Feedback:
        if question not in QUESTIONS:
            raise InvalidParameterError(f"Question inconnue : « {question} ».", valid=", ".join(QUESTIONS))
        if answer is ... or answer is None or (isinstance(answer, str) and not answer.strip()):
            return Feedback(None, "Pas encore de réponse : remplacez « ... » par votre réponse, puis exécutez "
                                  "la cellule.")
        return getattr(self, "_q" + question)(answer)

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
        expected = 100 * float(self.analysis.aged.shares()["> 90 j"])
        if abs(value - expected) <= 0.5:
            return Feedback(True, "Exact.")
        if abs(value - expected / 100) <= 0.005:
            return Feedback(False, "La réponse est attendue en pourcentage (12,5 et non 0,125).")
        return Feedback(False, "Pas tout à fait. Divisez le montant de la colonne « > 90 j » par l'encours total, "
                               "non échu compris (la dernière ligne de la balance âgée).")

    def _q03_plus_gros_retard(self, answer) -> Feedback:
        items = self.analysis.aged.items
        overdue = items[(items["days_past_due"] > 0) & ~items["unapplied"]]
        totals = overdue.groupby("customer_id")["residual_cents"].sum()
        given = str(answer).strip().upper()
        if given == totals.idxmax():
            return Feedback(True, "Exact.")
        if given not in set(self.company.customers["customer_id"]):
            return Feedback(False, "Ce n'est pas un identifiant de client (forme C0001).")
        if given in totals.index:
            return Feedback(False, "Ce client a bien des factures échues, mais un autre en a davantage : additionnez "
                                   "toutes les colonnes de retard (1-30 j à > 90 j), sans le non échu.")
        return Feedback(False, "Ce client n'a aucune facture échue : regardez les colonnes de retard, pas le total.")

    def _dispute_a(self):
        return self.company.truth["dispute_truth"].set_index("dispute_id").loc["LIT-A"]

    def _q05_responsable_litige_A(self, answer) -> Feedback:
        truth = self._dispute_a()["responsibility"]
        expected = "entreprise" if "Client : aucune faute" in truth else "client"
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
        truth = self._dispute_a()
        expected = int(truth["credit_note_due_cents"])
        if abs(cents - expected) <= 1:
            return Feedback(True, "Exact.")
        if cents == int(truth["amount_at_stake_cents"]):
            return Feedback(False, "C'est le montant de toute la facture : seules les unités non livrées donnent "
                                   "lieu à un avoir.")
        return Feedback(False, "Pas tout à fait. Multipliez les unités facturées mais non livrées par le prix "
                               "unitaire, puis ajoutez la TVA au taux de la ligne.")

    def _q06_dso(self, answer) -> Feedback:
        value = self._number(answer)
        if value is None:
            return Feedback(False, "Donnez un nombre de jours, par exemple 65.")
        expected = self.analysis.kpis["dso_simple"].value
        if abs(value - expected) <= 1:
            return Feedback(True, "Exact.")
        return Feedback(False, "Pas tout à fait. DSO = encours clients TTC ÷ ventes TTC des trois derniers mois "
                               "× nombre de jours de ces trois mois.")
