"""Importing the tree and its contacts again changes nothing: contacts by unit, role and address,
units by code and validity; ``replace`` deactivates the contacts a file leaves out; two imports
at once (two real processes) add nothing twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select
from sqlmodel import col

from models.org_rows import ImportRefused
from models.tables import Contact, Unit
from models.tree import ImportSummary, import_org, official_rows
from reports.org_files import read_org_file

TREES = Path("models/trees")
HEADER = "unit,name,role,email,zalo_phone,zalo_user_id,channels,active\n"
CONTACTS = (
    '24-SYT,Nguyễn Thị Hoa,focal_point,hoa@syt.bacninh.gov.vn,0987654321,,"zalo,email",true\n'
    "24-SYT,Trần Văn Nam,head,nam@syt.bacninh.gov.vn,,,email,true\n"
    "24-STP,Lê Minh,focal_point,,,4815162342,zalo,true\n"
)


def tree(engine: Engine) -> None:
    import_org(engine, official_rows("24"), [], source="vietnam-provinces")
    units, _ = read_org_file(TREES / "bac-ninh-2026-departments.yaml")
    import_org(engine, units, [], source="test")


def contacts_file(tmp_path: Path, body: str, name: str = "lien-he.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def import_file(engine: Engine, path: Path, *, replace: bool = False) -> ImportSummary:
    units, contacts = read_org_file(path)
    return import_org(engine, units, contacts, source=path.name, label=path.name, replace=replace)


def stored_contacts(engine: Engine) -> list[tuple[str, str, str | None, str, bool]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(col(Unit.code), col(Contact.name), col(Contact.email), col(Contact.channels), col(Contact.active))
            .join(Unit, col(Unit.id) == col(Contact.unit_id))
            .order_by(col(Contact.id))
        )
        return list(rows.tuples())


def counts(summary: ImportSummary) -> tuple[int, ...]:
    return (
        summary.contacts_inserted,
        summary.contacts_updated,
        summary.contacts_unchanged,
        summary.contacts_deactivated,
    )


def test_the_same_contacts_twice_are_stored_once(engine: Engine, tmp_path: Path) -> None:
    tree(engine)
    path = contacts_file(tmp_path, CONTACTS)
    assert counts(import_file(engine, path)) == (3, 0, 0, 0)
    assert counts(import_file(engine, path)) == (0, 0, 3, 0)
    assert len(stored_contacts(engine)) == 3


def test_a_changed_contact_is_updated_matched_by_any_of_its_addresses(engine: Engine, tmp_path: Path) -> None:
    tree(engine)
    import_file(engine, contacts_file(tmp_path, CONTACTS))
    changed = contacts_file(
        tmp_path,
        # e-mail dropped, matched by the phone; a new name and channels
        "24-SYT,Nguyễn Thị Hoà,focal_point,,0987654321,,zalo,true\n"
        # matched by the e-mail, whatever its case; now inactive
        "24-SYT,Trần Văn Nam,head,NAM@syt.bacninh.gov.vn,,,email,false\n"
        # matched by the Zalo user id
        '24-STP,Lê Minh,focal_point,minh@stp.bacninh.gov.vn,,4815162342,"zalo,email",true\n'
        # the same address in another role is another contact
        "24-STP,Lê Minh,head,minh@stp.bacninh.gov.vn,,,email,true\n",
        "sua.csv",
    )
    assert counts(import_file(engine, changed)) == (1, 3, 0, 0)
    assert stored_contacts(engine) == [
        ("24-SYT", "Nguyễn Thị Hoà", None, "zalo", True),
        ("24-SYT", "Trần Văn Nam", "NAM@syt.bacninh.gov.vn", "email", False),
        ("24-STP", "Lê Minh", "minh@stp.bacninh.gov.vn", "zalo,email", True),
        ("24-STP", "Lê Minh", "minh@stp.bacninh.gov.vn", "email", True),
    ]


def test_replace_deactivates_the_contacts_a_file_leaves_out_of_its_units(engine: Engine, tmp_path: Path) -> None:
    tree(engine)
    import_file(engine, contacts_file(tmp_path, CONTACTS))
    only_hoa = contacts_file(tmp_path, CONTACTS.splitlines(keepends=True)[0], "syt.csv")
    assert counts(import_file(engine, only_hoa)) == (0, 0, 1, 0)  # without --replace: added to
    assert counts(import_file(engine, only_hoa, replace=True)) == (0, 0, 1, 1)
    assert [(c[1], c[4]) for c in stored_contacts(engine)] == [
        ("Nguyễn Thị Hoa", True),
        ("Trần Văn Nam", False),  # kept (notices point to contacts), no longer reminded
        ("Lê Minh", True),  # 24-STP is not in the file: untouched
    ]


def test_contacts_doubled_by_earlier_imports_are_reduced_to_one(engine: Engine, tmp_path: Path) -> None:
    tree(engine)
    path = contacts_file(tmp_path, CONTACTS)
    _, contacts = read_org_file(path)
    with engine.begin() as connection:  # what importing twice did before contacts were matched
        for _ in range(2):
            connection.execute(
                insert(Contact),
                [
                    {
                        "unit_id": connection.execute(
                            select(col(Unit.id)).where(col(Unit.code) == c.unit)
                        ).scalar_one(),
                        "name": c.name,
                        "role": c.role,
                        "email": c.email,
                        "zalo_phone": c.zalo_phone,
                        "zalo_user_id": c.zalo_user_id,
                        "channels": c.channels,
                        "active": c.active,
                    }
                    for c in contacts
                ],
            )
    assert counts(import_file(engine, path)) == (0, 0, 3, 3)
    assert sum(active for *_, active in stored_contacts(engine)) == 3


def test_one_person_twice_in_a_file_is_refused(engine: Engine, tmp_path: Path) -> None:
    tree(engine)
    twice = contacts_file(tmp_path, CONTACTS + "24-SYT,Nguyễn T. Hoa,focal_point,HOA@syt.bacninh.gov.vn,,,email,true\n")
    with pytest.raises(ImportRefused) as refused:
        import_file(engine, twice)
    assert refused.value.errors == [
        "lien-he.csv: row 5 (24-SYT): the same focal_point as row 2 (email hoa@syt.bacninh.gov.vn); keep one row "
        "per person"
    ]
    assert stored_contacts(engine) == []


def test_the_same_units_again_are_left_alone_or_updated(engine: Engine, tmp_path: Path) -> None:
    tree(engine)
    units, _ = read_org_file(TREES / "bac-ninh-2026-departments.yaml")
    again = import_org(engine, units, [], source="test")
    assert (again.units_inserted, again.units_updated, again.units_unchanged) == (0, 0, len(units))
    renamed = tmp_path / "don-vi.csv"
    renamed.write_text(
        "code,name,level,type,parent,valid_from,valid_to,merged_into\n"
        "24-SYT,Sở Y tế Bắc Ninh,province,department,24,2025-07-01,,\n"  # renamed
        "24-STP,Sở Tư pháp tỉnh Bắc Ninh,province,department,24,2025-07-01,,\n"  # as stored
        "24-SXD,Sở Xây dựng tỉnh Bắc Ninh,province,department,24,2025-07-01,,\n"  # new
        "24-SXD-1,Phòng Quản lý xây dựng,province,department,24-SXD,2025-07-01,,\n",  # under the new one
        encoding="utf-8",
    )
    done = import_file(engine, renamed)
    assert (done.units_inserted, done.units_updated, done.units_unchanged) == (2, 1, 1)
    with engine.connect() as connection:
        named = dict(
            connection.execute(select(col(Unit.code), col(Unit.name)).where(col(Unit.code).in_(["24-SYT", "24-SXD"])))
            .tuples()
            .all()
        )
        path = connection.execute(select(col(Unit.path)).where(col(Unit.code) == "24-SXD-1")).scalar_one()
    assert named == {"24-SYT": "Sở Y tế Bắc Ninh", "24-SXD": "Sở Xây dựng tỉnh Bắc Ninh"}
    assert path == "/BNV/24/24-SXD/24-SXD-1/"
    moved = tmp_path / "chuyen.csv"
    moved.write_text(
        "code,name,level,type,parent,valid_from,valid_to,merged_into\n"
        "24-SXD-1,Phòng Quản lý xây dựng,province,department,24,2025-07-01,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRefused) as refused:
        import_file(engine, moved)
    assert refused.value.errors == [
        "chuyen.csv: row 2 (24-SXD-1): parent '24' differs from the stored parent '24-SXD'; an import does not "
        "move a unit: give the moved unit a new valid_from"
    ]


def test_two_imports_at_once_store_each_contact_once(engine: Engine, backend: str, tmp_path: Path) -> None:
    """Two real `dunghan org import` processes of the same file, started together, three times."""
    tree(engine)
    with engine.begin() as connection:  # a long list, so that the imports overlap
        communes = list(connection.execute(select(col(Unit.code)).where(col(Unit.level) == "commune")).scalars())
    body = "".join(
        f"{code},Cán bộ {n},focal_point,cb{n}@{code}.bacninh.example,,,email,true\n"
        f"{code},Chủ tịch {n},head,ct{n}@{code}.bacninh.example,,,email,true\n"
        for n, code in enumerate(communes * 10)
    )
    path = contacts_file(tmp_path, body)
    url = os.environ["DUNGHAN_TEST_POSTGRES_URL"] if backend == "postgresql" else str(engine.url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUNGHAN_") or k == "DUNGHAN_LANG"}
    env |= {"DUNGHAN_HOME": str(tmp_path / "home"), "DUNGHAN_DATABASE_URL": url}
    inserted = 0
    for _ in range(3):
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "cli.main", "org", "import", str(path)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=300) for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        assert not any("locked" in err for _, err in outputs)
        inserted += sum(int(out.split("contacts: ")[1].split(" inserted")[0]) for out, _ in outputs)
    assert len(stored_contacts(engine)) == inserted == 2 * len(communes) * 10
