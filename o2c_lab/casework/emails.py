"""E-mail ⇒ décision: the reference extractor (rules over each thread), its scorer, call scripts.

For each thread of ``company.emails`` the extractor finds the real issue category (see
:data:`o2c_lab.company.scenario.THREAD_CATEGORIES`), the promised date and amount, who blocks
what, the decision and the next action — without AI, from the messages' wording and the
disputes register. :func:`score_extraction` compares it with the thread truth;
:func:`score_thread_answer` rates any French answer text (a model's or a trainee's).
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from ..company.scenario import THREAD_CATEGORIES
from ..errors import InvalidParameterError
from ..money import format_date, format_eur, to_cents
from ._scoring import add_facts_criterion, scored, unverified_facts

__all__ = ["extract_threads", "extract_thread", "score_extraction", "score_thread_answer",
           "call_script", "AMOUNT_RE", "DATE_RE", "parse_amounts", "parse_dates"]

_SP = "[ \u00a0\u202f]"
AMOUNT_RE = re.compile(rf"(\d{{1,3}}(?:{_SP}\d{{3}})*,\d{{2}}){_SP}?€")
DATE_RE = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")
_QUOTE_START = re.compile(r"^Le .+ a écrit ?:", re.M)

# Ordered: the first rule whose pattern matches the customer's own words wins.
_CATEGORY_RULES = (
    ("absence", re.compile(r"réponse automatique|hors du bureau|en congés|serai de retour|retour prévu", re.I)),
    ("plan_paiement", re.compile(r"échéancier|en \d+ échéances", re.I)),
    ("deja_paye", re.compile(r"avons payé|a été réglée|ont été réglées|déjà (?:payé|réglé)", re.I)),
    ("facture_non_recue", re.compile(r"aucune trace|jamais parvenue|pas reçu|n'avons pas reçu", re.I)),
    ("demande_bl", re.compile(r"bon de livraison", re.I)),
    ("changement_contact", re.compile(r"changement d'interlocuteur|changement de contact|quitte mes fonctions|"
                                      r"change de poste|je reprends le suivi", re.I)),
    ("promesse", re.compile(r"procéderons au règlement|sera émis le|confirme un paiement|partira le|"
                            r"réglerons", re.I)),
)
_DISPUTE_CATEGORY = {"quantite": "litige_quantite"}  # every other open-dispute reason is litige_prix


def parse_amounts(text: str) -> list[int]:
    """French amounts (``1 234,56 €``) of ``text``, in cents, in order."""
    return [to_cents(m.group(1)) for m in AMOUNT_RE.finditer(text)]


def parse_dates(text: str) -> list[dt.date]:
    """Dates ``JJ/MM/AAAA`` of ``text``, in order (impossible dates skipped)."""
    out = []
    for d, m, y in DATE_RE.findall(text):
        try:
            out.append(dt.date(int(y), int(m), int(d)))
        except ValueError:
            continue
    return out


def _own_words(body: str) -> str:
    """The message without the quoted previous message."""
    cut = _QUOTE_START.search(body)
    body = body[:cut.start()] if cut else body
    return "\n".join(line for line in body.splitlines() if not line.startswith(">"))


def _our_domain(company) -> str:
    staff = company.scenario.get("staff", {})
    emails = [p["email"] for p in staff.values() if "@" in p.get("email", "")]
    return emails[0].split("@", 1)[1] if emails else ""


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]


def _promise(texts: list[str], category: str) -> tuple[dt.date | None, int]:
    """First (date, amount) promised: the first instalment of a plan, or the promise sentence."""
    if category == "plan_paiement":
        for text in texts:
            m = re.search(rf"^-{_SP}*(\d{{2}}/\d{{2}}/\d{{4}}){_SP}*:{_SP}*(.+€)", text, re.M)
            if m:
                return parse_dates(m.group(1))[0], parse_amounts(m.group(2))[0]
    if category == "promesse":
        pattern = _CATEGORY_RULES[-1][1]
        for text in texts:
            for sentence in _sentences(text):
                if pattern.search(sentence) and parse_amounts(sentence) and parse_dates(sentence):
                    return parse_dates(sentence)[-1], parse_amounts(sentence)[0]
    return None, 0


def extract_thread(company, thread_id: str) -> dict:
    """The decision sheet of one thread (see :func:`extract_threads`)."""
    msgs = company.emails[company.emails["thread_id"] == thread_id].sort_values("sent_at")
    if msgs.empty:
        raise InvalidParameterError(f"Fil d'e-mails inconnu : « {thread_id} ».",
                                    valid=", ".join(sorted(company.emails["thread_id"].unique())))
    domain = _our_domain(company)
    theirs = msgs[~msgs["sender"].str.contains("@" + domain, regex=False)] if domain else msgs
    own = [f"{m.subject}\n{_own_words(m.body)}" for m in theirs.itertuples()]
    all_own = [f"{m.subject}\n{_own_words(m.body)}" for m in msgs.itertuples()]
    customer_id = str(msgs["customer_id"].iloc[0])
    dispute = company.disputes[(company.disputes["thread_id"] == thread_id)]
    category = "inconnu"
    if len(dispute):
        category = _DISPUTE_CATEGORY.get(dispute["reason_code"].iloc[0], "litige_prix")
    else:
        joined = "\n".join(own)
        for name, pattern in _CATEGORY_RULES:
            if pattern.search(joined):
                category = name
                break
    promised_date, promised_amount = _promise(own if category == "promesse" else all_own, category)
    invoices = sorted(set(re.findall(r"\bFA-\d{4}-\d{5}\b", "\n".join(all_own))))
    return {"thread_id": thread_id, "customer_id": customer_id, "category": category,
            "promised_date": pd.Timestamp(promised_date) if promised_date else pd.NaT,
            "promised_amount_cents": promised_amount, "invoice_ids": invoices,
            **_decision(company, category, customer_id, invoices, promised_date, promised_amount, own, dispute)}


def _decision(company, category, customer_id, invoices, day, amount, own, dispute) -> dict:
    """Real issue, blockers, decision and next action for a category, with the thread's facts."""
    name = company.customer(customer_id)["name"]
    inv = ", ".join(invoices) if invoices else "les factures échues"
    emails_in = re.findall(r"[\w.+-]+@[\w.-]+\.\w+", "\n".join(own))
    if category in ("litige_quantite", "litige_prix"):
        d = dispute.iloc[0]
        issue = f"Litige {d['dispute_id']} sur la facture {d['invoice_id']} : {d['summary']}"
        return {"real_issue": issue,
                "blockers": f"{name} bloque le paiement de {d['invoice_id']} tant que le litige n'est pas traité.",
                "decision": "Vérifier les faits sur les documents (commande, bon de livraison, contrat) et "
                            "reconnaître la part qui nous revient par un avoir ; refuser par écrit ce qui "
                            "n'est pas justifié.",
                "next_action": f"Suspendre la relance de {d['invoice_id']} et répondre par écrit au client."}
    table = {
        "promesse": (f"Retard de paiement sur {inv} ; le client s'engage à payer.",
                     "Aucun blocage : délai de traitement interne du client.",
                     f"Enregistrer la promesse de {format_eur(amount)} pour le {format_date(day)}." if day else
                     "Enregistrer la promesse de paiement.",
                     "Vérifier l'encaissement à la date promise, relancer par e-mail sinon."),
        "deja_paye": (f"{name} affirme avoir déjà réglé {inv}.",
                      "Chez nous : virement non identifié, en attente d'affectation.",
                      "Ne pas relancer ; rechercher le virement sur le relevé et l'affecter.",
                      "Rapprocher le virement et confirmer au client."),
        "plan_paiement": (f"{name} demande un échéancier de paiement.", "Trésorerie du client tendue.",
                          "Accepter l'échéancier par écrit, avec déchéance du terme en cas d'impayé.",
                          f"Suivre la première échéance : {format_eur(amount)} le {format_date(day)}." if day else
                          "Suivre la première échéance."),
        "facture_non_recue": (f"{name} dit ne pas avoir reçu {inv}.",
                              "La facture n'est pas dans le circuit de validation du client.",
                              "Renvoyer la facture et vérifier l'adresse de facturation.",
                              "Envoyer le duplicata et relancer dans une semaine."),
        "demande_bl": (f"{name} attend la copie du bon de livraison pour payer {inv}.",
                       "Preuve de livraison manquante chez le client.", "Envoyer la copie du bon de livraison signé.",
                       "Envoyer le bon de livraison aujourd'hui et relancer sous 5 jours."),
        "changement_contact": (f"Nouvel interlocuteur comptable chez {name}.", "Aucun.",
                               "Mettre à jour la fiche contact avant la prochaine relance.",
                               "Adresser les relances au nouvel interlocuteur"
                               + (f" ({emails_in[-1]})." if emails_in else ".")),
        "absence": (f"L'interlocuteur de {name} est absent.", "Absence de l'interlocuteur habituel.",
                    "Contacter le suppléant indiqué dans la réponse automatique.",
                    "Relancer le suppléant" + (f" ({emails_in[-1]})" if emails_in else "")
                    + " ou attendre le retour de l'interlocuteur."),
    }
    issue, blockers, decision, action = table.get(category, ("Sujet non reconnu.", "Inconnu.",
                                                             "Lire le fil et qualifier la demande.",
                                                             "Qualifier le fil à la main."))
    return {"real_issue": issue, "blockers": blockers, "decision": decision, "next_action": action}


def extract_threads(company) -> pd.DataFrame:
    """The decision sheet of every thread: category, promise, blockers, decision, next action."""
    return pd.DataFrame([extract_thread(company, t) for t in sorted(company.emails["thread_id"].unique())])


def score_extraction(company, extraction: pd.DataFrame | None = None) -> dict:
    """Per-thread comparison with the thread truth: category, promised date, promised amount."""
    extraction = extract_threads(company) if extraction is None else extraction
    truth = company.truth["thread_truth"].set_index("thread_id")
    rows = []
    for r in extraction.itertuples():
        t = truth.loc[r.thread_id]
        same_date = (pd.isna(t["promised_date"]) and pd.isna(r.promised_date)) or \
                    (not pd.isna(t["promised_date"]) and not pd.isna(r.promised_date)
                     and pd.Timestamp(t["promised_date"]) == pd.Timestamp(r.promised_date))
        rows.append({"thread_id": r.thread_id, "category_ok": r.category == t["category"],
                     "date_ok": bool(same_date),
                     "amount_ok": int(r.promised_amount_cents) == int(t["promised_amount_cents"]),
                     "expected": t["category"], "found": r.category})
    table = pd.DataFrame(rows)
    table["all_ok"] = table[["category_ok", "date_ok", "amount_ok"]].all(axis=1)
    misses = table[~table["all_ok"]]
    return {"threads": len(table), "correct": int(table["all_ok"].sum()),
            "accuracy": float(table["all_ok"].mean()) if len(table) else 1.0, "table": table,
            "misses": [f"{m.thread_id} : attendu {m.expected}, trouvé {m.found}" for m in misses.itertuples()]}


_CATEGORY_WORDS = {
    "litige_quantite": ("quantit", "livr"), "litige_prix": ("remise", "pénalit"),
    "promesse": ("promesse", "promet", "engage"), "facture_non_recue": ("pas reçu", "non reçue", "duplicata"),
    "deja_paye": ("déjà payé", "déjà réglé", "virement"), "changement_contact": ("interlocuteur", "contact"),
    "absence": ("absent", "absence"), "demande_bl": ("bon de livraison",), "plan_paiement": ("échéancier",),
}


def score_thread_answer(company, thread_id: str, text: str, *, checker=None) -> dict:
    """Rate a French answer about one thread against the truth; French feedback.

    Criteria: the real issue is named (category words), the promise's date and amount are quoted
    when there is one, and every amount and document number of the text exists in the ledger
    (fact-checker; pass a prepared ``FactChecker`` as ``checker`` to score many answers fast).
    """

    truth = company.truth["thread_truth"].set_index("thread_id")
    if thread_id not in truth.index:
        raise InvalidParameterError(f"Fil d'e-mails inconnu : « {thread_id} ».", valid=", ".join(truth.index))
    t = truth.loc[thread_id]
    low = text.lower()
    criteria, feedback = {}, []
    words = _CATEGORY_WORDS[t["category"]]
    criteria["sujet"] = any(w in low for w in words)
    if not criteria["sujet"]:
        feedback.append(f"Le vrai sujet n'est pas nommé : {THREAD_CATEGORIES[t['category']]}.")
    if not pd.isna(t["promised_date"]):
        criteria["date_promise"] = pd.Timestamp(t["promised_date"]).date() in parse_dates(text)
        criteria["montant_promis"] = int(t["promised_amount_cents"]) in parse_amounts(text)
        if not criteria["date_promise"]:
            feedback.append(f"Date promise absente ou fausse : attendu le {format_date(t['promised_date'])}.")
        if not criteria["montant_promis"]:
            feedback.append(f"Montant promis absent ou faux : attendu {format_eur(t['promised_amount_cents'])}.")
    # Amounts quoted in the thread itself are facts of the case even when no ledger row holds them
    # (a promised total, a transfer the customer announces).
    thread = "\n".join(company.emails.loc[company.emails["thread_id"] == thread_id, "body"])
    quoted = set(parse_amounts(thread))
    add_facts_criterion(criteria, feedback, unverified_facts(company, text, t["customer_id"], allowed_amounts=quoted,
                                                             checker=checker))
    return scored(criteria, feedback, "Réponse exacte et complète sur les faits vérifiables.")


_PROFILE_TONE = {
    "grand_compte": "courtois et factuel : le compte est stratégique, l'objectif est de débloquer le circuit",
    "eti_pme": "cordial et direct",
    "tpe": "simple et bienveillant, en proposant une solution concrète",
    "secteur_public": "formel : rappeler le délai légal de 30 jours et les intérêts moratoires",
    "export_ue": "formel et précis sur les références de paiement",
}


def call_script(company, thread_id: str) -> str:
    """A French call script adapted to the customer's segment and the thread's decision sheet."""
    sheet = extract_thread(company, thread_id)
    cust = company.customer(sheet["customer_id"])
    contacts = company.contacts[company.contacts["customer_id"] == sheet["customer_id"]]
    who = f"{contacts['first_name'].iloc[0]} {contacts['last_name'].iloc[0]}" if len(contacts) else "votre interlocuteur"
    me = company.scenario.get("staff", {}).get("collector", {}).get("name", "le service recouvrement")
    open_inv = company.invoices[company.invoices["invoice_id"].isin(sheet["invoice_ids"])]
    facts = [f"- Facture {r.invoice_id} du {format_date(r.invoice_date)} : {format_eur(r.total_ttc_cents)} TTC, "
             f"échéance le {format_date(r.due_date)}." for r in open_inv.itertuples()]
    objections = {
        "promesse": ("« Le paiement est en cours de validation. »",
                     "Demander la date de passage en paiement et le nom du valideur."),
        "deja_paye": ("« Nous avons déjà payé. »",
                      "Remercier, demander la date, le montant et le libellé du virement, suspendre la relance."),
        "plan_paiement": ("« Nous ne pouvons pas payer tout maintenant. »",
                          "Proposer un échéancier court, écrit, avec déchéance du terme en cas d'impayé."),
        "facture_non_recue": ("« Nous n'avons jamais reçu la facture. »",
                              "Vérifier l'adresse de facturation et envoyer le duplicata pendant l'appel."),
        "demande_bl": ("« Il nous manque le bon de livraison. »", "Envoyer le bon de livraison signé le jour même."),
        "litige_quantite": ("« La quantité facturée ne correspond pas à la livraison. »",
                            "Reconnaître l'écart constaté sur le bon de livraison et annoncer l'avoir."),
        "litige_prix": ("« La remise n'a pas été appliquée et nous avons déduit une pénalité. »",
                        "Confirmer l'avoir de remise dû, refuser la déduction d'office non prévue au contrat."),
    }
    objection, answer = objections.get(sheet["category"], ("« Ce n'est pas moi qui m'en occupe. »",
                                                          "Obtenir le nom et l'adresse du bon interlocuteur."))
    commitment = (f"Confirmation du paiement de {format_eur(sheet['promised_amount_cents'])} le "
                  f"{format_date(sheet['promised_date'])}, par écrit après l'appel."
                  if not pd.isna(sheet["promised_date"]) else
                  "Une date de paiement ferme et le nom de la personne qui la valide, confirmées par e-mail.")
    lines = [
        f"Script d'appel – {cust['name']} – fil {thread_id}",
        "",
        f"Ton : {_PROFILE_TONE.get(cust['segment'], 'cordial et direct')}.",
        "",
        "1. Ouverture",
        f"« Bonjour {who}, {me}, du service recouvrement de {company.name}. Je vous appelle au sujet "
        f"de notre échange récent. Avez-vous quelques minutes ? »",
        "",
        "2. Faits",
        f"- Sujet : {sheet['real_issue']}",
        *facts,
        "",
        "3. Questions",
        "- Où en est le traitement de ces factures chez vous ?",
        "- Qui valide le paiement, et à quelle date part le prochain règlement ?",
        "",
        "4. Objection probable et réponse",
        f"- {objection}",
        f"- Réponse : {answer}",
        "",
        "5. Engagement à obtenir",
        f"- {commitment}",
        f"- Action suivante : {sheet['next_action']}",
    ]
    return "\n".join(lines)
