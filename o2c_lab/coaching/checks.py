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
    "02_client_bodacc": "Identifiant du client en redressement judiciaire",
    "02_delai_declaration": "Date limite pour déclarer la créance de ce client (JJ/MM/AAAA)",
    "04_client_deja_paye": "Identifiant du client qu'il ne faut pas relancer parce qu'il a déjà payé",
    "04_niveau_plus_ancien": "Niveau de relance (1, 2 ou 3) de la facture échue la plus ancienne du client chronique",
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

    def _customer_answer(self, answer, expected: str, wrong_hint: str) -> Feedback:
        given = str(answer).strip().upper()
        if given == expected:
            return Feedback(True, "Exact.")
        if given not in set(self.company.customers["customer_id"]):
            return Feedback(False, "Ce n'est pas un identifiant de client (forme C0001).")
        return Feedback(False, wrong_hint)

    def _q02_client_bodacc(self, answer) -> Feedback:
        return self._customer_answer(answer, self.company.scenario["roles"]["insolvent_customer"],
                                     "Regardez la source des signaux externes : c'est l'annonce du BODACC qui "
                                     "publie le jugement d'ouverture.")

    def _q02_delai_declaration(self, answer) -> Feedback:
        import datetime as dt

        from ..law import claim_declaration_deadline

        signals = self.company.external_signals
        published = signals.loc[signals["source"] == "BODACC", "published_on"].iloc[0].date()
        expected = claim_declaration_deadline(published)
        try:
            given = dt.datetime.strptime(str(answer).strip(), "%d/%m/%Y").date()
        except ValueError:
            return Feedback(False, "Donnez une date au format JJ/MM/AAAA.")
        if given == expected:
            return Feedback(True, "Exact : deux mois après la publication au BODACC.")
        return Feedback(False, "Le délai court à partir de la publication au BODACC (pas du jugement) et "
                               "dure deux mois.")

    def _q04_client_deja_paye(self, answer) -> Feedback:
        return self._customer_answer(answer, self.company.scenario["roles"]["already_paid_customer"],
                                     "Relisez les e-mails : un client affirme avoir payé ; cherchez son virement "
                                     "sur le relevé bancaire.")

    def _q04_niveau_plus_ancien(self, answer) -> Feedback:
        from ..casework import dunning_plan

        plan = dunning_plan(self.company)
        mine = plan[plan["customer_id"] == self.company.scenario["roles"]["chronic_late_payer"]]
        expected = int(mine.sort_values("due_date")["level"].iloc[0])
        value = self._number(answer)
        if value is None or value not in (1, 2, 3):
            return Feedback(False, "Répondez 1, 2 ou 3.")
        if int(value) == expected:
            return Feedback(True, "Exact.")
        return Feedback(False, "Comptez les jours de retard de cette facture à la date d'arrêté, puis "
                               "appliquez les seuils du plan de relance affichés au-dessus.")
