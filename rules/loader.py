"""Reading rule packs and calendar overrides from files, with every error located.

Loading never stops at the first problem and never skips a bad rule: it collects every error of
every file as ``file:line:col: what is wrong`` (naming the report, campaign or ladder by id) and
raises them together in :class:`PackLoadError`. A file larger than :data:`MAX_PACK_BYTES`, not
UTF-8, nested too deep or full of aliases is one such error (see :mod:`rules.yaml_source`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rules.calendar import DayOverride, TetDecision, WorkCalendar
from rules.errors import DunghanError, PackNotFound
from rules.i18n import _, language, ngettext
from rules.schema import Pack
from rules.yaml_source import Mark, Positions, YamlSyntaxError, load_with_positions, read_yaml_text

MAX_PACK_BYTES = 1 << 20  # 1 MiB: the largest shipped pack is 30 KB
PACKS_DIR = Path(__file__).parent / "packs"
CALENDARS_DIR = PACKS_DIR / "calendars"
SCHEMA_FILE = PACKS_DIR / "pack.schema.json"


@dataclass(frozen=True)
class Finding:
    """One problem in a rule file, located; ``severity`` is "error" or "warning"."""

    severity: str
    file: str
    line: int
    col: int
    message: str
    entry: str | None = None  # "report bn-ctqg", "ladder default", …

    def __str__(self) -> str:
        where = f"{self.entry}: " if self.entry else ""
        severity = {"error": _("error"), "warning": _("warning")}.get(self.severity, self.severity)
        return f"{self.file}:{self.line}:{self.col}: {severity}: {where}{self.message}"


class PackLoadError(DunghanError):
    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = list(findings)
        count = len(self.findings)
        heading = ngettext("{count} error in rule packs:", "{count} errors in rule packs:", count).format(count=count)
        super().__init__(heading + "\n" + "\n".join(str(f) for f in self.findings))


@dataclass(frozen=True)
class LoadedPack:
    pack: Pack
    path: Path
    positions: Positions
    raw: dict[str, Any]

    def mark(self, *path: str | int) -> Mark:
        return self.positions.at(path)

    def entry_name(self, path: Sequence[str | int]) -> str | None:
        """'report bn-ctqg' for a path inside reports[i], and likewise for the other lists."""
        return entry_name(self.raw, path)


def entry_name(raw: Any, path: Sequence[str | int]) -> str | None:
    if len(path) >= 2 and isinstance(raw, dict):
        section, key = path[0], path[1]
        if section == "ladders":
            return _("ladder {name}").format(name=key)
        named = {"reports": _("report {name}"), "campaigns": _("campaign {name}"), "params": _("param {name}")}
        numbered = {
            "reports": _("report #{number}"),
            "campaigns": _("campaign #{number}"),
            "params": _("param #{number}"),
        }
        items = raw.get(section) if isinstance(section, str) else None
        if section in named and isinstance(key, int) and isinstance(items, list) and key < len(items):
            item = items[key]
            ident = item.get("id") or item.get("name") if isinstance(item, dict) else None
            if ident:
                return named[str(section)].format(name=ident)
            return numbered[str(section)].format(number=key + 1)
    return None


def _data_path(raw: Any, loc: Sequence[str | int]) -> list[str | int]:
    """Pydantic's error location with union-member tags dropped, following the data."""
    path: list[str | int] = []
    node = raw
    for part in loc:
        if isinstance(node, dict) and part in node:  # noqa: SIM114 (separate for the type checker)
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        elif part == "from_" and isinstance(node, dict) and "from" in node:
            node = node["from"]
            path.append("from")
    return path


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return _("unknown key {key!r}").format(key=error["loc"][-1])
    if kind == "missing":
        return _("missing key {key!r}").format(key=error["loc"][-1])
    text = str(error["msg"])
    return _schema_words(
        kind, error.get("ctx") or {}, text.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    )


def _schema_words(kind: str, ctx: dict[str, Any], text: str) -> str:
    """Pydantic's own complaint ``text`` in the reader's language, for the kinds a pack meets.

    Our validators' messages (value errors) are translated where they are raised. Pydantic words
    the others in English: the templates below are its words, filled with the error's ``ctx``; an
    English reader gets pydantic's text itself, and any other kind stays as pydantic wrote it.
    """
    if language() == "en":
        return text
    one = ctx.get("min_length", ctx.get("max_length")) == 1
    templates = {
        "string_type": _("Input should be a valid string"),
        "int_type": _("Input should be a valid integer"),
        "int_parsing": _("Input should be a valid integer, unable to parse string as an integer"),
        "int_from_float": _("Input should be a valid integer, got a number with a fractional part"),
        "float_type": _("Input should be a valid number"),
        "float_parsing": _("Input should be a valid number, unable to parse string as a number"),
        "bool_type": _("Input should be a valid boolean"),
        "bool_parsing": _("Input should be a valid boolean, unable to interpret input"),
        "list_type": _("Input should be a valid list"),
        "dict_type": _("Input should be a valid dictionary"),
        "model_type": _("Input should be a valid dictionary or instance of {class_name}"),
        "model_attributes_type": _("Input should be a valid dictionary or object to extract fields from"),
        "date_type": _("Input should be a valid date"),
        "none_required": _("Input should be None"),
        "greater_than_equal": _("Input should be greater than or equal to {ge}"),
        "less_than_equal": _("Input should be less than or equal to {le}"),
        "string_pattern_mismatch": _("String should match pattern '{pattern}'"),
        "literal_error": _("Input should be {expected}"),
        "enum": _("Input should be {expected}"),
        "string_too_short": _("String should have at least 1 character")
        if one
        else _("String should have at least {min_length} characters"),
        "string_too_long": _("String should have at most 1 character")
        if one
        else _("String should have at most {max_length} characters"),
    }
    if ctx.get("field_type") == "List":
        templates["too_short"] = (
            _("List should have at least 1 item after validation, not {actual_length}")
            if one
            else _("List should have at least {min_length} items after validation, not {actual_length}")
        )
    template = templates.get(kind)
    if template is None:
        return text
    values = dict(ctx)
    if isinstance(values.get("expected"), str):  # pydantic lists the choices as "'a', 'b' or 'c'"
        head, sep, last = values["expected"].rpartition(" or ")
        values["expected"] = head + " " + _("or") + " " + last if sep else last
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return text


_SCALAR_EXPECTED = {"string_type", "literal_error", "enum", "int_type", "bool_type", "date_type"}
_MAPPING_EXPECTED = {"model_type", "dict_type", "model_attributes_type"}


def _without_union_noise(errors: list[Any]) -> list[Any]:
    """A value that fails a union (a wording or a structure) gets an error from every member;
    keep the member that matches what the author wrote (a mapping or a plain value)."""

    def mismatched(error: Any) -> bool:
        structured = isinstance(error.get("input"), dict | list)
        return error["type"] in (_SCALAR_EXPECTED if structured else _MAPPING_EXPECTED)

    kept = [e for e in errors if not mismatched(e)]
    return kept or errors


def display_path(path: Path) -> str:
    """Paths relative to the working directory when they are under it (shorter messages)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def parse_pack(text: str, path: Path) -> tuple[LoadedPack | None, list[Finding]]:
    shown = display_path(path)
    try:
        raw, positions = load_with_positions(text)
    except YamlSyntaxError as exc:
        return None, [Finding("error", shown, exc.mark.line, exc.mark.col, exc.message)]
    if not isinstance(raw, dict):
        return None, [Finding("error", shown, 1, 1, _("a rule pack is a mapping with keys format, id, title…"))]
    try:
        pack = Pack.model_validate(raw)
    except ValidationError as exc:
        findings = []
        seen: set[tuple[int, int, str]] = set()
        for error in _without_union_noise(exc.errors()):
            path_in_data = _data_path(raw, error["loc"])
            if error["type"] == "extra_forbidden":
                mark = positions.keys.get(tuple(path_in_data)) or positions.at(path_in_data)
            else:
                mark = positions.at(path_in_data)
            message = _message(error)
            if (mark.line, mark.col, message) in seen:  # union members repeat the same complaint
                continue
            seen.add((mark.line, mark.col, message))
            findings.append(Finding("error", shown, mark.line, mark.col, message, entry_name(raw, path_in_data)))
        return None, findings
    return LoadedPack(pack, path, positions, raw), []


def pack_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into their *.yaml packs (calendars and schema are not packs)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.y*ml") if p.suffix in (".yaml", ".yml")))
        elif path.exists():
            files.append(path)
        else:
            raise PackNotFound(_("{path}: no such file or folder").format(path=path))
    return files


def load_packs(paths: Iterable[Path]) -> list[LoadedPack]:
    """Load every pack; raise :class:`PackLoadError` with every error of every file."""
    loaded: list[LoadedPack] = []
    findings: list[Finding] = []
    for file in pack_files(paths):
        try:
            text = read_yaml_text(file, max_bytes=MAX_PACK_BYTES)
        except YamlSyntaxError as exc:
            findings.append(Finding("error", display_path(file), exc.mark.line, exc.mark.col, exc.message))
            continue
        result, errors = parse_pack(text, file)
        findings.extend(errors)
        if result is not None:
            loaded.append(result)
    ids: dict[str, LoadedPack] = {}
    for item in loaded:
        if item.pack.id in ids:
            mark = item.mark("id")
            findings.append(
                Finding(
                    "error",
                    display_path(item.path),
                    mark.line,
                    mark.col,
                    _("pack id {pack!r} is also used by {path}").format(
                        pack=item.pack.id, path=display_path(ids[item.pack.id].path)
                    ),
                )
            )
        ids[item.pack.id] = item
    if findings:
        raise PackLoadError(findings)
    return loaded


_SHIPPED: dict[tuple[tuple[str, int, int], ...], list[LoadedPack]] = {}


def shipped_packs() -> list[LoadedPack]:
    """The packs shipped in ``rules/packs``, read once per process while their files are unchanged."""
    files = pack_files([PACKS_DIR])
    stamp = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    if stamp not in _SHIPPED:
        _SHIPPED.clear()
        _SHIPPED[stamp] = load_packs(files)
    return list(_SHIPPED[stamp])


def resolve_packs(names: Sequence[str]) -> list[LoadedPack]:
    """Packs named by id (shipped) or by path; all shipped packs when no name is given."""
    if not names:
        return shipped_packs()
    shipped: dict[str, LoadedPack] | None = None
    paths: list[Path] = []
    chosen: list[LoadedPack] = []
    for name in names:
        candidate = Path(name)
        if candidate.suffix in (".yaml", ".yml") or candidate.is_dir() or candidate.exists():
            paths.append(candidate)
            continue
        if shipped is None:
            shipped = {p.pack.id: p for p in shipped_packs()}
        if name not in shipped:
            raise PackNotFound(
                _("no pack {name!r}: give a file path or one of {known}").format(
                    name=name, known=", ".join(sorted(shipped))
                )
            )
        chosen.append(shipped[name])
    return chosen + (load_packs(paths) if paths else [])


@dataclass(frozen=True)
class CalendarData:
    """What calendar files say: the days they override, the last year whose Tết break (and swap
    days) a document decided, and each decided year's break with its source."""

    overrides: list[DayOverride]
    decided_through: int | None
    tet: list[TetDecision]


CALENDAR_KEYS = {"calendar", "days", "decided_through", "years"}
DAY_KEYS = {"date", "working", "name", "source", "state_only"}
YEAR_KEYS = {"year", "tet_from", "tet_to", "source"}


def load_overrides(names: Iterable[str], folder: Path = CALENDARS_DIR) -> list[DayOverride]:
    """Read calendar override files (``calendars/NAME.yaml``); errors are located like packs'."""
    return load_calendar_data(names, folder).overrides


def _source(item: dict[str, Any]) -> str:
    """A ``source``: a document's name, or null (empty) where none was found."""
    value = item.get("source")
    if value is not None and not isinstance(value, str):
        raise ValueError(_("source is the name of a document, or null"))
    return value or ""


def _year(value: object, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1900 <= value <= 2200:
        raise ValueError(_("{what} must be a year, e.g. 2026").format(what=what))
    return value


def _tet_decision(item: object) -> TetDecision:
    if not isinstance(item, dict) or set(item) - YEAR_KEYS:
        raise ValueError(_("each year has the keys year, tet_from, tet_to and source only"))
    year = _year(item.get("year"), "year")
    first = date.fromisoformat(str(item.get("tet_from")))
    last = date.fromisoformat(str(item.get("tet_to")))
    if not first <= last or first.year != year or last.year != year:
        raise ValueError(
            _("the Tết break of {year} must run from tet_from to tet_to, both in {year}").format(year=year)
        )
    return TetDecision(year, first, last, _source(item))


def load_calendar_data(names: Iterable[str], folder: Path = CALENDARS_DIR) -> CalendarData:
    """Read calendar files (``calendars/NAME.yaml``): days, ``decided_through`` and ``years``.

    With several files, the latest ``decided_through`` holds and a later file's year replaces an
    earlier one's. Errors are located like packs'.
    """
    overrides: list[DayOverride] = []
    decided: list[int] = []
    tet: dict[int, TetDecision] = {}
    findings: list[Finding] = []
    for name in names:
        file = folder / f"{name}.yaml"
        shown = display_path(file)
        if not file.exists():
            raise PackNotFound(_("calendar overrides {name!r}: no file {path}").format(name=name, path=shown))
        try:
            raw, positions = load_with_positions(read_yaml_text(file, max_bytes=MAX_PACK_BYTES))
        except YamlSyntaxError as exc:
            findings.append(Finding("error", shown, exc.mark.line, exc.mark.col, exc.message))
            continue
        days = raw.get("days") if isinstance(raw, dict) else None
        if not isinstance(days, list):
            findings.append(Finding("error", shown, 1, 1, _("expected a key 'days' with a list of days")))
            continue
        for key in sorted(set(raw) - CALENDAR_KEYS):
            mark = positions.keys.get((key,), positions.at((key,)))
            findings.append(
                Finding(
                    "error",
                    shown,
                    mark.line,
                    mark.col,
                    _("unknown key {key!r}: a calendar file has calendar, days, decided_through and years").format(
                        key=key
                    ),
                )
            )
        for index, item in enumerate(days):
            mark = positions.at(("days", index))
            try:
                if not isinstance(item, dict) or set(item) - DAY_KEYS:
                    raise ValueError(_("each day has the keys date, working, name, source and state_only only"))
                if not isinstance(item.get("working"), bool) or not item.get("name"):
                    raise ValueError(_("each day needs working (true or false) and a name"))
                overrides.append(
                    DayOverride(
                        date.fromisoformat(str(item["date"])),
                        item["working"],
                        str(item["name"]),
                        _source(item),
                        item.get("state_only") is True,
                    )
                )
            except (ValueError, KeyError) as exc:
                findings.append(Finding("error", shown, mark.line, mark.col, str(exc)))
        through: int | None = None
        if "decided_through" in raw:
            mark = positions.at(("decided_through",))
            try:
                through = _year(raw["decided_through"], "decided_through")
                decided.append(through)
            except ValueError as exc:
                findings.append(Finding("error", shown, mark.line, mark.col, str(exc)))
        years = raw.get("years", [])
        if not isinstance(years, list):
            mark = positions.at(("years",))
            findings.append(Finding("error", shown, mark.line, mark.col, _("years is a list of decided years")))
            continue
        for index, item in enumerate(years):
            mark = positions.at(("years", index))
            try:
                decision = _tet_decision(item)
                if through is None or decision.year > through:
                    raise ValueError(
                        _("year {year} is listed as decided but decided_through is {through}").format(
                            year=decision.year, through=through
                        )
                    )
                tet[decision.year] = decision
            except ValueError as exc:
                findings.append(Finding("error", shown, mark.line, mark.col, str(exc)))
    if findings:
        raise PackLoadError(findings)
    return CalendarData(overrides, max(decided) if decided else None, [tet[y] for y in sorted(tet)])


def calendar_for(pack: Pack | None = None, *, culture_day: bool | None = None, state: bool = True) -> WorkCalendar:
    """The working-day calendar a pack asks for (the shipped Vietnamese one by default); with
    ``state`` False, the Labour Code's, for units outside the state apparatus."""
    names = pack.calendar.overrides if pack else ["vn"]
    wanted = culture_day if culture_day is not None else (pack.calendar.culture_day if pack else True)
    data = load_calendar_data(names)
    return WorkCalendar(
        data.overrides, culture_day=wanted, state=state, decided_through=data.decided_through, tet=data.tet
    )
