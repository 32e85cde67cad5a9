"""The demo's extras on top of the reference data: employers, talks minutes and yearly quotas.

Partly invented (said so here and in the minutes' own text): the quotas, the exact dates of the
2016–2019 Lào Cai – Hà Khẩu minutes, the employers other than Huệ Hồng and all their details. So
they are the demo's, never production's: `borderlabour reference load` writes the reference data
alone (`demo.reference`), and the demo writes it and then these (`load_demo_reference`), each fact
once. Matched like the reference rows: employers on their social credit code, minutes on
agreement and date, quotas on the agreement's code; a second run changes nothing.

From the sources: the first round of talks with Baise on 08/08/2017, five sets of Lào Cai – Hà
Khẩu minutes in 2016–2019, the online talks of 01/11/2022 and both delegations, and the 1,051
workers at Huệ Hồng.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from demo.employers import EMPLOYERS
from demo.reference_loader import Tally, apply_values, by_key, load_reference, upsert
from models import AdminUnit, Agreement, Employer, TalksMinutes

# The agreements' yearly quotas of the demo (invented: the sources name none). The generator scales
# them for large benchmark datasets; writing them again here restores them before each run.
QUOTAS: dict[str, int] = {"AGR-HG-WS": 2000, "AGR-HG-BS": 1000, "AGR-LC-HK": 1500}


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


def load_demo_extras(session: Session) -> None:
    """The demo's employers, minutes and quotas, over reference data already loaded (flushes only)."""
    units = by_key(session, AdminUnit, "code")
    agreements = by_key(session, Agreement, "code")
    for code, quota in QUOTAS.items():
        apply_values(agreements[code], {"yearly_quota": quota})
    employers = by_key(session, Employer, "social_credit_code")
    for e in EMPLOYERS:
        upsert(
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
            apply_values(minutes[key], values)
        else:
            session.add(TalksMinutes(agreement_id=key[0], held_on=m.held_on, **values))
    session.flush()


def load_demo_reference(session: Session) -> Tally:
    """What the demo stands on: the reference data, then its extras (flushes only)."""
    tally = load_reference(session)
    load_demo_extras(session)
    return tally
