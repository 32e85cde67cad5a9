"""Reference data: the administrative units, offices, border gates and agreements.

The real world the registry works in, not the demo: `borderlabour reference load` writes exactly
this into a production database, and the demo writes it too, then its extras (`demo.extras`:
employers, talks minutes, quotas). Everything here is plain data so that a reviewer can check it
against the source documents (`seeds/`) and DOMAIN.md without reading code, and so that a change
of the world (the 2025 mergers, a new gate) is a data change. `demo.reference_loader` writes it
idempotently: rows are matched on their stable code, updated in place when they differ and
inserted when missing.

Facts from the sources: the agreement dates (18/12/2014 Hà Giang – Văn Sơn, 10/02/2017
Hà Giang – Bách Sắc), the cooperation of Lào Cai and Hà Khẩu since 2016, the border gates, the
offices of both sides and the 2025 succession. Simplified: one new commune per old district in
the 2025 regrouping, and the day of the Lào Cai – Hà Khẩu agreement (the source gives the year).
No agreement carries a yearly quota here: the sources name none (the demo's are invented).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from models import AgreementStatus, Country, Side, UnitLevel

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
        gates=("GATE-LAOCAI-HEKOU", "GATE-KIMTHANH"),
    ),
)
