"""Write models/trees/vn-three-tier.csv from the vietnam-provinces 0.6.0 wheel (the last release
with the three-tier tree: 63 provinces, 696 districts, 10,051 communes).

    pip download --no-deps vietnam-provinces==0.6.0 -d /tmp/vp && unzip -o /tmp/vp/*.whl -d /tmp/vp
    python scripts/extract_three_tier.py /tmp/vp/vietnam_provinces/data/nested-divisions.json

The list is the one in force in early 2025; dunghan uses it for periods from 01/01/2024 to
30/06/2025 (the day before the two-tier reform).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

VALID_FROM, VALID_TO = "2024-01-01", "2025-06-30"
MINISTRY = "BLDTBXH"  # Bộ Lao động – Thương binh và Xã hội, in charge of gender equality until 28/02/2025


def main(source: str, target: str = "models/trees/vn-three-tier.csv") -> None:
    provinces = json.loads(Path(source).read_text(encoding="utf-8"))
    with Path(target).open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["code", "name", "level", "type", "parent", "valid_from", "valid_to", "merged_into"])
        out.writerow(
            [
                MINISTRY,
                "Bộ Lao động – Thương binh và Xã hội",
                "ministry",
                "department",
                "",
                VALID_FROM,
                "2025-02-28",
                "BNV",
            ]
        )
        # The Bộ Nội vụ took gender equality over on 01/03/2025 (Nghị định 25/2025/NĐ-CP): the old
        # provinces hang under it, by lineage, for their last four months.
        out.writerow(["BNV", "Bộ Nội vụ", "ministry", "department", "", "2025-03-01", "", ""])
        for p in provinces:
            province = f"{p['code']:02d}"  # GSO codes are distinct across levels only when padded
            out.writerow([province, p["name"], "province", "people_committee", MINISTRY, VALID_FROM, VALID_TO, ""])
            for d in p["districts"]:
                district = f"{d['code']:03d}"
                out.writerow([district, d["name"], "district", "people_committee", province, VALID_FROM, VALID_TO, ""])
                for w in d["wards"]:
                    out.writerow(
                        [
                            f"{w['code']:05d}",
                            w["name"],
                            "commune",
                            "people_committee",
                            district,
                            VALID_FROM,
                            VALID_TO,
                            "",
                        ]
                    )


if __name__ == "__main__":
    main(*sys.argv[1:])
