"""Files a tester (or an attacker) would feed the importers: each small on disk, each built to
exhaust memory, recurse without end or crash a reader. Shared by the pack, spreadsheet and
memory-cap tests."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook

from tests.rules.conftest import MINIMAL_PACK

# --- YAML (packs and org files) ---------------------------------------------------------------


def billion_laughs(levels: int = 9, width: int = 10) -> bytes:
    """The classic: ``levels`` anchors, each a list of ``width`` aliases of the one before
    (10**9 strings once expanded, from well under 7 KB)."""
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    return ("\n".join(lines) + "\n").encode()


def many_aliases(count: int = 500) -> bytes:
    """Many aliases of one small value: cheap to expand, but past any sane budget."""
    return ("x: &x [a, b]\ny: [" + ", ".join(["*x"] * count) + "]\n").encode()


def deep_flow(depth: int = 5000) -> bytes:
    return ("x: " + "[" * depth + "]" * depth + "\n").encode()


def deep_block(depth: int = 5000) -> bytes:
    return ("x:\n  " + "- " * depth + "end\n").encode()


def deep_mapping(depth: int = 5000) -> bytes:
    return ("x: " + "{a: " * depth + "b" + "}" * depth + "\n").encode()


def self_alias() -> bytes:
    return b"x: &x [1, *x]\n"


def oversized_pack(size: int = (1 << 20) + 10) -> bytes:
    body = MINIMAL_PACK.encode()
    return body + b"#" * (size - len(body)) + b"\n"


def windows_1258_pack() -> bytes:
    """A pack saved in the Vietnamese Windows code page instead of UTF-8."""
    return MINIMAL_PACK.encode("cp1258", errors="replace")


def nul_in_pack() -> bytes:
    return MINIMAL_PACK.replace("Gói thử nghiệm", "Gói\x00thử").encode()


def bad_tag() -> bytes:
    return MINIMAL_PACK.replace('version: "1"', "version: !!float one").encode()


def many_values(count: int = 150_000) -> bytes:
    return ("x: [" + ",".join(["1"] * count) + "]\n").encode()


HOSTILE_YAML: dict[str, Callable[[], bytes]] = {
    "billion-laughs": billion_laughs,
    "many-aliases": many_aliases,
    "deep-flow": deep_flow,
    "deep-block": deep_block,
    "deep-mapping": deep_mapping,
    "self-alias": self_alias,
    "oversized": oversized_pack,
    "windows-1258": windows_1258_pack,
    "nul": nul_in_pack,
    "bad-tag": bad_tag,
    "many-values": many_values,
}

# --- CSV ----------------------------------------------------------------------------------------

CONTACT_HEADER = "unit,name,role,email,zalo_phone,zalo_user_id,channels,active\n"
GOOD_CONTACT = '24-SNV,Nguyễn Văn A,focal_point,a@vidu.example,0987654321,,"zalo,email",true\n'


def csv_extra_column() -> bytes:
    return (CONTACT_HEADER + GOOD_CONTACT + '24-SNV,B,focal_point,b@vidu.example,,,"email",true,surplus\n').encode()


def csv_windows_1258() -> bytes:
    return (CONTACT_HEADER + GOOD_CONTACT.replace("Nguyễn Văn A", "Lê Văn Ơn")).encode("cp1258")


def csv_huge_field() -> bytes:
    return (CONTACT_HEADER + '24-SNV,"' + "A" * 300_000 + '",focal_point,a@vidu.example,,,email,true\n').encode()


def csv_oversized(size: int = (32 << 20) + 10) -> bytes:
    return (CONTACT_HEADER + GOOD_CONTACT * (size // len(GOOD_CONTACT.encode()) + 1)).encode()


def csv_nul() -> bytes:
    return (CONTACT_HEADER + GOOD_CONTACT.replace("Văn", "V\x00n")).encode()


HOSTILE_CSV: dict[str, Callable[[], bytes]] = {
    "extra-column": csv_extra_column,
    "windows-1258": csv_windows_1258,
    "huge-field": csv_huge_field,
    "oversized": csv_oversized,
    "nul": csv_nul,
}

# --- XLSX ---------------------------------------------------------------------------------------


def _zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip archive from (name, deflated data, crc, size, size to declare) members, written by
    hand so that a member may declare any size it likes."""
    out = BytesIO()
    central = BytesIO()
    for name, data, crc, _size, declared in members:
        offset = out.tell()
        raw_name = name.encode()
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), declared, len(raw_name), 0)
        out.write(header + raw_name + data)
        central.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(data),
                declared,
                len(raw_name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + raw_name
        )
    start = out.tell()
    directory = central.getvalue()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0))
    return out.getvalue()


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def _workbook_members(rows: list[list[object]], *, activity: bool = False) -> dict[str, bytes]:
    """The parts of a real one-sheet workbook holding ``rows``; with ``activity``, the sheets of
    the activity form ("Thông tin" filled in, then "Hoạt động" holding ``rows``)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if activity:
        sheet.title = "Thông tin"
        for row in (["Gói quy định", "hai-cap-2026"], ["Chiến dịch", "thang-hanh-dong"], ["Năm", 2026]):
            sheet.append(row)
        sheet.append(["Mã đơn vị", "07375"])
        sheet = book.create_sheet("Hoạt động")
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    import zipfile

    with zipfile.ZipFile(BytesIO(buffer.getvalue())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _inline_string_sheet(prefix: bytes, filler_size: int, suffix: bytes) -> tuple[bytes, int, int]:
    """A worksheet whose one cell is a string of ``filler_size`` letters, deflated without ever
    holding the string in memory (deflating identical blocks gives identical output after the
    first). Returns (deflated, crc, size)."""
    block = b"A" * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = [packer.compress(prefix) + packer.flush(zlib.Z_FULL_FLUSH)]
    crc = zlib.crc32(prefix)
    blocks, rest = divmod(filler_size, len(block))
    steady: bytes | None = None
    for index in range(blocks):
        if steady is not None and index > 2:
            out.append(steady)
        else:
            chunk = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
            steady = chunk if index == 2 else None
            out.append(chunk)
        crc = zlib.crc32(block, crc)
    out.append(packer.compress(b"A" * rest + suffix) + packer.flush())
    crc = zlib.crc32(b"A" * rest + suffix, crc)
    return b"".join(out), crc & 0xFFFFFFFF, len(prefix) + filler_size + len(suffix)


def _sheet_with_big_string(string_size: int, declare: int | None = None) -> bytes:
    members = _workbook_members([["name"], ["placeholder"]])
    parts: list[tuple[str, bytes, int, int, int]] = []
    for name, data in members.items():
        if name == "xl/worksheets/sheet1.xml":
            prefix = (
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
                b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
            )
            suffix = b"</t></is></c></row></sheetData></worksheet>"
            deflated, crc, size = _inline_string_sheet(prefix, string_size, suffix)
            parts.append((name, deflated, crc, size, size if declare is None else declare))
        else:
            parts.append((name, _deflate(data), zlib.crc32(data) & 0xFFFFFFFF, len(data), len(data)))
    return _zip(parts)


def xlsx_bomb(string_size: int = 1_500_000_000) -> bytes:
    """About 1.5 MB on disk holding one 1.5 GB string (what the issue measured)."""
    return _sheet_with_big_string(string_size)


def xlsx_lying_size(string_size: int = 200_000_000) -> bytes:
    """A member that declares 2 KB and inflates to 200 MB."""
    return _sheet_with_big_string(string_size, declare=2048)


def _with_sheet(sheet_xml: bytes, *, activity: bool = False) -> bytes:
    """A real workbook whose (last) worksheet is ``sheet_xml`` (written by hand: openpyxl would
    cut or refuse what these files hold)."""
    members = _workbook_members([["unit"], ["x"]], activity=activity)
    members[f"xl/worksheets/sheet{2 if activity else 1}.xml"] = sheet_xml
    return _zip([(n, _deflate(d), zlib.crc32(d) & 0xFFFFFFFF, len(d), len(d)) for n, d in members.items()])


def _inline(reference: str, text: str) -> bytes:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def xlsx_long_cell(length: int = 100_000, *, activity: bool = False) -> bytes:
    """A contact whose name is three times longer than Excel allows in a cell."""
    header = b"".join(_inline(f"{c}1", t) for c, t in zip("ABCD", ["unit", "name", "role", "email"], strict=True))
    row = b"".join(
        _inline(f"{c}2", t) for c, t in zip("ABCD", ["24-SNV", "A" * length, "focal_point", "a@b.vn"], strict=True)
    )
    return _with_sheet(
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1">' + header + b'</row><row r="2">' + row + b"</row></sheetData></worksheet>",
        activity=activity,
    )


def xlsx_far_row(*, activity: bool = False) -> bytes:
    """A cell in the last row Excel allows: a reader yields every empty row before it."""
    return _with_sheet(
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1">' + _inline("A1", "unit") + b"</row>"
        b'<row r="1048576">' + _inline("A1048576", "x") + b"</row></sheetData></worksheet>",
        activity=activity,
    )


def xlsx_far_cell() -> bytes:
    """One cell at the last row and column Excel allows: a reader that pads every row to the
    widest column and yields every empty row in between walks 17 billion cells."""
    members = _workbook_members([["unit"], ["x"]])
    members["xl/worksheets/sheet1.xml"] = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:XFD1048576"/><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>unit</t></is></c></row>'
        b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    return _zip([(n, _deflate(d), zlib.crc32(d) & 0xFFFFFFFF, len(d), len(d)) for n, d in members.items()])


def xlsx_entity_expansion() -> bytes:
    """The XML form of the billion laughs, in the worksheet."""
    members = _workbook_members([["unit"], ["x"]])
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    members["xl/worksheets/sheet1.xml"] = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>unit</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>&a9;</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    return _zip([(n, _deflate(d), zlib.crc32(d) & 0xFFFFFFFF, len(d), len(d)) for n, d in members.items()])


def xlsx_many_members(count: int = 20_000) -> bytes:
    members = _workbook_members([["unit"], ["x"]])
    parts = [(n, _deflate(d), zlib.crc32(d) & 0xFFFFFFFF, len(d), len(d)) for n, d in members.items()]
    empty = _deflate(b"")
    parts += [(f"xl/media/{i}.bin", empty, 0, 0, 0) for i in range(count)]
    return _zip(parts)


def xlsx_not_a_zip() -> bytes:
    return b"unit,name\n24-SNV,A\n"


HOSTILE_XLSX: dict[str, Callable[[], bytes]] = {
    "bomb": xlsx_bomb,
    "lying-size": xlsx_lying_size,
    "long-cell": xlsx_long_cell,
    "far-cell": xlsx_far_cell,
    "far-row": xlsx_far_row,
    "entity-expansion": xlsx_entity_expansion,
    "many-members": xlsx_many_members,
    "not-a-zip": xlsx_not_a_zip,
}


HOSTILE_ACTIVITY: dict[str, Callable[[], bytes]] = {
    "activity-long-cell": lambda: xlsx_long_cell(activity=True),
    "activity-far-row": lambda: xlsx_far_row(activity=True),
}


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path
