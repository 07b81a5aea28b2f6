"""What every casework scorer shares: the facts of an answer checked against the ledger, and the
score dictionary with its French feedback."""

from __future__ import annotations

__all__ = ["unverified_facts", "add_facts_criterion", "scored"]


def unverified_facts(company, text: str, customer_id=None, *, allowed_amounts=None, allowed_documents=(),
                     checker=None) -> list:
    """The fact-checker's problems that count against an answer: a document (invoice, credit note)
    unknown or wrong unless in ``allowed_documents``, and an amount outside ``allowed_amounts``
    (``None``: amounts are judged by the scorer's own criteria, not here)."""
    from ..ai import check_answer

    report = check_answer(text, checker or company, customer_id=customer_id)
    return [v for v in report.problems
            if (v.fact.kind == "pièce" and v.fact.value not in allowed_documents)
            or (allowed_amounts is not None and v.fact.kind == "montant" and v.fact.value not in allowed_amounts)]


def add_facts_criterion(criteria: dict, feedback: list, problems: list, name: str = "faits_exacts") -> None:
    criteria[name] = not problems
    feedback += [f"Fait non vérifié : « {v.fact.text} » ({v.verdict})." for v in problems]


def scored(criteria: dict, feedback: list, success: str) -> dict:
    """``{"score", "criteria", "feedback"}``: the share of criteria met, and ``success`` when all are."""
    return {"score": sum(criteria.values()) / len(criteria), "criteria": criteria,
            "feedback": feedback or [success]}
