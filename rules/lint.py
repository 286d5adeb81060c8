"""What a pack means, checked: the rules a schema cannot see.

- Decree 09/2019 art. 8(5): a deadline is at least one working day after the data cut-off the
  report states (an error otherwise; before Decree 09's default window, which the report did not
  state, a warning said once), and in a chain each level above leaves the level below at least
  one working day.
- Ladders, roles, channels and templates that reports and steps refer to exist; steps are ordered;
  a ladder with hour steps serves only reports whose every deadline gives a time of day.
- Nobody reports, through any chain of the pack, back to themselves.
- A body above the ministries (Chính phủ, Quốc hội…) receives a report only from the ministry
  level, and ends the chain; it may be sent a copy (đồng gửi) from any level.
- A report that continues reports of earlier packs (``continues``) names packs and reports that
  exist, of the same frequency, periods and campaign, in packs that ended before this one began,
  and no series comes back to itself (checked against all the packs given, by default the shipped).
- Warnings: a nominal deadline that falls on a weekend or holiday (it will be rolled).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from rules.calendar import WorkCalendar
from rules.deadlines import hop_deadlines, report_periods
from rules.errors import DeadlineError, MissingParameter
from rules.i18n import _
from rules.loader import (
    PACKS_DIR,
    Finding,
    LoadedPack,
    PackLoadError,
    display_path,
    load_packs,
    pack_files,
    shipped_packs,
)
from rules.schema import (
    KNOWN_CHANNELS,
    KNOWN_ROLES,
    KNOWN_TEMPLATES,
    LadderStep,
    Pack,
    Report,
    ReportLink,
    WeekdayCutoff,
)


def _finding(item: LoadedPack, severity: str, path: Sequence[str | int], message: str) -> Finding:
    mark = item.mark(*path)
    return Finding(severity, display_path(item.path), mark.line, mark.col, message, item.entry_name(path))


def lint_years(item: LoadedPack, today: date) -> list[int]:
    """The years a pack is checked for: its validity, capped to a few years around today."""
    pack = item.pack
    first = pack.valid_from.year
    last = pack.valid_to.year if pack.valid_to else max(first, today.year) + 1
    years = list(range(first, last + 1))
    return years if len(years) <= 4 else [y for y in years if abs(y - today.year) <= 1] or years[-2:]


def _step_span(step: LadderStep) -> float:
    """A step's offset in calendar days, roughly (5 working days make a week), for ordering."""
    if step.unit == "hours":
        return step.offset / 24
    return step.offset * (7 / 5) if step.unit == "working_days" else float(step.offset)


def _untimed_hop(report: Report) -> tuple[int, str] | None:
    """The first hop (index, wording) whose deadline gives no time of day, if any."""
    for index, hop in enumerate(report.chain):
        if getattr(hop.rule(), "at", None) is None:
            return index, hop.rule().wording
    return None


def check_ladders(item: LoadedPack) -> list[Finding]:
    findings = []

    def error(path: tuple[str | int, ...], message: str) -> None:
        findings.append(_finding(item, "error", path, message))

    for name, ladder in item.pack.ladders.items():
        previous: LadderStep | None = None
        seen: set[str] = set()
        for index, step in enumerate(ladder.steps):
            base = ("ladders", name, "steps", index)
            if step.id in seen:
                error((*base, "id"), _("step id {step!r} is used twice").format(step=step.id))
            seen.add(step.id)
            references: list[tuple[str, tuple[str | int, ...], str, tuple[str, ...]]] = [
                ("role", (*base, "to", i), role, KNOWN_ROLES) for i, role in enumerate(step.to)
            ]
            references += [("channel", (*base, "channels", i), c, KNOWN_CHANNELS) for i, c in enumerate(step.channels)]
            references.append(("template", (*base, "template"), step.template, KNOWN_TEMPLATES))
            unknown = {
                "role": _("step {step}: unknown role {value!r}; known roles: {known}"),
                "channel": _("step {step}: unknown channel {value!r}; known channels: {known}"),
                "template": _("step {step}: unknown template {value!r}; known templates: {known}"),
            }
            for what, where, value, known in references:
                if value not in known:
                    error(where, unknown[what].format(step=step.id, value=value, known=", ".join(known)))
            if previous is not None and _step_span(step) < _step_span(previous):
                error(
                    (*base, "offset"),
                    _(
                        "step {step} (offset {offset}) comes before step {previous} "
                        "(offset {previous_offset}): order steps by offset"
                    ).format(step=step.id, offset=step.offset, previous=previous.id, previous_offset=previous.offset),
                )
            previous = step
    for index, report in enumerate(item.pack.reports):
        for field in ("ladder", "returned_ladder"):
            name = getattr(report, field)
            if name is not None and name not in item.pack.ladders:
                ladders = ", ".join(item.pack.ladders) or _("none in this pack")
                error(
                    ("reports", index, field),
                    _("unknown ladder {name!r} (ladders: {ladders})").format(name=name, ladders=ladders),
                )
        # Hour steps count from the due instant: a deadline with no time of day has none but 24:00.
        # (A returned ladder counts from the instant of the return, which always has one.)
        used = report.ladder or ("default" if "default" in item.pack.ladders else None)
        hourly = [s.id for s in item.pack.ladders[used].steps if s.unit == "hours"] if used in item.pack.ladders else []
        untimed = _untimed_hop(report) if hourly else None
        if used is not None and untimed is not None:
            hop, wording = untimed
            error(
                ("reports", index, "ladder") if report.ladder else ("reports", index, "id"),
                _(
                    "ladder {ladder!r} has steps in hours ({steps}), counted from the due instant, but hop {hop} "
                    "of this report is due {wording!r}, with no time of day; give the deadline a time (for "
                    "example 'trước 16 giờ 30 hằng ngày') or count those steps in working_days or days"
                ).format(ladder=used, steps=", ".join(hourly), hop=hop + 1, wording=wording),
            )
    return findings


def check_params_and_campaigns(item: LoadedPack) -> list[Finding]:
    findings = []
    declared = {p.name for p in item.pack.params}
    for index, report in enumerate(item.pack.reports):
        if report.campaign and item.pack.campaign(report.campaign) is None:
            findings.append(
                _finding(
                    item,
                    "error",
                    ("reports", index, "campaign"),
                    _("unknown campaign {campaign!r}").format(campaign=report.campaign),
                )
            )
        for h_index, hop in enumerate(report.chain):
            spec = hop.deadline
            if not isinstance(spec, str) and spec.param is not None and spec.param not in declared:
                findings.append(
                    _finding(
                        item,
                        "error",
                        ("reports", index, "chain", h_index, "deadline", "param"),
                        _("parameter {name!r} is not declared under params").format(name=spec.param),
                    )
                )
    return findings


def check_cycles(item: LoadedPack) -> list[Finding]:
    """No unit reports, through the pack's hops, back to itself."""
    edges: dict[str, set[str]] = {}
    where: dict[tuple[str, str], tuple[int, int]] = {}
    for index, report in enumerate(item.pack.reports):
        for h_index, hop in enumerate(report.chain):
            for target in (r.node_key() for r in hop.recipients):  # the principal and those sent it too
                for selector in hop.from_:
                    for source in selector.node_keys():
                        if source == target and not source.startswith("unit:"):
                            continue  # departments reporting to a department: two different units
                        edges.setdefault(source, set()).add(target)
                        where.setdefault((source, target), (index, h_index))
    findings = []
    state: dict[str, int] = {}  # 1 visiting, 2 done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                loop = [*stack[stack.index(nxt) :], nxt]
                r_index, h_index = where[(node, nxt)]
                findings.append(
                    _finding(
                        item,
                        "error",
                        ("reports", r_index, "chain", h_index, "to"),
                        _("who reports to whom has a cycle: {loop}").format(loop=" → ".join(loop)),
                    )
                )
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return findings


def check_recipients(item: LoadedPack) -> list[Finding]:
    """A body above the ministries is the recipient only of a hop from the ministry level: a lower
    level reports to it through its ministry (Luật Bình đẳng giới 2006 art. 25: the ministry answers
    to the Government, the Government reports to the National Assembly). Below the ministries it
    may still be sent the report (đồng gửi), as Bắc Ninh's Sở sends it to the national committee."""
    findings = []
    for index, report in enumerate(item.pack.reports):
        for h_index, hop in enumerate(report.chain):
            to = hop.to
            if to.body is not None and {s.level for s in hop.from_} != {"ministry"}:
                findings.append(
                    _finding(
                        item,
                        "error",
                        ("reports", index, "chain", h_index, "to"),
                        _(
                            "{name} ({body}) is above the ministries: only a hop from the ministry level "
                            "(from: {{level: ministry}}) reports to it. A lower level reports to its ministry, "
                            "and may list the body after it, as also sent the report"
                        ).format(name=to.name, body=to.body),
                    )
                )
    return findings


def _validity(pack: Pack) -> str:
    start = f"{pack.valid_from:%d/%m/%Y}"
    if pack.valid_to is None:
        return _("from {start}").format(start=start)
    return _("from {start} to {end}").format(start=start, end=f"{pack.valid_to:%d/%m/%Y}")


def _all_periods(report: Report) -> str:
    return ", ".join(report.periods) if report.periods is not None else _("all periods")


def _shipped_or_loadable() -> list[LoadedPack]:
    """The shipped packs; when one of them does not load, the others (its errors are its own)."""
    try:
        return shipped_packs()
    except PackLoadError:
        good = []
        for file in pack_files([PACKS_DIR]):
            try:
                good.extend(load_packs([file]))
            except PackLoadError:
                continue
        return good


def check_continues(item: LoadedPack, packs: Sequence[LoadedPack] | None = None) -> list[Finding]:
    """Links to reports of earlier packs (``continues``), checked against ``packs`` (by default the
    shipped packs; ``item`` stands in for a pack of the same id): the pack and report exist, the
    report has the same frequency, periods and campaign, the linked pack ended before this one
    began, and following the links never comes back to where it started."""
    own = item.pack
    if not any(report.continues for report in own.reports):
        return []
    others = _shipped_or_loadable() if packs is None else packs
    by_id: dict[str, Pack] = {other.pack.id: other.pack for other in others}
    by_id[own.id] = own
    findings = []
    for index, report in enumerate(own.reports):
        for l_index, link in enumerate(report.continues):
            for message in _link_problems(by_id, own, report, link):
                findings.append(_finding(item, "error", ("reports", index, "continues", l_index), message))
    return findings


def _link_problems(by_id: dict[str, Pack], own: Pack, report: Report, link: ReportLink) -> list[str]:
    earlier = by_id.get(link.pack)
    if earlier is None:
        return [
            _("continues {link}: no pack {pack!r} (packs: {known})").format(
                link=link, pack=link.pack, known=", ".join(sorted(by_id))
            )
        ]
    linked = next((r for r in earlier.reports if r.id == link.report), None)
    if linked is None:
        known = ", ".join(r.id for r in earlier.reports) or _("none")
        return [
            _("continues {link}: pack {pack} has no report {report!r} (reports: {known})").format(
                link=link, pack=earlier.id, report=link.report, known=known
            )
        ]
    problems = []
    if linked.frequency != report.frequency:
        problems.append(
            _(
                "continues {link}, a {linked} report, but this report is {own}: "
                "a report continues one of the same frequency"
            ).format(link=link, linked=linked.frequency, own=report.frequency)
        )
    elif _all_periods(linked) != _all_periods(report):
        problems.append(
            _(
                "continues {link}, whose periods are {linked}, but this report's are "
                "{own}: a report continues one with the same periods"
            ).format(link=link, linked=_all_periods(linked), own=_all_periods(report))
        )
    elif linked.campaign != report.campaign:
        problems.append(
            _(
                "continues {link}, a report of campaign {linked}, but this report is of "
                "campaign {own}: a report continues one of the same campaign"
            ).format(link=link, linked=linked.campaign, own=report.campaign)
        )
    if earlier.valid_to is None or earlier.valid_to >= own.valid_from:
        later = own.valid_to is not None and own.valid_to < earlier.valid_from
        template = (
            _(
                "continues {link}: pack {pack} is valid {validity}, which begins after this pack ends "
                "({own}); a report continues reports of packs that ended before this one began"
            )
            if later
            else _(
                "continues {link}: pack {pack} is valid {validity}, which overlaps this pack's validity "
                "({own}); a report continues reports of packs that ended before this one began"
            )
        )
        problems.append(template.format(link=link, pack=earlier.id, validity=_validity(earlier), own=_validity(own)))
    loop = _path_back(by_id, (link.pack, link.report), (own.id, report.id))
    if loop is not None:
        names = " → ".join(f"{p}/{r}" for p, r in [(own.id, report.id), *loop])
        problems.append(
            _("continues {link}: the series comes back to this report: {names}").format(link=link, names=names)
        )
    return problems


def _path_back(by_id: dict[str, Pack], start: tuple[str, str], goal: tuple[str, str]) -> list[tuple[str, str]] | None:
    """The links from ``start`` that lead to ``goal`` (both ends included), or None."""
    seen: set[tuple[str, str]] = set()

    def walk(node: tuple[str, str]) -> list[tuple[str, str]] | None:
        if node == goal:
            return [node]
        if node in seen:
            return None
        seen.add(node)
        pack = by_id.get(node[0])
        report = next((r for r in pack.reports if r.id == node[1]), None) if pack else None
        for link in report.continues if report else []:
            rest = walk((link.pack, link.report))
            if rest is not None:
                return [node, *rest]
        return None

    return walk(start)


def check_chains(item: LoadedPack, calendar: WorkCalendar, years: Iterable[int]) -> list[Finding]:
    """Decree 09 art. 8(5) on every hop of every report, for each year checked."""
    findings: list[Finding] = []
    seen: set[tuple[tuple[str | int, ...], str]] = set()

    def add(severity: str, path: tuple[str | int, ...], message: str) -> None:
        key = (path, message)
        if key not in seen:
            seen.add(key)
            findings.append(_finding(item, severity, path, message))

    pack = item.pack
    for index, report in enumerate(pack.reports):
        for h_index in range(1, len(report.chain)):
            below, above = report.chain[h_index - 1], report.chain[h_index]
            if below.to.body is not None:
                add(
                    "error",
                    ("reports", index, "chain", h_index, "from"),
                    _(
                        "hop {hop} follows hop {below}, whose recipient {name} is above the ministries and "
                        "not a unit of the tree: the chain ends there"
                    ).format(hop=h_index + 1, below=h_index, name=below.to.name),
                )
            elif {s.level for s in above.from_} != {below.to.level}:
                add(
                    "error",
                    ("reports", index, "chain", h_index, "from"),
                    _("hop {hop} should start at the level hop {below} reports to ({level})").format(
                        hop=h_index + 1, below=h_index, level=below.to.level
                    ),
                )
        for year in years:
            try:
                periods = report_periods(pack, report, year)
            except DeadlineError as exc:
                add("error", ("reports", index), str(exc))
                continue
            for period in periods:
                try:
                    rows = hop_deadlines(pack, report, period, calendar, strict=True)
                except MissingParameter:
                    continue  # set per cycle: nothing to compare until the admin sets it
                except DeadlineError as exc:
                    add("error", ("reports", index, "chain"), f"{period.label}: {exc}")
                    continue
                for h_index, row in enumerate(rows):
                    path = ("reports", index, "chain", h_index, "deadline")
                    assert row.nominal_date is not None and row.due_date is not None
                    if not calendar.is_working_day(row.nominal_date):
                        template = (
                            _("{period}: {wording!r} gives {nominal} ({reason}), rolled to {due}")
                            if row.rolled
                            else _("{period}: {wording!r} gives {nominal} ({reason}), kept as written")
                        )
                        add(
                            "warning",
                            path,
                            template.format(
                                period=period.label,
                                wording=row.wording,
                                nominal=f"{row.nominal_date:%d/%m/%Y}",
                                reason=row.reason,
                                due=f"{row.due_date:%d/%m/%Y}",
                            ),
                        )
                    # Weekly and daily periods have no Decree 09 window: their cut-off is the period itself,
                    # and a report due within its week ("thứ Sáu hằng tuần") is the regime's own choice.
                    stated_week = isinstance(report.cutoff, WeekdayCutoff)
                    if (
                        h_index == 0
                        and period.cutoff_end is not None
                        and (report.frequency not in ("weekly", "daily") or stated_week)
                    ):
                        earliest = calendar.add_working_days(period.cutoff_end, 1)
                        if row.due_date < earliest and report.cutoff == "decree09":
                            # The default window, not one the document states: the deadline says
                            # the data are taken earlier. Said once, in words that hold every year.
                            add(
                                "warning",
                                path,
                                _(
                                    "{wording!r} falls before the working day after the end of Decree 09's "
                                    "default data window (the 14th of the period's last month): the figures "
                                    "are taken earlier than that window; if the document states its cut-off, "
                                    "give it as the report's cutoff (for example cutoff: {{day: 25}})"
                                ).format(wording=row.wording),
                            )
                        elif row.due_date < earliest:
                            add(
                                "error",
                                path,
                                _(
                                    "{period}: due {due} but the data cut-off ends {cutoff_end}; Decree 09 "
                                    "art. 8(5) asks for at least one working day after it (from {earliest}); "
                                    "set a cut-off that fits"
                                ).format(
                                    period=period.label,
                                    due=f"{row.due_date:%d/%m/%Y}",
                                    cutoff_end=f"{period.cutoff_end:%d/%m/%Y}",
                                    earliest=f"{earliest:%d/%m/%Y}",
                                ),
                            )
                    if h_index > 0:
                        lower = rows[h_index - 1]
                        assert lower.due_date is not None
                        earliest = calendar.add_working_days(lower.due_date, 1)
                        if row.due_date < earliest:
                            add(
                                "error",
                                path,
                                _(
                                    "{period}: hop {hop} is due {due}, which leaves the level below (due "
                                    "{below_due}) no working day; Decree 09 art. 8(5) asks for at least one "
                                    "(from {earliest})"
                                ).format(
                                    period=period.label,
                                    hop=h_index + 1,
                                    due=f"{row.due_date:%d/%m/%Y}",
                                    below_due=f"{lower.due_date:%d/%m/%Y}",
                                    earliest=f"{earliest:%d/%m/%Y}",
                                ),
                            )
    return findings


def lint_pack(
    item: LoadedPack,
    calendar: WorkCalendar,
    today: date,
    years: Sequence[int] | None = None,
    *,
    packs: Sequence[LoadedPack] | None = None,
) -> list[Finding]:
    """Every meaning check of one loaded pack, errors and warnings, in file order. ``packs`` are
    the packs its ``continues`` links may name (default: the shipped packs)."""
    findings = (
        check_ladders(item)
        + check_params_and_campaigns(item)
        + check_cycles(item)
        + check_recipients(item)
        + check_continues(item, packs)
        + check_chains(item, calendar, years or lint_years(item, today))
    )
    return sorted(findings, key=lambda f: (f.file, f.line, f.col, f.severity))
