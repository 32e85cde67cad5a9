"""The demo's employers: Chinese companies with valid unified social credit codes.

Huệ Hồng is named in the 2022 source; its details and every other employer are invented for the
demo. Production registers its employers through the API (`registerEmployer`), never from here:
`borderlabour reference load` writes none of these.
"""

from __future__ import annotations

from dataclasses import dataclass

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
