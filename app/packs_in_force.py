"""The packs in force: those shipped in ``rules/packs`` and those uploaded into the data folder's
``packs/`` (``<home>/packs/<id>.yaml``), an upload beside the shipped packs or, with a higher
version, in the place of the shipped pack of its id. Every use case that reads a pack (planning,
an obligation's page, a trend, the indicator tables, the Action Month) reads it from here, so an
uploaded pack is used wherever a shipped one would be.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from app.settings import get_settings
from rules.errors import PackNotFound
from rules.i18n import _
from rules.loader import Finding, LoadedPack, PackLoadError, load_packs, pack_files, resolve_packs, shipped_packs


def uploaded_folder() -> Path:
    """Where uploaded packs are kept: the data folder's ``packs/``."""
    return get_settings().home / "packs"


def version_key(version: str) -> tuple[int, ...] | None:
    """'2026.2' → (2026, 2); None for a version that is not numbers separated by dots or dashes."""
    if not re.fullmatch(r"\d+(?:[.-]\d+)*", version.strip()):
        return None
    return tuple(int(part) for part in re.split(r"[.-]", version.strip()))


def is_newer(version: str, than: str) -> bool:
    new, old = version_key(version), version_key(than)
    return new is not None and old is not None and new > old


_UPLOADED: dict[tuple[tuple[str, int, int], ...], tuple[list[LoadedPack], list[Finding]]] = {}


def uploaded() -> tuple[list[LoadedPack], list[Finding]]:
    """The uploaded packs that load, and the findings of those that do not (a file changed by
    hand): read again only when the folder's files change."""
    folder = uploaded_folder()
    files = pack_files([folder]) if folder.is_dir() else []
    stamp = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    if stamp not in _UPLOADED:
        loaded: list[LoadedPack] = []
        problems: list[Finding] = []
        for file in files:
            try:
                loaded.extend(load_packs([file]))
            except PackLoadError as exc:
                problems.extend(exc.findings)
        _UPLOADED.clear()
        _UPLOADED[stamp] = (loaded, problems)
    loaded, problems = _UPLOADED[stamp]
    return list(loaded), list(problems)


@dataclass(frozen=True)
class InForce:
    """A pack in force, where it came from, and the shipped version an upload replaces."""

    loaded: LoadedPack
    uploaded: bool
    replaces: str | None = None


def in_force() -> tuple[dict[str, InForce], list[str]]:
    """The packs in force by id, and why each unused upload is not used."""
    chosen = {p.pack.id: InForce(p, uploaded=False) for p in shipped_packs()}
    loaded, problems = uploaded()
    notes = [str(f) for f in problems]
    for item in loaded:
        shipped = chosen.get(item.pack.id)
        if shipped is None:
            chosen[item.pack.id] = InForce(item, uploaded=True)
        elif is_newer(item.pack.version, shipped.loaded.pack.version):
            chosen[item.pack.id] = InForce(item, uploaded=True, replaces=shipped.loaded.pack.version)
        else:
            notes.append(
                _(
                    "{file}: pack {pack} version {version} is not higher than the shipped {shipped}, so it is not used"
                ).format(
                    file=item.path.name,
                    pack=item.pack.id,
                    version=item.pack.version,
                    shipped=shipped.loaded.pack.version,
                )
            )
    return chosen, notes


def packs_in_force() -> list[LoadedPack]:
    """Every pack in force: the shipped ones, with the uploaded ones beside them or in their place."""
    return [c.loaded for c in in_force()[0].values()]


def resolve_pack(name: str) -> LoadedPack:
    """A pack by id (uploaded or shipped, as in force) or by file path; an unknown id is refused
    with the ids in force, the closest first."""
    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        [item] = resolve_packs([name])
        return item
    chosen = in_force()[0]
    if name not in chosen:
        close = difflib.get_close_matches(name, list(chosen), n=1, cutoff=0.6)
        hint = _("did you mean {name}? ").format(name=close[0]) if close else ""
        raise PackNotFound(
            _("no pack {name!r}: {hint}give a file path or one of the packs: {known}").format(
                name=name, hint=hint, known=", ".join(sorted(chosen))
            ),
            field="pack",
        )
    return chosen[name].loaded


def packs_named(name: str | None) -> list[LoadedPack]:
    """The pack ``name`` names (an id or a file), or every pack in force."""
    return [resolve_pack(name)] if name else packs_in_force()
