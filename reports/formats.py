"""The names of the formats each report is written in, apart from the writers.

The command line offers them as choices when it builds its parser, for every command, before it
knows whether a report will be made; the writers (`reports.documents`, `reports.transfers`) load
the models, fpdf and openpyxl. `tests/test_cli_start.py` holds the two lists equal.
"""

from __future__ import annotations

AGREEMENT_REPORT = ("json", "pdf", "xlsx")
TRANSFER_REGISTER = ("json", "pdf", "xlsx")
