"""French texts of the simulated company: e-mail threads, contracts and external signals.

The generator decides the facts first (amounts in integer cents, dates, people) and calls these
functions to write the observable documents. Each function takes a plain dict of facts and, when
the wording varies, a ``numpy.random.Generator``; the same facts and generator state give the same
text. Amounts are written with :func:`o2c_lab.money.format_eur`, dates with
:func:`o2c_lab.money.format_date`, so every fact can be found in the text as the course checks it.

A Person is ``{"name", "email", "role", "company"}`` (optional ``civility`` such as « Madame »,
optional ``phone``). A message is ``{"sent_at", "sender", "to", "cc", "subject", "body", "kind"}``
with ``kind`` « email » or « note_appel »; threads are lists of messages in chronological order,
sent on working days during office hours (an automatic out-of-office reply follows its trigger).
"""

from .disputes import dispute_price_thread, dispute_quantity_thread
from .documents import bodacc_notice, contract_document, press_rumour, score_drop
from .threads import (
                      already_paid_thread,
                      contact_change_thread,
                      delivery_note_request_thread,
                      invoice_not_received_thread,
                      out_of_office_thread,
                      payment_plan_thread,
                      promise_thread,
                      tuesday_reply_thread,
)

__all__ = [
    "dispute_quantity_thread",
    "dispute_price_thread",
    "promise_thread",
    "invoice_not_received_thread",
    "already_paid_thread",
    "contact_change_thread",
    "out_of_office_thread",
    "delivery_note_request_thread",
    "payment_plan_thread",
    "tuesday_reply_thread",
    "contract_document",
    "press_rumour",
    "bodacc_notice",
    "score_drop",
]
