"""Files a French finance team exchanges: Excel/CSV tables, FEC, bank statements (camt.053,
MT940, CFONB 120, bank CSV exports), e-mails.

Every reader returns pandas DataFrames with amounts in integer cents and dates as
``datetime64[ns]``; every writer produces the real format (see each module's docstring).

Readers never guess silently: a file they cannot read raises a French
:class:`~o2c_lab.errors.DataFileError` (what, where, what is valid, what to do); what they read
but had to interpret is said in French warnings: ``statements.attrs["warnings"]`` for bank files
(a repeated statement or entry counted once), ``FecFile.warnings`` (entry numbers, unbalanced
entries), ``read_eml(...)["warnings"]`` (unknown charset, truncated body, impossible date).
"""

from .bank_csv import read_bank_csv
from .camt053 import read_camt053, write_camt053
from .cfonb120 import read_cfonb120
from .eml import read_eml, write_eml, write_thread
from .fec import FecFile, check_balanced, company_to_fec, lettering_groups, read_fec, write_fec
from .mt940 import read_mt940
from .tabular import conform_table, read_csv, write_csv, write_excel

__all__ = [
    "conform_table",
    "write_excel",
    "write_csv",
    "read_csv",
    "FecFile",
    "company_to_fec",
    "write_fec",
    "read_fec",
    "check_balanced",
    "lettering_groups",
    "write_camt053",
    "read_camt053",
    "read_mt940",
    "read_cfonb120",
    "read_bank_csv",
    "write_eml",
    "write_thread",
    "read_eml",
]
