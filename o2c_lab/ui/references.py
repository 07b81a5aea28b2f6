"""The comparisons a notebook reveals after the participant tried (see :class:`~o2c_lab.ui.Reveal`):
each is ``render(course) -> html``, computed from the library on the course company."""

from __future__ import annotations

from html import escape

import pandas as pd

from ..money import format_eur
from ..coaching import TOP_N
from .tables import french_table, table_html

__all__ = ["dispute_reference_html", "dunning_comparison_html", "insolvency_actions_html", "priority_list_html"]


def priority_list_html(course) -> str:
    """The first actions of the prioritised work list (notebook 03), with their reasons."""
    wl = course.analysis.worklist.head(TOP_N)
    counts = ", ".join(f"{c} {n}" for c, n in wl["category"].value_counts().items())
    table = french_table(wl.assign(client=[course.name(c) for c in wl["customer_id"]])[
        ["rank", "client", "category", "action", "team", "amount_cents", "why"]],
        rename={"rank": "rang", "category": "catégorie", "team": "équipe", "amount_cents": "montant",
                "why": "pourquoi"})
    return f"<p>Catégories des {TOP_N} premières actions : {escape(counts)}.</p>" + table_html(table)


def insolvency_actions_html(course) -> str:
    """Exposure to the customer in insolvency proceedings and the actions the work list gives (notebook 02)."""
    insolvent = course.company.role("insolvent_customer")
    balance = course.analysis.aged.by_customer.loc[insolvent]
    actions = course.analysis.worklist[course.analysis.worklist["customer_id"] == insolvent]
    table = french_table(actions[["rank", "category", "action", "team"]],
                         rename={"rank": "rang", "category": "catégorie", "team": "équipe"})
    return (f"<p>{escape(course.name(insolvent))} : encours total {format_eur(int(balance['Total']))}.</p>"
            + table_html(table))


def dunning_comparison_html(course) -> str:
    """The reminder plan over every open invoice, and why some reminders must not go (notebook 04)."""
    from ..casework import dunning_plan

    plan = dunning_plan(course.company)
    counts = ", ".join(f"{action} {n}" for action, n in plan["action"].value_counts().items())
    stopped = plan[plan["action"] == "ne pas relancer"]
    reasons = stopped["reason"].str.split(" : ").str[0].value_counts()
    table = pd.DataFrame({"raison de ne pas relancer": reasons.index, "factures": reasons.to_numpy()})
    return f"<p>Factures ouvertes : {escape(counts)}.</p>" + table_html(table)


def dispute_reference_html(course, dispute_id: str) -> str:
    """The framework of a dispute established from the documents alone, without AI (notebook 05)."""
    from ..casework import dispute_framework

    frame = dispute_framework(course.company, dispute_id)
    facts = "".join(f"<li>{escape(f)}</li>" for f in frame["facts"])
    return (f"<p><b>Référence générée sans IA — cadre du litige {escape(frame['dispute_id'])}</b></p>"
            f"<p>Faits :</p><ul>{facts}</ul>"
            f"<p>Notre responsabilité : {escape(' ; '.join(frame['our_responsibility']))}<br>"
            f"Celle du client : {escape(' ; '.join(frame['their_responsibility']))}<br>"
            f"Montant en jeu : {format_eur(int(frame['amount_at_stake_cents']))}<br>"
            f"Recommandation : {escape(frame['recommendation'])}</p>")
