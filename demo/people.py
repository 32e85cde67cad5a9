"""Plausible people of Hà Giang and Lào Cai, drawn deterministically from a `random.Random`.

Every function takes the generator's `random.Random` so that one seed gives one population.
Identity numbers are not drawn at random: their unique part is a bijection of the worker's index,
so two workers never share a CCCD, border pass or passport number and no retry loop (whose
outcome would depend on what is already in the database) is needed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from models import Sex

T = TypeVar("T")

# The unique parts below are bijections of the index on 10**6 / 10**7 values.
MAX_PEOPLE = 1_000_000


@dataclass(frozen=True)
class NamePool:
    """How one ethnic group's names are built: surname (clan), middle name, given name."""

    surnames: tuple[str, ...]
    male_middles: tuple[str, ...]
    male_given: tuple[str, ...]
    female_middles: tuple[str, ...]
    female_given: tuple[str, ...]


# fmt: off
NAMES: dict[str, NamePool] = {
    # Hmong clan names; men often carry "Seo", "Mí" or "A", women "Thị".
    "Hmong": NamePool(
        ("Giàng", "Thào", "Vàng", "Sùng", "Lý", "Ly", "Hầu", "Lầu", "Vừ", "Mua", "Sình", "Hạng", "Cứ",
         "Tráng", "Hoàng"),
        ("Seo", "Mí", "A", "Văn", "Seo", "Mí"),
        ("Páo", "Lử", "Chứ", "Dế", "Sính", "Pháng", "Dình", "Lả", "Sử", "Chính", "Chúng", "Tủa", "Xá",
         "Lồng", "Vư", "Chá", "Khai", "Pó", "Say", "Và", "Quáng", "Cở", "Mỷ", "Nhà", "Giống", "Phử", "Sểnh",
         "Thề", "Chớ", "Sào", "Vần", "Dùng", "Hờ"),
        ("Thị",),
        ("Mai", "Dợ", "Súa", "Mỷ", "Sính", "Dính", "Máy", "Chi", "Pà", "Dủa", "Xúa", "Cáy", "Dở", "Và", "Mỉ",
         "Chía", "Sò", "Nhìa", "Pằng", "Lan", "Hoa", "Ly", "Sua"),
    ),
    "Dao": NamePool(
        ("Bàn", "Triệu", "Đặng", "Lý", "Chảo", "Phùng", "Tẩn", "Lò", "Sần", "Hoàng"),
        ("Văn", "Văn", "Văn", "Tiến", "Kim", "Phúc"),
        ("Quý", "Phin", "Chàn", "Tiến", "Sinh", "Lở", "Tả", "Phú", "Sơn", "Cường", "Thắng", "Lưu", "Kiềm",
         "Vần", "Chiêu", "Phấy", "Lình", "Tòn", "Mẩy", "Dùn"),
        ("Thị",),
        ("Nhất", "Mẩy", "Say", "Xuân", "Chiêm", "Sểnh", "Nhì", "Tá", "Mai", "Phấu", "Liều", "Dua", "Kiều",
         "Lai", "Chạn", "Hạnh", "Nái"),
    ),
    "Tày": NamePool(
        ("Hoàng", "Nông", "Ma", "Lục", "Hà", "Lương", "Sầm", "Đàm", "Triệu", "Nguyễn", "Lường", "Vi", "Mông",
         "Hà"),
        ("Văn", "Văn", "Đức", "Xuân", "Thanh"),
        ("Thành", "Hùng", "Quân", "Tuấn", "Bình", "Cường", "Đức", "Hải", "Long", "Mạnh", "Minh", "Nam",
         "Phong", "Sơn", "Thắng", "Toàn", "Trung", "Vinh", "Tiến", "Khánh", "Lâm"),
        ("Thị", "Thị", "Thu", "Thanh"),
        ("Hoa", "Lan", "Huệ", "Hương", "Hằng", "Thu", "Thúy", "Nga", "Mai", "Liên", "Nhung", "Phượng",
         "Thơm", "Yến", "Xuân", "Duyên", "Hiền"),
    ),
    "Giáy": NamePool(
        ("Lò", "Hoàng", "Lù", "Vương", "Sần", "Lồ", "Giàng", "Nông", "Ly"),
        ("Văn", "Seo", "Văn"),
        ("Chu", "Chiến", "Sinh", "Thàng", "Chương", "Pín", "Dìn", "Phủ", "Quang", "Chấn", "Lìn", "Sáng"),
        ("Thị",),
        ("Sang", "Dinh", "Mỉ", "Lanh", "Sinh", "Dín", "Lìn", "Dung", "Hoa", "Nhung", "Pha"),
    ),
    "Nùng": NamePool(
        ("Vàng", "Hoàng", "Nông", "Lục", "Chu", "Lý", "Nịnh", "Lù", "Ly", "Sì", "Thèn", "Phàn", "Lèng"),
        ("Văn", "Văn", "Seo", "Quốc"),
        ("Chúng", "Dìn", "Páo", "Sinh", "Quang", "Chăn", "Ngọc", "Tài", "Phú", "Sáng", "Thìn", "Chẩn",
         "Pủ", "Lìn", "Khiêm"),
        ("Thị",),
        ("Sương", "Mỷ", "Dung", "Ngấn", "Lả", "Nhình", "Hoa", "Mai", "Lan", "Phấn", "Thìn", "Chăm"),
    ),
    "Kinh": NamePool(
        ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Dương", "Đinh", "Phan"),
        ("Văn", "Đức", "Minh", "Quang", "Hữu", "Tiến", "Xuân", "Công"),
        ("Anh", "Bình", "Cường", "Dũng", "Đạt", "Hiếu", "Hùng", "Huy", "Khánh", "Long", "Nam", "Phúc",
         "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Hoàng", "Trường"),
        ("Thị", "Thu", "Ngọc", "Thanh", "Minh", "Thị"),
        ("Anh", "Hà", "Hạnh", "Hiền", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Phương", "Thảo",
         "Trang", "Yến", "Nhung", "Vân"),
    ),
}
# fmt: on

# Ethnic make-up of the districts workers come from (rounded from the provinces' census shares:
# Hmong-majority karst highlands, Tày/Dao valleys, Nùng/Dao west of Hà Giang, Kinh towns).
# fmt: off
ETHNIC_MIXES: dict[str, tuple[tuple[str, float], ...]] = {
    "hmong_highland": (("Hmong", 85), ("Dao", 4), ("Giáy", 3), ("Tày", 3), ("Kinh", 3), ("Nùng", 2)),
    "hmong_mixed": (("Hmong", 55), ("Dao", 14), ("Tày", 10), ("Giáy", 8), ("Nùng", 5), ("Kinh", 8)),
    "hmong_nung": (("Hmong", 45), ("Nùng", 25), ("Dao", 8), ("Tày", 5), ("Kinh", 15), ("Giáy", 2)),
    "dao_hmong_giay": (("Dao", 32), ("Hmong", 30), ("Giáy", 14), ("Kinh", 16), ("Tày", 5), ("Nùng", 3)),
    "nung_dao": (("Nùng", 40), ("Dao", 25), ("Hmong", 15), ("Tày", 10), ("Kinh", 10)),
    "tay_dao": (("Tày", 40), ("Dao", 25), ("Kinh", 18), ("Hmong", 10), ("Nùng", 7)),
    "kinh_town": (("Kinh", 62), ("Tày", 15), ("Dao", 6), ("Hmong", 6), ("Giáy", 5), ("Nùng", 6)),
}
# fmt: on


@dataclass(frozen=True)
class ProvinceIds:
    cccd_prefix: str  # the province code opening a CCCD number
    pass_prefix: str  # letters opening the province's border passes


PROVINCE_IDS: dict[str, ProvinceIds] = {
    "VN-HG": ProvinceIds("002", "HG"),
    "VN-LC": ProvinceIds("010", "LC"),
}

# Viettel 032–039, 086, 096–098; VinaPhone 081–085, 088, 091, 094; MobiFone 089, 090, 093.
# fmt: off
MOBILE_PREFIXES = ("032", "033", "034", "035", "036", "037", "038", "039", "086", "096", "097", "098",
                   "081", "082", "083", "084", "085", "088", "091", "094", "089", "090", "093")
# fmt: on


@dataclass(frozen=True)
class Person:
    """Who a worker is; identity numbers in plain text (the generator seals them)."""

    full_name: str
    sex: Sex
    ethnicity: str
    date_of_birth: dt.date
    national_id: str
    border_pass: str | None
    passport: str | None
    phone: str


class Weighted(Generic[T]):
    """A weighted choice with the cumulative weights computed once (the generator calls it a lot)."""

    def __init__(self, options: Sequence[tuple[T, float]]) -> None:
        self.values = tuple(v for v, _ in options)
        self.cumulative = tuple(itertools.accumulate(w for _, w in options))

    def pick(self, rng: random.Random) -> T:
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


_MIXES = {name: Weighted(options) for name, options in ETHNIC_MIXES.items()}


def ethnicity(rng: random.Random, mix: str) -> str:
    """An ethnic group drawn from one of `ETHNIC_MIXES`."""
    return _MIXES[mix].pick(rng)


def full_name(rng: random.Random, ethnic: str, sex: Sex) -> str:
    """Surname, middle and given name from the group's pool ("Giàng Seo Páo", "Triệu Thị Nhất")."""
    pool = NAMES.get(ethnic, NAMES["Kinh"])
    male = sex is Sex.MALE
    middle = rng.choice(pool.male_middles if male else pool.female_middles)
    given = rng.choice(pool.male_given if male else pool.female_given)
    if given == middle:  # "Phùng Tiến Tiến": take the next name in the pool instead
        names = pool.male_given if male else pool.female_given
        given = names[(names.index(given) + 1) % len(names)]
    return f"{rng.choice(pool.surnames)} {middle} {given}"


def date_of_birth(rng: random.Random, on: dt.date, youngest: int = 18, oldest: int = 55) -> dt.date:
    """Someone aged `youngest`..`oldest` on `on`, most of them in their twenties and thirties."""
    age = youngest + int((oldest - youngest + 1) * rng.random() ** 1.8)
    day = 28 if (on.month, on.day) == (2, 29) else on.day
    birthday = on.replace(year=on.year - age, day=day)  # the latest birth date giving that age
    return birthday - dt.timedelta(days=rng.randrange(365))


def _scramble(index: int, modulus: int, multiplier: int, offset: int) -> int:
    """A bijection of 0..modulus-1 (multiplier is coprime with 10) that does not look sequential."""
    return (index * multiplier + offset) % modulus


def _check_index(index: int) -> None:
    if not 0 <= index < MAX_PEOPLE:
        raise ValueError(f"person index {index} outside 0..{MAX_PEOPLE - 1}")


def national_id(province: str, sex: Sex, born: dt.date, index: int, salt: int = 0) -> str:
    """A 12-digit CCCD: province code, sex-and-century digit, year of birth, six unique digits.

    The six digits are unique per `index`; `salt` (the generator's seed) shifts them so that two
    seeds' populations do not start on the same numbers.
    """
    _check_index(index)
    century = 0 if born.year < 2000 else 2
    sex_digit = century + (1 if sex is Sex.FEMALE else 0)
    serial = _scramble(index, 10**6, 738_181, 271_828 + salt * 7_919)
    return f"{PROVINCE_IDS[province].cccd_prefix}{sex_digit}{born.year % 100:02d}{serial:06d}"


def border_pass_number(province: str, index: int, salt: int = 0) -> str:
    """A giấy thông hành number: the issuing province's letters and seven digits unique per `index`;
    `salt` (the seed) shifts them as for the CCCD, so two seeds' populations in one database do not
    start on the same numbers (the database holds each number once)."""
    _check_index(index)
    serial = _scramble(index, 10**7, 3_712_411, 1_414_213 + salt * 7_919)
    return f"{PROVINCE_IDS[province].pass_prefix}{serial:07d}"


def passport_number(index: int, salt: int = 0) -> str:
    """An ordinary passport number of the older series: "C" and seven digits unique per `index`."""
    _check_index(index)
    return f"C{_scramble(index, 10**7, 5_196_773, 3_141_592 + salt * 7_919):07d}"


def phone_number(rng: random.Random) -> str:
    """A 10-digit mobile number; not unique (families share phones), so it is simply drawn."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"


def make_person(
    rng: random.Random,
    index: int,
    province: str,
    mix: str,
    on: dt.date,
    *,
    salt: int = 0,
    border_pass: bool = True,
    passport_share: float = 0.5,
    male_share: float = 0.56,
) -> Person:
    """One person from `province` whose district has the ethnic `mix`, of working age on `on`."""
    sex = Sex.MALE if rng.random() < male_share else Sex.FEMALE
    ethnic = ethnicity(rng, mix)
    name = full_name(rng, ethnic, sex)
    born = date_of_birth(rng, on)
    has_passport = rng.random() < passport_share
    return Person(
        full_name=name,
        sex=sex,
        ethnicity=ethnic,
        date_of_birth=born,
        national_id=national_id(province, sex, born, index, salt),
        border_pass=border_pass_number(province, index, salt) if border_pass else None,
        passport=passport_number(index, salt) if has_passport else None,
        phone=phone_number(rng),
    )
