"""Casework of the course's generative-AI half: data-driven references (no AI) and their scorers.

- :mod:`.audit`: invoice audit, « facture sans litige » checklist, sample-check baseline, scorer;
- :mod:`.facturx`: Factur-X (CII, EN 16931) generation and audit of a Factur-X invoice;
- :mod:`.emails`: e-mail ⇒ décision extractor, its scorer, call scripts;
- :mod:`.dunning`: multi-level reminder plan, letters for every level and channel, quality control;
- :mod:`.contracts`: contract synthesis and unlawful clauses;
- :mod:`.disputes`: dispute framework, customer reply, internal note, prevention;
- :mod:`.alerts`: customer file, BODACC alert, internal alert, weekly synthesis, plain summary.

:data:`PROMPTS` names, for each area, the prompts of the library a model answer comes from; the
area's scorer rates that answer.
"""

from .alerts import (at_risk_customers, bodacc_alert, bodacc_alert_text, customer_exposure, customer_file_text,
                     internal_alert_text, plain_summary_text, score_alert_answer, score_reporting_answer,
                     weekly_synthesis_text)
from .audit import (FINDING_COLUMNS, RULES, Rule, audit_answer_text, audit_invoices, audit_recall, checklist,
                    checklist_markdown, invoice_checklist, sample_check, score_audit_answer)
from .contracts import contract_syntheses, read_contract, score_contract_answer, score_syntheses, synthesis_text
from .disputes import (LIFECYCLE_STATES, customer_reply, dispute_framework, internal_note, prevention_actions,
                       prevention_text, score_dispute_answer, score_frameworks)
from .dunning import (CHANNELS, LEVELS, dunning_plan, leftover_problems, quality_check, reminder_batch,
                      reminder_text, score_reminder)
from .emails import call_script, extract_thread, extract_threads, score_extraction, score_thread_answer
from .facturx import audit_facturx, facturx_xml, parse_facturx

#: Area -> prompt ids of the prompt library whose answers the area's scorer rates.
PROMPTS = {
    "audit": ["conformite_facture", "checklist_facture_sans_litige", "anomalies_commande",
              "verification_conditions_paiement"],
    "relances": ["scenario_relance_multiniveaux", "relance_niveau1_courtoise", "relance_niveau2_ferme",
                 "relance_niveau3_mise_en_demeure", "relance_grand_compte", "relance_tpe",
                 "relance_secteur_public", "relance_client_ue", "controle_qualite_relance"],
    "emails": ["email_vers_decision", "analyse_fil_emails", "script_appel_email", "script_appel_retard",
               "reponse_deja_paye", "reponse_demande_echeancier", "reponse_facture_non_recue"],
    "contrats": ["synthese_contrat", "clauses_contrat_risques"],
    "litiges": ["analyse_litige", "reponse_client_litige", "note_synthese_litige", "prevention_litiges"],
    "alertes": ["alerte_externe_exposition", "declaration_creance", "alerte_interne_client_risque",
                "synthese_hebdomadaire", "resume_non_financier", "analyse_risque_client"],
}

__all__ = [
    "PROMPTS",
    "at_risk_customers", "bodacc_alert", "bodacc_alert_text", "customer_exposure", "customer_file_text",
    "internal_alert_text", "plain_summary_text", "score_alert_answer", "score_reporting_answer",
    "weekly_synthesis_text",
    "FINDING_COLUMNS", "RULES", "Rule", "audit_answer_text", "audit_invoices", "audit_recall", "checklist",
    "checklist_markdown", "invoice_checklist", "sample_check", "score_audit_answer",
    "contract_syntheses", "read_contract", "score_contract_answer", "score_syntheses", "synthesis_text",
    "LIFECYCLE_STATES", "customer_reply", "dispute_framework", "internal_note", "prevention_actions",
    "prevention_text", "score_dispute_answer", "score_frameworks",
    "CHANNELS", "LEVELS", "dunning_plan", "leftover_problems", "quality_check", "reminder_batch", "reminder_text",
    "score_reminder",
    "call_script", "extract_thread", "extract_threads", "score_extraction", "score_thread_answer",
    "audit_facturx", "facturx_xml", "parse_facturx",
]
