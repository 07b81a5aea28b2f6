"""The two open disputes of the story, rendered as French e-mail threads with a call note.

The facts are decided by the generator; these functions only write them. Both threads end with
the matter still open: the reader must establish the facts and the fair outcome.

Optional ``until`` (date or datetime, e.g. the case date): no message is sent at or after it.
Trailing optional messages are dropped; when a message carrying required facts (dispute A: up
to the call note; dispute B: up to the sales rep's check of the contract) cannot fit,
:class:`~o2c_lab.errors.InvalidParameterError` asks for an earlier ``start``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ._common import (FIRM, Thread, add_workdays, at, chance, clock_start, days_later, first_name,
                     format_date, format_eur, hhmm, later, opt, pct, pick, qty, reply_subject,
                     require, plural, units, units_of)

__all__ = ["dispute_quantity_thread", "dispute_price_thread"]

_A_KEYS = ("company", "customer", "ap_clerk", "buyer", "sales_rep", "collector", "warehouse",
           "invoice_id", "invoice_date", "due_date", "order_id", "customer_po", "delivery_id",
           "delivery_date", "product_label", "qty_ordered", "qty_delivered", "unit_price_cents",
           "invoice_ttc_cents", "missing_ttc_cents", "start")

_B_KEYS = ("company", "customer", "ap_clerk", "buyer", "quality_manager", "sales_rep", "collector",
           "invoice_id", "invoice_date", "due_date", "contract_id", "contract_discount_pct",
           "billed_unit_price_cents", "contract_unit_price_cents", "discounted_product_label",
           "discount_gap_ttc_cents", "damaged_product_label", "damaged_qty", "delivery_id",
           "delivery_date", "invoice_ttc_cents", "paid_cents", "deduction_cents", "deduction_pct",
           "payment_date", "start")


def _call_note(thread: Thread, sent_at: dt.datetime, collector: dict, interlocutor: dict,
               subject: str, points: list[str], follow_up: str) -> None:
    """A phone-call note written by our collector after the call (kind ``note_appel``)."""
    rng = thread.rng
    minutes = int(rng.integers(6, 19))
    call_start = sent_at - dt.timedelta(minutes=minutes + int(rng.integers(3, 15)))
    header = (f"Appel sortant le {format_date(call_start)} à {hhmm(call_start)} "
              f"(durée : {minutes} min).\n"
              f"Interlocuteur : {interlocutor['name']}, {interlocutor['role']}, "
              f"{interlocutor['company']}.")
    body = "\n".join(f"- {p}" for p in points)
    thread.add(sent_at, collector, [], [], subject,
               [header, "Points abordés :\n" + body, "Suite : " + follow_up,
                f"Note rédigée par {collector['name']}."],
               greeting="", signed=False, kind="note_appel")


def _forwarded(sender: dict, to: dict, sent_at: dt.datetime, subject: str, body: str) -> str:
    return (f"---------- Message transféré ----------\nDe : {sender['name']} <{sender['email']}>\n"
            f"Date : {format_date(sent_at)} à {hhmm(sent_at)}\nÀ : {to['name']} <{to['email']}>\n"
            f"Objet : {subject}\n\n{body}")


def dispute_quantity_thread(f: dict, rng: np.random.Generator) -> list[dict]:
    """Dispute A: the invoice bills the full order, the signed delivery note shows less.

    Required keys: ``company`` and ``customer`` (names); Persons ``ap_clerk`` and ``buyer``
    (customer side), ``sales_rep``, ``collector`` and ``warehouse`` (our side); ``invoice_id``,
    ``invoice_date``, ``due_date``, ``order_id`` (ours), ``customer_po`` (theirs),
    ``delivery_id``, ``delivery_date``, ``product_label``, ``qty_ordered``, ``qty_delivered``,
    ``unit_price_cents`` (HT), ``invoice_ttc_cents``, ``missing_ttc_cents`` (TTC value of the
    units not delivered) and ``start`` (datetime of our first reminder). Optional:
    ``buyer_note_date`` (date of the buyer's early e-mail to the sales rep about the back-order;
    default: the delivery date or the next working day), ``backorder_date`` (date the remainder
    is expected; default: no firm date yet).

    Returns 7 to 10 messages over about three weeks (last one 12 to 17 working days after the
    first), including one call note; the thread ends with the invoice still blocked and no
    corrective document issued.
    """
    require(f, _A_KEYS, "le litige sur les quantités")
    ap, buyer, rep = f["ap_clerk"], f["buyer"], f["sales_rep"]
    collector, warehouse = f["collector"], f["warehouse"]
    inv, bl, po, order = f["invoice_id"], f["delivery_id"], f["customer_po"], f["order_id"]
    q_ord, q_del = int(f["qty_ordered"]), int(f["qty_delivered"])
    missing = q_ord - q_del
    product = f["product_label"]
    ttc, missing_ttc = format_eur(f["invoice_ttc_cents"]), format_eur(f["missing_ttc_cents"])
    unit = format_eur(f["unit_price_cents"])
    d_inv, d_due, d_bl = (format_date(f[k]) for k in ("invoice_date", "due_date", "delivery_date"))
    note_day = opt(f, "buyer_note_date") or add_workdays(f["delivery_date"], int(rng.integers(0, 2)))
    t = Thread(rng)

    # 1. Our reminder.
    subject = pick(rng, [f"Relance – facture {inv} échue", f"Facture {inv} – échéance du {d_due} dépassée",
                         f"{f['company']} – rappel de règlement, facture {inv}"])
    start = clock_start(f["start"], rng)
    t.add(start, collector, [ap], [], subject, [
        pick(rng, [
            f"Sauf erreur de notre part, la facture {inv} du {d_inv}, d'un montant de {ttc} TTC, "
            f"arrivée à échéance le {d_due}, reste impayée à ce jour.",
            f"Nous n'avons pas encore reçu le règlement de la facture {inv} émise le {d_inv} "
            f"pour un montant de {ttc} TTC, échue depuis le {d_due}.",
        ]),
        pick(rng, [
            "Pourriez-vous nous indiquer la date à laquelle son règlement est prévu ?",
            "Je vous remercie de bien vouloir procéder à son règlement ou, le cas échéant, de nous "
            "signaler ce qui en bloquerait le paiement.",
            "Si le virement est déjà parti, merci de ne pas tenir compte de ce message et de nous "
            "en communiquer la date.",
        ]),
    ])

    # 2. The AP clerk refuses to pay.
    subject = reply_subject(subject)
    t.add(days_later(t.last, rng, 1, 2), ap, [collector], [buyer], subject, [
        pick(rng, [
            f"Nous avons bien reçu votre relance. La facture {inv} n'est pas en retard par oubli : "
            "elle ne correspond pas à ce que nous avons réceptionné.",
            f"Je reviens vers vous au sujet de la facture {inv} : nous ne pouvons pas la mettre en "
            "paiement en l'état.",
            f"Suite à votre relance : la facture {inv} est bloquée dans notre circuit de validation "
            "pour un écart de quantité.",
        ]),
        pick(rng, [
            f"Elle porte sur {qty(q_ord)} × {product} à {unit} HT, soit la totalité de notre "
            f"commande {po} (votre référence {order}). Or le bon de livraison {bl} du {d_bl} ne "
            f"mentionne que {units(q_del)} livrée{plural(q_del)}. Il nous manque donc "
            f"{units(missing)} : cela représente {missing_ttc} TTC facturés sans livraison.",
            f"Votre facture reprend, à {unit} HT l'unité, les {qty(q_ord)} unités commandées de "
            f"l'article « {product} » (notre commande {po}, "
            f"votre référence {order}), alors que nous n'avons reçu que {units(q_del)} "
            f"avec le bon de livraison {bl} du {d_bl}. L'écart est de {units(missing)}, "
            f"soit {missing_ttc} TTC.",
        ]),
        pick(rng, [
            "Conformément à notre procédure, nous ne réglons que les quantités réceptionnées. "
            "Merci de nous adresser un document rectificatif ; la facture sera mise en paiement "
            "dès sa réception.",
            "Nous ne réglerons pas cette facture tant qu'elle n'aura pas été régularisée.",
            "Le rapprochement entre commande, réception et facture est en écart : la facture "
            "restera bloquée tant que cet écart ne sera pas levé.",
        ]),
        f"Je mets en copie {buyer['name']} ({buyer['role']}), qui suit cette commande.",
    ], closing=FIRM, quote_p=0.4)

    # Optional: our holding reply.
    if chance(rng, 0.5):
        t.add(later(t.last, rng, 30, 200), collector, [ap], [buyer], subject, [
            pick(rng, [
                "Merci pour votre retour rapide. Je vérifie ce point avec notre service logistique "
                "et notre commercial, et je reviens vers vous.",
                "Bien noté. Je fais les vérifications en interne et je reviens vers vous dès que "
                "possible.",
            ]),
        ], closing="Cordialement,")

    # 3. The buyer recalls his early e-mail to our sales rep.
    note_sent = at(note_day, rng, (9, 0), (17, 30))
    early_subject = f"Commande {po} – livraison incomplète"
    early_body = "\n\n".join([
        f"Bonjour {first_name(rep)},",
        f"Nous avons réceptionné le {d_bl} notre commande {po} (votre référence {order}) : "
        f"{units_of(q_del, product)} sur les {qty(q_ord)} commandées. Le transporteur n'a rien pu nous "
        "dire sur le reste.",
        f"Pouvez-vous me confirmer la date d'expédition du reliquat de {units(missing)} ? "
        "Nous en avons besoin pour notre production.",
        "Cordialement,",
        t.voices.signature(buyer),
    ])
    t.add(days_later(t.last, rng, 0, 1), buyer, [collector], [ap, rep], subject, [
        pick(rng, [f"Je confirme ce qu'écrit {first_name(ap)}.",
                   f"Pour compléter la réponse de {first_name(ap)} :"]),
        pick(rng, [
            f"J'avais signalé la livraison partielle à {rep['name']} dès le {format_date(note_day)}, "
            "sans réponse à ce jour. Je vous transfère mon message ci-dessous.",
            f"Ce point n'est pas nouveau : j'ai écrit à {rep['name']} le {format_date(note_day)} "
            "pour signaler que la livraison était incomplète et demander une date pour le reliquat. "
            "Je n'ai jamais eu de retour (message ci-dessous).",
        ]),
        pick(rng, [
            "Nous avons plusieurs commandes en préparation pour les prochains mois, et je souhaite "
            "que ce dossier soit réglé rapidement.",
            "Nous travaillons volontiers avec vous et nos volumes augmentent, mais nous avons besoin "
            "d'une facturation conforme aux livraisons.",
        ]),
    ], closing=FIRM)
    buyer_message = t.messages[-1]
    buyer_message["body"] += "\n\n" + _forwarded(buyer, rep, note_sent, early_subject, early_body)

    # 4. Internal: our collector asks the sales rep and the warehouse.
    internal_subject = reply_subject(subject, "TR: ")
    t.add(days_later(t.last, rng, 0, 1), collector, [rep], [warehouse], internal_subject, [
        pick(rng, [
            f"Pouvez-vous regarder ce dossier ? {f['customer']} bloque la facture {inv} ({ttc} TTC) : "
            f"ils disent n'avoir reçu que {units(q_del)} sur {qty(q_ord)}.",
            f"{f['customer']} refuse de payer la facture {inv} ({ttc} TTC) : d'après eux, "
            f"{units(q_del)} seulement sur {qty(q_ord)} ont été livrées.",
        ]),
        f"{first_name(rep)}, {buyer['name']} dit vous avoir écrit le {format_date(note_day)} à ce sujet "
        "(message transféré plus bas) : l'aviez-vous reçu ?",
        f"{first_name(warehouse)}, pouvez-vous me confirmer les quantités portées sur le bon de "
        f"livraison {bl} "
        f"du {d_bl} et m'en envoyer la copie signée ?",
    ], internal=True, greeting=pick(rng, ["Bonjour à tous les deux,", "Bonjour,"]))
    t.messages[-1]["body"] += "\n\n" + _forwarded(buyer, collector, buyer_message["sent_at"],
                                                   subject, buyer_message["body"])

    # Optional: the sales rep admits the missed e-mail.
    if chance(rng, 0.75):
        t.add(days_later(t.last, rng, 2, 3), rep, [collector], [warehouse], reply_subject(internal_subject), [
            pick(rng, ["Désolé pour le délai, j'étais en tournée clients toute la semaine.",
                       "Je rentre d'un salon professionnel et je découvre votre message."]),
            pick(rng, [
                f"J'ai bien retrouvé le message de {buyer['name']} du {format_date(note_day)}. "
                "Je pensais que l'administration des ventes lui avait répondu et que le reliquat "
                "partirait rapidement.",
                f"Effectivement, {first_name(buyer)} m'avait écrit le {format_date(note_day)}. Je l'ai "
                "transmis à l'administration des ventes, mais je n'ai pas vérifié la suite.",
            ]),
            pick(rng, [
                "La commande a été facturée en totalité dès la première expédition, alors que le "
                "reste était en rupture.",
                "D'après l'ERP, la facture a été émise sur la quantité commandée et non sur la "
                "quantité expédiée.",
            ]),
            pick(rng, [
                "C'est un client qui se développe bien chez nous : il faut traiter ce dossier proprement.",
                "Attention, c'est un compte en forte croissance ; je préfère qu'on ne le relance plus "
                "tant que ce point n'est pas traité.",
            ]),
        ], internal=True)

    # 5. The warehouse confirms the signed delivery note.
    if opt(f, "backorder_date"):
        remainder = (f"Le reliquat ({units(missing)}) est commandé chez notre fournisseur ; "
                     f"sa livraison est prévue le {format_date(f['backorder_date'])}.")
    else:
        remainder = (f"Le reliquat ({units(missing)}) est toujours en attente de "
                     "réapprovisionnement ; je n'ai pas de date ferme à ce jour.")
    t.add(days_later(t.last, rng, 0, 2), warehouse, [collector], [rep], reply_subject(internal_subject), [
        pick(rng, [
            f"Je confirme : le bon de livraison {bl} du {d_bl}, signé par le client à la réception, porte "
            f"{units_of(q_del, product)} livrée{plural(q_del)} pour {qty(q_ord)} commandées.",
            f"Voici les éléments : bon de livraison {bl}, livré le {d_bl}, quantité commandée {qty(q_ord)}, "
            f"quantité livrée {qty(q_del)} (article « {product} »). Le bon est signé par le réceptionnaire "
            "du client.",
        ]),
        remainder,
        "La copie numérisée du BL signé est en pièce jointe.",
    ], internal=True)

    # 6. Call note.
    call_at = days_later(t.last, rng, 1, 2, (9, 30), (17, 30))
    _call_note(t, call_at, collector, ap, f"Note d'appel – {f['customer']} – facture {inv}", [
        f"{ap['name']} confirme que la facture {inv} ({ttc} TTC) est bloquée pour écart de "
        f"quantité : {units(q_del)} réceptionnée{plural(q_del)} avec le bon de livraison {bl}, "
        f"{qty(q_ord)} facturées.",
        "Le BL signé que nous a transmis l'entrepôt confirme ces quantités ; je le lui ai dit.",
        pick(rng, [
            "Le client réglera la partie livrée dès réception d'un document corrigé.",
            "Leur système ne permet de payer qu'une facture validée en totalité : aucun paiement "
            "partiel en l'état.",
        ]),
        f"Demande une réponse écrite, avec copie à {buyer['name']}.",
    ], pick(rng, ["faire le point avec le commercial et la facturation ; réponse écrite promise au client.",
                  "voir avec l'administration des ventes comment régulariser ; rappeler le client "
                  "ensuite."]))

    t.mark_essential()

    # 7. The AP clerk follows up: still nothing received, about three weeks after the start.
    follow_day = max(add_workdays(t.last.date(), 2),
                     add_workdays(start.date(), int(rng.integers(12, 15))))
    t.add(at(follow_day, rng), ap, [collector], [buyer], subject, [
        pick(rng, [
            f"Suite à notre échange téléphonique, je reviens vers vous : nous n'avons toujours rien "
            f"reçu. La facture {inv} reste bloquée de notre côté.",
            f"Sauf erreur, nous n'avons reçu aucun document concernant la facture {inv} depuis notre "
            "appel. Elle reste donc en suspens.",
        ]),
        pick(rng, ["Merci de nous tenir informés.",
                   "Pouvez-vous nous dire quand nous pouvons espérer une régularisation ?"]),
    ], closing=FIRM, quote_p=0.3)

    # Optional: the buyer links the next orders to the matter.
    if chance(rng, 0.5):
        t.add(days_later(t.last, rng, 1, 3), buyer, [rep], [collector, ap], subject, [
            pick(rng, [
                f"Où en est le reliquat ({units_of(missing, product)}) ? Nous avons une nouvelle "
                "commande à passer, mais je voudrais que le point sur la facture soit clarifié avant.",
                "Je prépare nos besoins du prochain trimestre. Avant d'aller plus loin, j'aimerais "
                f"que la facture {inv} et la livraison du reliquat soient réglées.",
            ]),
        ], greeting=f"Bonjour {first_name(rep)},", closing=FIRM)
    return t.finish(opt(f, "until"), "le litige sur les quantités")


def dispute_price_thread(f: dict, rng: np.random.Generator) -> list[dict]:
    """Dispute B: damage claimed, contract discount forgotten, « pénalité logistique » deducted.

    Required keys: ``company``, ``customer``; Persons ``ap_clerk``, ``buyer``,
    ``quality_manager`` (customer side), ``sales_rep``, ``collector`` (ours); ``invoice_id``,
    ``invoice_date``, ``due_date``, ``contract_id``, ``contract_discount_pct`` (e.g. ``8.0``),
    ``billed_unit_price_cents`` and ``contract_unit_price_cents`` (HT),
    ``discounted_product_label``, ``discount_gap_ttc_cents``, ``damaged_product_label``,
    ``damaged_qty``, ``delivery_id``, ``delivery_date``, ``invoice_ttc_cents``, ``paid_cents``,
    ``deduction_cents``, ``deduction_pct``, ``payment_date`` and ``start`` (datetime of our first
    message, after the payment). Optional: ``penalty_reference`` (the customer's
    own purchasing terms the clerk cites; default « nos conditions générales d'achat »),
    ``deduction_base`` (« HT » or « TTC »: what ``deduction_pct`` is a percentage of).

    Returns 5 to 8 messages over at most 12 working days: they show that the contract grants
    the discount, that the delivery note bears no reservation and that no penalty clause
    exists; nothing is resolved yet.
    """
    require(f, _B_KEYS, "le litige sur le prix et la déduction")
    ap, buyer, qm = f["ap_clerk"], f["buyer"], f["quality_manager"]
    rep, collector = f["sales_rep"], f["collector"]
    inv, bl, contract = f["invoice_id"], f["delivery_id"], f["contract_id"]
    ttc, paid, deduction = (format_eur(f[k]) for k in ("invoice_ttc_cents", "paid_cents", "deduction_cents"))
    gap_paid = format_eur(int(f["invoice_ttc_cents"]) - int(f["paid_cents"]))
    discount, d_pct = pct(f["contract_discount_pct"]), pct(f["deduction_pct"])
    billed, agreed = format_eur(f["billed_unit_price_cents"]), format_eur(f["contract_unit_price_cents"])
    gap_ttc = format_eur(f["discount_gap_ttc_cents"])
    disc_label = f["discounted_product_label"]
    damaged, many = units_of(f["damaged_qty"], f["damaged_product_label"]), int(f["damaged_qty"]) > 1
    d_inv, d_bl, d_pay = (format_date(f[k]) for k in ("invoice_date", "delivery_date", "payment_date"))
    terms_ref = opt(f, "penalty_reference") or "nos conditions générales d'achat"
    base = {"HT": "du montant hors taxes de la facture", "TTC": "du montant TTC de la facture"}.get(
        opt(f, "deduction_base"), "du montant de la facture")
    t = Thread(rng)

    # 1. Our collector asks about the short payment.
    subject = pick(rng, [f"Facture {inv} – règlement incomplet", f"Écart de règlement sur la facture {inv}",
                         f"{f['customer']} – facture {inv} partiellement réglée"])
    t.add(clock_start(f["start"], rng), collector, [ap], [], subject, [
        pick(rng, [
            f"Nous avons bien reçu le {d_pay} votre virement de {paid} au titre de la facture {inv} "
            f"du {d_inv}, d'un montant de {ttc} TTC (échéance du {format_date(f['due_date'])}).",
            f"Votre règlement du {d_pay} pour la facture {inv} ({ttc} TTC, émise le {d_inv}, "
            f"échéance du {format_date(f['due_date'])}) nous est parvenu pour {paid}.",
        ]),
        pick(rng, [
            f"Il reste un écart de {gap_paid} que nous ne savons pas expliquer. Pourriez-vous nous "
            "en préciser l'origine ?",
            f"Il manque {gap_paid} : aucun avoir ni accord de notre part ne justifie cette "
            "différence à notre connaissance. Pouvez-vous nous en donner le détail ?",
        ]),
    ])

    # 2. The AP clerk explains the deduction.
    subject = reply_subject(subject)
    t.add(days_later(t.last, rng, 1, 2), ap, [collector], [buyer], subject, [
        pick(rng, [
            f"L'écart correspond à une pénalité logistique de {deduction}, soit {d_pct} {base}, "
            f"appliquée conformément à {terms_ref} pour livraison non conforme.",
            f"Nous avons retenu {deduction} au titre des pénalités logistiques ({d_pct} {base}), "
            f"comme le prévoient {terms_ref} en cas de non-conformité de livraison.",
        ]),
        f"Le détail de la non-conformité est suivi par {buyer['name']}, {buyer['role']}, que je "
        f"mets en copie. Pour toute contestation, merci de voir directement avec {first_name(buyer)}.",
    ], closing=FIRM, quote_p=0.4)

    # 3. The buyer states both claims.
    t.add(days_later(t.last, rng, 0, 1), buyer, [collector], [ap, qm, rep], subject, [
        pick(rng, ["Je vous confirme les deux points qui nous posent problème sur cette facture.",
                   "Deux sujets sur cette facture, que nous avons déjà évoqués avec votre commercial."]),
        f"1. Avarie : sur la livraison du {d_bl} (bon de livraison {bl}), {damaged} "
        + ("sont arrivées endommagées et sont inutilisables. " if many else
           "est arrivée endommagée et est inutilisable. ")
        + f"{qm['name']}, {qm['role']}, que je mets en copie, a constaté les dégâts.",
        f"2. Prix : notre contrat {contract} prévoit une remise de {discount} sur l'article « "
        f"{disc_label} ». Or la "
        f"facture applique un prix unitaire de {billed} HT au lieu de {agreed} HT, soit {gap_ttc} TTC "
        "facturés en trop.",
        pick(rng, [
            "La pénalité logistique couvre le préjudice subi sur la livraison. Pour le prix, nous "
            "attendons votre régularisation.",
            "La pénalité retenue correspond au préjudice de la livraison ; l'erreur de prix, elle, "
            "reste à corriger de votre côté.",
        ]),
        pick(rng, ["Nous tenons à notre collaboration, mais ces écarts doivent être traités.",
                   "Nous sommes un client fidèle et attendons un traitement rapide de ces points."]),
    ], closing=FIRM)

    # Optional: the quality manager's details (the damage was found after delivery).
    if chance(rng, 0.8):
        t.add(days_later(t.last, rng, 0, 1), qm, [buyer], [collector], subject, [
            pick(rng, [
                f"Pour information, les dommages sur {damaged} ont été découverts au déballage, "
                "quelques jours après la réception.",
                f"Précision sur l'avarie : nous avons constaté les dommages sur {damaged} lors de la "
                "mise en stock, pas au moment de la livraison.",
            ]),
            pick(rng, [
                "Le réceptionnaire n'a pas porté de réserve sur le bon de livraison : les cartons "
                "semblaient intacts.",
                "Rien n'a été noté sur le bon de livraison au moment de la réception, les colis "
                "paraissaient en bon état.",
            ]),
            pick(rng, ["Nous avons pris des photos ; je prépare un rapport de non-conformité que je "
                       "vous transmettrai dès que possible.",
                       "Le rapport de non-conformité est en cours de rédaction, avec les photos."]),
        ], internal=True, greeting=f"Bonjour {first_name(buyer)},")

    # 4. Internal: the collector checks the contract and the delivery note.
    internal_subject = reply_subject(subject, "TR: ")
    t.add(days_later(t.last, rng, 0, 1), collector, [rep], [], internal_subject, [
        pick(rng, [f"Pouvez-vous vérifier le contrat {contract} ?",
                   f"J'ai besoin de votre avis sur le contrat {contract}."]),
        f"{f['customer']} réclame une remise de {discount} sur l'article « {disc_label} », qui "
        "n'aurait pas été "
        f"appliquée ({billed} HT facturé au lieu de {agreed} HT). Ils ont par ailleurs déduit "
        f"{deduction} de leur règlement au titre d'une « pénalité logistique » de {d_pct}.",
        pick(rng, [
            "Je ne trouve aucune clause de pénalité logistique dans notre contrat : pouvez-vous "
            "confirmer que rien n'a été signé en ce sens ?",
            "Avons-nous accepté leurs conditions générales d'achat ou une clause de pénalités ? "
            "Je n'en vois aucune trace dans le contrat.",
        ]),
        pick(rng, [
            f"De mon côté, j'ai ressorti le bon de livraison {bl} du {d_bl} : il est signé par leur "
            "réceptionnaire, "
            "sans aucune réserve.",
            f"J'ai vérifié le bon de livraison {bl} du {d_bl} : signé à la livraison, aucune réserve "
            "n'y figure.",
        ]),
        pick(rng, ["Il me semble que ces pénalités sont encadrées par la loi ; je vérifie de mon côté.",
                   ""]),
    ], internal=True, quote_p=0.5)

    # 5. The sales rep confirms the contract.
    t.add(days_later(t.last, rng, 1, 2), rep, [collector], [], reply_subject(internal_subject), [
        pick(rng, [
            f"J'ai relu le contrat {contract} : la remise de {discount} sur l'article « {disc_label} » "
            "y figure bien, "
            f"ce qui donne un prix contractuel de {agreed} HT. La facture a été établie au tarif "
            f"catalogue ({billed} HT) : l'erreur vient de chez nous.",
            f"Le client a raison sur le prix : le contrat {contract} accorde {discount} de remise sur "
            f"l'article « {disc_label} », soit {agreed} HT l'unité, et nous avons facturé {billed} HT.",
        ]),
        pick(rng, [
            "En revanche, le contrat ne prévoit aucune pénalité logistique, et nous n'avons jamais "
            "signé leurs conditions générales d'achat.",
            "Pour la pénalité, je confirme : rien de tel dans le contrat, nous n'avons jamais accepté "
            "de pénalités logistiques.",
        ]),
        pick(rng, ["C'est un compte important pour ma région ; j'aimerais qu'on leur réponde vite.",
                   "Le client est susceptible sur ce sujet, mais c'est un de nos plus gros comptes : "
                   "on ne peut pas laisser traîner."]),
    ], internal=True)

    t.mark_essential()

    # Optional: call note with the AP clerk.
    if chance(rng, 0.6):
        _call_note(t, days_later(t.last, rng, 0, 1, (9, 30), (17, 30)), collector, ap,
                   f"Note d'appel – {f['customer']} – facture {inv}", [
                       f"{ap['name']} confirme que la pénalité de {d_pct} ({deduction}) est calculée "
                       "automatiquement par leur système dès qu'une non-conformité est déclarée par "
                       "leurs achats.",
                       "Aucun justificatif de l'avarie ne nous sera envoyé par la comptabilité ; "
                       f"renvoie vers {buyer['name']}.",
                       "Pas de nouveau règlement prévu sur cette facture pour l'instant.",
                   ], "préparer une réponse écrite au client sur les trois points (prix, avarie, pénalité).")

    # Optional: the buyer presses for an answer; the matter stays open.
    if chance(rng, 0.6):
        t.add(days_later(t.last, rng, 2, 4), buyer, [collector], [rep, ap], subject, [
            pick(rng, [
                "Je n'ai toujours pas de retour de votre part sur la remise. Quand recevrons-nous le "
                "document correspondant ?",
                f"Sans nouvelles de votre part sur l'erreur de prix de la facture {inv}, je me permets "
                "de vous relancer.",
            ]),
            pick(rng, ["Pour l'avarie, notre position reste inchangée.",
                       "La pénalité logistique reste acquise de notre point de vue."]),
        ], closing=FIRM, quote_p=0.3)
    return t.finish(opt(f, "until"), "le litige sur le prix et la déduction")
