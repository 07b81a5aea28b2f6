"""Short everyday e-mail threads with customers (2 to 4 messages each).

Conventions for every function: ``f`` holds ``company`` (our name), ``customer`` (their name),
``collector`` (our Person), ``contact`` (their Person, unless stated otherwise; its ``company``
is the customer's name) and ``start`` (datetime of the first message); amounts are integer
cents, dates ``datetime.date`` (pandas Timestamps accepted). Optional ``until`` (date or
datetime, e.g. the case date): no message is sent at or after it; trailing optional messages
are dropped, and :class:`~o2c_lab.errors.InvalidParameterError` is raised when the first two
messages (every message for the Tuesday thread) cannot fit.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ...errors import InvalidParameterError
from ._common import (NEUTRAL, Thread, at, chance, clock_start, days_later, first_name,
                     format_date, format_eur, invoices_phrase, later, limit_of, next_workday, opt,
                     pick, reply_subject, require)

__all__ = ["promise_thread", "invoice_not_received_thread", "already_paid_thread",
           "contact_change_thread", "out_of_office_thread", "delivery_note_request_thread",
           "payment_plan_thread", "tuesday_reply_thread"]

_BASE = ("company", "customer", "collector", "contact", "start")


def _reminder(t: Thread, sent_at: dt.datetime, f: dict, invoice_ids=None, amount_cents=None,
              second: bool = False) -> str:
    """Our collector's reminder e-mail; returns its subject."""
    rng, collector, contact = t.rng, f["collector"], f["contact"]
    if invoice_ids:
        phrase, plural = invoices_phrase(invoice_ids)
        what = phrase.split(" ", 1)[1]  # « facture F1 » / « factures F1 et F2 »
        subject = (f"Nouvelle relance – {what}" if second else
                   pick(rng, [f"Relance – {what}", f"{f['company']} – {what} en attente de règlement"]))
        state = "restent impayées" if plural else "reste impayée"
        amount = f", pour un total de {format_eur(amount_cents)} TTC," if amount_cents else ""
        opening = pick(rng, [f"Sauf erreur de notre part, {phrase}{amount} {state} à ce jour.",
                             f"Nous constatons que {phrase}{amount} {state} malgré l'échéance passée."])
    else:
        subject = f"{f['company']} – relevé de compte {f['customer']}"
        if second:
            subject = "Nouvelle relance – " + subject
        amount = f" pour un total de {format_eur(amount_cents)} TTC" if amount_cents else ""
        opening = f"Plusieurs factures échues{amount} restent impayées sur votre compte à ce jour."
    if second:
        opening = pick(rng, ["Je me permets de revenir vers vous, mon précédent message étant resté "
                             "sans réponse.", "Sans retour de votre part, je vous relance."]) + " " + opening
    t.add(sent_at, collector, [contact], [], subject, [
        opening,
        pick(rng, ["Pourriez-vous nous indiquer la date de règlement prévue ?",
                   "Merci de bien vouloir procéder au règlement ou de nous indiquer ce qui le bloque.",
                   "Le relevé de compte est joint à ce message. Pouvez-vous nous confirmer la date "
                   "de paiement ?"]),
    ])
    return subject


def promise_thread(f: dict, rng: np.random.Generator) -> list[dict]:
    """Reminder, then the customer promises ``amount_cents`` on ``promised_date`` for
    ``invoice_ids`` (list of invoice numbers). Optional ``overdue_cents``: amount quoted in the
    reminder (default: none quoted). 2 or 3 messages."""
    require(f, _BASE + ("invoice_ids", "amount_cents", "promised_date"), "la promesse de paiement")
    t = Thread(rng)
    subject = _reminder(t, clock_start(f["start"], rng), f, f["invoice_ids"], opt(f, "overdue_cents"))
    phrase, plural = invoices_phrase(f["invoice_ids"])
    amount, day = format_eur(f["amount_cents"]), format_date(f["promised_date"])
    t.add(days_later(t.last, rng, 0, 2), f["contact"], [f["collector"]], [], reply_subject(subject), [
        pick(rng, ["Merci pour votre message.", "Je fais suite à votre relance.", ""]),
        pick(rng, [
            f"Nous procéderons au règlement de {amount} le {day}, pour {phrase}.",
            f"Le virement de {amount} pour {phrase} sera émis le {day}.",
            f"Je vous confirme un paiement de {amount} le {day} concernant {phrase}.",
        ]),
        pick(rng, ["Notre trésorerie est un peu tendue ce mois-ci, merci de votre compréhension.",
                   ("Les factures étaient" if plural else "La facture était")
                   + " en attente de validation chez nous ; c'est chose faite.",
                   ""]),
    ], closing=NEUTRAL, quote_p=0.35)
    if chance(rng, 0.6):
        t.add(later(t.last, rng, 20, 180), f["collector"], [f["contact"]], [], reply_subject(subject), [
            pick(rng, [f"Je prends note de votre engagement : {amount} le {day}. Merci.",
                       f"Merci pour ce retour. Nous notons le règlement de {amount} prévu le {day}."]),
        ], closing=pick(rng, ["Cordialement,", "Bonne journée,"]))
    return t.finish(opt(f, "until"), "promesse de paiement", essential=2)


def invoice_not_received_thread(f: dict, rng: np.random.Generator) -> list[dict]:
    """The customer says invoice ``invoice_id`` (``invoice_date``, ``amount_cents``) never
    arrived and asks for a copy. Optional ``ap_email``: the address invoices should go to.
    3 or 4 messages (reminder, claim, copy sent, sometimes an acknowledgement)."""
    require(f, _BASE + ("invoice_id", "invoice_date", "amount_cents"), "la facture non reçue")
    inv, day, amount = f["invoice_id"], format_date(f["invoice_date"]), format_eur(f["amount_cents"])
    ap_email = opt(f, "ap_email")
    t = Thread(rng)
    subject = _reminder(t, clock_start(f["start"], rng), f, [inv], f["amount_cents"])
    subject = reply_subject(subject)
    t.add(days_later(t.last, rng, 0, 2), f["contact"], [f["collector"]], [], subject, [
        pick(rng, [
            f"Nous n'avons aucune trace de la facture {inv} du {day} ({amount}) dans notre système.",
            f"Après vérification, la facture {inv} datée du {day}, d'un montant de {amount}, ne nous "
            "est jamais parvenue.",
        ]),
        pick(rng, ["Pourriez-vous nous en adresser une copie ?",
                   "Merci de nous la renvoyer afin que nous puissions l'enregistrer."]),
        (f"Pour éviter ce problème, merci d'adresser désormais vos factures à notre service "
         f"comptabilité fournisseurs : {ap_email}." if ap_email else ""),
    ], quote_p=0.3)
    t.add(later(t.last, rng, 15, 150), f["collector"], [f["contact"]], [], subject, [
        pick(rng, [f"Veuillez trouver ci-joint le duplicata de la facture {inv} du {day}, d'un "
                   f"montant de {amount}.",
                   f"Je vous transmets en pièce jointe une copie de la facture {inv} ({amount})."]),
        (f"C'est noté : nos prochaines factures seront envoyées à {ap_email}." if ap_email else ""),
        pick(rng, ["Pouvez-vous nous confirmer sa date de mise en paiement ?",
                   "Merci de nous indiquer quand elle pourra être réglée."]),
    ])
    if chance(rng, 0.5):
        t.add(days_later(t.last, rng, 0, 1), f["contact"], [f["collector"]], [], subject, [
            pick(rng, ["Bien reçu, merci. La facture est enregistrée et part en validation.",
                       "Merci, c'est bien reçu cette fois. Je la transmets pour mise en paiement."]),
        ], closing="Cordialement,")
    return t.finish(opt(f, "until"), "facture non reçue", essential=2)


def already_paid_thread(f: dict, rng: np.random.Generator) -> list[dict]:
    """The customer says ``invoice_ids`` were paid by transfer on ``paid_on`` for
    ``amount_cents``; the bank label they quote is ``payer_label`` (may not be their name).
    2 or 3 messages; our side does not confirm the match (that is the reconciliation exercise)."""
    require(f, _BASE + ("invoice_ids", "amount_cents", "paid_on", "payer_label"), "le client qui a déjà payé")
    phrase, plural = invoices_phrase(f["invoice_ids"])
    amount, day, label = format_eur(f["amount_cents"]), format_date(f["paid_on"]), f["payer_label"]
    t = Thread(rng)
    subject = reply_subject(_reminder(t, clock_start(f["start"], rng), f, f["invoice_ids"]))
    paid = "ont été réglées" if plural else "a été réglée"
    t.add(days_later(t.last, rng, 0, 1), f["contact"], [f["collector"]], [], subject, [
        pick(rng, [f"{phrase[0].upper() + phrase[1:]} {paid} le {day} par virement de {amount}.",
                   f"Nous avons payé {phrase} par virement le {day}, pour un montant de {amount}."]),
        pick(rng, [f"Le virement a été émis depuis le compte de notre société mère : il apparaît sur "
                   f"votre relevé sous le libellé « {label} ».",
                   f"Sur votre relevé, le libellé du virement devrait être « {label} » ; notre banque "
                   "ne reprend pas notre raison sociale complète.",
                   f"Attention, le donneur d'ordre indiqué par la banque est « {label} »."]),
        pick(rng, ["Merci de vérifier de votre côté avant toute nouvelle relance.",
                   "Je vous joins l'avis de virement. Merci de mettre à jour votre compte."]),
    ], closing=NEUTRAL, quote_p=0.3)
    if chance(rng, 0.6):
        t.add(later(t.last, rng, 30, 240), f["collector"], [f["contact"]], [], subject, [
            pick(rng, ["Merci pour ces précisions. Je fais la recherche avec notre comptabilité et "
                       "je reviens vers vous ; d'ici là, les relances sont suspendues.",
                       "Merci. Je recherche ce virement sur nos relevés et vous tiens informé de la "
                       "suite. Toutes nos excuses si la relance vous est parvenue à tort."]),
        ], closing=NEUTRAL)
    return t.finish(opt(f, "until"), "déjà payé", essential=2)


def contact_change_thread(f: dict, rng: np.random.Generator) -> list[dict]:
    """The customer's AP contact changes from ``old_contact`` to ``new_contact`` (Persons) from
    ``effective_date``. Keys: ``company``, ``customer``, ``collector``, ``old_contact``,
    ``new_contact``, ``effective_date``, ``start`` (no ``contact``). 2 or 3 messages."""
    require(f, ("company", "customer", "collector", "old_contact", "new_contact", "effective_date",
                "start"), "le changement d'interlocuteur")
    old, new, collector = f["old_contact"], f["new_contact"], f["collector"]
    day = format_date(f["effective_date"])
    t = Thread(rng)
    subject = pick(rng, [f"{f['customer']} – changement d'interlocuteur comptabilité fournisseurs",
                         "Changement de contact pour vos factures et relances"])
    t.add(clock_start(f["start"], rng), old, [collector], [new], subject, [
        pick(rng, [f"Je vous informe qu'à compter du {day}, je quitte mes fonctions à la comptabilité "
                   "fournisseurs.",
                   f"À partir du {day}, je change de poste au sein de {f['customer']} et ne suivrai "
                   "plus les comptes fournisseurs."]),
        f"Le suivi de votre compte sera assuré par {new['name']}, {new['role']}, joignable à "
        f"l'adresse {new['email']}, en copie de ce message.",
        pick(rng, ["Merci de mettre à jour vos fichiers et d'adresser désormais vos factures et "
                   f"relances à {first_name(new)}.",
                   f"Merci d'envoyer dorénavant toute correspondance à {new['email']}."]),
    ], closing=NEUTRAL)
    t.add(days_later(t.last, rng, 0, 1), collector, [old, new], [], reply_subject(subject), [
        f"Merci de nous avoir prévenus. C'est noté : à compter du {day}, nous adresserons nos "
        f"factures et relances à {new['name']} ({new['email']}).",
        pick(rng, [f"Bonne continuation à vous, {first_name(old)}, et au plaisir de travailler "
                   f"avec vous, {first_name(new)}.",
                   f"Merci {first_name(old)} pour nos échanges ; {first_name(new)}, je reste à votre "
                   "disposition pour faire un point sur le compte."]),
    ], closing=NEUTRAL, greeting="Bonjour à tous les deux,")
    if chance(rng, 0.6):
        t.add(days_later(t.last, rng, 0, 3), new, [collector], [], reply_subject(subject), [
            f"Je me présente : je reprends le suivi des fournisseurs de {f['customer']} à partir du {day}.",
            pick(rng, ["Pourriez-vous m'envoyer un relevé de compte à jour ? Je ferai le point sur "
                       "les éventuelles factures en attente.",
                       "N'hésitez pas à me contacter pour toute facture en attente."]),
        ], closing=NEUTRAL)
    return t.finish(opt(f, "until"), "changement d'interlocuteur", essential=2)


def out_of_office_thread(f: dict, rng: np.random.Generator) -> list[dict]:
    """A reminder gets an automatic reply: absent, back on ``return_date``, backup
    ``backup_contact`` (Person). Optional ``invoice_ids`` and ``amount_cents`` for the reminder.
    2 or 3 messages (sometimes our collector writes to the backup)."""
    require(f, _BASE + ("return_date", "backup_contact"), "la réponse d'absence")
    contact, backup, collector = f["contact"], f["backup_contact"], f["collector"]
    day = format_date(f["return_date"])
    t = Thread(rng)
    subject = _reminder(t, clock_start(f["start"], rng), f, opt(f, "invoice_ids"), opt(f, "amount_cents"))
    auto_at = t.last + dt.timedelta(minutes=int(rng.integers(1, 3)))
    t.add(auto_at, contact, [collector], [], "Réponse automatique : " + subject, [
        pick(rng, [f"Je suis en dehors du bureau et serai de retour le {day}.",
                   f"Je suis en congés. Je serai de retour le {day}.",
                   f"Je suis actuellement hors du bureau, retour prévu le {day}."]),
        pick(rng, ["Votre message ne sera pas transféré.", "Je traiterai votre message à mon retour."]),
        f"Pour toute demande urgente, vous pouvez contacter {backup['name']} ({backup['role']}) à "
        f"l'adresse {backup['email']}.",
    ], greeting="Bonjour,", closing="Cordialement,")
    if chance(rng, 0.6):
        phrase = ""
        if opt(f, "invoice_ids"):
            phrase = " concernant " + invoices_phrase(f["invoice_ids"])[0]
        t.add(later(t.last, rng, 20, 240), collector, [backup], [contact], reply_subject(subject, "TR: "), [
            f"En l'absence de {contact['name']} jusqu'au {day}, je me permets de vous transmettre "
            f"directement notre relance{phrase}.",
            "Pourriez-vous nous indiquer la date de règlement prévue ?",
        ])
    return t.finish(opt(f, "until"), "absence", essential=2)


def delivery_note_request_thread(f: dict, rng: np.random.Generator) -> list[dict]:
    """The customer asks for a copy of delivery note ``delivery_id`` before paying
    ``invoice_id``. Optional ``delivery_date``. 2 or 3 messages."""
    require(f, _BASE + ("delivery_id", "invoice_id"), "la demande de bon de livraison")
    bl, inv = f["delivery_id"], f["invoice_id"]
    when = f" du {format_date(f['delivery_date'])}" if opt(f, "delivery_date") else ""
    t = Thread(rng)
    subject = pick(rng, [f"Facture {inv} – demande de copie du bon de livraison {bl}",
                         f"Bon de livraison {bl} manquant pour la facture {inv}"])
    t.add(clock_start(f["start"], rng), f["contact"], [f["collector"]], [], subject, [
        pick(rng, [f"Avant de mettre en paiement la facture {inv}, notre service a besoin de la copie "
                   f"signée du bon de livraison {bl}{when} : elle ne figure pas dans notre dossier.",
                   f"La facture {inv} est en attente chez nous : il nous manque le bon de livraison "
                   f"{bl}{when} pour la valider."]),
        "Pourriez-vous nous l'envoyer ?",
    ])
    t.add(days_later(t.last, rng, 0, 1), f["collector"], [f["contact"]], [], reply_subject(subject), [
        pick(rng, [f"Veuillez trouver ci-joint la copie signée du bon de livraison {bl}{when}.",
                   f"Je vous joins le bon de livraison {bl}{when}, signé à la réception."]),
        f"Pouvez-vous nous confirmer la date de règlement de la facture {inv} ?",
    ], quote_p=0.3)
    if chance(rng, 0.6):
        t.add(days_later(t.last, rng, 0, 1), f["contact"], [f["collector"]], [], reply_subject(subject), [
            pick(rng, ["Merci, c'est transmis pour validation ; la facture sera intégrée à notre "
                       "prochain règlement.",
                       "Bien reçu, merci. Le dossier est complet, la facture part en paiement."]),
        ], closing="Cordialement,")
    return t.finish(opt(f, "until"), "demande de bon de livraison", essential=2)


def _counter_schedule(schedule, total_cents: int):
    """Default counter-offer: the same total over one instalment fewer (first dates kept)."""
    n = max(1, len(schedule) - 1)
    share, rest = divmod(total_cents, n)
    return [(schedule[i][0], share + (rest if i == 0 else 0)) for i in range(n)]


def _schedule_lines(schedule) -> str:
    return "\n".join(f"- {format_date(day)} : {format_eur(cents)}" for day, cents in schedule)


def payment_plan_thread(f: dict, rng: np.random.Generator) -> list[dict]:
    """The customer asks to split ``total_cents`` into ``schedule`` (list of (date, cents),
    summing to the total); our collector accepts (``accepted=True``) or counters. Optional
    ``invoice_ids``; ``counter_schedule`` (default: one instalment fewer, same first dates).
    2 or 3 messages."""
    require(f, _BASE + ("total_cents", "schedule", "accepted"), "la demande d'échéancier")
    schedule = [(day, int(cents)) for day, cents in f["schedule"]]
    total = int(f["total_cents"])
    if len(schedule) < 2 or sum(c for _, c in schedule) != total:
        raise InvalidParameterError(
            f"Échéancier incohérent : {len(schedule)} échéance(s) pour un total de "
            f"{format_eur(sum(c for _, c in schedule))} au lieu de {format_eur(total)}.",
            valid="au moins deux échéances dont la somme est égale au total",
            todo="corrigez les montants de l'échéancier")
    what = ""
    if opt(f, "invoice_ids"):
        what = " (" + invoices_phrase(f["invoice_ids"])[0] + ")"
    t = Thread(rng)
    subject = pick(rng, ["Demande d'échéancier", f"{f['customer']} – proposition d'échéancier de paiement"])
    t.add(clock_start(f["start"], rng), f["contact"], [f["collector"]], [], subject, [
        pick(rng, ["Notre trésorerie est tendue en ce moment, à la suite du retard de paiement d'un "
                   "de nos propres clients.",
                   "Nous traversons une période difficile sur le plan de la trésorerie."]),
        f"Nous vous proposons de régler le solde de {format_eur(total)}{what} en {len(schedule)} "
        f"échéances :\n{_schedule_lines(schedule)}",
        pick(rng, ["Pouvez-vous nous confirmer votre accord ?",
                   "Merci de nous dire si cette proposition vous convient."]),
    ])
    subject = reply_subject(subject)
    if f["accepted"]:
        t.add(days_later(t.last, rng, 0, 2), f["collector"], [f["contact"]], [], subject, [
            f"Nous acceptons l'échéancier proposé pour le solde de {format_eur(total)} :\n"
            f"{_schedule_lines(schedule)}",
            "Nous attirons votre attention sur le fait qu'en cas de non-respect d'une échéance, la "
            "totalité du solde redeviendrait immédiatement exigible.",
        ], closing=NEUTRAL, quote_p=0.3)
        if chance(rng, 0.7):
            t.add(days_later(t.last, rng, 0, 1), f["contact"], [f["collector"]], [], subject, [
                f"Merci pour votre accord. Le premier virement, de {format_eur(schedule[0][1])}, "
                f"partira le {format_date(schedule[0][0])}.",
            ], closing="Cordialement,")
        return t.finish(opt(f, "until"), "demande d'échéancier", essential=2)
    counter = opt(f, "counter_schedule") or _counter_schedule(schedule, total)
    t.add(days_later(t.last, rng, 0, 2), f["collector"], [f["contact"]], [], subject, [
        pick(rng, ["Nous ne pouvons pas accepter un étalement aussi long.",
                   "Nous comprenons votre situation, mais cet échéancier dépasse ce que nous pouvons "
                   "accorder."]),
        f"Nous pouvons en revanche vous proposer le calendrier suivant pour le solde de "
        f"{format_eur(total)} :\n{_schedule_lines(counter)}",
        "Merci de nous confirmer votre accord par retour de message.",
    ], quote_p=0.3)
    if chance(rng, 0.6):
        t.add(days_later(t.last, rng, 0, 2), f["contact"], [f["collector"]], [], subject, [
            pick(rng, ["Je soumets votre proposition à notre direction financière et reviens vers vous.",
                       "Je dois en parler en interne ; je vous réponds dès que possible."]),
        ], closing="Cordialement,")
    return t.finish(opt(f, "until"), "demande d'échéancier", essential=2)


def _not_tuesday(moment: dt.datetime, rng: np.random.Generator) -> dt.datetime:
    while moment.weekday() == 1:
        moment = at(next_workday(moment.date()), rng)
    return moment


def _next_tuesday(day: dt.date) -> dt.date:
    day = next_workday(day)
    while day.weekday() != 1:
        day = next_workday(day)
    return day


def tuesday_reply_thread(f: dict, rng: np.random.Generator) -> list[dict]:
    """Reminders sent on other days; the only reply comes on a Tuesday between 08:00 and 10:00,
    promising ``amount_cents`` on ``promised_date``. Optional ``invoice_ids``. 2 to 4 messages
    over at most 15 working days (fewer reminders when ``until`` requires it)."""
    require(f, _BASE + ("amount_cents", "promised_date"), "la réponse du mardi")
    t = Thread(rng)
    times = [_not_tuesday(clock_start(f["start"], rng), rng)]
    for _ in range(int(rng.integers(0, 3))):
        times.append(_not_tuesday(days_later(times[-1], rng, 2, 4), rng))
    limit = limit_of(opt(f, "until"))
    # Fewer follow-up reminders when the Tuesday reply would otherwise come after the limit.
    while len(times) > 1 and limit is not None and \
            dt.datetime.combine(_next_tuesday(times[-1].date()), dt.time(10, 0)) > limit:
        times.pop()
    subject = _reminder(t, times[0], f, opt(f, "invoice_ids"), f["amount_cents"])
    for moment in times[1:]:
        _reminder(t, moment, f, opt(f, "invoice_ids"), f["amount_cents"], second=True)
    day = _next_tuesday(t.last.date())
    what = " pour " + invoices_phrase(f["invoice_ids"])[0] if opt(f, "invoice_ids") else ""
    t.add(at(day, rng, (8, 0), (9, 59)), f["contact"], [f["collector"]], [], reply_subject(subject), [
        pick(rng, ["Je reviens vers vous suite à vos messages.", "Désolé pour le délai de réponse.",
                   "Je traite vos relances ce matin."]),
        pick(rng, [f"Le règlement de {format_eur(f['amount_cents'])}{what} partira le "
                   f"{format_date(f['promised_date'])}.",
                   f"Nous réglerons {format_eur(f['amount_cents'])}{what} le "
                   f"{format_date(f['promised_date'])}."]),
    ], closing=pick(rng, ["Cordialement,", "Bonne journée,"]))
    return t.finish(opt(f, "until"), "réponse du mardi", essential=len(t.messages))
