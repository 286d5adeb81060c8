"""Write models/trees/vn-lineage-2025.csv: which old unit became which new one in the 2025 reform
(63 provinces, 696 districts, 10,051 communes until 30/06/2025 → 34 provinces, 3,321 communes from
01/07/2025, Nghị quyết 202/2025/QH15 and the commune resolutions of the Ủy ban Thường vụ Quốc hội),
plus the ministry change of 01/03/2025 (Nghị định 25/2025/NĐ-CP: gender equality moves from the
Bộ Lao động – Thương binh và Xã hội to the Bộ Nội vụ).

    pip download --no-deps vietnamadminunits==1.0.4 -d /tmp/vau && unzip -o /tmp/vau/*.whl -d /tmp/vau
    python -m uv run python scripts/extract_lineage.py /tmp/vau

The mapping comes from the vietnamadminunits wheel (data/converter_2025.json: new province → old
provinces, new commune → old communes, old communes divided between several new ones; data/dataset.db:
the names, codes and former names behind its keys). Its units are matched to ours, never copied: the
old side to models/trees/vn-three-tier.csv, the new side to the vietnam-provinces package (the tree
dunghan imports from 01/07/2025), so every code and name in the output is one of ours. A district's
successors are those of its communes; the five island districts without communes (Bạch Long Vĩ,
Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) go to the đặc khu the source gives them. Divided parts that the
source got by mixing up two communes of the same name are left out (see commune_successors).

The script prints how each unit was matched and what could not be. With 1.0.4: two old communes
of ours are absent from the source's list of 30/06/2025 (neither their code, nor their name, nor as
a former name of another commune), so they have no successor; and ten
new communes of vietnam-provinces carry a code that is not one of their predecessors' (GSO keeps
the code of one predecessor; the source gives them such a code).
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
THREE_TIER = ROOT / "models/trees/vn-three-tier.csv"
TARGET = ROOT / "models/trees/vn-lineage-2025.csv"
REFORM_DAY = "2025-07-01"
MINISTRY_DAY = "2025-03-01"
OLD_MINISTRY, NEW_MINISTRY, NEW_MINISTRY_NAME = "BLDTBXH", "BNV", "Bộ Nội vụ"
LEVELS = ("ministry", "province", "district", "commune")
TYPES = ("Thành phố", "Thị xã", "Thị trấn", "Huyện", "Quận", "Phường", "Xã", "Tỉnh", "Đặc khu")
SIMILAR = 0.75  # spelling variants of one name (Quí/Quý, Xà/Sà, Ngọc/Ngọk) score 0.75–0.95


def fold(name: str) -> str:
    """The source's key for a name: lower-case ASCII letters and digits only."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in plain if not unicodedata.combining(c)).lower())


def spelt_out(name: str) -> str:
    """ "Thị trấn NT Mộc Châu" → "Thị trấn Nông trường Mộc Châu", as the source writes it."""
    return re.sub(r"\bN\.?\s?T\.?\s+", "Nông trường ", name)


def short(name: str) -> str:
    """The folded name without its type (Xã, Phường, Thị trấn …), abbreviations spelt out."""
    for prefix in TYPES:
        if name.startswith(prefix + " "):
            name = name[len(prefix) + 1 :]
            break
    return fold(spelt_out(name))


def similar(a: str, b: str) -> bool:
    return SequenceMatcher(None, short(a), short(b)).ratio() >= SIMILAR


@dataclass
class Old:
    code: str
    name: str
    level: str
    parent: str
    province: str = ""
    keys: set[str] = field(default_factory=set)  # source keys "province_district_commune" it continues as


@dataclass
class New:
    code: str
    name: str
    province: str


def load_old() -> dict[str, Old]:
    with THREE_TIER.open(encoding="utf-8", newline="") as handle:
        units = {r["code"]: Old(r["code"], r["name"], r["level"], r["parent"]) for r in csv.DictReader(handle)}
    for unit in units.values():
        up = unit
        while up.level not in ("province", "ministry"):
            up = units[up.parent]
        unit.province = up.code
    return units


def load_new() -> dict[str, New]:
    """Today's provinces and communes, named as ``official_rows()`` names them."""
    from models.tree import official_rows

    rows = official_rows()
    province_of = {r.code: (r.parent if r.level == "commune" else r.code) for r in rows}
    return {r.code: New(r.code, r.name, province_of[r.code] or r.code) for r in rows if r.level != "ministry"}


def match_by_code_or_name(
    label: str, source: dict[str, tuple[str, str, str]], ours: dict[str, tuple[str, str]]
) -> dict[str, str]:
    """source key → our code, for units given as key → (code, name, scope) and code → (name, scope):
    by code when the names agree, else by name within the scope, else by code when the names differ
    only in type or spelling."""
    by_name: dict[tuple[str, str], list[str]] = defaultdict(list)
    for code, (name, scope) in ours.items():
        by_name[(scope, fold(name))].append(code)
    matched: dict[str, str] = {}
    how: Counter[str] = Counter()
    for key, (code, name, scope) in source.items():
        if code in ours and fold(ours[code][0]) == fold(name):
            matched[key], rule = code, "code and name"
        elif len(found := by_name[(scope, fold(name))]) == 1:
            matched[key], rule = found[0], "name"
        elif code in ours and ours[code][1] == scope and similar(ours[code][0], name):
            matched[key], rule = code, "code and spelling variant"
        else:
            rule = "unmatched"
            print(f"  {label}: no match for {key} ({code} {name})")
        how[rule] += 1
    print(f"{label}: {dict(how)}")
    return matched


def successors_by_new(successors: dict[str, set[str]]) -> dict[str, set[str]]:
    makers: dict[str, set[str]] = defaultdict(set)
    for key, communes in successors.items():
        for commune in communes:
            makers[commune].add(key)
    return makers


def read_source(folder: Path) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    data = next(p for p in (folder / "vietnamadminunits/data", folder / "data", folder) if p.is_dir())
    converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    db = sqlite3.connect(data / "dataset.db")
    db.row_factory = sqlite3.Row
    try:
        legacy = [dict(r) for r in db.execute("SELECT * FROM admin_units_legacy")]
        current = [dict(r) for r in db.execute("SELECT * FROM admin_units")]
    finally:
        db.close()
    return converter, legacy, current


def match_old_communes(old: dict[str, Old], legacy: list[dict[str, Any]], districts: dict[str, str]) -> None:
    """Give each old commune of ours the source's key of the row that continues it. A code is the
    same unit when the names agree (exactly, by one of the source's former names, or up to
    spelling); a commune merged into a neighbour before the reform is found in its district by
    name or former name. Islands without communes get their district's key."""
    rows = {f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}": r for r in legacy}
    by_code = {r["wardCode"]: k for k, r in rows.items() if r["wardCode"]}
    former = {k: {fold(r["ward"]), *json.loads(r["wardKeywords"] or "[]")} for k, r in rows.items() if r["wardCode"]}
    in_district: dict[str, list[str]] = defaultdict(list)
    for row_key, r in rows.items():
        district = districts.get(f"{r['provinceKey']}_{r['districtKey']}")
        if r["wardCode"] and district:
            in_district[district].append(row_key)
        elif district:
            old[district].keys.add(row_key)
    how: Counter[str] = Counter()
    unmatched: list[Old] = []
    for unit in (u for u in old.values() if u.level == "commune"):
        key: str | None = by_code.get(unit.code)
        names = {fold(unit.name), fold(spelt_out(unit.name))}
        if key and fold(rows[key]["ward"]) == fold(unit.name):
            rule = "code and name"
        elif key and names & former[key]:
            rule = "code and former name"
        elif len(found := [k for k in in_district[unit.parent] if fold(rows[k]["ward"]) == fold(unit.name)]) == 1:
            key, rule = found[0], "district and name"
        elif len(found := [k for k in in_district[unit.parent] if names & former[k]]) == 1:
            key, rule = found[0], "district and former name"
        elif key and similar(rows[key]["ward"], unit.name):
            rule = "code and spelling variant"
        else:
            key, rule = None, "unmatched"
            unmatched.append(unit)
        how[rule] += 1
        if key:
            unit.keys.add(key)
            if rule != "code and name":
                r = rows[key]
                print(f"  {rule}: {unit.code} {unit.name} → {r['wardCode']} {r['ward']} ({r['district']})")
    print(f"old communes: {dict(how)}")
    for unit in unmatched:
        print(f"  old commune without a match: {unit.code} {unit.name} ({old[unit.parent].name})")
    used = {k for u in old.values() for k in u.keys}
    for row_key in sorted(set(rows) - used):
        r = rows[row_key]
        print(f"  source row matching none of ours: {r['wardCode']} {r['ward']} ({r['district']}, {r['province']})")


def commune_successors(
    converter: dict[str, Any], new_communes: dict[str, str], new: dict[str, New]
) -> dict[str, set[str]]:
    """The source's key of an old commune → the codes of the new communes it went to."""
    successors: dict[str, set[str]] = defaultdict(set)
    for province, communes in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for commune, keys in communes.items():
            for key in keys:
                successors[key].add(new_communes[f"{province}_{commune}"])
    whole = successors_by_new(successors)  # new commune → old communes wholly in it
    spanning = sorted(c for c, keys in whole.items() if len({k.split("_")[0] for k in keys}) > 1)
    print(f"new communes made of whole communes of several old provinces: {spanning}")
    # The source finds the old communes of a divided one by name, and mixes up namesakes: the
    # communes called "Xã Tân Thạnh" of Cần Thơ and of Sóc Trăng are each listed as divided between
    # both new communes. Such a part is left out when the new commune's whole predecessors lie in
    # another old province (a new commune lies in one old province, as every whole mapping shows),
    # or when, not the main part, it goes to a new commune made of a namesake of another district.
    divided = dropped = 0
    for province, keys in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for key, parts in keys.items():
            old_province, old_district, name = key.split("_")
            for part in parts:
                commune = new_communes[f"{province}_{part['newWardKey']}"]
                makers = [k.split("_") for k in whole.get(commune, set())]
                elsewhere = makers and old_province not in {k[0] for k in makers}
                namesake = not part["isDefaultNewWard"] and any(k[2] == name and k[1] != old_district for k in makers)
                divided += 1
                if elsewhere or namesake:
                    dropped += 1
                    districts = sorted({"_".join(k[:2]) for k in makers})
                    print(f"  divided part left out: {key} → {commune} {new[commune].name}, made of {districts}")
                else:
                    successors[key].add(commune)
    print(f"divided parts: {divided}, left out: {dropped}")
    return successors


def check(pairs: set[tuple[str, str, str]], old: dict[str, Old], new: dict[str, New]) -> None:
    """Print what the lineage leaves unexplained."""
    province_pairs = {(b, a) for level, b, a in pairs if level == "province"}
    astray = sorted(
        (b, a)
        for level, b, a in pairs
        if level == "commune" and (old[b].province, new[a].province) not in province_pairs
    )
    print(f"commune successors outside the province's successors: {astray}")
    split = Counter(b for level, b, _ in pairs if level == "commune")
    print(f"old communes split between several new ones: {sum(n > 1 for n in split.values())}")
    communes = [u for u in new.values() if len(u.code) == 5]
    for level in ("commune", "district"):
        reached = {a for lv, _, a in pairs if lv == level}
        print(f"new communes without an old {level} before them: {[u.code for u in communes if u.code not in reached]}")
    # GSO's convention: a new commune keeps the code of one of the old communes it is made of.
    predecessors: dict[str, set[str]] = defaultdict(set)
    for level, before, after in pairs:
        if level == "commune":
            predecessors[after].add(before)
    for unit in communes:
        former = old.get(unit.code)
        if former and (former.province, unit.province) in province_pairs and unit.code not in predecessors[unit.code]:
            print(
                f"  code convention broken: {unit.code} {unit.name} is not made of {unit.code} {former.name}; "
                f"made of {sorted(predecessors[unit.code])}"
            )
    predecessors_all = {b for _, b, _ in pairs}
    for level in LEVELS[1:]:
        without = [u.code for u in old.values() if u.level == level and u.code not in predecessors_all]
        print(f"old {level}s without a successor: {without}")


def main(source: str, target: str = str(TARGET)) -> None:
    converter, legacy, current = read_source(Path(source))
    old, new = load_old(), load_new()

    old_provinces = match_by_code_or_name(
        "old provinces",
        {r["provinceKey"]: (r["provinceCode"], r["province"], "") for r in legacy},
        {u.code: (u.name, "") for u in old.values() if u.level == "province"},
    )
    old_districts = match_by_code_or_name(
        "old districts",
        {
            f"{r['provinceKey']}_{r['districtKey']}": (
                r["districtCode"],
                r["district"],
                old_provinces[r["provinceKey"]],
            )
            for r in legacy
        },
        {u.code: (u.name, u.province) for u in old.values() if u.level == "district"},
    )
    match_old_communes(old, legacy, old_districts)

    new_provinces = match_by_code_or_name(
        "new provinces",
        {r["provinceKey"]: (r["provinceCode"], r["province"], "") for r in current},
        {u.code: (u.name, "") for u in new.values() if len(u.code) == 2},
    )
    new_communes = match_by_code_or_name(
        "new communes",
        {
            f"{r['provinceKey']}_{r['wardKey']}": (r["wardCode"], r["ward"], new_provinces[r["provinceKey"]])
            for r in current
        },
        {u.code: (u.name, u.province) for u in new.values() if len(u.code) == 5},
    )
    differ = sorted((r["wardCode"], r["ward"], new_communes[f"{r['provinceKey']}_{r['wardKey']}"]) for r in current)
    differ = [d for d in differ if d[0] != d[2]]
    print(f"new communes whose vietnam-provinces code differs from the source's: {len(differ)}")
    for theirs, name, ours in differ:
        print(f"  {name}: {theirs} in the source, {ours} in vietnam-provinces")
    missing = sorted({u.code for u in new.values() if len(u.code) == 5} - set(new_communes.values()))
    print(f"new communes of vietnam-provinces not in the source: {missing}")

    successors = commune_successors(converter, new_communes, new)
    pairs: set[tuple[str, str, str]] = {("ministry", OLD_MINISTRY, NEW_MINISTRY)}
    for province, keys in converter["DICT_PROVINCE"].items():
        pairs.update(("province", old_provinces[key], new_provinces[province]) for key in keys)
    for unit in old.values():
        went = {s for key in unit.keys for s in successors[key]}
        if unit.level == "commune":
            pairs.update(("commune", unit.code, a) for a in went)
            pairs.update(("district", unit.parent, a) for a in went)
        elif unit.level == "district":  # the islands without communes
            pairs.update(("district", unit.code, a) for a in went)
    check(pairs, old, new)

    with Path(target).open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["predecessor", "successor", "on", "predecessor_name", "successor_name"])
        for level, before, after in sorted(pairs, key=lambda p: (LEVELS.index(p[0]), p[1], p[2])):
            if level == "ministry":
                out.writerow([before, after, MINISTRY_DAY, old[before].name, NEW_MINISTRY_NAME])
            else:
                out.writerow([before, after, REFORM_DAY, old[before].name, new[after].name])
    print(f"rows: {dict(Counter(level for level, _, _ in pairs))}, {len(pairs)} in all")


if __name__ == "__main__":
    main(*sys.argv[1:])
