"""« Vos données » : the course's analyses on a participant's own exports.

Read an aged balance or open-items export from the usual French AR tools (Sage, Cegid, EBP,
SAP, Odoo, Pennylane, QuickBooks, a collection tool), a FEC or a bank statement; check it
(quality report: every row set aside with its reason); then the aged balance, the indicators
and the lists of who to chase and who not to, exported to Excel, and the course's prompts
filled with the data anonymised.

Typical use::

    data = read_export(Path("balance.xlsx"))        # layout recognised, rows set aside reported
    print(data.quality)                               # read it before any analysis
    result = analyse_open_items(data.items, "2026-12-31")
    result.to_excel("resultats.xlsx")
"""

from .analysis import PROMPT_IDS, KpiLine, OwnAnalysis, analyse_open_items, anonymised_prompts, open_items_worklist
from .layouts import FIELDS, LAYOUTS, Layout, LayoutGuess, detect_layout
from .mapping import (PROFILE_DIR_ENV, TO_CHOOSE, ColumnMapping, default_profile_folder, guess_mapping, list_profiles,
                      load_profile, pending_conventions, save_profile)
from .quality import Finding, QualityReport, SetAside
from .reader import (ITEM_COLUMNS, BankStatement, ExportPreview, OwnData, is_fec, preview_export, read_bank_statement,
                     read_export)

__all__ = [
    "FIELDS", "LAYOUTS", "Layout", "LayoutGuess", "detect_layout",
    "ColumnMapping", "TO_CHOOSE", "PROFILE_DIR_ENV", "guess_mapping", "pending_conventions", "default_profile_folder", "save_profile",
    "load_profile", "list_profiles",
    "SetAside", "Finding", "QualityReport",
    "ITEM_COLUMNS", "OwnData", "ExportPreview", "is_fec", "preview_export", "read_export", "BankStatement", "read_bank_statement",
    "KpiLine", "OwnAnalysis", "analyse_open_items", "open_items_worklist", "anonymised_prompts", "PROMPT_IDS",
]
