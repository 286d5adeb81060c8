"""The lineage of the 2025 reform (models/trees/vn-lineage-2025.csv, written by
scripts/extract_lineage.py), checked against the old tree, the new one and Nghị quyết 202/2025/QH15."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from models.org_rows import UnitRow
from models.tree import official_rows

TREES = Path(__file__).resolve().parents[2] / "models/trees"
LINEAGE = TREES / "vn-lineage-2025.csv"
COLUMNS = ["predecessor", "successor", "on", "predecessor_name", "successor_name"]
LEVELS = ("ministry", "province", "district", "commune")

# Old communes of vn-three-tier.csv that the source's list of 30/06/2025 does not have (neither
# their code, nor their name, nor as another commune's former name): no successor is known.
WITHOUT_SUCCESSOR = {"16411": "Xã Đông Xuân", "25186": "Xã Phù Mỹ"}

# New communes whose vietnam-provinces code is an old commune code of their province that is not
# among their predecessors; the source gives each of them the code of one of its predecessors
# (Xã Na Sầm 06124, Xã Ia Mơ 23938, …), as GSO's convention has it.
CODE_NOT_KEPT = {
    "01537": "Xã Vinh Quý",
    "01558": "Xã Lý Quốc",
    "01561": "Xã Hạ Lang",
    "06214": "Xã Na Sầm",
    "12478": "Xã Tân Tiến",
    "12841": "Xã Bắc Thái Ninh",
    "13285": "Phường Châu Sơn",
    "13291": "Phường Phủ Lý",
    "13318": "Phường Phù Vân",
    "23737": "Xã Ia Mơ",
}

# Nghị quyết 202/2025/QH15, article 1: the 23 merged provinces (the new one keeps the first name)
# and the 11 left as they were.
MERGED = {
    "Tuyên Quang": ["Tuyên Quang", "Hà Giang"],
    "Lào Cai": ["Lào Cai", "Yên Bái"],
    "Thái Nguyên": ["Thái Nguyên", "Bắc Kạn"],
    "Phú Thọ": ["Phú Thọ", "Vĩnh Phúc", "Hòa Bình"],
    "Bắc Ninh": ["Bắc Ninh", "Bắc Giang"],
    "Hưng Yên": ["Hưng Yên", "Thái Bình"],
    "Hải Phòng": ["Hải Phòng", "Hải Dương"],
    "Ninh Bình": ["Ninh Bình", "Hà Nam", "Nam Định"],
    "Quảng Trị": ["Quảng Trị", "Quảng Bình"],
    "Đà Nẵng": ["Đà Nẵng", "Quảng Nam"],
    "Quảng Ngãi": ["Quảng Ngãi", "Kon Tum"],
    "Gia Lai": ["Gia Lai", "Bình Định"],
    "Khánh Hòa": ["Khánh Hòa", "Ninh Thuận"],
    "Lâm Đồng": ["Lâm Đồng", "Đắk Nông", "Bình Thuận"],
    "Đắk Lắk": ["Đắk Lắk", "Phú Yên"],
    "Hồ Chí Minh": ["Hồ Chí Minh", "Bình Dương", "Bà Rịa – Vũng Tàu"],
    "Đồng Nai": ["Đồng Nai", "Bình Phước"],
    "Tây Ninh": ["Tây Ninh", "Long An"],
    "Cần Thơ": ["Cần Thơ", "Sóc Trăng", "Hậu Giang"],
    "Vĩnh Long": ["Vĩnh Long", "Bến Tre", "Trà Vinh"],
    "Đồng Tháp": ["Đồng Tháp", "Tiền Giang"],
    "Cà Mau": ["Cà Mau", "Bạc Liêu"],
    "An Giang": ["An Giang", "Kiên Giang"],
}
UNCHANGED = [
    "Hà Nội",
    "Huế",
    "Lai Châu",
    "Điện Biên",
    "Sơn La",
    "Lạng Sơn",
    "Quảng Ninh",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Cao Bằng",
]


def fold(name: str) -> str:
    """A province's name without its type, diacritics, case and punctuation ("Hoà" = "Hòa")."""
    name = re.sub(r"^(Thành phố|Tỉnh)\s+", "", name)
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in plain if not unicodedata.combining(c)).lower())


@cache
def lineage() -> list[dict[str, str]]:
    with LINEAGE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def old_tree() -> dict[str, dict[str, str]]:
    with (TREES / "vn-three-tier.csv").open(encoding="utf-8", newline="") as handle:
        return {r["code"]: r for r in csv.DictReader(handle)}


@cache
def new_tree() -> dict[str, UnitRow]:
    return {r.code: r for r in official_rows()}


def level(row: dict[str, str]) -> str:
    return old_tree()[row["predecessor"]]["level"]


def successors(at: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for row in lineage():
        if level(row) == at:
            found[row["predecessor"]].add(row["successor"])
    return found


def test_file_shape() -> None:
    raw = LINEAGE.read_bytes()
    assert b"\r" not in raw
    assert raw.decode("utf-8").splitlines()[0] == ",".join(COLUMNS)
    rows = lineage()
    keys = [(LEVELS.index(level(r)), r["predecessor"], r["successor"]) for r in rows]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    assert all(r[c] for r in rows for c in COLUMNS)
    counts = {at: sum(level(r) == at for r in rows) for at in LEVELS}
    assert counts["ministry"] == 1
    assert counts["province"] == 63
    assert 3321 <= counts["district"] < counts["commune"]
    assert 10_000 <= len(rows) <= 17_000


def test_every_old_unit_has_a_successor() -> None:
    old = old_tree()
    for at, expected in (("province", 63), ("district", 696)):
        codes = {c for c, r in old.items() if r["level"] == at}
        assert len(codes) == expected
        assert codes == set(successors(at))
    communes = {c for c, r in old.items() if r["level"] == "commune"}
    assert len(communes) == 10_051
    missing = communes - set(successors("commune"))
    assert {c: old[c]["name"] for c in missing} == WITHOUT_SUCCESSOR


def test_codes_and_names_are_ours() -> None:
    old, new = old_tree(), new_tree()
    for row in lineage():
        before, after = old[row["predecessor"]], new[row["successor"]]
        assert before["name"] == row["predecessor_name"], row
        assert after.name == row["successor_name"], row
        on = date.fromisoformat(row["on"])
        assert date.fromisoformat(before["valid_to"]) == on - timedelta(days=1), row
        assert after.valid_from == on, row
        expected = {"ministry": "ministry", "province": "province"}.get(before["level"], "commune")
        assert after.level == expected, row


def test_new_communes_reached() -> None:
    communes = {c for c, r in new_tree().items() if r.level == "commune"}
    assert len(communes) == 3321
    assert communes == {r["successor"] for r in lineage() if level(r) == "district"}
    islands = communes - {r["successor"] for r in lineage() if level(r) == "commune"}
    assert sorted(new_tree()[c].name for c in islands) == [
        "Đặc khu Bạch Long Vĩ",
        "Đặc khu Côn Đảo",
        "Đặc khu Cồn Cỏ",
        "Đặc khu Hoàng Sa",
        "Đặc khu Lý Sơn",
    ]


def test_island_districts_become_dac_khu() -> None:
    old, new = old_tree(), new_tree()
    districts = successors("district")
    with_communes = {r["parent"] for r in old.values() if r["level"] == "commune"}
    islands = sorted(c for c, r in old.items() if r["level"] == "district" and c not in with_communes)
    assert [old[c]["name"] for c in islands] == [
        "Huyện Bạch Long Vĩ",
        "Huyện Cồn Cỏ",
        "Huyện Hoàng Sa",
        "Huyện Lý Sơn",
        "Huyện Côn Đảo",
    ]
    for code in islands:
        (after,) = districts[code]
        assert new[after].name == old[code]["name"].replace("Huyện", "Đặc khu")


def test_district_successors_are_its_communes() -> None:
    old = old_tree()
    derived: dict[str, set[str]] = defaultdict(set)
    for commune, after in successors("commune").items():
        derived[old[commune]["parent"]] |= after
    districts = successors("district")
    assert all(districts[d] == after for d, after in derived.items())


def test_commune_successors_stay_in_the_province_successor() -> None:
    old, new = old_tree(), new_tree()
    provinces = {(r["predecessor"], r["successor"]) for r in lineage() if level(r) == "province"}
    for commune, after in successors("commune").items():
        province = old[old[commune]["parent"]]["parent"]
        assert all((province, new[a].parent) in provinces for a in after), commune


def test_new_commune_keeps_a_predecessor_code() -> None:
    old, new = old_tree(), new_tree()
    provinces = {(r["predecessor"], r["successor"]) for r in lineage() if level(r) == "province"}
    made_of: dict[str, set[str]] = defaultdict(set)
    for commune, after in successors("commune").items():
        for a in after:
            made_of[a].add(commune)
    broken = {}
    for code, unit in new.items():
        former = old.get(code)
        if unit.level == "commune" and former and former["level"] == "commune":
            province = old[former["parent"]]["parent"]
            if (province, unit.parent) in provinces and code not in made_of[code]:
                broken[code] = unit.name
    assert broken == CODE_NOT_KEPT
    kept = sum(code in made_of[code] for code, unit in new.items() if unit.level == "commune")
    assert kept > 3000


def test_provinces_follow_resolution_202() -> None:
    found: dict[str, set[str]] = defaultdict(set)
    for row in lineage():
        if level(row) == "province":
            found[fold(row["successor_name"])].add(fold(row["predecessor_name"]))
    expected = {fold(new): {fold(o) for o in olds} for new, olds in MERGED.items()}
    expected |= {fold(name): {fold(name)} for name in UNCHANGED}
    assert len(expected) == 34
    assert dict(found) == expected


def test_thi_tran_voi_became_xa_lang_giang() -> None:
    rows = [r for r in lineage() if r["predecessor"] == "07375"]
    assert [(r["successor"], r["predecessor_name"], r["successor_name"]) for r in rows] == [
        ("07375", "Thị trấn Vôi", "Xã Lạng Giang")
    ]
    assert rows[0]["on"] == "2025-07-01"


def test_split_communes() -> None:
    split = {c: after for c, after in successors("commune").items() if len(after) > 1}
    assert 300 <= len(split) < 1000
    names = {r["successor"]: r["successor_name"] for r in lineage()}
    # Xã Hòa Liên (Hòa Vang, Đà Nẵng) went partly to Phường Hải Vân, partly to Phường Liên Chiểu.
    assert old_tree()["20296"]["name"] == "Xã Hòa Liên"
    assert {(a, names[a]) for a in split["20296"]} == {("20195", "Phường Hải Vân"), ("20197", "Phường Liên Chiểu")}


def test_ministry_row() -> None:
    rows = [r for r in lineage() if level(r) == "ministry"]
    assert rows == [
        {
            "predecessor": "BLDTBXH",
            "successor": "BNV",
            "on": "2025-03-01",
            "predecessor_name": "Bộ Lao động – Thương binh và Xã hội",
            "successor_name": "Bộ Nội vụ",
        }
    ]
