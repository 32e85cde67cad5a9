"""The demo population: workers with their placements, crossings, checks and incidents.

Why it is built this way:

* Deterministic per worker. Worker *i* is drawn from its own `random.Random(seed, i)`, so the
  same seed always gives the same people whatever the batch size, and a rerun can tell which
  workers exist by looking up worker *i*'s blind-indexed national ID (no marker column needed).
* Idempotent. Batches commit in index order, so the generated workers are always a prefix
  0..k-1; `generate` finds k by binary search and only adds k..n-1.
* Fast. 100,000 workers with tens of crossings each are millions of rows: rows are plain dicts
  inserted with Core `executemany` in batches, with primary keys assigned here (from max(id))
  so that children reference parents without a round trip; PostgreSQL sequences are moved past
  them afterwards so that later ORM inserts do not collide.
* Consistent with the lifecycle: registered workers have no placement, cleared ones a clear police
  clearance, deployed ones an active placement and an odd number of crossings (they are in China),
  returned ones a completed placement, suspended and absconded ones the incident that explains it.

The timeline ends on `AS_OF` (before the July 2025 mergers) so that the data do not depend on the
day the demo is built; placements avoid the 2020–2022 border closure.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import func, select, text
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from demo.employers import EMPLOYERS, EmployerSpec
from demo.extras import QUOTAS, load_demo_reference
from demo.people import MAX_PEOPLE, Person, Weighted, make_person
from demo.protection import protection
from demo.reference import UNITS
from models import (
    AdminUnit,
    Agreement,
    BorderGate,
    ClearanceResult,
    Crossing,
    Direction,
    Employer,
    HealthCheck,
    HealthResult,
    Incident,
    IncidentKind,
    IncidentStatus,
    Office,
    Placement,
    PlacementStatus,
    PoliceClearance,
    StatusChange,
    TravelDocument,
    UnitLevel,
    WageArrears,
    Worker,
    WorkerStatus,
)
from models.sealing import Keyring, keyring

AS_OF = dt.date(2025, 6, 15)
PRE_COVID_END = dt.date(2020, 1, 20)  # the last workers came home for Tết 2020; borders then closed
FIRST_START = {
    "AGR-HG-WS": dt.date(2015, 3, 1),
    "AGR-HG-BS": dt.date(2017, 10, 1),
    "AGR-LC-HK": dt.date(2016, 6, 1),
}  # Baise: the Mèo Vạc – Na Po pilot of late 2017
RESUMED = {
    "AGR-HG-WS": dt.date(2023, 3, 1),
    "AGR-HG-BS": dt.date(2023, 3, 1),
    "AGR-LC-HK": dt.date(2023, 2, 15),
}  # after the 01/11/2022 minutes and China's reopening

STATUS_MIX = Weighted(
    [
        (WorkerStatus.REGISTERED, 12),
        (WorkerStatus.CLEARED, 12),
        (WorkerStatus.DEPLOYED, 36),
        (WorkerStatus.RETURNED, 32),
        (WorkerStatus.SUSPENDED, 4),
        (WorkerStatus.ABSCONDED, 4),
    ]
)
HA_GIANG_SHARE = 0.62
CLEARANCE_MARGIN = dt.timedelta(days=170)  # a planned placement's clearance: well inside six months
DEFAULT_CROSSINGS_PER_WORKER = 6
DEFAULT_BATCH = 2000
# How many generated workers the demo's invented approvals hold with a margin: at 10,000 workers the
# busiest employer peaked at 1.45 times its approved quota and the busiest agreement-year used 0.74
# of its yearly quota (measured with `borderlabour procedure check`), so 5,000 keeps every peak
# at about three quarters of its quota.
WORKERS_PER_APPROVAL_SCALE = 5000

# Home districts: share of the province's workers, and the ethnic mix (see demo.people).
# fmt: off
HOME_DISTRICTS: dict[str, tuple[tuple[str, float, str], ...]] = {
    "VN-HG": (("VN-HG-MEOVAC", 30, "hmong_highland"), ("VN-HG-DONGVAN", 14, "hmong_highland"),
              ("VN-HG-YENMINH", 12, "hmong_mixed"), ("VN-HG-QUANBA", 8, "hmong_mixed"),
              ("VN-HG-VIXUYEN", 12, "tay_dao"), ("VN-HG-BACME", 5, "tay_dao"),
              ("VN-HG-HOANGSUPHI", 6, "nung_dao"), ("VN-HG-XINMAN", 6, "nung_dao"),
              ("VN-HG-BACQUANG", 3, "tay_dao"), ("VN-HG-QUANGBINH", 2, "tay_dao"),
              ("VN-HG-HAGIANG", 2, "kinh_town")),
    "VN-LC": (("VN-LC-BATXAT", 20, "dao_hmong_giay"), ("VN-LC-MUONGKHUONG", 18, "hmong_nung"),
              ("VN-LC-LAOCAI", 14, "kinh_town"), ("VN-LC-SIMACAI", 12, "hmong_highland"),
              ("VN-LC-BACHA", 12, "hmong_mixed"), ("VN-LC-BAOTHANG", 10, "tay_dao"),
              ("VN-LC-SAPA", 8, "hmong_mixed"), ("VN-LC-BAOYEN", 3, "tay_dao"),
              ("VN-LC-VANBAN", 3, "tay_dao")),
}
# fmt: on
COMMUNES: dict[str, tuple[str, ...]] = {
    d.code: tuple(u.code for u in UNITS if u.parent == d.code) for d in UNITS if d.level is UnitLevel.DISTRICT
}
DISTRICT_MIX = {code: mix for districts in HOME_DISTRICTS.values() for code, _, mix in districts}
UNIT_NAMES = {u.code: u.name_vi for u in UNITS}
_DISTRICTS = {p: Weighted([(code, w) for code, w, _ in ds]) for p, ds in HOME_DISTRICTS.items()}


# A choice between at most two options: (first, second or None, probability of the first).
Pair = tuple[str, str | None, float]


def commune_label(code: str) -> str:
    """How a sentence names a commune: "xã Sơn Vĩ", "thị trấn Mèo Vạc", "phường Cốc Lếu"."""
    name = UNIT_NAMES[code]
    for prefix in ("Thị trấn ", "Phường "):
        if name.startswith(prefix):
            return prefix.lower() + name.removeprefix(prefix)
    return f"xã {name}"


def _pick(rng: random.Random, pair: Pair) -> str:
    first, second, p = pair
    return first if second is None or rng.random() < p else second


@dataclass
class Destination:
    """Where a Vietnamese province sends workers: the agreement, its gates, the Chinese office."""

    key: str
    agreement: str
    county_prefix: str
    gates: Pair
    cn_office: str
    cn_name: str
    permit_prefix: str
    exclude: str | None = None  # a county inside the prefix that is a destination of its own

    def __post_init__(self) -> None:
        self.employers = tuple(
            e for e in EMPLOYERS if e.county.startswith(self.county_prefix) and e.county != self.exclude
        )
        self._weights = Weighted([(e, e.approved_quota) for e in self.employers])

    def employer(self, rng: random.Random) -> EmployerSpec:
        """Larger approved quotas take more workers (Huệ Hồng most of Hekou's)."""
        return self._weights.pick(rng)


DESTINATIONS = {
    d.key: d
    for d in (
        Destination(
            key="wenshan",
            agreement="AGR-HG-WS",
            county_prefix="CN-YN-WS",
            gates=("GATE-THANHTHUY-TIANBAO", None, 1.0),
            cn_office="cn-wenshan",
            cn_name="Phòng Lao động châu Văn Sơn",
            permit_prefix="YNWS",
        ),
        Destination(
            key="baise",
            agreement="AGR-HG-BS",
            county_prefix="CN-GX-BS",
            exclude="CN-GX-BS-NP",
            gates=("GATE-THANHTHUY-TIANBAO", "GATE-SAMPUN-TIANPENG", 0.6),
            cn_office="cn-baise",
            cn_name="Cục Tài nguyên nhân lực và An sinh xã hội thành phố Bách Sắc",
            permit_prefix="GXBS",
        ),
        Destination(
            key="napo",
            agreement="AGR-HG-BS",
            county_prefix="CN-GX-BS-NP",
            gates=("GATE-SAMPUN-TIANPENG", None, 1.0),
            cn_office="cn-napo",
            cn_name="Phòng Lao động huyện Na Po",
            permit_prefix="GXNP",
        ),
        Destination(
            key="hekou",
            agreement="AGR-LC-HK",
            county_prefix="CN-YN-HH-HK",
            gates=("GATE-LAOCAI-HEKOU", "GATE-KIMTHANH", 0.8),
            cn_office="cn-hekou",
            cn_name="Văn phòng quản lý thị trường lao động huyện Hà Khẩu",
            permit_prefix="YNHK",
        ),
    )
}


@dataclass(frozen=True)
class Province:
    """A sending province: its offices and where its workers go."""

    code: str
    name: str
    labour: str
    police: str
    health: str
    recorders: Pair  # who records crossings at the gate
    destinations: Weighted[str]
    meo_vac_destinations: Weighted[str] | None = None


PROVINCES = {
    "VN-HG": Province(
        code="VN-HG",
        name="Hà Giang",
        labour="hg-labour",
        police="hg-police",
        health="hg-health",
        recorders=("hg-border-guard", None, 1.0),
        destinations=Weighted([("wenshan", 65), ("baise", 20), ("napo", 15)]),
        meo_vac_destinations=Weighted([("napo", 70), ("wenshan", 20), ("baise", 10)]),  # the Na Po pilot
    ),
    "VN-LC": Province(
        code="VN-LC",
        name="Lào Cai",
        labour="lc-labour",
        police="lc-police",
        health="lc-health",
        recorders=("lc-border-guard", "lc-customs", 0.85),
        destinations=Weighted([("hekou", 1)]),
    ),
}

# --------------------------------------------------------------------------------------------
# Texts (Vietnamese: the registry is kept by the Vietnamese side)
# --------------------------------------------------------------------------------------------

HEALTH_NOTES = {
    HealthResult.FIT: (
        "Đủ sức khỏe làm việc; huyết áp, X-quang phổi bình thường.",
        "Đủ sức khỏe; thị lực giảm nhẹ, không ảnh hưởng công việc.",
        "Đủ sức khỏe; xét nghiệm HIV, viêm gan B âm tính.",
        "Đủ sức khỏe làm việc.",
    ),
    HealthResult.NEEDS_FOLLOW_UP: (
        "Huyết áp cao, cần khám lại sau 1 tháng.",
        "Nghi viêm gan B, cần làm thêm xét nghiệm.",
        "Thiếu máu nhẹ, bổ sung dinh dưỡng và khám lại sau 2 tuần.",
    ),
    HealthResult.UNFIT: (
        "Phát hiện lao phổi, chưa đủ điều kiện đi làm việc.",
        "Tăng huyết áp độ 2, chưa đủ điều kiện sức khỏe.",
    ),
}
POLICE_NOTES = {
    ClearanceResult.CLEAR: (
        "Không có tiền án, tiền sự.",
        "Không thuộc diện chưa được xuất cảnh.",
        "Đã xác minh tại Công an {commune}: chấp hành tốt pháp luật.",
    ),
    ClearanceResult.NOT_CLEAR: (
        "Có quyết định xử phạt về hành vi xuất cảnh trái phép năm {year}, chưa chấp hành xong.",
        "Đang chấp hành án treo, thuộc diện chưa được xuất cảnh.",
        "Đang bị điều tra trong một vụ án hình sự tại {commune}.",
    ),
}
WAGE_DISPUTES = (
    "Người lao động phản ánh công ty chậm trả lương tháng {month}.",
    "Công ty khấu trừ tiền ăn, ở cao hơn mức thỏa thuận, khoảng {amount} NDT/tháng.",
    "Người lao động không được trả tiền làm thêm giờ trong {days} ngày cao điểm.",
    "Nhóm {n} lao động phản ánh tiền lương thực nhận thấp hơn mức ghi trong hợp đồng.",
)
WAGE_HANDLING = (
    "{cn} làm việc với công ty, yêu cầu trả lương đúng hạn; {labour} theo dõi và thông tin "
    "cho gia đình người lao động.",
    "{labour} đề nghị {cn} xác minh; hai bên đối chiếu bảng lương với công ty.",
)
WAGE_RESOLUTIONS = (
    "Công ty đã thanh toán đủ tiền lương còn nợ; người lao động tiếp tục làm việc.",
    "Công ty hoàn trả tiền khấu trừ và điều chỉnh cách tính lương từ tháng sau.",
    "Hai bên thống nhất công ty trả thêm {amount} NDT; người lao động đồng ý.",
)
INJURIES = {
    "factory": (
        "Người lao động bị máy kẹp ngón tay khi đang làm việc, phải khâu vết thương.",
        "Người lao động bị bỏng nhẹ ở tay tại dây chuyền sản xuất.",
        "Người lao động bị ngất tại xưởng do làm việc liên tục trong thời tiết nóng.",
    ),
    "field": (
        "Người lao động bị ngã khi đang làm việc trên nương, gãy xương cẳng chân.",
        "Người lao động bị dao phát cắt vào chân khi làm việc.",
        "Người lao động bị rắn cắn khi làm việc ngoài vườn, được cấp cứu kịp thời.",
    ),
    "construction": (
        "Người lao động bị ngã từ giàn giáo cao khoảng 3 mét, chấn thương cột sống.",
        "Người lao động bị vật liệu rơi trúng vai, phải điều trị tại bệnh viện huyện.",
        "Người lao động bị thương ở tay khi cắt cốt thép.",
    ),
}
INJURY_HANDLING = (
    "Công ty đưa người lao động đi cấp cứu và chi trả viện phí; {cn} thông báo cho {labour}.",
    "{cn} yêu cầu công ty thực hiện chế độ bảo hiểm tai nạn lao động; {labour} theo dõi.",
)
INJURY_RESOLUTIONS = (
    "Người lao động đã bình phục và trở lại làm việc sau {days} ngày.",
    "Người lao động được bồi thường {amount} NDT và về nước điều trị tiếp.",
)
ABSCONDING = (
    "Người lao động tự ý bỏ nơi làm việc từ ngày {date}, không báo cho công ty.",
    "Người lao động không trở lại công ty sau ngày nghỉ {date}, không liên lạc được.",
)
ABSCONDING_HANDLING = (
    "{cn} thông báo cho {labour} và Bộ đội Biên phòng tỉnh; UBND {commune} liên hệ "
    "gia đình để xác minh nơi ở của người lao động."
)
VIOLATIONS = (
    "Người lao động ở lại quá thời hạn cho phép của giấy thông hành.",
    "Người lao động làm việc không đúng địa điểm ghi trong giấy phép lao động.",
    "Người lao động nhiều lần vi phạm nội quy công ty (uống rượu trong giờ làm việc).",
    "Người lao động tham gia đánh nhau tại khu nhà ở tập thể.",
)
VIOLATION_HANDLING = "{cn} lập biên bản và thông báo cho {labour}; Công an tỉnh phối hợp xác minh."
VIOLATION_TERMINATION = (
    "Chấm dứt hợp đồng trước thời hạn; người lao động về nước qua cửa khẩu; "
    "tạm dừng đưa đi làm việc 12 tháng."
)
VIOLATION_WARNING = "Người lao động được nhắc nhở, cam kết không tái phạm; tiếp tục làm việc."
ACTIVE_INCIDENT_STATUSES = (
    IncidentStatus.OPEN,
    IncidentStatus.IN_PROGRESS,
    IncidentStatus.RESOLVED,
    IncidentStatus.RESOLVED,
)
SECTOR_KIND = {
    "electronics assembly": "factory",
    "wood processing": "factory",
    "construction": "construction",
}

# --------------------------------------------------------------------------------------------
# One worker's story: drawn from the worker's own random stream, in a fixed order
# --------------------------------------------------------------------------------------------


@dataclass
class Stay:
    """A planned placement: who employs the worker, when, and how it ended."""

    destination: Destination
    employer: EmployerSpec
    start: dt.date
    end: dt.date | None
    status: PlacementStatus
    job: str
    wage: int


@dataclass
class Story:
    """A worker's draw: home, status, person and stays; `rng` goes on to draw the per-row details."""

    index: int
    rng: random.Random
    province: Province
    district: str
    commune: str
    status: WorkerStatus
    registered_on: dt.date
    stays: list[Stay]
    person: Person
    not_clear: bool = False


def _day(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def _duration(rng: random.Random) -> dt.timedelta:
    """Contracts of three months to two years, most around a year."""
    return dt.timedelta(days=int(90 + 640 * rng.betavariate(2.0, 2.5)))


def _stay(rng: random.Random, dest: Destination, status: PlacementStatus, pre_covid: bool) -> Stay:
    agreement = dest.agreement
    if status is PlacementStatus.PLANNED:
        start = AS_OF + dt.timedelta(days=rng.randint(10, 90))
        end = None
    elif pre_covid:
        start = _day(rng, FIRST_START[agreement], dt.date(2019, 10, 31))
        end = min(start + _duration(rng), PRE_COVID_END)
    elif status is PlacementStatus.ACTIVE:
        start, end = _day(rng, RESUMED[agreement], AS_OF - dt.timedelta(days=14)), None
    else:
        start = _day(rng, RESUMED[agreement], AS_OF - dt.timedelta(days=120))
        end = min(start + _duration(rng), AS_OF - dt.timedelta(days=3))
    if end is not None and status in (PlacementStatus.ABSCONDED, PlacementStatus.TERMINATED):
        end = start + dt.timedelta(days=rng.randint(30, max(31, (end - start).days)))
    employer = dest.employer(rng)
    low, high = employer.wage_cny
    wage = rng.randrange(low, high + 1, 50)
    if start < RESUMED[agreement]:
        wage = max(2500, round(wage * 0.9 / 50) * 50)  # wages before 2020 were about a tenth lower
    return Stay(dest, employer, start, end, status, rng.choice(employer.jobs), wage)


def story(seed: int, index: int) -> Story:
    """Worker `index` of the population drawn with `seed` (everything but the per-row details)."""
    rng = random.Random(seed * 4_294_967_296 + index)
    province = PROVINCES["VN-HG" if rng.random() < HA_GIANG_SHARE else "VN-LC"]
    district = _DISTRICTS[province.code].pick(rng)
    commune = rng.choice(COMMUNES[district])
    status = STATUS_MIX.pick(rng)
    chooser = province.meo_vac_destinations if district == "VN-HG-MEOVAC" else None
    dest = DESTINATIONS[(chooser or province.destinations).pick(rng)]

    stays: list[Stay] = []
    not_clear = False
    registered_on = AS_OF - dt.timedelta(days=rng.randint(5, 200))
    if status is WorkerStatus.CLEARED and rng.random() < 0.4:
        stays.append(_stay(rng, dest, PlacementStatus.PLANNED, False))
    elif status is WorkerStatus.DEPLOYED:
        if rng.random() < 0.25:  # came back after the border reopened
            stays.append(_stay(rng, dest, PlacementStatus.COMPLETED, True))
        stays.append(_stay(rng, dest, PlacementStatus.ACTIVE, False))
    elif status is WorkerStatus.RETURNED:
        stays.append(_stay(rng, dest, PlacementStatus.COMPLETED, rng.random() < 0.55))
    elif status is WorkerStatus.ABSCONDED:
        stays.append(_stay(rng, dest, PlacementStatus.ABSCONDED, rng.random() < 0.4))
    elif status is WorkerStatus.SUSPENDED:
        not_clear = rng.random() < 0.4
        if not not_clear:
            stays.append(_stay(rng, dest, PlacementStatus.TERMINATED, rng.random() < 0.4))
    if stays and stays[0].status is not PlacementStatus.PLANNED:
        registered_on = stays[0].start - dt.timedelta(days=rng.randint(60, 150))

    border_pass = status is not WorkerStatus.REGISTERED or rng.random() < 0.75
    person = make_person(
        rng, index, province.code, DISTRICT_MIX[district], registered_on, salt=seed, border_pass=border_pass
    )
    return Story(index, rng, province, district, commune, status, registered_on, stays, person, not_clear)


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_GATE_HOURS = 14 * 3600  # 07:00–21:00 Vietnam time is 00:00–14:00 UTC
TABLES = {
    "workers": Worker,
    "placements": Placement,
    "crossings": Crossing,
    "health_checks": HealthCheck,
    "police_clearances": PoliceClearance,
    "incidents": Incident,
    "wage_arrears": WageArrears,
    "worker_status_changes": StatusChange,
}


SUSPENSION_NOT_CLEAR = "Xác nhận lý lịch không đạt: tạm dừng đưa đi làm việc."
SUSPENSION_TERMINATED = "Chấm dứt hợp đồng do vi phạm: tạm dừng đưa đi làm việc 12 tháng."


def _at(day: dt.date, hour_utc: int = 2) -> dt.datetime:
    """A moment on `day` during office hours in Vietnam (02:00 UTC is 09:00 there)."""
    return dt.datetime.combine(day, dt.time(hour_utc), dt.UTC)


@dataclass
class _History:
    """A worker's status as events move it, and every change made."""

    status: WorkerStatus | None = None
    clear: bool = False
    fit: bool = False
    changes: list[tuple[WorkerStatus | None, WorkerStatus, dt.datetime, int, str, str | None]] = field(
        default_factory=list
    )

    def move(
        self, to: WorkerStatus, when: dt.datetime, office: int, cause: str, reason: str | None = None
    ) -> None:
        if to is not self.status:
            self.changes.append((self.status, to, when, office, cause, reason))
            self.status = to

    def checked(self, record: dict[str, Any], when: dt.datetime, office: int, cause: str) -> None:
        """A health check or clearance: CLEARED with both good, back to REGISTERED otherwise."""
        if "checked_on" in record:
            self.fit = record["result"] is HealthResult.FIT
        else:
            self.clear = record["result"] is ClearanceResult.CLEAR
        if self.status in (WorkerStatus.REGISTERED, WorkerStatus.CLEARED):
            ready = self.clear and self.fit
            self.move(WorkerStatus.CLEARED if ready else WorkerStatus.REGISTERED, when, office, cause)


@dataclass
class GenerationSummary:
    """What one `generate` call added (and how many generated workers it found already there)."""

    existing_workers: int = 0
    workers: int = 0
    placements: int = 0
    crossings: int = 0
    health_checks: int = 0
    police_clearances: int = 0
    incidents: int = 0
    wage_arrears: int = 0
    worker_status_changes: int = 0


@dataclass
class Refs:
    """Database ids of the reference rows, looked up by code once per run."""

    units: dict[str, int]
    offices: dict[str, int]
    gates: dict[str, int]
    agreements: dict[str, int]
    employers: dict[str, int]
    # Each closed office's last day and the office that took over its duties.
    closed: dict[str, tuple[dt.date, str]] = field(default_factory=dict)

    def office_on(self, code: str, day: dt.date) -> int:
        """The office that acted for `code` on `day`: the office itself, or the successor its duties
        had passed to by then (a record made in 2025 under Hà Giang's labour department was made by
        the department of Home Affairs)."""
        while code in self.closed and day > self.closed[code][0]:
            code = self.closed[code][1]
        return self.offices[code]

    @classmethod
    def load(cls, session: Session) -> Refs:
        def ids(key: InstrumentedAttribute[str], pk: InstrumentedAttribute[int]) -> dict[str, int]:
            return {code: id_ for code, id_ in session.execute(select(key, pk))}

        successors = aliased(Office)

        return cls(
            ids(AdminUnit.code, AdminUnit.id),
            ids(Office.code, Office.id),
            ids(BorderGate.code, BorderGate.id),
            ids(Agreement.code, Agreement.id),
            ids(Employer.social_credit_code, Employer.id),
            {
                code: (last_day, successor)
                for code, last_day, successor in session.execute(
                    select(Office.code, Office.valid_to, successors.code).join(
                        successors, successors.id == Office.successor_id
                    )
                )
                if last_day is not None
            },
        )


class Batch:
    """Rows for a run of consecutive workers, with primary keys assigned from `next_ids`."""

    def __init__(
        self, refs: Refs, ring: Keyring, next_ids: dict[str, int], crossings_per_worker: int
    ) -> None:
        self.refs, self.ring, self.next_ids = refs, ring, next_ids
        self.crossings_per_worker = crossings_per_worker
        self.now = dt.datetime.now(dt.UTC)
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}

    def _id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def add(self, s: Story) -> None:
        marks = {name: len(rows) for name, rows in self.rows.items()}
        self._add_story(s)
        self._history(s, {name: rows[marks[name] :] for name, rows in self.rows.items()})

    def _add_story(self, s: Story) -> None:
        worker_id = self._add_worker(s)
        rng, province = s.rng, s.province
        if not s.stays:
            self._standalone_checks(s, worker_id)
            return
        closed = [st for st in s.stays if st.status is not PlacementStatus.PLANNED]
        budget = self._pair_budget(rng, closed)
        for ordinal, stay in enumerate(s.stays):
            if stay.status is PlacementStatus.PLANNED:
                self._health(
                    rng, worker_id, province, s.registered_on + dt.timedelta(days=rng.randint(3, 20))
                )
                # within the agreement's six months of the planned start (DOMAIN.md, the procedure)
                on = max(
                    s.registered_on + dt.timedelta(days=rng.randint(10, 40)), stay.start - CLEARANCE_MARGIN
                )
                self._clearance(rng, s, worker_id, on)
            else:
                self._health(rng, worker_id, province, stay.start - dt.timedelta(days=rng.randint(15, 45)))
                self._clearance(rng, s, worker_id, stay.start - dt.timedelta(days=rng.randint(20, 60)))
            placement_id = self._placement(s, worker_id, stay, ordinal)
            if stay.status is not PlacementStatus.PLANNED:
                self._crossings(s, worker_id, stay, budget.pop(0))
                self._incidents(s, worker_id, placement_id, stay)

    # -- the status history ---------------------------------------------------------------------

    def _history(self, s: Story, rows: dict[str, list[dict[str, Any]]]) -> None:
        """The worker's status changes, replayed from its rows by the procedure's events (the rules
        of resolvers.writes.lifecycle): the checks clear, an exit deploys, the return home returns,
        an absconding ends; a suspension is the labour department's decision, with its reason."""
        offices = self.refs.offices

        def labour(day: dt.date) -> int:
            return self.refs.office_on(s.province.labour, day)

        # (moment, order on the same moment, what happened, office, cause, the record)
        events: list[tuple[dt.datetime, int, str, int, str, dict[str, Any] | None]] = []
        for table, dated, cause in (
            ("health_checks", "checked_on", "recordHealthCheck"),
            ("police_clearances", "issued_on", "recordPoliceClearance"),
        ):
            for check in rows[table]:
                events.append((_at(check[dated]), 0, "check", check["recorded_by_office_id"], cause, check))
        crossings = sorted(rows["crossings"], key=lambda c: c["crossed_at"])
        for stay in s.stays:
            if stay.status is PlacementStatus.PLANNED:
                continue
            last = stay.end or AS_OF
            own = [c for c in crossings if stay.start <= c["crossed_at"].date() <= last]
            out = next((c for c in own if c["direction"] is Direction.EXIT_VIETNAM), None)
            events.append(
                (out["crossed_at"], 1, "deployed", out["recorded_by_office_id"], "recordCrossing", None)
                if out else (_at(stay.start), 1, "deployed", labour(stay.start), "recordCrossing", None)
            )  # fmt: skip
            if stay.status is PlacementStatus.ABSCONDED:
                cn = offices[stay.destination.cn_office]
                events.append((_at(last, 10), 2, "absconded", cn, "reportPlacementEnd", None))
            elif stay.end is not None:
                back = own[-1] if own and own[-1]["direction"] is Direction.ENTER_VIETNAM else None
                events.append(
                    (back["crossed_at"], 2, "returned", back["recorded_by_office_id"], "recordCrossing", None)
                    if back else (_at(stay.end, 10), 2, "returned", labour(stay.end), "recordCrossing", None)
                )  # fmt: skip
        history = _History()
        registered = _at(s.registered_on, 1)
        history.move(WorkerStatus.REGISTERED, registered, labour(s.registered_on), "registerWorker")
        for when, _, what, office, cause, record in sorted(events, key=lambda e: (e[0], e[1])):
            if record is not None:
                history.checked(record, when, office, cause)
            else:
                history.move(WorkerStatus(what), when, office, cause)
        if s.status is WorkerStatus.SUSPENDED:
            why = SUSPENSION_NOT_CLEAR if s.not_clear else SUSPENSION_TERMINATED
            day = history.changes[-1][2] + dt.timedelta(days=1)
            history.move(WorkerStatus.SUSPENDED, day, labour(day.date()), "changeWorkerStatus", why)
        worker_id = rows["workers"][0]["id"]
        for origin, to, when, office, cause, reason in history.changes:
            self.rows["worker_status_changes"].append(
                {
                    "id": self._id("worker_status_changes"),
                    "worker_id": worker_id,
                    "from_status": origin,
                    "to_status": to,
                    "at": when,
                    "office_id": office,
                    "reason": reason,
                    "cause": cause,
                }
            )

    # -- workers and checks -------------------------------------------------------------------

    def _add_worker(self, s: Story) -> int:
        seal, blind, p = self.ring.seal, self.ring.blind_index, s.person
        worker_id = self._id("workers")
        self.rows["workers"].append(
            {
                "id": worker_id,
                "full_name": p.full_name,
                "date_of_birth": p.date_of_birth,
                "sex": p.sex,
                "ethnicity": p.ethnicity,
                "national_id_sealed": seal(p.national_id),
                "national_id_index": blind(p.national_id),
                "border_pass_sealed": seal(p.border_pass),
                "border_pass_index": blind(p.border_pass),
                "passport_sealed": seal(p.passport),
                "passport_index": blind(p.passport),
                "phone_sealed": seal(p.phone),
                "home_province_id": self.refs.units[s.province.code],
                "home_district_id": self.refs.units[s.district],
                "home_commune_id": self.refs.units[s.commune],
                "status": s.status,
                "created_at": self.now,
                "updated_at": self.now,
            }
        )
        return worker_id

    def _standalone_checks(self, s: Story, worker_id: int) -> None:
        rng, on = s.rng, s.registered_on
        if s.status is WorkerStatus.REGISTERED:
            roll = rng.random()
            if roll >= 0.45:
                result = (
                    HealthResult.FIT
                    if roll < 0.85
                    else HealthResult.NEEDS_FOLLOW_UP
                    if roll < 0.95
                    else HealthResult.UNFIT
                )
                self._health(rng, worker_id, s.province, on + dt.timedelta(days=rng.randint(3, 20)), result)
            return
        # cleared without a planned placement, or suspended for a police record
        self._health(rng, worker_id, s.province, on + dt.timedelta(days=rng.randint(3, 20)))
        self._clearance(
            rng,
            s,
            worker_id,
            on + dt.timedelta(days=rng.randint(10, 40)),
            ClearanceResult.NOT_CLEAR if s.not_clear else ClearanceResult.CLEAR,
        )

    def _health(
        self,
        rng: random.Random,
        worker_id: int,
        province: Province,
        on: dt.date,
        result: HealthResult = HealthResult.FIT,
    ) -> None:
        self.rows["health_checks"].append(
            {
                "id": self._id("health_checks"),
                "worker_id": worker_id,
                "checked_on": min(on, AS_OF),
                "result": result,
                "notes_sealed": self.ring.seal(rng.choice(HEALTH_NOTES[result])),
                "recorded_by_office_id": self.refs.office_on(province.health, min(on, AS_OF)),
                "created_at": self.now,
            }
        )

    def _clearance(
        self,
        rng: random.Random,
        s: Story,
        worker_id: int,
        on: dt.date,
        result: ClearanceResult = ClearanceResult.CLEAR,
    ) -> None:
        note = rng.choice(POLICE_NOTES[result]).format(
            commune=commune_label(s.commune), year=on.year - rng.randint(1, 4)
        )
        self.rows["police_clearances"].append(
            {
                "id": self._id("police_clearances"),
                "worker_id": worker_id,
                "issued_on": min(on, AS_OF),
                "result": result,
                "notes_sealed": self.ring.seal(note),
                "recorded_by_office_id": self.refs.office_on(s.province.police, min(on, AS_OF)),
                "created_at": self.now,
            }
        )

    # -- placements and crossings -------------------------------------------------------------

    def _placement(self, s: Story, worker_id: int, stay: Stay, ordinal: int) -> int:
        placement_id = self._id("placements")
        permit = None
        if stay.status is not PlacementStatus.PLANNED:
            serial = ((s.index * 2 + ordinal) * 7_654_321 + 1_234_567) % 10**7
            permit = f"{stay.destination.permit_prefix}{stay.start.year}{serial:07d}"
        self.rows["placements"].append(
            {
                "id": placement_id,
                "worker_id": worker_id,
                "employer_id": self.refs.employers[stay.employer.social_credit_code],
                "agreement_id": self.refs.agreements[stay.destination.agreement],
                "job": stay.job,
                "monthly_wage_cny": Decimal(stay.wage),
                "start_date": stay.start,
                "end_date": stay.end,
                "work_permit_number": permit,
                "status": stay.status,
                "created_at": self.now,
                **protection(s.province.name, stay, placement_id, worker_id),
            }
        )
        return placement_id

    def _pair_budget(self, rng: random.Random, stays: Sequence[Stay]) -> list[int]:
        """Round trips per stay: about half the crossings per worker, shared by length of stay."""
        if not stays or self.crossings_per_worker <= 0:
            return [0] * len(stays)
        half = self.crossings_per_worker / 2
        pairs = max(1, round(half * rng.uniform(0.5, 1.5)))
        days = [max(1, ((st.end or AS_OF) - st.start).days) for st in stays]
        return [max(1, round(pairs * d / sum(days))) for d in days]

    def _crossings(self, s: Story, worker_id: int, stay: Stay, pairs: int) -> None:
        if pairs <= 0:
            return
        rng, refs = s.rng, self.refs
        open_ended = stay.status in (PlacementStatus.ACTIVE, PlacementStatus.ABSCONDED)
        end = stay.end or AS_OF
        span = max(0, (end - stay.start).days)
        base = int((dt.datetime.combine(stay.start, dt.time(), dt.UTC) - _EPOCH).total_seconds())
        count = 2 * pairs - (1 if open_ended else 0)
        days = [0] + [rng.randint(1, span - 1) if span > 1 else span for _ in range(count - 1)]
        if not open_ended:
            days[-1] = span  # the last crossing is the return home on the end date
        times = sorted(base + d * 86400 + rng.randrange(_GATE_HOURS) for d in days)
        has_passport = s.person.passport is not None
        document = (
            TravelDocument.PASSPORT if has_passport and rng.random() < 0.3 else TravelDocument.BORDER_PASS
        )
        if s.person.border_pass is None:
            document = TravelDocument.PASSPORT
        gates, recorders = stay.destination.gates, s.province.recorders
        rows = self.rows["crossings"]
        for n, t in enumerate(times):
            crossed_at = _EPOCH + dt.timedelta(seconds=t)
            rows.append(
                {
                    "id": self._id("crossings"),
                    "worker_id": worker_id,
                    "gate_id": refs.gates[_pick(rng, gates)],
                    "direction": Direction.EXIT_VIETNAM if n % 2 == 0 else Direction.ENTER_VIETNAM,
                    "crossed_at": crossed_at,
                    "document": document,
                    "recorded_by_office_id": refs.office_on(_pick(rng, recorders), crossed_at.date()),
                }
            )

    # -- incidents ------------------------------------------------------------------------------

    def _incidents(self, s: Story, worker_id: int, placement_id: int, stay: Stay) -> None:
        """The incident that ended an absconded or terminated placement; about one in ten others has one."""
        rng, end = s.rng, stay.end or AS_OF
        cn_share = 0.65  # how often the Chinese office, not the labour department, reports it
        texts: tuple[str, str, str | None]
        if stay.status is PlacementStatus.ABSCONDED:
            kind, on, cn_share = IncidentKind.ABSCONDING, end, 0.85
            status = IncidentStatus.IN_PROGRESS  # older cases have been taken up by now
            if end > AS_OF - dt.timedelta(days=60):
                status = rng.choice((IncidentStatus.OPEN, IncidentStatus.IN_PROGRESS))
            texts = (rng.choice(ABSCONDING).format(date=f"{end:%d/%m/%Y}"), ABSCONDING_HANDLING, None)
        elif stay.status is PlacementStatus.TERMINATED:
            kind, status = IncidentKind.VIOLATION, IncidentStatus.RESOLVED
            on = end - dt.timedelta(days=rng.randint(0, 10))
            texts = (rng.choice(VIOLATIONS), VIOLATION_HANDLING, VIOLATION_TERMINATION)
        else:
            roll = rng.random()
            if roll >= 0.105:
                return
            on = _day(rng, stay.start + dt.timedelta(days=7), end)
            status = IncidentStatus.RESOLVED
            if stay.status is PlacementStatus.ACTIVE:
                status = rng.choice(ACTIVE_INCIDENT_STATUSES)
            values = {
                "month": f"{on:%m/%Y}",
                "amount": rng.randrange(200, 3001, 100),
                "days": rng.randint(3, 30),
            }
            if roll < 0.06:
                kind = IncidentKind.WAGE_DISPUTE
                texts = (
                    rng.choice(WAGE_DISPUTES).format(n=rng.randint(3, 12), **values),
                    rng.choice(WAGE_HANDLING),
                    rng.choice(WAGE_RESOLUTIONS).format(**values),
                )
            elif roll < 0.09:
                kind = IncidentKind.INJURY
                texts = (
                    rng.choice(INJURIES[SECTOR_KIND.get(stay.employer.sector, "field")]),
                    rng.choice(INJURY_HANDLING),
                    rng.choice(INJURY_RESOLUTIONS).format(**values),
                )
            else:
                kind = IncidentKind.VIOLATION
                texts = (rng.choice(VIOLATIONS), VIOLATION_HANDLING, VIOLATION_WARNING)
        description, handling, resolution = texts
        dest = stay.destination
        labour_name = f"Sở LĐ-TB&XH tỉnh {s.province.name}"
        handling = handling.format(cn=dest.cn_name, labour=labour_name, commune=commune_label(s.commune))
        reporter = dest.cn_office if rng.random() < cn_share else s.province.labour
        if kind is IncidentKind.WAGE_DISPUTE:
            reported = (worker_id, placement_id, min(on, AS_OF), stay.start)
            self._arrears(*reported, cast(int, values["amount"]), status, reporter)
        self.rows["incidents"].append(
            {
                "id": self._id("incidents"),
                "worker_id": worker_id,
                "placement_id": placement_id,
                "kind": kind,
                "occurred_on": min(on, AS_OF),
                "description": description,
                "handling": None if status is IncidentStatus.OPEN else handling,
                "resolution": resolution if status is IncidentStatus.RESOLVED else None,
                "status": status,
                # Derived, not drawn from `rng`: the rest of the demo stays as it was.
                "resolved_on": (
                    min(on + dt.timedelta(days=2 + (worker_id * 7 + placement_id) % 44), AS_OF)
                    if status is IncidentStatus.RESOLVED
                    else None
                ),
                "reported_by_office_id": self.refs.office_on(reporter, min(on, AS_OF)),
                "created_at": self.now,
                "updated_at": self.now,
            }
        )

    def _arrears(
        self,
        worker_id: int,
        placement_id: int,
        on: dt.date,
        start: dt.date,
        amount: int,
        status: IncidentStatus,
        reporter: str,
    ) -> None:
        """A wage dispute's unpaid wages, for the weeks before it (from the start at the earliest),
        settled when the dispute was resolved (the day the incident's `resolved_on` derives);
        derived, not drawn from `rng`."""
        period_to = on - dt.timedelta(days=1)
        settled = min(on + dt.timedelta(days=2 + (worker_id * 7 + placement_id) % 44), AS_OF)
        resolved = status is IncidentStatus.RESOLVED
        self.rows["wage_arrears"].append(
            {
                "id": self._id("wage_arrears"),
                "placement_id": placement_id,
                "worker_id": worker_id,
                "period_from": max(start, on - dt.timedelta(days=30)),
                "period_to": period_to,
                "amount_cny": Decimal(amount),
                "reported_on": on,
                "reported_by_office_id": self.refs.office_on(reporter, on),
                "settled_on": settled if resolved else None,
                # Most disputes end with everything paid; about one in five with part of it.
                "amount_settled_cny": (
                    (Decimal(amount) if placement_id % 5 else Decimal(amount * 6 // 10)) if resolved else None
                ),
                "created_at": self.now,
            }
        )

    # -- writing --------------------------------------------------------------------------------

    def write(self, session: Session, summary: GenerationSummary) -> None:
        for name, model in TABLES.items():  # parents first: dict order is insertion order
            rows = self.rows[name]
            if rows:
                session.execute(model.__table__.insert(), rows)  # type: ignore[attr-defined]
            setattr(summary, name, getattr(summary, name) + len(rows))
        if session.get_bind().dialect.name == "postgresql":
            for name, rows in self.rows.items():
                if rows:  # explicit ids do not advance a sequence; move it past them
                    session.execute(
                        text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"),
                        {"t": name, "v": self.next_ids[name] - 1},
                    )


def _next_ids(session: Session) -> dict[str, int]:
    return {
        name: (session.scalar(select(func.max(model.id))) or 0) + 1  # type: ignore[attr-defined]
        for name, model in TABLES.items()
    }


def size_approvals(session: Session, workers: int) -> int:
    """Scales the reference employers' approved quotas and the agreements' yearly quotas to a
    dataset of `workers` (a benchmark world approves more workers than the demo's); returns the factor.

    Quotas are data: a larger dataset gets larger approvals, never placements past a quota or
    overrides. The factor is 1 up to `WORKERS_PER_APPROVAL_SCALE` workers (the demo keeps the
    reference figures); `load_demo_reference` restores those before each run, so scaling is idempotent.
    """
    factor = max(1, -(-workers // WORKERS_PER_APPROVAL_SCALE))
    if factor > 1:
        quotas = {e.social_credit_code: e.approved_quota for e in EMPLOYERS}
        for employer in session.scalars(select(Employer).where(Employer.social_credit_code.in_(quotas))):
            employer.approved_quota = quotas[employer.social_credit_code] * factor
        for agreement in session.scalars(select(Agreement).where(Agreement.code.in_(QUOTAS))):
            agreement.yearly_quota = QUOTAS[agreement.code] * factor
        session.flush()
    return factor


def generated_count(session: Session, seed: int, upto: int, ring: Keyring | None = None) -> int:
    """How many of workers 0..upto-1 of `seed` are already in the database (they form a prefix)."""
    ring = ring or keyring()

    def present(index: int) -> bool:
        digest = ring.blind_index(story(seed, index).person.national_id)
        return session.scalar(select(Worker.id).where(Worker.national_id_index == digest)) is not None

    lo, hi = 0, upto  # invariant: workers < lo are present, workers >= hi are missing
    while lo < hi:
        mid = (lo + hi) // 2
        if present(mid):
            lo = mid + 1
        else:
            hi = mid
    return lo


def generate(
    session: Session,
    workers: int,
    seed: int = 2017,
    progress: Callable[[int, int], None] | None = None,
    *,
    crossings_per_worker: int = DEFAULT_CROSSINGS_PER_WORKER,
    batch_size: int = DEFAULT_BATCH,
    adjust: Callable[[Story], Story] | None = None,
) -> GenerationSummary:
    """Make the database hold the first `workers` workers of population `seed`, adding only what is missing.

    Loads the reference data and the demo's extras (employers, minutes, quotas) first. Commits
    after those and after every batch; `progress(done, total)` is called after each batch with the
    number of the population's workers now present and `workers`. `adjust` may change each
    worker's dates after the draw (the demo's `demo.seeded.faithful`). Needs the keyring
    (`models.sealing.set_keyring`).
    """
    if not 0 <= workers <= MAX_PEOPLE:
        raise ValueError(f"workers must be between 0 and {MAX_PEOPLE}")
    ring = keyring()
    load_demo_reference(session)
    size_approvals(session, workers)
    session.commit()
    refs = Refs.load(session)
    summary = GenerationSummary(existing_workers=generated_count(session, seed, workers, ring))
    for start in range(summary.existing_workers, workers, batch_size):
        stop = min(workers, start + batch_size)
        batch = Batch(refs, ring, _next_ids(session), crossings_per_worker)
        for index in range(start, stop):
            drawn = story(seed, index)
            batch.add(adjust(drawn) if adjust is not None else drawn)
        batch.write(session, summary)
        session.commit()
        if progress is not None:
            progress(stop, workers)
    return summary


def summary_line(summary: GenerationSummary) -> str:
    """A one-line account of a run, for the command line."""
    return ", ".join(f"{f.name.replace('_', ' ')}: {getattr(summary, f.name):,}" for f in fields(summary))
