"""Workbooks of new workers for the import's tests and benchmark: valid rows by default.

National ID numbers follow the CCCD's layout (province of registration, century and sex, year of
birth, then a serial), so the rows stay valid if the registry checks that layout.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

INPUT_HEADERS = (
    "fullName",
    "dateOfBirth",
    "sex",
    "ethnicity",
    "nationalIdNumber",
    "homeCommuneCode",
    "borderPassNumber",
    "passportNumber",
    "phone",
)
PROVINCE_DIGITS = {"VN-HG": "002", "VN-LC": "010"}
FAMILY = ("Giàng", "Sùng", "Lù", "Vàng", "Thào", "Hoàng", "Lò", "Triệu")
GIVEN = ("Mai", "Sính", "Páo", "Chứ", "Dính", "Lan", "Seo", "Thị Hoa", "Văn Minh")
ETHNIC = ("Hmong", "Dao", "Tày", "Giáy", "Nùng")


def worker_rows(count: int, communes: Sequence[str], seed: int = 10, serial_from: int = 0) -> list[list[Any]]:
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        commune = communes[n % len(communes)]
        born = dt.date(1975, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 30))
        female = rng.random() < 0.45
        century_sex = (0 if born.year < 2000 else 2) + (1 if female else 0)
        province = PROVINCE_DIGITS.get(commune[:5], "002")
        national_id = f"{province}{century_sex}{born.year % 100:02d}{(serial_from + n) % 1_000_000:06d}"
        rows.append(
            [
                f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
                born,
                "FEMALE" if female else "MALE",
                rng.choice(ETHNIC),
                national_id,
                commune,
                f"B{serial_from + n:07d}"[:12],
                None,
                f"09{rng.randrange(10**7, 10**8)}",
            ]
        )
    return rows


def workbook(
    rows: Sequence[Sequence[Any]], headers: Sequence[str] = INPUT_HEADERS, sheet: str = "Workers"
) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
