"""Receivables analytics: aged balance at any date, KPIs, payment behaviour, risk levels,
priority worklist, collection forecast, and importers for a participant's own data."""

from .aging import (DEFAULT_BUCKETS, UNAPPLIED_COLUMN, company_open_items, AgedBalance, age_open_items, aged_balance,
                    bucket_labels, open_items_at, with_due_dates)
from .behaviour import DRIFT_RULES, company_behaviour, payment_behaviour, settled_invoices
from .forecast import FORECAST_RULES, CollectionForecast, collection_forecast, wape, weekly_actuals
from .importers import (FecImport, ImportResult, import_fec, ledger_from_history, read_invoice_history,
                        read_open_items)
from .kpis import (KpiResult, average_days_delinquent, best_possible_dso,
                   collection_effectiveness_index, dispute_rate, dso_countback, dso_simple,
                   monthly_sales, promise_kept_rate, receivable_kpis, share_of_receivables)
from .position import OWED_STATUSES, STATUS_LABELS, ReceivablePosition, linked_ledger, receivable_position
from .priorities import (PRIORITY_RULES, amount_ranking, at_risk_cash, coverage, worklist,
                         worklist_documents)
from .risk import RISK_LEVELS, RISK_RULES, credit_limit_suggestions, risk_levels

__all__ = [
    "DEFAULT_BUCKETS", "company_open_items", "UNAPPLIED_COLUMN", "AgedBalance", "age_open_items", "aged_balance",
    "bucket_labels", "open_items_at", "with_due_dates",
    "KpiResult", "average_days_delinquent", "best_possible_dso", "collection_effectiveness_index",
    "dispute_rate", "dso_countback", "dso_simple", "monthly_sales", "promise_kept_rate",
    "receivable_kpis", "share_of_receivables",
    "DRIFT_RULES", "company_behaviour", "payment_behaviour", "settled_invoices",
    "RISK_LEVELS", "RISK_RULES", "credit_limit_suggestions", "risk_levels",
    "PRIORITY_RULES", "amount_ranking", "at_risk_cash", "coverage", "worklist", "worklist_documents",
    "OWED_STATUSES", "STATUS_LABELS", "ReceivablePosition", "linked_ledger", "receivable_position",
    "FORECAST_RULES", "CollectionForecast", "collection_forecast", "wape", "weekly_actuals",
    "FecImport", "ImportResult", "import_fec", "ledger_from_history", "read_invoice_history", "read_open_items",
]
