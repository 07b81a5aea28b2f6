"""o2c_lab — the helper library of the training course « IA et Order to Cash ».

The central object is a simulated French B2B company whose truth is kept::

    >>> import o2c_lab
    >>> company = o2c_lab.generate_company(seed=2026)      # doctest: +SKIP
    >>> company                                            # doctest: +SKIP  (French summary card)
"""

import pandas as _pd

from .company import Company, generate_company, load_company, write_dataset
from .errors import DataFileError, InvalidParameterError, O2CLabError, OutputFolderError

# pandas announces a switch of its .xlsx reader to calamine once calamine is installed (the own-data
# reader uses it): pandas' reader stays the one every figure was checked with, and no warning about
# it reaches a trainee's notebook.
_pd.set_option("io.excel.xlsx.reader", "openpyxl")

__version__ = "0.1.0"

__all__ = [
    "Company",
    "generate_company",
    "load_company",
    "write_dataset",
    "O2CLabError",
    "InvalidParameterError",
    "DataFileError",
    "OutputFolderError",
    "__version__",
]
