"""The company's tables: stable column names, types, French headers and meanings.

This module is the contract between the generator and every other package: analytics, cash
application, the AI layer and the notebooks read columns by these names. The same definitions
produce the French headers of the Excel and CSV files and the data dictionary
(``datasets/README.md``).

Column kinds: ``str``, ``int``, ``cents`` (integer euro cents, exact), ``date``, ``bool``,
``float`` (rates and ratios only, never money).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Column", "Table", "OBSERVABLE_TABLES", "TRUTH_TABLES", "TABLES", "table"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    header: str
    meaning: str


@dataclass(frozen=True)
class Table:
    name: str
    sheet: str
    meaning: str
    columns: tuple[Column, ...]
    truth: bool = False

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def headers(self) -> dict[str, str]:
        return {c.name: c.header for c in self.columns}


def _t(name, sheet, meaning, cols, truth=False) -> Table:
    return Table(name, sheet, meaning, tuple(Column(*c) for c in cols), truth)


_CUSTOMER = ("customer_id", "str", "Code client", "Identifiant du client (compte auxiliaire 411)")

OBSERVABLE_TABLES: tuple[Table, ...] = (
    _t("company", "Société", "L'entreprise fil rouge elle-même (une ligne).", [
        ("name", "str", "Raison sociale", "Nom de l'entreprise"),
        ("siren", "str", "SIREN", "Numéro SIREN (9 chiffres, clé de Luhn)"),
        ("vat_number", "str", "N° TVA", "Numéro de TVA intracommunautaire"),
        ("iban", "str", "IBAN", "Compte bancaire d'encaissement"),
        ("bic", "str", "BIC", "Code BIC de la banque"),
        ("address", "str", "Adresse", "Adresse du siège"),
        ("as_of", "date", "Date d'arrêté", "Date du cas (balance âgée arrêtée à cette date)"),
        ("history_start", "date", "Début de l'historique", "Premier jour de l'historique"),
        ("seed", "int", "Graine", "Graine du générateur (même graine = même entreprise)"),
    ]),
    _t("customers", "Clients", "Portefeuille clients.", [
        _CUSTOMER,
        ("name", "str", "Raison sociale", "Nom du client"),
        ("segment", "str", "Segment", "grand_compte, eti_pme, tpe, secteur_public ou export_ue"),
        ("siren", "str", "SIREN", "SIREN du client (vide pour un client étranger)"),
        ("siret", "str", "SIRET", "SIRET de l'établissement facturé"),
        ("vat_number", "str", "N° TVA", "Numéro de TVA intracommunautaire"),
        ("iban", "str", "IBAN", "IBAN habituel du client payeur"),
        ("address", "str", "Adresse", "Rue"),
        ("postal_code", "str", "Code postal", "Code postal (France métropolitaine ; « L-1234 » au Luxembourg)"),
        ("city", "str", "Ville", "Ville"),
        ("country", "str", "Pays", "Code pays ISO (FR, BE, DE, LU)"),
        ("naf_code", "str", "Code NAF", "Activité principale (nomenclature NAF rév. 2)"),
        ("sector", "str", "Secteur", "Libellé du secteur d'activité"),
        ("region", "str", "Région commerciale", "Région du commercial"),
        ("sales_rep", "str", "Commercial", "Commercial en charge du compte"),
        ("payment_terms", "str", "Conditions de paiement", "Code : 30J, 45FDM, 60J (voir contrat)"),
        ("credit_limit_cents", "cents", "Limite de crédit", "Encours maximum autorisé"),
        ("credit_score", "int", "Score de crédit", "Dernière note de l'agence de renseignement (1 à 20)"),
        ("chorus_pro", "bool", "Chorus Pro", "Factures déposées sur Chorus Pro (acheteur public)"),
        ("preferred_channel", "str", "Canal préféré", "Canal de relance qui fonctionne : email, courrier, téléphone"),
        ("customer_since", "date", "Client depuis", "Date d'ouverture du compte"),
    ]),
    _t("contacts", "Contacts", "Interlocuteurs chez les clients.", [
        ("contact_id", "str", "Code contact", "Identifiant du contact"),
        _CUSTOMER,
        ("first_name", "str", "Prénom", "Prénom"),
        ("last_name", "str", "Nom", "Nom"),
        ("role", "str", "Fonction", "Fonction (comptabilité fournisseurs, acheteur, DAF…)"),
        ("email", "str", "E-mail", "Adresse e-mail"),
        ("phone", "str", "Téléphone", "Téléphone"),
    ]),
    _t("products", "Articles", "Catalogue d'articles.", [
        ("product_id", "str", "Code article", "Référence article"),
        ("label", "str", "Désignation", "Désignation"),
        ("family", "str", "Famille", "Famille de produits"),
        ("unit_price_cents", "cents", "Prix catalogue HT", "Prix unitaire hors taxes du catalogue"),
        ("vat_rate", "float", "Taux de TVA (%)", "20 (taux normal) ou 5,5 (équipements pour personnes handicapées)"),
    ]),
    _t("contracts", "Contrats", "Contrats et conditions générales par client.", [
        ("contract_id", "str", "N° contrat", "Identifiant du contrat"),
        _CUSTOMER,
        ("signed_on", "date", "Date de signature", "Date de signature"),
        ("payment_terms", "str", "Délai de paiement", "Code du délai : 30J, 45FDM, 60J ou 90J"),
        ("price_discount_pct", "float", "Remise contractuelle (%)", "Remise sur le prix catalogue"),
        ("penalty_clause", "str", "Clause de pénalités", "Taux des pénalités de retard, vide si absente"),
        ("indemnity_clause", "bool", "Indemnité 40 €", "Indemnité forfaitaire de recouvrement mentionnée"),
        ("early_payment_discount_pct", "float", "Escompte (%)", "Escompte pour paiement anticipé, 0 si aucun"),
        ("early_payment_days", "int", "Délai d'escompte (jours)", "Paiement sous N jours pour l'escompte"),
        ("retention_of_title", "bool", "Réserve de propriété", "Clause de réserve de propriété"),
        ("jurisdiction", "str", "Juridiction", "Tribunal compétent"),
        ("document", "str", "Document", "Fichier du contrat dans le dossier contrats/"),
    ]),
    _t("orders", "Commandes", "Commandes reçues.", [
        ("order_id", "str", "N° commande", "Numéro interne de la commande"),
        _CUSTOMER,
        ("order_date", "date", "Date de commande", "Date de réception de la commande"),
        ("customer_po", "str", "N° bon de commande client", "Référence d'achat du client (vide s'il n'en a pas émis)"),
    ]),
    _t("order_lines", "Lignes de commande", "Détail des commandes.", [
        ("order_id", "str", "N° commande", "Commande"),
        ("line_no", "int", "N° ligne", "Numéro de ligne"),
        ("product_id", "str", "Code article", "Article"),
        ("quantity", "int", "Quantité commandée", "Quantité commandée"),
        ("unit_price_cents", "cents", "Prix unitaire HT", "Prix convenu (contrat)"),
    ]),
    _t("deliveries", "Livraisons", "Bons de livraison.", [
        ("delivery_id", "str", "N° BL", "Numéro du bon de livraison"),
        ("order_id", "str", "N° commande", "Commande livrée"),
        _CUSTOMER,
        ("delivery_date", "date", "Date de livraison", "Date de livraison"),
        ("complete", "bool", "Livraison complète", "Toutes les quantités commandées livrées"),
        ("signed", "bool", "BL signé", "Bon de livraison signé par le client"),
        ("reservation", "str", "Réserves", "Réserves écrites par le client à la livraison (vide si aucune)"),
    ]),
    _t("delivery_lines", "Lignes de livraison", "Quantités livrées.", [
        ("delivery_id", "str", "N° BL", "Bon de livraison"),
        ("line_no", "int", "N° ligne", "Ligne de la commande"),
        ("product_id", "str", "Code article", "Article"),
        ("quantity", "int", "Quantité livrée", "Quantité livrée"),
    ]),
    _t("invoices", "Factures", "Factures émises (en-têtes).", [
        ("invoice_id", "str", "N° facture", "Numéro de facture (séquence chronologique)"),
        _CUSTOMER,
        ("order_id", "str", "N° commande", "Commande facturée"),
        ("delivery_id", "str", "N° BL", "Livraison facturée"),
        ("invoice_date", "date", "Date de facture", "Date d'émission"),
        ("due_date", "date", "Échéance", "Date d'échéance imprimée"),
        ("payment_terms", "str", "Conditions de paiement", "Code du délai appliqué"),
        ("customer_po", "str", "N° bon de commande client", "Référence d'achat imprimée (vide si absente)"),
        ("customer_siren_shown", "bool", "SIREN client mentionné", "Le SIREN du client figure sur la facture"),
        ("penalty_mention", "bool", "Mention pénalités", "Taux des pénalités de retard mentionné"),
        ("indemnity_mention", "bool", "Mention indemnité 40 €", "Indemnité forfaitaire mentionnée"),
        ("vat_mention", "str", "Mention TVA", "Mention particulière (autoliquidation, exonération…)"),
        ("total_ht_cents", "cents", "Total HT", "Total hors taxes"),
        ("total_vat_cents", "cents", "Total TVA", "Total de la TVA"),
        ("total_ttc_cents", "cents", "Total TTC", "Total toutes taxes comprises"),
    ]),
    _t("invoice_lines", "Lignes de facture", "Détail des factures.", [
        ("invoice_id", "str", "N° facture", "Facture"),
        ("line_no", "int", "N° ligne", "Numéro de ligne"),
        ("product_id", "str", "Code article", "Article"),
        ("label", "str", "Désignation", "Désignation"),
        ("quantity", "int", "Quantité", "Quantité facturée"),
        ("unit_price_cents", "cents", "Prix unitaire HT", "Prix unitaire facturé"),
        ("vat_rate", "float", "Taux de TVA (%)", "Taux appliqué"),
        ("net_cents", "cents", "Montant HT", "Quantité × prix unitaire"),
        ("vat_cents", "cents", "TVA", "TVA de la ligne (arrondie au centime)"),
    ]),
    _t("credit_notes", "Avoirs", "Avoirs émis.", [
        ("credit_note_id", "str", "N° avoir", "Numéro d'avoir"),
        _CUSTOMER,
        ("invoice_id", "str", "Facture d'origine", "Facture corrigée"),
        ("credit_date", "date", "Date", "Date d'émission"),
        ("reason", "str", "Motif", "Motif de l'avoir"),
        ("total_ht_cents", "cents", "Total HT", "Montant hors taxes"),
        ("total_vat_cents", "cents", "Total TVA", "TVA"),
        ("total_ttc_cents", "cents", "Total TTC", "Montant TTC"),
    ]),
    _t("bank_statements", "Relevés bancaires", "Relevés de compte (un par mois).", [
        ("statement_id", "str", "N° relevé", "Identifiant du relevé"),
        ("account_iban", "str", "IBAN du compte", "Compte de l'entreprise"),
        ("from_date", "date", "Du", "Premier jour"),
        ("to_date", "date", "Au", "Dernier jour"),
        ("opening_balance_cents", "cents", "Solde d'ouverture", "Solde au début"),
        ("closing_balance_cents", "cents", "Solde de clôture", "Solde à la fin"),
    ]),
    _t("bank_transactions", "Opérations bancaires", "Lignes des relevés bancaires (crédits et débits).", [
        ("bank_tx_id", "str", "Réf. opération", "Référence unique de l'opération (banque)"),
        ("statement_id", "str", "N° relevé", "Relevé"),
        ("booking_date", "date", "Date d'opération", "Date de comptabilisation par la banque"),
        ("value_date", "date", "Date de valeur", "Date de valeur"),
        ("amount_cents", "cents", "Montant", "Montant signé : positif = encaissement"),
        ("label", "str", "Libellé", "Libellé bancaire, tel quel"),
        ("counterparty_name", "str", "Nom du donneur d'ordre", "Nom transmis par la banque"),
        ("counterparty_iban", "str", "IBAN du donneur d'ordre", "IBAN transmis (peut être vide)"),
        ("remittance_info", "str", "Référence de paiement", "Référence structurée ou texte libre du virement"),
        ("end_to_end_id", "str", "Réf. de bout en bout", "Identifiant SEPA de bout en bout"),
        ("bank_code", "str", "Code opération", "Famille d'opération (virement reçu, frais…)"),
    ]),
    _t("remittance_advices", "Avis de paiement", "Avis de paiement envoyés par certains clients.", [
        ("advice_id", "str", "N° avis", "Identifiant de l'avis"),
        _CUSTOMER,
        ("advice_date", "date", "Date de l'avis", "Date de l'avis"),
        ("payment_reference", "str", "Référence du virement", "Référence annoncée du virement"),
        ("document_id", "str", "Pièce réglée", "Facture ou avoir réglé"),
        ("amount_cents", "cents", "Montant", "Montant réglé sur cette pièce (négatif pour un avoir)"),
    ]),
    _t("ar_ledger", "Compte 411", "Grand livre auxiliaire clients (411) tel que l'ERP le tient.", [
        ("entry_id", "str", "N° écriture", "Numéro d'écriture"),
        ("journal", "str", "Journal", "VE ventes, BQ banque, OD opérations diverses"),
        ("entry_date", "date", "Date", "Date comptable"),
        _CUSTOMER,
        ("document_id", "str", "Pièce", "Facture, avoir ou opération bancaire"),
        ("document_type", "str", "Type de pièce", "facture, avoir, reglement"),
        ("label", "str", "Libellé", "Libellé de l'écriture"),
        ("debit_cents", "cents", "Débit", "Débit"),
        ("credit_cents", "cents", "Crédit", "Crédit"),
        ("applied_to", "str", "Imputé sur", "Pièce sur laquelle un règlement partiel a été imputé"),
        ("lettering", "str", "Lettrage", "Code de lettrage : les lignes d'un même code se soldent"),
        ("lettering_date", "date", "Date de lettrage", "Date du lettrage"),
        ("bank_tx_id", "str", "Réf. opération", "Opération bancaire d'origine d'un règlement"),
    ]),
    _t("dunning", "Relances", "Historique des relances envoyées.", [
        ("dunning_id", "str", "N° relance", "Identifiant"),
        _CUSTOMER,
        ("invoice_id", "str", "N° facture", "Facture relancée"),
        ("sent_on", "date", "Date d'envoi", "Date de la relance"),
        ("level", "int", "Niveau", "1 amiable, 2 ferme, 3 mise en demeure"),
        ("channel", "str", "Canal", "email, courrier, téléphone"),
    ]),
    _t("promises", "Promesses", "Promesses de paiement obtenues.", [
        ("promise_id", "str", "N° promesse", "Identifiant"),
        _CUSTOMER,
        ("made_on", "date", "Obtenue le", "Date de la promesse"),
        ("promised_date", "date", "Date promise", "Date de paiement promise"),
        ("amount_cents", "cents", "Montant promis", "Montant promis"),
        ("invoice_ids", "str", "Factures", "Factures concernées, séparées par des virgules"),
        ("channel", "str", "Canal", "Canal par lequel la promesse a été faite"),
        ("status", "str", "Statut", "tenue, non tenue, en cours (à la date d'arrêté)"),
    ]),
    _t("disputes", "Litiges", "Registre des litiges.", [
        ("dispute_id", "str", "N° litige", "Identifiant"),
        _CUSTOMER,
        ("invoice_id", "str", "N° facture", "Facture contestée"),
        ("opened_on", "date", "Ouvert le", "Date d'ouverture"),
        ("reason_code", "str", "Motif", "prix, quantite, qualite, bon_de_commande, penalite_deduite, tva"),
        ("status", "str", "Statut", "en litige (ouvert), résolu, avoir émis"),
        ("amount_cents", "cents", "Montant contesté", "Montant en jeu selon le client"),
        ("summary", "str", "Résumé", "Ce que dit le client"),
        ("thread_id", "str", "Fil d'e-mails", "Échanges liés"),
    ]),
    _t("emails", "E-mails", "Messages échangés avec les clients (et notes d'appel).", [
        ("message_id", "str", "Message-ID", "Identifiant du message"),
        ("thread_id", "str", "Fil", "Fil de discussion"),
        _CUSTOMER,
        ("sent_at", "str", "Date et heure", "Horodatage ISO (heure de Paris)"),
        ("sender", "str", "De", "Expéditeur (nom <adresse>)"),
        ("to", "str", "À", "Destinataires"),
        ("cc", "str", "Cc", "Copie"),
        ("subject", "str", "Objet", "Objet"),
        ("body", "str", "Texte", "Corps du message"),
        ("kind", "str", "Type", "email ou note_appel"),
    ]),
    _t("external_signals", "Signaux externes", "Informations externes sur les clients.", [
        ("signal_id", "str", "N° signal", "Identifiant"),
        _CUSTOMER,
        ("published_on", "date", "Date", "Date de publication"),
        ("source", "str", "Source", "presse, BODACC, agence de notation"),
        ("title", "str", "Titre", "Titre"),
        ("text", "str", "Texte", "Contenu"),
    ]),
    _t("credit_scores", "Scores", "Historique mensuel des scores de crédit (1 à 20).", [
        _CUSTOMER,
        ("month", "date", "Mois", "Premier jour du mois"),
        ("score", "int", "Score", "Note de 1 (risque maximal) à 20"),
    ]),
)

TRUTH_TABLES: tuple[Table, ...] = (
    _t("customer_truth", "Comportement réel", "Comportement de paiement latent de chaque client.", [
        _CUSTOMER,
        ("role", "str", "Rôle", "Rôle dans le scénario (voir SCENARIO) ou ordinaire"),
        ("profile", "str", "Profil", "ponctuel, retard_chronique, derive, defaillant, lent_sur…"),
        ("mean_delay_days", "float", "Retard moyen (j)", "Retard moyen après échéance"),
        ("delay_sd_days", "float", "Écart-type (j)", "Dispersion du retard"),
        ("drift_days_per_month", "float", "Dérive (j/mois)", "Allongement mensuel du retard récent"),
        ("defaults", "bool", "Défaillant", "Le client ne paiera plus"),
        ("default_from", "date", "Défaillant depuis", "Date à partir de laquelle il ne paie plus"),
    ], truth=True),
    _t("invoice_truth", "Vérité factures", "Date et montant réels de paiement de chaque facture.", [
        ("invoice_id", "str", "N° facture", "Facture"),
        _CUSTOMER,
        ("paid_on", "date", "Payée le", "Date réelle de paiement (vide si jamais payée)"),
        ("paid_cents", "cents", "Montant payé", "Montant réellement payé"),
        ("outcome", "str", "Issue", "payee, payee_partiel, litige, perte, non_echue"),
    ], truth=True),
    _t("invoice_anomalies", "Anomalies", "Anomalies plantées dans les factures.", [
        ("invoice_id", "str", "N° facture", "Facture"),
        ("anomaly", "str", "Anomalie", "Type d'anomalie"),
        ("detail", "str", "Détail", "Description"),
    ], truth=True),
    _t("payment_allocations", "Affectations", "Affectation réelle de chaque opération bancaire.", [
        ("bank_tx_id", "str", "Réf. opération", "Opération bancaire"),
        ("document_id", "str", "Pièce", "Facture ou avoir réglé (vide si pas un règlement client)"),
        _CUSTOMER,
        ("amount_cents", "cents", "Montant", "Part de l'opération affectée à la pièce"),
        ("noise", "str", "Difficulté", "Difficulté de rapprochement (voir dictionnaire)"),
    ], truth=True),
    _t("bank_truth", "Vérité banque", "Nature réelle de chaque opération bancaire.", [
        ("bank_tx_id", "str", "Réf. opération", "Opération"),
        ("kind", "str", "Nature", "reglement_client, remboursement_client (avoir remboursé au client, niveau de "
                                  "bruit « etranger »), frais_bancaires, remboursement_fournisseur, doublon"),
        _CUSTOMER,
        ("noises", "str", "Difficultés", "Difficultés de rapprochement, séparées par des virgules"),
    ], truth=True),
    _t("future_payments", "Encaissements futurs", "Encaissements des 13 semaines suivant la date d'arrêté.", [
        ("invoice_id", "str", "N° facture", "Facture"),
        _CUSTOMER,
        ("paid_on", "date", "Date", "Date de paiement"),
        ("amount_cents", "cents", "Montant", "Montant encaissé"),
    ], truth=True),
    _t("thread_truth", "Vérité e-mails", "Ce dont parle réellement chaque fil d'e-mails.", [
        ("thread_id", "str", "Fil", "Fil"),
        _CUSTOMER,
        ("category", "str", "Catégorie", "litige_quantite, litige_prix, promesse, facture_non_recue…"),
        ("real_issue", "str", "Problème réel", "Le vrai problème"),
        ("blockers", "str", "Blocages", "Qui bloque quoi"),
        ("promised_date", "date", "Date promise", "Date de paiement promise, s'il y en a une"),
        ("promised_amount_cents", "cents", "Montant promis", "Montant promis, s'il y en a un"),
        ("decision", "str", "Décision", "Décision à prendre"),
        ("next_action", "str", "Action suivante", "Prochaine action"),
    ], truth=True),
    _t("dispute_truth", "Vérité litiges", "Faits, responsabilités et issue juste des litiges ouverts.", [
        ("dispute_id", "str", "N° litige", "Litige"),
        ("facts", "str", "Faits", "Faits établis par les documents"),
        ("responsibility", "str", "Responsabilité", "Qui est responsable de quoi"),
        ("amount_at_stake_cents", "cents", "Enjeu", "Montant en jeu"),
        ("fair_resolution", "str", "Issue juste", "Résolution équitable"),
        ("credit_note_due_cents", "cents", "Avoir dû", "Avoir TTC que l'entreprise doit émettre"),
    ], truth=True),
    _t("contract_truth", "Vérité contrats",
       "Clauses notables : licites (réserve de propriété, escompte) ou contraires à une règle "
       "(délai illégal, absence de clause de pénalités), avec l'article.", [
        ("contract_id", "str", "N° contrat", "Contrat"),
        ("issue", "str", "Point", "delai_illegal, sans_clause_penalites, reserve_propriete, escompte"),
        ("lawful", "bool", "Licite", "Vrai pour une clause licite, faux pour une clause contraire à la règle"),
        ("rule", "str", "Article", "Article qui autorise ou que méconnaît la clause"),
        ("detail", "str", "Détail", "Explication"),
    ], truth=True),
)

TABLES: dict[str, Table] = {t.name: t for t in OBSERVABLE_TABLES + TRUTH_TABLES}


def table(name: str) -> Table:
    """The :class:`Table` definition of ``name``."""
    from ..errors import InvalidParameterError

    try:
        return TABLES[name]
    except KeyError:
        raise InvalidParameterError(f"Table inconnue : « {name} ».",
                                    valid=", ".join(TABLES)) from None
