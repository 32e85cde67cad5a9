"""Reference data of the demo: units, offices, gates, agreements, talks minutes, employers.

Everything here is plain data so that a reviewer can check it against the source documents
(`seeds/`) without reading code, and so that a change of the world (the 2025 mergers, a new
gate, a new employer) is a data change. `load_reference` writes it idempotently: rows are
matched on their stable code (employers on their social credit code, minutes on agreement and
date), updated in place when present and inserted when not, so it can run before every demo.

Facts from the sources: the agreement dates (18/12/2014 Hà Giang – Văn Sơn, 10/02/2017
Hà Giang – Bách Sắc), the first round of talks with Baise on 08/08/2017, five sets of Lào Cai –
Hà Khẩu minutes in 2016–2019, the online talks of 01/11/2022 and both delegations, and the
1,051 workers at Huệ Hồng. Invented for the demo (and said so in the minutes): quotas, the
exact dates of the 2016–2019 minutes, employers other than Huệ Hồng and all their details.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    AdminUnit,
    Agreement,
    AgreementRequirements,
    AgreementStatus,
    BorderGate,
    Country,
    Employer,
    Office,
    Side,
    TalksMinutes,
    UnitLevel,
    rebuild_unit_closure,
)
from procedure import first_version

# --------------------------------------------------------------------------------------------
# Administrative units
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSpec:
    code: str
    level: UnitLevel
    name_vi: str
    name_zh: str | None = None
    parent: str | None = None
    valid_from: dt.date = dt.date(1900, 1, 1)
    valid_to: dt.date | None = None
    successor: str | None = None  # the unit that took this one over

    @property
    def country(self) -> Country:
        return Country(self.code[:2])


def slug(name: str) -> str:
    """ASCII upper-case code fragment of a Vietnamese name ("Sơn Vĩ" -> "SONVI"), for commune codes."""
    plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in plain if ch.isascii() and ch.isalnum()).upper()


def _commune(district: str, name: str) -> UnitSpec:
    """A commune, ward (phường) or township (thị trấn) below `district`; the code says which."""
    for prefix, tag in (("Thị trấn ", "TT"), ("Phường ", "P")):
        if name.startswith(prefix):
            return UnitSpec(
                f"{district}-{tag}{slug(name.removeprefix(prefix))}", UnitLevel.COMMUNE, name, parent=district
            )
    return UnitSpec(f"{district}-{slug(name)}", UnitLevel.COMMUNE, name, parent=district)


# (district code, Vietnamese name, Chinese name, communes). Pre-2025 districts: the demo's
# timeline ends before the July 2025 reorganisation; a merger would be new rows with dates.
# fmt: off
_VN_DISTRICTS: dict[str, list[tuple[str, str, str | None, tuple[str, ...]]]] = {
    "VN-HG": [
        ("VN-HG-HAGIANG", "Thành phố Hà Giang", "河江市",
         ("Phường Quang Trung", "Phường Trần Phú", "Phường Ngọc Hà", "Phường Minh Khai", "Phương Độ",
          "Phương Thiện", "Ngọc Đường")),
        ("VN-HG-MEOVAC", "Mèo Vạc", "苗旺县",
         ("Thị trấn Mèo Vạc", "Sơn Vĩ", "Xín Cái", "Thượng Phùng", "Pải Lủng", "Pả Vi", "Giàng Chu Phìn",
          "Cán Chu Phìn", "Lũng Pù", "Lũng Chinh", "Tả Lủng", "Sủng Máng", "Sủng Trà", "Nậm Ban",
          "Khâu Vai", "Niêm Sơn", "Niêm Tòng", "Tát Ngà")),
        ("VN-HG-DONGVAN", "Đồng Văn", "同文县",
         ("Thị trấn Đồng Văn", "Thị trấn Phó Bảng", "Lũng Cú", "Má Lé", "Lũng Táo", "Phố Là",
          "Thài Phìn Tủng", "Sủng Là", "Sà Phìn", "Tả Phìn", "Sính Lủng", "Lũng Thầu", "Vần Chải")),
        ("VN-HG-YENMINH", "Yên Minh", "安明县",
         ("Thị trấn Yên Minh", "Thắng Mố", "Phú Lũng", "Sủng Tráng", "Bạch Đích", "Na Khê", "Sủng Thài",
          "Hữu Vinh", "Lao Và Chải", "Mậu Duệ", "Đông Minh", "Du Già")),
        ("VN-HG-QUANBA", "Quản Bạ", "管坝县",
         ("Thị trấn Tam Sơn", "Bát Đại Sơn", "Nghĩa Thuận", "Cán Tỷ", "Cao Mã Pờ", "Thanh Vân", "Tùng Vài",
          "Lùng Tám", "Quyết Tiến", "Thái An")),
        ("VN-HG-VIXUYEN", "Vị Xuyên", "渭川县",
         ("Thị trấn Vị Xuyên", "Thị trấn Việt Lâm", "Thanh Thủy", "Thanh Đức", "Xín Chải", "Lao Chải",
          "Minh Tân", "Phong Quang", "Tùng Bá", "Cao Bồ", "Đạo Đức", "Kim Thạch", "Ngọc Linh")),
        ("VN-HG-BACME", "Bắc Mê", "北迷县",
         ("Thị trấn Yên Phú", "Minh Ngọc", "Yên Cường", "Lạc Nông", "Phú Nam", "Yên Định", "Đường Âm",
          "Giáp Trung")),
        ("VN-HG-HOANGSUPHI", "Hoàng Su Phì", "黄树皮县",
         ("Thị trấn Vinh Quang", "Thàng Tín", "Thèn Chu Phìn", "Pố Lồ", "Bản Phùng", "Túng Sán",
          "Tụ Nhân", "Nàng Đôn", "Pờ Ly Ngài", "Tả Sử Choóng", "Nậm Dịch", "Bản Máy")),
        ("VN-HG-XINMAN", "Xín Mần", "箐门县",
         ("Thị trấn Cốc Pài", "Nàn Xỉn", "Bản Díu", "Chí Cà", "Xín Mần", "Thèn Phàng", "Pà Vầy Sủ",
          "Ngán Chiên", "Thu Tà", "Nà Chì", "Quảng Nguyên")),
        ("VN-HG-BACQUANG", "Bắc Quang", "北光县",
         ("Thị trấn Việt Quang", "Thị trấn Vĩnh Tuy", "Hùng An", "Đồng Yên", "Tân Quang", "Kim Ngọc")),
        ("VN-HG-QUANGBINH", "Quang Bình", "光平县",
         ("Thị trấn Yên Bình", "Xuân Giang", "Tân Trịnh", "Bằng Lang", "Tiên Yên")),
    ],
    "VN-LC": [
        ("VN-LC-LAOCAI", "Thành phố Lào Cai", "老街市",
         ("Phường Cốc Lếu", "Phường Duyên Hải", "Phường Kim Tân", "Phường Lào Cai", "Phường Bắc Cường",
          "Phường Pom Hán", "Vạn Hòa", "Đồng Tuyển", "Cốc San", "Hợp Thành")),
        ("VN-LC-BATXAT", "Bát Xát", None,
         ("Thị trấn Bát Xát", "A Mú Sung", "Nậm Chạc", "A Lù", "Trịnh Tường", "Y Tý", "Ngải Thầu",
          "Quang Kim", "Bản Qua", "Bản Vược", "Mường Hum", "Dền Sáng")),
        ("VN-LC-MUONGKHUONG", "Mường Khương", "孟康县",
         ("Thị trấn Mường Khương", "Pha Long", "Tả Ngài Chồ", "Dìn Chin", "Tung Chung Phố", "Nậm Chảy",
          "Lùng Vai", "Bản Lầu", "Bản Sen", "La Pan Tẩn", "Tả Gia Khâu")),
        ("VN-LC-BAOTHANG", "Bảo Thắng", "保胜县",
         ("Thị trấn Phố Lu", "Thị trấn Tằng Loỏng", "Phong Niên", "Bản Phiệt", "Bản Cầm", "Thái Niên",
          "Gia Phú", "Xuân Quang", "Sơn Hải")),
        ("VN-LC-SIMACAI", "Si Ma Cai", None,
         ("Thị trấn Si Ma Cai", "Sín Chéng", "Bản Mế", "Nàn Sín", "Cán Cấu", "Lùng Thẩn", "Quan Hồ Thẩn",
          "Thào Chư Phìn")),
        ("VN-LC-BACHA", "Bắc Hà", "北河县",
         ("Thị trấn Bắc Hà", "Lùng Phình", "Tả Van Chư", "Lầu Thí Ngài", "Thải Giàng Phố", "Bản Phố",
          "Bản Liền", "Tà Chải", "Na Hối", "Cốc Ly", "Nậm Mòn")),
        ("VN-LC-SAPA", "Sa Pa", "沙坝",
         ("Phường Sa Pa", "Phường Cầu Mây", "Phường Hàm Rồng", "Tả Van", "Bản Hồ", "Tả Phìn", "Trung Chải",
          "Ngũ Chỉ Sơn", "Liên Minh")),
        ("VN-LC-BAOYEN", "Bảo Yên", None,
         ("Thị trấn Phố Ràng", "Phúc Khánh", "Xuân Hòa", "Bảo Hà", "Nghĩa Đô")),
        ("VN-LC-VANBAN", "Văn Bàn", None,
         ("Thị trấn Khánh Yên", "Nậm Xé", "Dương Quỳ", "Minh Lương", "Chiềng Ken")),
    ],
}
# fmt: on


def _vn_units() -> list[UnitSpec]:
    units = [
        UnitSpec("VN-HG", UnitLevel.PROVINCE, "Hà Giang", "河江省"),
        UnitSpec("VN-LC", UnitLevel.PROVINCE, "Lào Cai", "老街省"),
    ]
    for province, districts in _VN_DISTRICTS.items():
        for code, name_vi, name_zh, communes in districts:
            units.append(UnitSpec(code, UnitLevel.DISTRICT, name_vi, name_zh, province))
            units.extend(_commune(code, name) for name in communes)
    return units


_CN_UNITS: tuple[UnitSpec, ...] = (
    UnitSpec("CN-YN", UnitLevel.PROVINCE, "Vân Nam", "云南省"),
    UnitSpec("CN-YN-WS", UnitLevel.PREFECTURE, "Văn Sơn", "文山壮族苗族自治州", "CN-YN"),
    UnitSpec("CN-YN-WS-WSS", UnitLevel.COUNTY, "Thành phố Văn Sơn", "文山市", "CN-YN-WS"),
    UnitSpec("CN-YN-WS-MLP", UnitLevel.COUNTY, "Ma Lật Pha", "麻栗坡县", "CN-YN-WS"),
    UnitSpec("CN-YN-WS-MG", UnitLevel.COUNTY, "Mã Quan", "马关县", "CN-YN-WS"),
    UnitSpec("CN-YN-WS-FN", UnitLevel.COUNTY, "Phú Ninh", "富宁县", "CN-YN-WS"),
    UnitSpec("CN-YN-WS-XC", UnitLevel.COUNTY, "Tây Trù", "西畴县", "CN-YN-WS"),
    UnitSpec("CN-YN-HH", UnitLevel.PREFECTURE, "Hồng Hà", "红河哈尼族彝族自治州", "CN-YN"),
    UnitSpec("CN-YN-HH-HK", UnitLevel.COUNTY, "Hà Khẩu", "河口瑶族自治县", "CN-YN-HH"),
    UnitSpec("CN-YN-HH-JP", UnitLevel.COUNTY, "Kim Bình", "金平苗族瑶族傣族自治县", "CN-YN-HH"),
    UnitSpec("CN-GX", UnitLevel.PROVINCE, "Quảng Tây", "广西壮族自治区"),
    UnitSpec("CN-GX-BS", UnitLevel.CITY, "Bách Sắc", "百色市", "CN-GX"),
    UnitSpec("CN-GX-BS-YJ", UnitLevel.COUNTY, "Hữu Giang", "右江区", "CN-GX-BS"),
    UnitSpec("CN-GX-BS-NP", UnitLevel.COUNTY, "Na Po", "那坡县", "CN-GX-BS"),
    UnitSpec("CN-GX-BS-JX", UnitLevel.COUNTY, "Tĩnh Tây", "靖西市", "CN-GX-BS"),
    UnitSpec("CN-GX-BS-DB", UnitLevel.COUNTY, "Đức Bảo", "德保县", "CN-GX-BS"),
)

# The 2025 reorganisation (in force 1 July 2025): Hà Giang merged into Tuyên Quang and Yên Bái into
# Lào Cai, each as a new unit, and the district level abolished (two-level local government). Every
# old province, district and commune closes on 30 June 2025 (`valid_to` is the last day in force)
# with a successor link, so the successor's jurisdiction holds everything registered under it and
# historical records keep their units. The new communes hang directly under the new provinces.
REORGANISED = dt.date(2025, 7, 1)
BEFORE_REORGANISATION = REORGANISED - dt.timedelta(days=1)
_MERGERS: dict[str, str] = {
    "VN-HG": "VN-TQ-2025",
    "VN-TQ": "VN-TQ-2025",
    "VN-LC": "VN-LC-2025",
    "VN-YB": "VN-LC-2025",
}
# The commune of the new province that took over each old district's communes, named as the
# 2025 resolutions name the commune (or ward) around the old district seat. A simplification: the
# real regrouping split most districts into several communes; one per district keeps the demo small.
# fmt: off
_NEW_COMMUNES: dict[str, tuple[str, str]] = {
    "VN-HG-HAGIANG": ("VN-TQ-2025-PHAGIANG1", "Phường Hà Giang 1"),
    "VN-HG-MEOVAC": ("VN-TQ-2025-MEOVAC", "Xã Mèo Vạc"),
    "VN-HG-DONGVAN": ("VN-TQ-2025-DONGVAN", "Xã Đồng Văn"),
    "VN-HG-YENMINH": ("VN-TQ-2025-YENMINH", "Xã Yên Minh"),
    "VN-HG-QUANBA": ("VN-TQ-2025-QUANBA", "Xã Quản Bạ"),
    "VN-HG-VIXUYEN": ("VN-TQ-2025-VIXUYEN", "Xã Vị Xuyên"),
    "VN-HG-BACME": ("VN-TQ-2025-BACME", "Xã Bắc Mê"),
    "VN-HG-HOANGSUPHI": ("VN-TQ-2025-HOANGSUPHI", "Xã Hoàng Su Phì"),
    "VN-HG-XINMAN": ("VN-TQ-2025-XINMAN", "Xã Xín Mần"),
    "VN-HG-BACQUANG": ("VN-TQ-2025-BACQUANG", "Xã Bắc Quang"),
    "VN-HG-QUANGBINH": ("VN-TQ-2025-QUANGBINH", "Xã Quang Bình"),
    "VN-LC-LAOCAI": ("VN-LC-2025-PLAOCAI", "Phường Lào Cai"),
    "VN-LC-BATXAT": ("VN-LC-2025-BATXAT", "Xã Bát Xát"),
    "VN-LC-MUONGKHUONG": ("VN-LC-2025-MUONGKHUONG", "Xã Mường Khương"),
    "VN-LC-BAOTHANG": ("VN-LC-2025-BAOTHANG", "Xã Bảo Thắng"),
    "VN-LC-SIMACAI": ("VN-LC-2025-SIMACAI", "Xã Si Ma Cai"),
    "VN-LC-BACHA": ("VN-LC-2025-BACHA", "Xã Bắc Hà"),
    "VN-LC-SAPA": ("VN-LC-2025-PSAPA", "Phường Sa Pa"),
    "VN-LC-BAOYEN": ("VN-LC-2025-BAOYEN", "Xã Bảo Yên"),
    "VN-LC-VANBAN": ("VN-LC-2025-VANBAN", "Xã Văn Bàn"),
}
# fmt: on


def _closed(unit: UnitSpec, successor: str) -> UnitSpec:
    return UnitSpec(unit.code, unit.level, unit.name_vi, unit.name_zh, unit.parent, unit.valid_from,
                    valid_to=BEFORE_REORGANISATION, successor=successor)  # fmt: skip


def _reorganised(units: list[UnitSpec]) -> list[UnitSpec]:
    """The units as dated data: every old unit closed with its successor, the new ones opened."""
    by_code = {u.code: u for u in units}

    def successor(unit: UnitSpec) -> str:
        if unit.code in _MERGERS:
            return _MERGERS[unit.code]
        if unit.level is UnitLevel.DISTRICT:
            return _MERGERS[unit.parent or ""]
        return _NEW_COMMUNES[unit.parent or ""][0]  # a commune: its district's new commune

    dated = [_closed(u, successor(u)) for u in units]
    dated += [
        UnitSpec("VN-TQ", UnitLevel.PROVINCE, "Tuyên Quang", "宣光省", valid_to=BEFORE_REORGANISATION,
                 successor="VN-TQ-2025"),
        UnitSpec("VN-YB", UnitLevel.PROVINCE, "Yên Bái", "安沛省", valid_to=BEFORE_REORGANISATION,
                 successor="VN-LC-2025"),
        UnitSpec("VN-TQ-2025", UnitLevel.PROVINCE, "Tuyên Quang", "宣光省", valid_from=REORGANISED),
        UnitSpec("VN-LC-2025", UnitLevel.PROVINCE, "Lào Cai", "老街省", valid_from=REORGANISED),
        *(UnitSpec(code, UnitLevel.COMMUNE, name, None, _MERGERS[by_code[district].parent or ""],
                   valid_from=REORGANISED)
          for district, (code, name) in _NEW_COMMUNES.items()),
    ]  # fmt: skip
    return dated


UNITS: tuple[UnitSpec, ...] = (*_reorganised(_vn_units()), *_CN_UNITS)

# --------------------------------------------------------------------------------------------
# Offices (codes are part of the public contract, see DOMAIN.md)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeSpec:
    code: str
    name: str
    side: Side
    unit: str | None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    successor: str | None = None  # the office that took over its duties


# Offices as dated data (`valid_to` is the last day an office acts), with no gap in any role:
# - the provincial departments of Home Affairs took over the labour departments' duties on 1 March 2025;
# - on 1 July 2025 every Hà Giang provincial agency passed to its Tuyên Quang successor, whose unit (the
#   merged province) holds the records made under the old units through the units' successor links;
# - Lào Cai, merged with Yên Bái, kept its name and its agencies: they act for the merged province;
# - the district People's Committees closed on 30 June 2025, their residents passing to the province.
HOME_AFFAIRS = dt.date(2025, 3, 1)
BEFORE_HOME_AFFAIRS = HOME_AFFAIRS - dt.timedelta(days=1)
# fmt: off
OFFICES: tuple[OfficeSpec, ...] = (
    OfficeSpec("hg-labour", "Sở Lao động – Thương binh và Xã hội tỉnh Hà Giang "
               "(Hà Giang Dept. of Labour, Invalids and Social Affairs)", Side.VN, "VN-HG",
               valid_to=BEFORE_HOME_AFFAIRS, successor="hg-home-affairs"),
    OfficeSpec("hg-home-affairs", "Sở Nội vụ tỉnh Hà Giang (Hà Giang Dept. of Home Affairs)",
               Side.VN, "VN-HG", valid_from=HOME_AFFAIRS, valid_to=BEFORE_REORGANISATION,
               successor="tq-home-affairs"),
    OfficeSpec("hg-police", "Công an tỉnh Hà Giang – Phòng Quản lý xuất nhập cảnh "
               "(Hà Giang Provincial Police, Exit–Entry)", Side.VN, "VN-HG",
               valid_to=BEFORE_REORGANISATION, successor="tq-police"),
    OfficeSpec("hg-border-guard", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Hà Giang "
               "(Hà Giang Border Guard Command)", Side.VN, "VN-HG",
               valid_to=BEFORE_REORGANISATION, successor="tq-border-guard"),
    OfficeSpec("hg-foreign-affairs", "Sở Ngoại vụ tỉnh Hà Giang (Hà Giang Dept. of Foreign Affairs)",
               Side.VN, "VN-HG", valid_to=BEFORE_REORGANISATION, successor="tq-foreign-affairs"),
    OfficeSpec("hg-health", "Sở Y tế tỉnh Hà Giang (Hà Giang Dept. of Health)", Side.VN, "VN-HG",
               valid_to=BEFORE_REORGANISATION, successor="tq-health"),
    OfficeSpec("hg-meo-vac", "Ủy ban nhân dân huyện Mèo Vạc (People's Committee of Mèo Vạc District)",
               Side.VN, "VN-HG-MEOVAC", valid_to=BEFORE_REORGANISATION, successor="tq-home-affairs"),
    OfficeSpec("tq-home-affairs", "Sở Nội vụ tỉnh Tuyên Quang (Tuyên Quang Dept. of Home Affairs)",
               Side.VN, "VN-TQ-2025", valid_from=REORGANISED),
    OfficeSpec("tq-police", "Công an tỉnh Tuyên Quang – Phòng Quản lý xuất nhập cảnh "
               "(Tuyên Quang Provincial Police, Exit–Entry)", Side.VN, "VN-TQ-2025", valid_from=REORGANISED),
    OfficeSpec("tq-border-guard", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Tuyên Quang "
               "(Tuyên Quang Border Guard Command)", Side.VN, "VN-TQ-2025", valid_from=REORGANISED),
    OfficeSpec("tq-foreign-affairs", "Sở Ngoại vụ tỉnh Tuyên Quang (Tuyên Quang Dept. of Foreign Affairs)",
               Side.VN, "VN-TQ-2025", valid_from=REORGANISED),
    OfficeSpec("tq-health", "Sở Y tế tỉnh Tuyên Quang (Tuyên Quang Dept. of Health)", Side.VN, "VN-TQ-2025",
               valid_from=REORGANISED),
    OfficeSpec("lc-labour", "Sở Lao động – Thương binh và Xã hội tỉnh Lào Cai "
               "(Lào Cai Dept. of Labour, Invalids and Social Affairs)", Side.VN, "VN-LC",
               valid_to=BEFORE_HOME_AFFAIRS, successor="lc-home-affairs"),
    OfficeSpec("lc-home-affairs", "Sở Nội vụ tỉnh Lào Cai (Lào Cai Dept. of Home Affairs)",
               Side.VN, "VN-LC-2025", valid_from=HOME_AFFAIRS),
    OfficeSpec("lc-police", "Công an tỉnh Lào Cai – Phòng Quản lý xuất nhập cảnh "
               "(Lào Cai Provincial Police, Exit–Entry)", Side.VN, "VN-LC-2025"),
    OfficeSpec("lc-border-guard", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Lào Cai "
               "(Lào Cai Border Guard Command)", Side.VN, "VN-LC-2025"),
    OfficeSpec("lc-customs", "Cục Hải quan tỉnh Lào Cai (Lào Cai Customs Department)", Side.VN, "VN-LC-2025"),
    OfficeSpec("lc-health", "Sở Y tế tỉnh Lào Cai (Lào Cai Dept. of Health)", Side.VN, "VN-LC-2025"),
    OfficeSpec("lc-foreign-affairs", "Sở Ngoại vụ tỉnh Lào Cai (Lào Cai Dept. of Foreign Affairs)",
               Side.VN, "VN-LC-2025"),
    OfficeSpec("lc-economic-zone", "Ban Quản lý Khu kinh tế tỉnh Lào Cai "
               "(Lào Cai Economic Zone Management Board)", Side.VN, "VN-LC-2025"),
    OfficeSpec("cn-wenshan", "文山州人力资源和社会保障局 "
               "(Văn Sơn / Wenshan Prefecture Labour Office – Human Resources and Social Security)",
               Side.CN, "CN-YN-WS"),
    OfficeSpec("cn-baise", "百色市人力资源和社会保障局 "
               "(Bách Sắc / Baise City Human Resources and Social Security Bureau)", Side.CN, "CN-GX-BS"),
    OfficeSpec("cn-napo", "那坡县人力资源和社会保障局 (Na Po / Napo County Labour Office)",
               Side.CN, "CN-GX-BS-NP"),
    OfficeSpec("cn-hekou", "河口瑶族自治县劳动力市场管理办公室 "
               "(Hà Khẩu / Hekou County Labour Market Management Office)", Side.CN, "CN-YN-HH-HK"),
    OfficeSpec("admin", "Quản trị Sổ đăng ký lao động qua biên giới (Registry administrator)",
               Side.REGISTRY, None),
)
# fmt: on

# --------------------------------------------------------------------------------------------
# Border gates and agreements
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GateSpec:
    code: str
    name_vi: str
    name_zh: str | None
    vn_unit: str
    cn_unit: str


# fmt: off
GATES: tuple[GateSpec, ...] = (
    GateSpec("GATE-LAOCAI-HEKOU", "Cửa khẩu quốc tế Lào Cai – Hà Khẩu", "老街–河口口岸",
             "VN-LC-LAOCAI", "CN-YN-HH-HK"),
    GateSpec("GATE-KIMTHANH", "Cửa khẩu quốc tế đường bộ số II Kim Thành – Bắc Sơn", "金城–北山口岸",
             "VN-LC-LAOCAI", "CN-YN-HH-HK"),
    GateSpec("GATE-THANHTHUY-TIANBAO", "Cửa khẩu quốc tế Thanh Thủy – Thiên Bảo", "清水–天保口岸",
             "VN-HG-VIXUYEN", "CN-YN-WS-MLP"),
    # Điền Bồng / 田蓬 lies in Funing county, Wenshan (not in Napo): DOMAIN.md.
    GateSpec("GATE-SAMPUN-TIANPENG", "Cửa khẩu Săm Pun – Điền Bồng", "三本–田蓬口岸",
             "VN-HG-MEOVAC", "CN-YN-WS-FN"),
)
# fmt: on


@dataclass(frozen=True)
class AgreementSpec:
    code: str
    title: str
    vn_unit: str
    cn_unit: str
    signed_on: dt.date
    valid_from: dt.date
    valid_to: dt.date | None
    status: AgreementStatus
    yearly_quota: int
    gates: tuple[str, ...]


AGREEMENTS: tuple[AgreementSpec, ...] = (
    AgreementSpec(
        code="AGR-HG-WS",
        title=(
            "Thỏa thuận quản lý lao động qua biên giới giữa tỉnh Hà Giang (Việt Nam) và châu Văn Sơn, "
            "tỉnh Vân Nam (Trung Quốc)"
        ),
        vn_unit="VN-HG",
        cn_unit="CN-YN-WS",
        signed_on=dt.date(2014, 12, 18),
        valid_from=dt.date(2014, 12, 18),
        valid_to=None,
        status=AgreementStatus.ACTIVE,
        yearly_quota=2000,  # invented for the demo
        # Săm Pun – Điền Bồng: Điền Bồng (田蓬) lies in Funing county, Wenshan (DOMAIN.md).
        gates=("GATE-THANHTHUY-TIANBAO", "GATE-SAMPUN-TIANPENG"),
    ),
    AgreementSpec(
        code="AGR-HG-BS",
        title=(
            "Thỏa thuận quản lý lao động qua biên giới giữa tỉnh Hà Giang (Việt Nam) và thành phố Bách Sắc, "
            "khu tự trị dân tộc Choang Quảng Tây (Trung Quốc)"
        ),
        vn_unit="VN-HG",
        cn_unit="CN-GX-BS",
        signed_on=dt.date(2017, 2, 10),
        valid_from=dt.date(2017, 2, 10),
        valid_to=None,
        status=AgreementStatus.ACTIVE,
        yearly_quota=1000,  # invented for the demo
        gates=("GATE-SAMPUN-TIANPENG", "GATE-THANHTHUY-TIANBAO"),
    ),
    AgreementSpec(
        code="AGR-LC-HK",
        title=(
            "Hợp tác quản lý lao động qua biên giới giữa tỉnh Lào Cai (Việt Nam) và huyện Hà Khẩu, "
            "châu Hồng Hà, tỉnh Vân Nam (Trung Quốc)"
        ),
        vn_unit="VN-LC",
        cn_unit="CN-YN-HH-HK",
        # The source dates the cooperation from 2016; the day is that of the (illustrative) first minutes.
        signed_on=dt.date(2016, 5, 20),
        valid_from=dt.date(2016, 5, 20),
        valid_to=None,
        status=AgreementStatus.ACTIVE,
        yearly_quota=1500,  # invented for the demo
        gates=("GATE-LAOCAI-HEKOU", "GATE-KIMTHANH"),
    ),
)


@dataclass(frozen=True)
class MinutesSpec:
    agreement: str
    held_on: dt.date
    vn_delegation: str
    cn_delegation: str
    summary: str


_HG_AGENCIES = (
    "Sở Lao động – Thương binh và Xã hội, Sở Ngoại vụ, Công an tỉnh, "
    "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Hà Giang"
)
_LC_DELEGATION = (
    "Đoàn đại biểu liên ngành tỉnh Lào Cai: Sở Lao động – Thương binh và Xã hội (Trưởng đoàn), "
    "Sở Ngoại vụ, Sở Y tế, Sở Văn hóa và Thể thao, Công an tỉnh, Bộ Chỉ huy Bộ đội Biên phòng "
    "tỉnh, Cục Hải quan tỉnh, Ban Quản lý Khu kinh tế tỉnh"
)
_HK_DELEGATION = (
    "Đoàn đại biểu Chính quyền nhân dân huyện Hà Khẩu: Văn phòng quản lý thị trường lao động, "
    "Hải quan, Biên phòng, Ngoại vụ, Công an, Y tế, Văn hóa, Cục Tài nguyên nhân lực và "
    "Bảo đảm xã hội"
)
_ILLUSTRATIVE = (
    "(Ngày và nội dung chi tiết là minh họa: nguồn chỉ nêu giai đoạn 2016–2019 hai bên đã ký "
    "05 biên bản hội đàm.)"
)

MINUTES: tuple[MinutesSpec, ...] = (
    MinutesSpec(
        "AGR-HG-WS",
        dt.date(2014, 12, 18),
        f"Đoàn đại biểu tỉnh Hà Giang ({_HG_AGENCIES})",
        "Đoàn đại biểu Chính quyền nhân dân châu Văn Sơn, tỉnh Vân Nam",
        "Ký kết Thỏa thuận quản lý lao động qua biên giới giữa tỉnh Hà Giang và châu Văn Sơn. "
        "(Thành phần đoàn không nêu trong văn bản nguồn; ghi theo các ngành được giao tại "
        "Văn bản số 32/TT/UBND-NC ngày 18/8/2017.)",
    ),
    MinutesSpec(
        "AGR-HG-BS",
        dt.date(2017, 2, 10),
        f"Đoàn đại biểu tỉnh Hà Giang ({_HG_AGENCIES})",
        "Đoàn đại biểu thành phố Bách Sắc, khu tự trị dân tộc Choang Quảng Tây",
        "Ký kết Thỏa thuận quản lý lao động qua biên giới giữa tỉnh Hà Giang và thành phố Bách Sắc. "
        "(Thành phần đoàn không nêu trong văn bản nguồn.)",
    ),
    MinutesSpec(
        "AGR-HG-BS",
        dt.date(2017, 8, 8),
        "Đoàn đại biểu Sở Lao động – Thương binh và Xã hội tỉnh Hà Giang",
        "Đoàn đại biểu Cục Tài nguyên nhân lực và An sinh xã hội thành phố Bách Sắc",
        "Biên bản hội đàm lần thứ nhất, cụ thể hóa Thỏa thuận ký ngày 10/02/2017. Trên cơ sở biên bản, "
        "UBND huyện Mèo Vạc chủ động trao đổi, hội đàm với huyện Na Po để thí điểm đưa lao động huyện "
        "Mèo Vạc sang làm việc tại huyện Na Po trong năm 2017; Sở Lao động – TB&XH, Bộ Chỉ huy Bộ đội "
        "Biên phòng, Công an tỉnh, Sở Ngoại vụ hướng dẫn, tạo điều kiện về thủ tục, giấy tờ "
        "(Văn bản số 32/TT/UBND-NC ngày 18/8/2017 của UBND tỉnh Hà Giang).",
    ),
    MinutesSpec(
        "AGR-LC-HK",
        dt.date(2016, 5, 20),
        _LC_DELEGATION,
        _HK_DELEGATION,
        "Biên bản hội đàm lần thứ nhất: thống nhất khuôn khổ hợp tác quản lý lao động qua biên giới và "
        f"thí điểm đưa lao động tỉnh Lào Cai sang làm việc tại huyện Hà Khẩu. {_ILLUSTRATIVE}",
    ),
    MinutesSpec(
        "AGR-LC-HK",
        dt.date(2016, 12, 15),
        _LC_DELEGATION,
        _HK_DELEGATION,
        "Biên bản hội đàm lần thứ hai: thống nhất thủ tục giấy thông hành, khám sức khỏe, xác nhận lý lịch "
        "và giấy phép lao động; tiếp nhận đợt lao động đầu tiên tại Công ty TNHH Khoa học Kỹ thuật "
        f"Huệ Hồng. {_ILLUSTRATIVE}",
    ),
    MinutesSpec(
        "AGR-LC-HK",
        dt.date(2017, 9, 12),
        _LC_DELEGATION,
        _HK_DELEGATION,
        "Biên bản hội đàm lần thứ ba: đánh giá năm đầu thực hiện; thống nhất mức lương tối thiểu, "
        f"bảo hiểm tai nạn lao động và chỗ ở cho người lao động. {_ILLUSTRATIVE}",
    ),
    MinutesSpec(
        "AGR-LC-HK",
        dt.date(2018, 8, 22),
        _LC_DELEGATION,
        _HK_DELEGATION,
        "Biên bản hội đàm lần thứ tư: mở rộng tiếp nhận; thống nhất quy trình giải quyết tranh chấp "
        f"tiền lương và xử lý trường hợp người lao động tự ý bỏ nơi làm việc. {_ILLUSTRATIVE}",
    ),
    MinutesSpec(
        "AGR-LC-HK",
        dt.date(2019, 7, 18),
        _LC_DELEGATION,
        _HK_DELEGATION,
        "Biên bản hội đàm lần thứ năm: tổng kết giai đoạn 2016–2019 (1.051 lao động tỉnh Lào Cai làm việc "
        f"tại Công ty TNHH Khoa học Kỹ thuật Huệ Hồng); thống nhất kế hoạch năm 2020. {_ILLUSTRATIVE}",
    ),
    MinutesSpec(
        "AGR-LC-HK",
        dt.date(2022, 11, 1),
        "Đoàn đại biểu liên ngành tỉnh Lào Cai do đồng chí Đinh Thị Hưng – Giám đốc Sở Lao động – "
        "Thương binh và Xã hội làm Trưởng đoàn; lãnh đạo các ngành: Ngoại vụ, Y tế, Văn hóa và Thể thao, "
        "Công an, Bộ Chỉ huy Bộ đội Biên phòng, Cục Hải quan, Ban Quản lý Khu kinh tế tỉnh",
        "Đoàn đại biểu Chính quyền nhân dân huyện Hà Khẩu do ông Hùng Vạn Hoà – Phó Huyện trưởng làm "
        "Trưởng đoàn; đại diện: Văn phòng quản lý thị trường lao động, Hải quan, Biên phòng, Ngoại vụ, "
        "Công an, Y tế, Văn hóa, Tài nguyên nhân lực và Bảo đảm xã hội",
        "Hội đàm trực tuyến. Hai bên đánh giá kết quả hợp tác từ năm 2016: giai đoạn 2016–2019 đã ký và "
        "thực hiện 05 biên bản hội đàm, 1.051 lao động tỉnh Lào Cai làm việc tại Công ty TNHH Khoa học "
        "Kỹ thuật Huệ Hồng; năm 2020–2021 hợp tác bị gián đoạn do dịch Covid-19. Hai bên thống nhất quy "
        "trình tiếp nhận, quản lý lao động qua biên giới; hằng năm cơ quan đầu mối hai bên họp đánh giá "
        "kết quả; ký biên bản hợp tác mới về quản lý lao động qua biên giới.",
    ),
)

# --------------------------------------------------------------------------------------------
# Employers
# --------------------------------------------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organization_code(body: str) -> str:
    """The 9-character organisation code (GB 11714): 8 characters and their mod-11 check."""
    total = sum(int(ch, 36) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def social_credit_code(division: str, org_body: str, authority: str = "9", kind: str = "1") -> str:
    """A unified social credit code (GB 32100-2015) with both check characters computed.

    `authority` 9 / `kind` 1 is a company registered with market regulation; `division` the six
    digits of the county (GB/T 2260); `org_body` eight characters of the organisation code.
    """
    head = authority + kind + division + organization_code(org_body)
    if len(head) != 17 or any(ch not in USCC_ALPHABET for ch in head):
        raise ValueError(f"not a valid code body: {head!r}")
    check = -sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(head, _USCC_WEIGHTS, strict=True)) % 31
    return head + USCC_ALPHABET[check]


def is_valid_social_credit_code(code: str) -> bool:
    """Whether `code` has the GB 32100-2015 shape and its last character checks."""
    if len(code) != 18 or any(ch not in USCC_ALPHABET for ch in code):
        return False
    return social_credit_code(code[2:8], code[8:16], code[0], code[1]) == code


@dataclass(frozen=True)
class EmployerSpec:
    """An employer; `jobs` and `wage_cny` are what the generator offers there (not stored)."""

    name_zh: str
    name_vi: str
    division: str  # GB/T 2260 county code, part of the credit code
    org_body: str
    county: str
    address: str
    sector: str
    contact: str
    approved_quota: int
    jobs: tuple[str, ...]
    wage_cny: tuple[int, int]

    @property
    def social_credit_code(self) -> str:
        return social_credit_code(self.division, self.org_body)


_ELECTRONICS = (
    "Công nhân lắp ráp linh kiện điện tử",
    "Công nhân kiểm tra chất lượng sản phẩm",
    "Công nhân đóng gói thành phẩm",
)
_CONSTRUCTION = ("Thợ phụ xây dựng", "Thợ nề", "Thợ cốt thép")

EMPLOYERS: tuple[EmployerSpec, ...] = (
    # Hà Khẩu (Hekou), under AGR-LC-HK. Huệ Hồng is named in the 2022 source.
    EmployerSpec(
        name_zh="河口惠鸿科技有限公司",
        name_vi="Công ty TNHH Khoa học Kỹ thuật Huệ Hồng",
        division="532532",
        org_body="MA6K3H21",
        county="CN-YN-HH-HK",
        address="云南省红河州河口瑶族自治县河口镇滨河路88号",
        sector="electronics assembly",
        contact="Ông Dương Chí Cường (杨志强), +86 873 342 1188",
        approved_quota=1200,
        jobs=_ELECTRONICS,
        wage_cny=(3000, 4800),
    ),
    EmployerSpec(
        name_zh="河口瑶山香蕉种植有限公司",
        name_vi="Công ty TNHH Trồng chuối Dao Sơn Hà Khẩu",
        division="532532",
        org_body="MA6K4P07",
        county="CN-YN-HH-HK",
        address="云南省红河州河口瑶族自治县南溪镇坝洒农场",
        sector="banana plantation",
        contact="Bà Lý Hiểu Yến (李晓燕), +86 873 345 2216",
        approved_quota=300,
        jobs=("Công nhân trồng, chăm sóc chuối", "Công nhân thu hoạch, đóng gói chuối"),
        wage_cny=(2600, 3800),
    ),
    EmployerSpec(
        name_zh="河口南溪橡胶有限公司",
        name_vi="Công ty TNHH Cao su Nam Khê Hà Khẩu",
        division="532532",
        org_body="MA6K2L55",
        county="CN-YN-HH-HK",
        address="云南省红河州河口瑶族自治县南溪镇南溪街12号",
        sector="rubber",
        contact="Ông Vương Kiến Hoa (王建华), +86 873 345 0871",
        approved_quota=250,
        jobs=("Công nhân cạo mủ cao su", "Công nhân chăm sóc vườn cao su"),
        wage_cny=(2700, 4000),
    ),
    EmployerSpec(
        name_zh="河口北山建筑工程有限公司",
        name_vi="Công ty TNHH Công trình Xây dựng Bắc Sơn Hà Khẩu",
        division="532532",
        org_body="MA6K7T90",
        county="CN-YN-HH-HK",
        address="云南省红河州河口瑶族自治县北山片区口岸大道36号",
        sector="construction",
        contact="Ông Trần Vĩ (陈伟), +86 873 342 6630",
        approved_quota=200,
        jobs=_CONSTRUCTION,
        wage_cny=(3800, 5500),
    ),
    # Văn Sơn (Wenshan) counties, under AGR-HG-WS.
    EmployerSpec(
        name_zh="麻栗坡县天保茶业有限公司",
        name_vi="Công ty TNHH Chè Thiên Bảo huyện Ma Lật Pha",
        division="532624",
        org_body="MA6N1C38",
        county="CN-YN-WS-MLP",
        address="云南省文山州麻栗坡县天保镇天保街21号",
        sector="tea",
        contact="Ông Triệu Quốc Lương (赵国良), +86 876 662 3105",
        approved_quota=300,
        jobs=("Công nhân hái chè", "Công nhân chế biến chè"),
        wage_cny=(2500, 3600),
    ),
    EmployerSpec(
        name_zh="文山市山泉三七种植有限公司",
        name_vi="Công ty TNHH Trồng tam thất Sơn Tuyền Văn Sơn",
        division="532601",
        org_body="MA6N5D12",
        county="CN-YN-WS-WSS",
        address="云南省文山州文山市古木镇三七种植基地",
        sector="notoginseng farming",
        contact="Bà Hoàng Lệ (黄丽), +86 876 213 7742",
        approved_quota=400,
        jobs=("Công nhân trồng tam thất", "Công nhân làm giàn che, chăm sóc tam thất"),
        wage_cny=(2600, 3900),
    ),
    EmployerSpec(
        name_zh="马关县边贸甘蔗种植有限公司",
        name_vi="Công ty TNHH Trồng mía Biên Mậu huyện Mã Quan",
        division="532625",
        org_body="MA6N2R64",
        county="CN-YN-WS-MG",
        address="云南省文山州马关县都龙镇甘蔗基地",
        sector="sugar cane",
        contact="Ông Lưu Dương (刘洋), +86 876 712 4490",
        approved_quota=350,
        jobs=("Công nhân trồng mía", "Công nhân chặt mía"),
        wage_cny=(2500, 3700),
    ),
    EmployerSpec(
        name_zh="富宁县田蓬建筑工程有限公司",
        name_vi="Công ty TNHH Công trình Xây dựng Điền Bồng huyện Phú Ninh",
        division="532628",
        org_body="MA6N8W27",
        county="CN-YN-WS-FN",
        address="云南省文山州富宁县田蓬镇田蓬街5号",
        sector="construction",
        contact="Ông Chu Minh (周明), +86 876 612 8821",
        approved_quota=200,
        jobs=_CONSTRUCTION,
        wage_cny=(3600, 5300),
    ),
    # Bách Sắc (Baise) city and Tĩnh Tây (Jingxi), under AGR-HG-BS.
    EmployerSpec(
        name_zh="百色右江芒果种植有限公司",
        name_vi="Công ty TNHH Trồng xoài Hữu Giang Bách Sắc",
        division="451002",
        org_body="MA5L0K43",
        county="CN-GX-BS-YJ",
        address="广西百色市右江区永乐镇芒果产业园",
        sector="mango plantation",
        contact="Bà Mông Tú Lan (蒙秀兰), +86 776 282 5516",
        approved_quota=300,
        jobs=("Công nhân chăm sóc, thu hoạch xoài", "Công nhân phân loại, đóng gói xoài"),
        wage_cny=(2600, 3800),
    ),
    EmployerSpec(
        name_zh="靖西市边城电子有限公司",
        name_vi="Công ty TNHH Điện tử Biên Thành Tĩnh Tây",
        division="451081",
        org_body="MA5L3E86",
        county="CN-GX-BS-JX",
        address="广西百色市靖西市工业园区电子产业园3号",
        sector="electronics assembly",
        contact="Ông Nông Kiến Quân (农建军), +86 776 621 3307",
        approved_quota=350,
        jobs=_ELECTRONICS,
        wage_cny=(3000, 4600),
    ),
    EmployerSpec(
        name_zh="德保县糖业有限公司",
        name_vi="Công ty TNHH Đường mía huyện Đức Bảo",
        division="451024",
        org_body="MA5L6G19",
        county="CN-GX-BS-DB",
        address="广西百色市德保县城关镇糖厂路18号",
        sector="sugar cane",
        contact="Ông Hoàng Hải Ba (黄海波), +86 776 382 1450",
        approved_quota=250,
        jobs=("Công nhân chặt mía", "Công nhân vận hành dây chuyền ép mía"),
        wage_cny=(2600, 3900),
    ),
    # Na Po (Napo), under AGR-HG-BS: the Mèo Vạc pilot of 2017.
    EmployerSpec(
        name_zh="那坡县边贸木业有限公司",
        name_vi="Công ty TNHH Chế biến gỗ Biên Mậu huyện Na Po",
        division="451026",
        org_body="MA5M1B72",
        county="CN-GX-BS-NP",
        address="广西百色市那坡县城厢镇木材加工区",
        sector="wood processing",
        contact="Ông Lục Chí Minh (陆志明), +86 776 682 2031",
        approved_quota=250,
        jobs=("Công nhân chế biến gỗ", "Công nhân bóc gỗ ván ép"),
        wage_cny=(2800, 4200),
    ),
    EmployerSpec(
        name_zh="那坡县桑蚕养殖有限公司",
        name_vi="Công ty TNHH Dâu tằm huyện Na Po",
        division="451026",
        org_body="MA5M4Y38",
        county="CN-GX-BS-NP",
        address="广西百色市那坡县德隆乡桑蚕基地",
        sector="sericulture",
        contact="Bà Lâm Tiểu Phương (林小芳), +86 776 682 5578",
        approved_quota=200,
        jobs=("Công nhân trồng dâu, nuôi tằm",),
        wage_cny=(2500, 3500),
    ),
    EmployerSpec(
        name_zh="那坡县平孟建筑工程有限公司",
        name_vi="Công ty TNHH Công trình Xây dựng Bình Mạnh huyện Na Po",
        division="451026",
        org_body="MA5M6H05",
        county="CN-GX-BS-NP",
        address="广西百色市那坡县平孟镇口岸路9号",
        sector="construction",
        contact="Ông Đàm Quốc Khánh (覃国庆), +86 776 685 1109",
        approved_quota=150,
        jobs=_CONSTRUCTION,
        wage_cny=(3600, 5200),
    ),
)

HUE_HONG = EMPLOYERS[0]

# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------

T = TypeVar("T")


def _by_key(session: Session, model: type[T], key: str) -> dict[str, T]:
    return {getattr(row, key): row for row in session.scalars(select(model))}


def _apply(obj: object, values: dict[str, object]) -> None:
    """Set only what differs, so a second run leaves the rows (and the ORM's dirty set) unchanged."""
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)


def _upsert(
    session: Session, existing: dict[str, T], model: type[T], key: str, value: str, values: dict[str, object]
) -> T:
    obj = existing.get(value)
    if obj is None:
        obj = model(**{key: value}, **values)
        session.add(obj)
        existing[value] = obj
    else:
        _apply(obj, values)
    return obj


def _ordered(units: Iterable[UnitSpec]) -> Sequence[UnitSpec]:
    """Parents before children, whatever order the data is written in."""
    done: set[str | None] = {None}
    pending, out = list(units), []
    while pending:
        ready = [u for u in pending if u.parent in done]
        if not ready:
            raise ValueError(f"units with unknown parents: {[u.code for u in pending]}")
        out.extend(ready)
        done.update(u.code for u in ready)
        pending = [u for u in pending if u.code not in done]
    return out


def load_reference(session: Session) -> None:
    """Insert or update all reference rows, then rebuild the unit closure.

    Flushes but does not commit: the caller owns the transaction (`generate` commits).
    """
    units = _by_key(session, AdminUnit, "code")
    for spec in _ordered(UNITS):
        _upsert(
            session,
            units,
            AdminUnit,
            "code",
            spec.code,
            {
                "country": spec.country,
                "level": spec.level,
                "name_vi": spec.name_vi,
                "name_zh": spec.name_zh,
                "parent": units[spec.parent] if spec.parent else None,
                "valid_from": spec.valid_from,
                "valid_to": spec.valid_to,
            },
        )
    for spec in UNITS:
        _apply(units[spec.code], {"successor": units[spec.successor] if spec.successor else None})

    offices = _by_key(session, Office, "code")
    for o in OFFICES:
        _upsert(
            session,
            offices,
            Office,
            "code",
            o.code,
            {
                "name": o.name,
                "side": o.side,
                "unit": units[o.unit] if o.unit else None,
                "valid_from": o.valid_from,
                "valid_to": o.valid_to,
            },
        )
    for o in OFFICES:
        _apply(offices[o.code], {"successor": offices[o.successor] if o.successor else None})

    gates = _by_key(session, BorderGate, "code")
    for g in GATES:
        _upsert(
            session,
            gates,
            BorderGate,
            "code",
            g.code,
            {
                "name_vi": g.name_vi,
                "name_zh": g.name_zh,
                "vn_unit": units[g.vn_unit],
                "cn_unit": units[g.cn_unit],
            },
        )

    agreements = _by_key(session, Agreement, "code")
    for a in AGREEMENTS:
        agreement = _upsert(
            session,
            agreements,
            Agreement,
            "code",
            a.code,
            {
                "title": a.title,
                "vn_unit": units[a.vn_unit],
                "cn_unit": units[a.cn_unit],
                "signed_on": a.signed_on,
                "valid_from": a.valid_from,
                "valid_to": a.valid_to,
                "status": a.status,
                "yearly_quota": a.yearly_quota,
            },
        )
        session.flush()
        if not session.scalar(
            select(AgreementRequirements.id).where(AgreementRequirements.agreement_id == agreement.id)
        ):
            session.add(first_version(agreement))
        wanted = [gates[code] for code in a.gates]
        if {g.code for g in agreement.gates} != set(a.gates):
            agreement.gates = wanted

    employers = _by_key(session, Employer, "social_credit_code")
    for e in EMPLOYERS:
        _upsert(
            session,
            employers,
            Employer,
            "social_credit_code",
            e.social_credit_code,
            {
                "name_zh": e.name_zh,
                "name_vi": e.name_vi,
                "county": units[e.county],
                "address": e.address,
                "sector": e.sector,
                "contact": e.contact,
                "approved_quota": e.approved_quota,
            },
        )

    session.flush()
    minutes = {(m.agreement_id, m.held_on): m for m in session.scalars(select(TalksMinutes))}
    for m in MINUTES:
        key = (agreements[m.agreement].id, m.held_on)
        values: dict[str, object] = {
            "vn_delegation": m.vn_delegation,
            "cn_delegation": m.cn_delegation,
            "summary": m.summary,
        }
        if key in minutes:
            _apply(minutes[key], values)
        else:
            session.add(TalksMinutes(agreement_id=key[0], held_on=m.held_on, **values))

    session.flush()
    rebuild_unit_closure(session)
    session.flush()
