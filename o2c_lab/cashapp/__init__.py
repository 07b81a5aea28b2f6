"""Cash application (lettrage): bank files to one table, remittance advices, an explainable
multi-pass matching engine, rules learned from corrections, outputs for the ERP, and its score
on the simulated company's truth.

>>> from o2c_lab.cashapp import read_bank_file, match_bank_lines     # doctest: +SKIP
"""

from .engine import (PASSES, STATUS_AUTO, STATUS_OUT_OF_SCOPE, STATUS_SUGGESTION,
                     STATUS_UNMATCHED, CashMatcher, EngineConfig, MatchResult, extract_references,
                     match_bank_lines)
from .items import document_table, open_items
from .outputs import (before_after_figure, lettering_extract, reconciliation_table,
                      unapplied_cash, write_csv_fr, write_fec_extract)
from .remittances import parse_remittance_text, read_remittance_file
from .rules import RuleBook
from .scoring import compare_with_baseline, noise_table, replay_history, score
from .statements import balance_report, detect_format, read_bank_file

__all__ = [
    "read_bank_file", "detect_format", "balance_report",
    "read_remittance_file", "parse_remittance_text",
    "EngineConfig", "CashMatcher", "MatchResult", "match_bank_lines", "extract_references",
    "PASSES", "STATUS_AUTO", "STATUS_SUGGESTION", "STATUS_UNMATCHED", "STATUS_OUT_OF_SCOPE",
    "document_table", "open_items",
    "RuleBook",
    "replay_history", "score", "noise_table", "compare_with_baseline",
    "reconciliation_table", "lettering_extract", "unapplied_cash", "write_csv_fr",
    "write_fec_extract", "before_after_figure",
]
