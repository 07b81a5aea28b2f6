"""Files a French finance team exchanges: Excel/CSV tables, FEC, camt.053 statements, e-mails.

Every reader returns pandas DataFrames with amounts in integer cents and dates as
``datetime64[ns]``; every writer produces the real format (see each module's docstring).
"""

from .camt053 import read_camt053, write_camt053
from .eml import read_eml, write_eml, write_thread
from .fec import FecFile, check_balanced, company_to_fec, lettering_groups, read_fec, write_fec
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
    "write_eml",
    "write_thread",
    "read_eml",
]
