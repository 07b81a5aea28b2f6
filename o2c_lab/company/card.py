"""The French summary card shown when a company is displayed in a notebook."""

from __future__ import annotations

from html import escape

from ..money import format_date, format_eur, format_number, format_pct
from .scenario import SEGMENTS

__all__ = ["summary_card_html"]

_STYLE = ("font-family:system-ui,sans-serif;border:1px solid #c9d3e0;border-radius:8px;"
          "padding:14px 18px;max-width:860px;background:#f8fafc;color:#1f2933")


def summary_card_html(company) -> str:
    """HTML card: portfolio, receivables, overdue, DSO, top overdue customers, the two disputes."""
    m = company.summary()
    customers = company.tables["customers"]
    seg_counts = customers["segment"].value_counts()
    segments = " · ".join(f"{SEGMENTS[s]} {seg_counts.get(s, 0)}" for s in SEGMENTS)
    from ..analytics.position import receivable_position

    overdue = receivable_position(company).by_customer["echu"]
    top = overdue[overdue > 0].sort_values(ascending=False).head(5)
    names = customers.set_index("customer_id")["name"]
    top_rows = "".join(f"<tr><td>{escape(names[c])}</td><td style='text-align:right'>{format_eur(v)}</td></tr>"
                       for c, v in top.items())
    disputes = company.tables["disputes"]
    open_d = disputes[disputes["status"] == "en litige"]
    dispute_rows = "".join(
        f"<li><b>{escape(names[d.customer_id])}</b> — facture {escape(d.invoice_id)}, "
        f"{format_eur(d.amount_cents)} en jeu : {escape(d.summary)}</li>" for d in open_d.itertuples())
    tense = "oui" if m["is_tense"] else "non"
    return f"""<div style="{_STYLE}">
<div style="font-size:1.25em;font-weight:600">{escape(company.name)}</div>
<div style="color:#52606d">Situation au {format_date(company.as_of)} ·
{len(customers)} clients ({segments})</div>
<table style="margin-top:10px;border-collapse:collapse">
<tr><td>Encours brut (factures ouvertes)</td><td style="text-align:right;padding-left:24px"><b>{format_eur(m['gross_receivables_cents'])}</b></td></tr>
<tr><td>Encours net des avoirs (solde du compte 411)</td><td style="text-align:right;padding-left:24px">{format_eur(m['net_receivables_cents'])}</td></tr>
<tr><td>Part échue</td><td style="text-align:right"><b>{format_pct(m['overdue_share'])}</b></td></tr>
<tr><td>Part à plus de 90 jours</td><td style="text-align:right"><b>{format_pct(m['over_90_share'])}</b></td></tr>
<tr><td>{escape(m['dso_name'])} sur {m['period_days']} jours</td><td style="text-align:right"><b>{format_number(m['dso_days'], 1)} jours</b>
 pour des délais contractuels de {format_number(m['weighted_terms_days'], 0)} jours</td></tr>
<tr><td>Balance âgée tendue</td><td style="text-align:right">{tense}</td></tr>
</table>
<div style="margin-top:10px;font-weight:600">Les 5 plus gros retards</div>
<table style="border-collapse:collapse">{top_rows}</table>
<div style="margin-top:10px;font-weight:600">Les deux litiges ouverts</div>
<ul style="margin-top:4px">{dispute_rows}</ul>
</div>"""
