"""The fil-rouge story on top of the ledger: the two open disputes, the e-mail threads and their
truth, external signals, credit scores and the contract documents.

Facts are decided here from the simulated data; :mod:`o2c_lab.company.texts` only renders them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..money import format_date, format_eur
from . import texts
from .tension import open_items

__all__ = ["make_story"]

_SCORE_BY_PROFILE = {"ponctuel": 16, "leger_retard": 14, "grand_groupe": 15, "lent_sur": 17,
                     "retard_chronique": 12, "mauvais_payeur": 8, "derive": 14, "defaillant": 11,
                     "negociateur": 10, "deducteur": 13}


def _d(x) -> np.datetime64:
    return np.datetime64(pd.Timestamp(x).date(), "D")


def _py(x) -> dt.date:
    return pd.Timestamp(x).date()


def _workday_at(day, hour, minute=0) -> dt.datetime:
    d = _py(np.busday_offset(_d(day), 0, roll="forward"))
    return dt.datetime(d.year, d.month, d.day, hour, minute)


class _People:
    """Builds Person dicts for both sides of a thread."""

    def __init__(self, company_name, domain, customers, contacts, staff):
        self.company, self.domain = company_name, domain
        self.customers = customers.set_index("customer_id")
        self.contacts = contacts
        self.staff = staff

    def ours(self, key):
        return dict(self.staff[key], company=self.company)

    def rep_of(self, customer_id):
        name = self.customers.loc[customer_id, "sales_rep"]
        first, last = name.split(" ", 1)
        return {"name": name, "email": f"{_slug(first)}.{_slug(last)}@{self.domain}",
                "role": "Commercial", "company": self.company}

    def theirs(self, customer_id, k):
        rows = self.contacts[self.contacts["customer_id"] == customer_id]
        r = rows.iloc[min(k, len(rows) - 1)]
        return {"name": f"{r.first_name} {r.last_name}", "email": r.email, "role": r.role,
                "company": self.customers.loc[customer_id, "name"]}


def _slug(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in plain if ch.isalnum() or ch == "-") or "x"


def _fmt(person) -> str:
    return f"{person['name']} <{person['email']}>"


def _messages_rows(thread_id, customer_id, messages, domain):
    rows = []
    for k, m in enumerate(messages):
        rows.append({
            "message_id": f"<{thread_id}.{k + 1}@{domain}>", "thread_id": thread_id,
            "customer_id": customer_id, "sent_at": m["sent_at"].isoformat(timespec="minutes"),
            "sender": _fmt(m["sender"]), "to": ", ".join(_fmt(p) for p in m["to"]),
            "cc": ", ".join(_fmt(p) for p in m["cc"]), "subject": m["subject"], "body": m["body"],
            "kind": m["kind"],
        })
    return rows


def make_story(company_row, customers, contacts, contracts, sales, pay_tables, pay_story,
               truth, roles, as_of, rng, fake):
    """Disputes, threads, signals, scores and contract documents.

    Returns ``(tables, truth_tables, documents, scenario)``.
    """
    inv = sales["invoices"]
    lines = sales["invoice_lines"]
    a = _d(as_of)
    domain = _slug(company_row["name"].split()[0]) + "-industrie.example"
    staff = {}
    for key, role in (("collector", "Chargée de recouvrement"), ("credit_manager", "Credit manager"),
                      ("warehouse", "Responsable logistique"), ("accountant", "Comptable clients")):
        first = fake.first_name_female() if key == "collector" else fake.first_name()
        last = fake.last_name()
        staff[key] = {"name": f"{first} {last}", "email": f"{_slug(first)}.{_slug(last)}@{domain}",
                      "role": role}
    people = _People(company_row["name"], domain, customers, contacts, staff)
    cname = customers.set_index("customer_id")["name"]
    threads, thread_truth, disputes, dispute_truth = [], [], [], []

    def add_thread(tid, cid, messages, **truth_fields):
        threads.extend(_messages_rows(tid, cid, messages, domain))
        thread_truth.append({"thread_id": tid, "customer_id": cid, **truth_fields})
        return messages

    # --- Dispute A: quantities -------------------------------------------------------------
    da = inv.iloc[pay_story["dispute_a_pos"]]
    la = lines[lines["invoice_id"] == da["invoice_id"]].iloc[0]
    delivered = int(sales["delivery_lines"].loc[sales["delivery_lines"]["delivery_id"] == da["delivery_id"],
                                                "quantity"].sum())
    missing_ht = (int(la["quantity"]) - delivered) * int(la["unit_price_cents"])
    missing_ttc = missing_ht + int(round(missing_ht * la["vat_rate"] / 100))
    cid_a = da["customer_id"]
    start_a = _workday_at(a - 30, 9, 12)
    facts_a = {
        "company": company_row["name"], "customer": cname[cid_a], "ap_clerk": people.theirs(cid_a, 0),
        "buyer": people.theirs(cid_a, 1), "sales_rep": people.rep_of(cid_a),
        "collector": people.ours("collector"), "warehouse": people.ours("warehouse"),
        "invoice_id": da["invoice_id"], "invoice_date": _py(da["invoice_date"]),
        "due_date": _py(da["due_date"]), "order_id": da["order_id"], "customer_po": da["customer_po"],
        "delivery_id": da["delivery_id"], "delivery_date": _py(da["delivery_date"]),
        "product_label": la["label"], "qty_ordered": int(la["quantity"]), "qty_delivered": delivered,
        "unit_price_cents": int(la["unit_price_cents"]), "invoice_ttc_cents": int(da["total_ttc_cents"]),
        "missing_ttc_cents": missing_ttc, "start": start_a, "until": as_of,
    }
    msgs = texts.dispute_quantity_thread(facts_a, rng)
    add_thread("FIL-A", cid_a, msgs, category="litige_quantite",
               real_issue=(f"La facture {da['invoice_id']} facture {facts_a['qty_ordered']} unités alors que "
                           f"{delivered} seulement ont été livrées (BL {da['delivery_id']}), le reste est en reliquat."),
               blockers=(f"La comptabilité fournisseurs de {cname[cid_a]} bloque le paiement tant que la "
                         f"facture ne correspond pas au bon de livraison."),
               promised_date=pd.NaT, promised_amount_cents=0,
               decision=(f"Reconnaître l'erreur : émettre un avoir de {format_eur(missing_ttc)} TTC pour les "
                         f"unités non livrées (ou facturer le reliquat à sa livraison), puis obtenir le paiement du solde."),
               next_action=f"Envoyer l'avoir et la copie du BL signé à {facts_a['ap_clerk']['name']}.")
    disputes.append({"dispute_id": "LIT-A", "customer_id": cid_a, "invoice_id": da["invoice_id"],
                     "opened_on": pd.Timestamp(msgs[0]["sent_at"].date()), "reason_code": "quantite",
                     "status": "en litige", "amount_cents": int(da["total_ttc_cents"]),
                     "summary": "Le client refuse de payer : quantité facturée supérieure à la quantité livrée.",
                     "thread_id": "FIL-A"})
    dispute_truth.append({
        "dispute_id": "LIT-A",
        "facts": (f"Commande {da['order_id']} de {facts_a['qty_ordered']} × {la['label']} ; BL {da['delivery_id']} "
                  f"du {format_date(_py(da['delivery_date']))} signé pour {delivered} unités ; facture "
                  f"{da['invoice_id']} de {format_eur(int(da['total_ttc_cents']))} établie sur la quantité commandée."),
        "responsibility": "Entreprise : facturation avant livraison complète. Client : aucune faute.",
        "amount_at_stake_cents": int(da["total_ttc_cents"]),
        "fair_resolution": (f"Avoir de {format_eur(missing_ttc)} TTC pour les unités non livrées, puis paiement "
                            f"du solde de {format_eur(int(da['total_ttc_cents']) - missing_ttc)} ; facturer le reliquat à la livraison."),
        "credit_note_due_cents": missing_ttc,
    })

    # --- Dispute B: price, damage, deduction ----------------------------------------------
    db = inv.iloc[pay_story["dispute_b_pos"]]
    lb = lines[lines["invoice_id"] == db["invoice_id"]].sort_values("line_no")
    cid_b = db["customer_id"]
    contract_b = contracts.set_index("customer_id").loc[cid_b]
    disc = float(contract_b["price_discount_pct"])
    first = lb.iloc[0]
    contract_unit = int(round(int(first["unit_price_cents"]) * (100 - disc) / 100))
    gap_ht = (int(first["unit_price_cents"]) - contract_unit) * int(first["quantity"])
    gap_ttc = gap_ht + int(round(gap_ht * first["vat_rate"] / 100))
    damaged = lb.iloc[1]
    deduction = int(pay_story["dispute_b_deduction"])
    ttc_b = int(db["total_ttc_cents"])
    paid_b = ttc_b - deduction
    cid_contract = contract_b["contract_id"] if "contract_id" in contract_b else ""
    start_b = _workday_at(_d(pay_story["dispute_b_paid_on"]) + 1, 10, 5)
    facts_b = {
        "company": company_row["name"], "customer": cname[cid_b], "ap_clerk": people.theirs(cid_b, 0),
        "buyer": people.theirs(cid_b, 1), "quality_manager": people.theirs(cid_b, 2),
        "sales_rep": people.rep_of(cid_b), "collector": people.ours("collector"),
        "invoice_id": db["invoice_id"], "invoice_date": _py(db["invoice_date"]), "due_date": _py(db["due_date"]),
        "contract_id": cid_contract, "contract_discount_pct": disc,
        "billed_unit_price_cents": int(first["unit_price_cents"]), "contract_unit_price_cents": contract_unit,
        "discounted_product_label": first["label"], "discount_gap_ttc_cents": gap_ttc,
        "damaged_product_label": damaged["label"], "damaged_qty": int(min(int(damaged["quantity"]), rng.integers(1, 6))),
        "delivery_id": db["delivery_id"], "delivery_date": _py(db["delivery_date"]),
        "invoice_ttc_cents": ttc_b, "paid_cents": paid_b, "deduction_cents": deduction,
        "deduction_pct": round(100 * deduction / int(db["total_ht_cents"]), 1),
        "payment_date": _py(pay_story["dispute_b_paid_on"]), "start": start_b, "until": as_of,
        "deduction_base": "HT",
    }
    msgs = texts.dispute_price_thread(facts_b, rng)
    add_thread("FIL-B", cid_b, msgs, category="litige_prix",
               real_issue=(f"Paiement de {format_eur(paid_b)} au lieu de {format_eur(ttc_b)} : déduction d'office de "
                           f"{format_eur(deduction)} (« pénalité logistique ») ; remise contractuelle de {disc:g} % "
                           f"non appliquée ; avarie alléguée sans réserve sur le BL."),
               blockers="Le client retient la déduction ; l'entreprise n'a pas encore émis l'avoir de remise.",
               promised_date=pd.NaT, promised_amount_cents=0,
               decision=(f"Émettre un avoir de {format_eur(gap_ttc)} pour la remise, demander les preuves de l'avarie, "
                         f"refuser par écrit la pénalité, non prévue au contrat et non compensable "
                         f"(article 1347-1 du Code civil)."),
               next_action=f"Écrire à {facts_b['ap_clerk']['name']} et {facts_b['buyer']['name']} avec l'avoir et le refus motivé.")
    disputes.append({"dispute_id": "LIT-B", "customer_id": cid_b, "invoice_id": db["invoice_id"],
                     "opened_on": pd.Timestamp(msgs[0]["sent_at"].date()), "reason_code": "penalite_deduite",
                     "status": "en litige", "amount_cents": deduction,
                     "summary": "Paiement amputé d'une pénalité logistique ; remise contestée ; avarie alléguée.",
                     "thread_id": "FIL-B"})
    dispute_truth.append({
        "dispute_id": "LIT-B",
        "facts": (f"Contrat {cid_contract} : remise de {disc:g} % ; facture {db['invoice_id']} au prix catalogue sur "
                  f"« {first['label']} » ; BL {db['delivery_id']} signé sans réserve ; déduction de "
                  f"{format_eur(deduction)} non prévue au contrat."),
        "responsibility": ("Entreprise : remise oubliée. Client : déduction d'office interdite et supérieure au "
                           "plafond de 2 % ; avarie non prouvée."),
        "amount_at_stake_cents": deduction,
        "fair_resolution": (f"Avoir de {format_eur(gap_ttc)} pour la remise ; demande de preuves de l'avarie ; refus "
                            f"écrit de la pénalité ; reste dû {format_eur(deduction - gap_ttc)}."),
        "credit_note_due_cents": gap_ttc,
    })
    # Deliveries: dispute B's delivery note bears no reservation; a few others do.
    deliveries = sales["deliveries"].copy()
    some = rng.random(len(deliveries)) < 0.02
    some &= deliveries["delivery_id"].to_numpy() != db["delivery_id"]
    deliveries.loc[some, "reservation"] = "colis abîmé, contenu non vérifié"

    # --- Short threads ---------------------------------------------------------------------
    collector = people.ours("collector")
    open_by_customer = open_items(pay_tables["ar_ledger"], inv, sales["credit_notes"], as_of)

    def overdue_of(cid, n=1):
        rows = open_by_customer[(open_by_customer["customer_id"] == cid) &
                                (open_by_customer["due_date"] < pd.Timestamp(as_of))]
        return rows.sort_values("due_date").head(n)

    used = set(roles.values())
    ordinary = [c for c in open_by_customer.loc[open_by_customer["due_date"] < pd.Timestamp(as_of),
                                                "customer_id"].unique() if c not in used]
    ordinary = list(rng.permutation(ordinary))

    def next_ordinary():
        return ordinary.pop() if ordinary else roles["chronic_late_payer"]

    # Tuesday responder: a promise made by e-mail on a Tuesday morning.
    cid = roles["tuesday_email_responder"]
    items = overdue_of(cid, 2)
    if len(items):
        amount = int(items["open_cents"].sum())
        promised = _py(np.busday_offset(a + 10, 0, roll="forward", weekmask="Fri"))
        f = {"company": company_row["name"], "customer": cname[cid], "contact": people.theirs(cid, 0),
             "collector": collector, "invoice_ids": list(items["invoice_id"]), "amount_cents": amount,
             "promised_date": promised, "start": _workday_at(a - 20, 15, 30), "until": as_of}
        add_thread("FIL-C", cid, texts.tuesday_reply_thread(f, rng), category="promesse",
                   real_issue=f"Factures {', '.join(items['invoice_id'])} en retard ; le client ne lit que ses e-mails, le mardi.",
                   blockers="Aucun blocage : délai de traitement interne du client.",
                   promised_date=pd.Timestamp(promised), promised_amount_cents=amount,
                   decision=f"Enregistrer la promesse de {format_eur(amount)} pour le {format_date(promised)}.",
                   next_action="Relancer par e-mail le mardi matin si le paiement n'est pas arrivé.")
    # Already paid: "we paid on the …" — and the transfer sits unapplied in the bank.
    cid = roles["already_paid_customer"]
    ap = inv.iloc[pay_story["already_paid_pos"]]
    bank = pay_story["bank"]
    ap_tx = bank[(bank["customer_id"] == cid) & (bank["kind"] == "reglement_client") &
                 (bank["date"] == pay_story["already_paid_on"])]
    payer_label = ap_tx["payer"].iloc[0] if len(ap_tx) else cname[cid]
    amount = int(ap_tx["amount"].iloc[0]) if len(ap_tx) else int(ap["total_ttc_cents"])
    f = {"company": company_row["name"], "customer": cname[cid], "contact": people.theirs(cid, 0),
         "collector": collector, "invoice_ids": [ap["invoice_id"]], "amount_cents": amount,
         "paid_on": _py(pay_story["already_paid_on"]), "payer_label": payer_label,
         "start": _workday_at(a - 4, 11, 0), "until": as_of}
    add_thread("FIL-D", cid, texts.already_paid_thread(f, rng), category="deja_paye",
               real_issue=(f"Le client a payé {format_eur(amount)} le {format_date(f['paid_on'])} "
                           f"(libellé bancaire « {payer_label} ») ; le virement n'a pas été affecté."),
               blockers="Chez l'entreprise : virement non identifié, resté en attente d'affectation.",
               promised_date=pd.NaT, promised_amount_cents=0,
               decision="Ne pas relancer ; affecter le virement à la facture et suspendre la relance.",
               next_action=f"Rapprocher le virement du {format_date(f['paid_on'])} et confirmer au client.")
    # Plan negotiator: asks to split what is open.
    cid = roles["plan_negotiator"]
    items = open_by_customer[open_by_customer["customer_id"] == cid]
    total = int(items["open_cents"].sum())
    if total > 0:
        dates = [_py(np.busday_offset(a + 15 + 30 * k, 0, roll="forward")) for k in range(3)]
        parts = [total // 3, total // 3, total - 2 * (total // 3)]
        f = {"company": company_row["name"], "customer": cname[cid], "contact": people.theirs(cid, 0),
             "collector": collector, "total_cents": total, "schedule": list(zip(dates, parts)),
             "accepted": True, "start": _workday_at(a - 8, 14, 0), "until": as_of}
        add_thread("FIL-E", cid, texts.payment_plan_thread(f, rng), category="plan_paiement",
                   real_issue=f"Le client demande d'étaler {format_eur(total)} en trois échéances.",
                   blockers="Trésorerie du client tendue.",
                   promised_date=pd.Timestamp(dates[0]), promised_amount_cents=parts[0],
                   decision="Accepter l'échéancier par écrit, avec déchéance du terme en cas d'impayé.",
                   next_action=f"Confirmer l'échéancier et suivre la première échéance du {format_date(dates[0])}.")
    # Ordinary customers: invoice not received, contact change, out of office, delivery note request.
    cid = next_ordinary()
    it = overdue_of(cid)
    if len(it):
        r = it.iloc[0]
        f = {"company": company_row["name"], "customer": cname[cid], "contact": people.theirs(cid, 0),
             "collector": collector, "invoice_id": r["invoice_id"], "invoice_date": _py(r["invoice_date"]),
             "amount_cents": int(r["open_cents"]), "start": _workday_at(a - 9, 10, 0), "until": as_of}
        add_thread("FIL-F", cid, texts.invoice_not_received_thread(f, rng), category="facture_non_recue",
                   real_issue=f"Le client dit ne pas avoir reçu la facture {r['invoice_id']}.",
                   blockers="La facture n'est pas dans le circuit de validation du client.",
                   promised_date=pd.NaT, promised_amount_cents=0,
                   decision="Renvoyer la facture à la bonne adresse et vérifier l'adresse de facturation.",
                   next_action="Envoyer le duplicata et relancer dans une semaine.")
    cid = next_ordinary()
    f = {"company": company_row["name"], "customer": cname[cid], "old_contact": people.theirs(cid, 0),
         "new_contact": people.theirs(cid, 1), "collector": collector,
         "effective_date": _py(np.busday_offset(a - 20, 0, roll="forward")), "start": _workday_at(a - 22, 9, 30), "until": as_of}
    add_thread("FIL-G", cid, texts.contact_change_thread(f, rng), category="changement_contact",
               real_issue=f"Nouvel interlocuteur comptable : {f['new_contact']['name']}.",
               blockers="Aucun.", promised_date=pd.NaT, promised_amount_cents=0,
               decision="Mettre à jour la fiche contact avant la prochaine relance.",
               next_action=f"Adresser les relances à {f['new_contact']['name']}.")
    cid = next_ordinary()
    f = {"company": company_row["name"], "customer": cname[cid], "contact": people.theirs(cid, 0),
         "backup_contact": people.theirs(cid, 1), "collector": collector,
         "return_date": _py(np.busday_offset(a + 6, 0, roll="forward")), "start": _workday_at(a - 5, 8, 45), "until": as_of}
    add_thread("FIL-H", cid, texts.out_of_office_thread(f, rng), category="absence",
               real_issue=f"Interlocuteur absent jusqu'au {format_date(f['return_date'])}.",
               blockers="Absence de l'interlocuteur habituel.", promised_date=pd.NaT, promised_amount_cents=0,
               decision=f"Contacter le suppléant {f['backup_contact']['name']}.",
               next_action=f"Relancer {f['backup_contact']['name']} ou attendre le {format_date(f['return_date'])}.")
    cid = next_ordinary()
    it = overdue_of(cid)
    if len(it):
        r = it.iloc[0]
        f = {"company": company_row["name"], "customer": cname[cid], "contact": people.theirs(cid, 0),
             "collector": collector, "invoice_id": r["invoice_id"], "delivery_id": r["delivery_id"],
             "start": _workday_at(a - 7, 16, 10), "until": as_of}
        add_thread("FIL-I", cid, texts.delivery_note_request_thread(f, rng), category="demande_bl",
                   real_issue=f"Le client attend la copie du BL {r['delivery_id']} pour payer {r['invoice_id']}.",
                   blockers="Preuve de livraison manquante chez le client.", promised_date=pd.NaT,
                   promised_amount_cents=0, decision="Envoyer la copie du BL signé.",
                   next_action="Envoyer le BL aujourd'hui et relancer sous 5 jours.")

    emails = pd.DataFrame(threads)
    thread_truth = pd.DataFrame(thread_truth)
    thread_truth["promised_date"] = pd.to_datetime(thread_truth["promised_date"])

    # Closed historical disputes (for the dispute rate and prevention): credit notes for errors.
    cn = sales["credit_notes"]
    closed = cn[cn["reason"].isin(["erreur de prix", "article défectueux"])]
    for k, r in enumerate(closed.itertuples(index=False)):
        disputes.append({"dispute_id": f"LIT-{k + 1:04d}", "customer_id": r.customer_id,
                         "invoice_id": r.invoice_id, "opened_on": pd.Timestamp(r.credit_date) - pd.Timedelta(days=6),
                         "reason_code": "prix" if r.reason == "erreur de prix" else "qualite",
                         "status": "avoir émis", "amount_cents": int(r.total_ttc_cents),
                         "summary": f"Réclamation close par l'avoir {r.credit_note_id}.", "thread_id": ""})
    disputes = pd.DataFrame(disputes)

    scores, signals = _scores_and_signals(customers, truth, roles, as_of, rng, fake)
    documents = {}
    company_dict = company_row.to_dict()
    cust_rows = customers.set_index("customer_id")
    for c in contracts.itertuples(index=False):
        documents[c.document] = texts.contract_document(c._asdict(), {"customer_id": c.customer_id,
                                                                      **cust_rows.loc[c.customer_id].to_dict()},
                                                        company_dict)
    contract_truth = _contract_truth(contracts)
    scenario = {"roles": dict(roles), "open_disputes": ["LIT-A", "LIT-B"], "staff": staff}
    tables = {"disputes": disputes, "emails": emails, "external_signals": signals,
              "credit_scores": scores, "deliveries": deliveries}
    truth_tables = {"thread_truth": thread_truth, "dispute_truth": pd.DataFrame(dispute_truth),
                    "contract_truth": contract_truth}
    return tables, truth_tables, documents, scenario


def _scores_and_signals(customers, truth, roles, as_of, rng, fake):
    months = pd.date_range(end=pd.Timestamp(as_of), periods=16, freq="MS")
    profiles = truth.set_index("customer_id").reindex(customers["customer_id"])["profile"].to_numpy()
    base = np.array([_SCORE_BY_PROFILE.get(p, 13) for p in profiles], dtype=float)
    walk = np.cumsum(rng.normal(0, 0.5, (len(customers), len(months))), axis=1)
    scores = np.clip(np.rint(base[:, None] + walk), 2, 20)
    idx = {c: i for i, c in enumerate(customers["customer_id"])}
    dr, ins = idx[roles["drifting_customer"]], idx[roles["insolvent_customer"]]
    scores[dr, -3:] = [11, 9, 7]
    scores[ins, :] = np.clip(scores[ins, :], 8, 14)
    scores[ins, -4:] = [8, 6, 4, 2]
    table = pd.DataFrame({"customer_id": np.repeat(customers["customer_id"].to_numpy(), len(months)),
                          "month": np.tile(months.to_numpy(), len(customers)),
                          "score": scores.astype(int).ravel()})
    customers["credit_score"] = scores[:, -1].astype(int)

    a = _d(as_of)
    cname = customers.set_index("customer_id")
    signals = []
    drc = roles["drifting_customer"]
    press_day = _py(np.busday_offset(a - int(rng.integers(18, 30)), 0, roll="forward"))
    main_client = fake.company()
    title, text = texts.press_rumour({"customer": cname.loc[drc, "name"], "main_client": main_client,
                                      "city": cname.loc[drc, "city"], "published_on": press_day}, rng)
    signals.append((drc, press_day, "presse", title, text))
    score_day = _py(np.busday_offset(a - int(rng.integers(8, 14)), 0, roll="forward"))
    title, text = texts.score_drop({"customer": cname.loc[drc, "name"], "old_score": int(scores[dr, -4]),
                                    "new_score": int(scores[dr, -1]), "date": score_day,
                                    "siren": cname.loc[drc, "siren"],
                                    "reasons": ["allongement des délais de paiement constaté chez ses fournisseurs",
                                                f"fragilité de son principal client, {main_client}",
                                                "baisse de la rentabilité au dernier exercice publié"]})
    signals.append((drc, score_day, "agence de notation", title, text))
    insc = roles["insolvent_customer"]
    publication = _py(np.busday_offset(a - 5, 0, roll="backward"))
    judgment = _py(np.busday_offset(a - 12, 0, roll="backward"))
    title, text = texts.bodacc_notice({
        "customer": cname.loc[insc, "name"], "siren": cname.loc[insc, "siren"],
        "address": f"{cname.loc[insc, 'address']}, {cname.loc[insc, 'postal_code']} {cname.loc[insc, 'city']}",
        "court": f"Tribunal des activités économiques de {cname.loc[insc, 'city']}",
        "judgment_date": judgment, "publication_date": publication,
        "mandataire": f"Maître {fake.name()}", "administrator": f"Maître {fake.name()}"})
    signals.append((insc, publication, "BODACC", title, text))
    signals = pd.DataFrame(signals, columns=["customer_id", "published_on", "source", "title", "text"])
    signals["published_on"] = pd.to_datetime(signals["published_on"])
    signals.insert(0, "signal_id", [f"SIG-{k + 1:03d}" for k in range(len(signals))])
    return table, signals


def _contract_truth(contracts):
    """Notable clauses: the planted unlawful ones with the rule they break, the lawful ones as such."""
    rows = []
    for c in contracts.itertuples(index=False):
        if c.payment_terms == "90J":
            rows.append((c.contract_id, "delai_illegal", False, "Code de commerce, art. L441-10 I",
                         "Délai de 90 jours : au-delà du plafond de 60 jours date de facture ; clause réputée "
                         "non écrite, amende administrative (L441-16)."))
        if not c.penalty_clause:
            rows.append((c.contract_id, "sans_clause_penalites", False, "Code de commerce, art. L441-10 II et D441-5",
                         "Aucune clause de pénalités de retard ni d'indemnité forfaitaire de 40 € : les "
                         "conditions de règlement doivent les prévoir ; à défaut, les pénalités au taux BCE "
                         "majoré de 10 points et l'indemnité de 40 € s'appliquent de plein droit."))
        if c.early_payment_discount_pct > 0:
            rows.append((c.contract_id, "escompte", True, "Code de commerce, art. L441-9 I",
                         f"Clause licite : escompte de {c.early_payment_discount_pct:g} % pour paiement reçu "
                         f"sous {c.early_payment_days} jours."))
        if c.retention_of_title:
            rows.append((c.contract_id, "reserve_propriete", True, "Code civil, art. 2367 ; Code de commerce, art. L624-16",
                         "Clause licite : réserve de propriété, qui permet de revendiquer les marchandises en "
                         "cas de procédure collective."))
    return pd.DataFrame(rows, columns=["contract_id", "issue", "lawful", "rule", "detail"])
