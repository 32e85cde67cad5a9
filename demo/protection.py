"""The demo placements' protection: contract, insurance, orientation and recruitment fees (issue 22).

Every value is derived from the placement's own draw and ids, never drawn from the story's random
generator, so the rest of the demo (who goes where, when) stays as it was. Plausible, not real: a
contract signed a few weeks before the start for about a year at the agreed wage, insurance with two
large Chinese insurers for the contract's term, an orientation by the province's employment service,
and fees of one to four million dong (passport, border pass, health check, orientation, travel),
recorded for most placements but not all, as in the field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from models import PlacementStatus

if TYPE_CHECKING:
    from demo.generator import Stay

INJURY_INSURERS = ("中国人民财产保险股份有限公司", "中国太平洋财产保险股份有限公司")
HEALTH_INSURERS = ("中国人寿保险股份有限公司", "中国平安人寿保险股份有限公司")
FEE_ITEMS = (
    "giấy thông hành",
    "khám sức khỏe",
    "lý lịch tư pháp",
    "bồi dưỡng kiến thức cần thiết",
    "đi lại đến cửa khẩu",
)


# Every row of one insert names the same columns: a part not recorded is None.
COLUMNS = (
    "injury_insurer",
    "injury_policy_number",
    "injury_insurance_valid_to",
    "health_insurer",
    "health_policy_number",
    "health_insurance_valid_to",
    "recruitment_fee_vnd",
    "recruitment_fee_items",
)


def _months(stay: Stay) -> int:
    if stay.end is None:
        return 12
    days = (stay.end - stay.start).days
    return max(3, min(24, round(days / 30.4 / 3) * 3 or 3))


def protection(province: str, stay: Stay, placement_id: int, worker_id: int) -> dict[str, Any]:
    """The protection columns of one demo placement."""
    h = (placement_id * 2_654_435_761 + worker_id * 40_503) % 1_000_003
    months = _months(stay)
    signed = stay.start - dt.timedelta(days=7 + h % 21)
    covered_to = min(stay.start + dt.timedelta(days=round(months * 30.4)), dt.date(2099, 12, 31))
    values: dict[str, Any] = dict.fromkeys(COLUMNS) | {
        "contract_signed_on": signed,
        "contract_months": months,
        "contract_weekly_hours": (44, 48, 48, 40)[h % 4],
        "contract_wage": Decimal(stay.wage),
        "contract_currency": "CNY",
        "orientation_on": stay.start - dt.timedelta(days=10 + h % 25),
        "orientation_provider": f"Trung tâm Dịch vụ việc làm tỉnh {province}",
    }
    if stay.status is not PlacementStatus.PLANNED or h % 3:  # a planned one may still lack its policies
        values |= {
            "injury_insurer": INJURY_INSURERS[h % 2],
            "injury_policy_number": f"GS{stay.start.year}{placement_id:08d}",
            "injury_insurance_valid_to": covered_to,
            "health_insurer": HEALTH_INSURERS[h // 2 % 2],
            "health_policy_number": f"YL{stay.start.year}{placement_id:08d}",
            "health_insurance_valid_to": covered_to,
        }
    if h % 7:  # about one placement in seven has no fees recorded
        items = [item for n, item in enumerate(FEE_ITEMS) if n < 3 or (h >> n) % 2]
        values |= {
            "recruitment_fee_vnd": 1_000_000 + (h % 31) * 100_000,
            "recruitment_fee_items": ",".join(items),
        }
    return values
