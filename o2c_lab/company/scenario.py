"""The fil-rouge story's fixed vocabulary: roles, anomaly types, payment noises, thread categories.

The generator draws names, dates and amounts from the seed; these roles are the same for every
seed, so every cohort lives the same story with different figures (see the project's SCENARIO).
"""

from __future__ import annotations

__all__ = ["ROLES", "ISSUER_SIZE", "COUNTRIES", "TERMS_BY_SEGMENT", "ESCOMPTE_DAYS", "ANOMALY_TYPES", "PAYMENT_NOISES", "THREAD_CATEGORIES", "SEGMENTS",
           "TENSION_THRESHOLDS"]

#: Roles every company contains, one customer each (role -> French description).
ROLES = {
    "reliable_key_account": "grand compte fiable : paie à l'échéance ; une grosse facture bloquée faute de n° de commande",
    "chronic_late_payer": "payeur chronique : paie à 45 jours pour 30 jours de délai, jamais plus",
    "drifting_customer": "client en dérive : retards croissants depuis 4 à 5 mois, baisse de score, rumeur de presse",
    "insolvent_customer": "client en redressement judiciaire publié au BODACC quelques jours avant la date d'arrêté",
    "already_paid_customer": "client qui a déjà payé : virement au libellé obscur non affecté",
    "plan_negotiator": "négociateur d'échéanciers : demande un plan au-delà d'un seuil, promesses plutôt tenues",
    "tuesday_email_responder": "répond seulement aux e-mails, le mardi matin ; ignore les courriers",
    "unilateral_deducter": "déduit d'office des « pénalités logistiques » ; litige B",
    "dispute_a_customer": "ETI en litige sur les quantités : facturé avant livraison complète ; litige A",
    "public_buyer": "acheteur public : lent mais sûr, Chorus Pro, délai légal de 30 jours",
    "eu_customer": "client export UE : autoliquidation, paie par virement SEPA avec référence structurée",
}

#: Customer segments (identifier -> French label).
SEGMENTS = {
    "grand_compte": "Grand compte",
    "eti_pme": "ETI / PME",
    "tpe": "TPE",
    "secteur_public": "Secteur public",
    "export_ue": "Export UE",
}

#: Invoice anomalies planted for the audit exercises (identifier -> French label).
ANOMALY_TYPES = {
    "price_vs_contract": "prix facturé différent du prix contractuel",
    "quantity_vs_delivery": "quantité facturée différente de la quantité livrée",
    "duplicate_invoice": "facture en double",
    "wrong_vat_rate": "taux de TVA erroné",
    "missing_customer_siren": "SIREN du client absent",
    "missing_penalty_mention": "taux des pénalités de retard absent",
    "missing_indemnity_mention": "indemnité forfaitaire de 40 € non mentionnée",
    "missing_po": "numéro de bon de commande du client absent",
    "due_date_beyond_cap": "échéance au-delà du plafond légal",
    "numbering_gap": "rupture dans la numérotation des factures",
}

#: Difficulties a bank line can carry for cash application (identifier -> French label).
PAYMENT_NOISES = {
    "clean": "référence exacte, montant exact",
    "mangled_reference": "référence déformée",
    "no_reference": "aucune référence",
    "obscure_label": "libellé obscur (nom du payeur méconnaissable)",
    "partial": "paiement partiel",
    "grouped": "paiement groupé de plusieurs factures",
    "discount": "escompte déduit",
    "deduction": "déduction unilatérale (pénalité)",
    "credit_note": "avoir déduit du paiement",
    "overpayment": "trop-perçu",
    "third_party": "payé par un tiers (maison mère, affactureur)",
    "duplicate": "paiement en double",
    "bank_fee": "frais bancaires (pas un règlement client)",
    "supplier_refund": "remboursement fournisseur (pas un règlement client)",
}

#: What an e-mail thread is really about (identifier -> French label).
THREAD_CATEGORIES = {
    "litige_quantite": "litige sur les quantités facturées",
    "litige_prix": "litige sur le prix, une avarie et une déduction",
    "promesse": "promesse de paiement",
    "facture_non_recue": "facture déclarée non reçue",
    "deja_paye": "client affirmant avoir déjà payé",
    "changement_contact": "changement d'interlocuteur comptable",
    "absence": "réponse automatique d'absence",
    "demande_bl": "demande de copie du bon de livraison",
    "plan_paiement": "demande d'échéancier",
}

#: The aged balance is "tendue" when all of these hold at the case date (DSO by the simple
#: method over the last 3 months, receivables and sales incl. VAT).
TENSION_THRESHOLDS = {
    "overdue_share_min": 0.35,
    "over_90_share_min": 0.10,
    "dso_over_terms_min_days": 15.0,
}

#: Size of the course company for the e-invoicing calendar: an SME (PME, fewer than 250 staff and
#: less than 50 M€ of turnover), so the reform's mentions bind it from 1 September 2027.
ISSUER_SIZE = "PME"

#: Countries of the customers (ISO code -> French name): mainland France and three EU neighbours.
COUNTRIES = {"FR": "France métropolitaine", "BE": "Belgique", "DE": "Allemagne", "LU": "Luxembourg"}

#: Payment terms drawn per segment (codes of o2c_lab.law.PAYMENT_TERMS). Public buyers: 30 days,
#: 50 for public health establishments (R2192-10/11). One ETI/PME or TPE contract is planted at
#: 90 days (unlawful, for the audit) and is the only exception.
TERMS_BY_SEGMENT = {"grand_compte": ("60J",), "eti_pme": ("45FDM", "30J"), "tpe": ("45FDM", "30J"),
                    "secteur_public": ("30J", "50J"), "export_ue": ("30J",)}

#: Days within which a contract's early-payment discount (escompte) must be received.
ESCOMPTE_DAYS = 10
