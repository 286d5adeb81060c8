"""Which campaign a command means: the one a named pack states, or the shipped pack's for the year."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rules.activity import PackCampaign


def choose_campaign(pack: str | None, campaign: str, year: int) -> PackCampaign:
    """The campaign among the named pack, or the shipped packs applying in ``year``."""
    from rules.activity import find_campaign  # the packs load only when a command needs them
    from rules.loader import resolve_packs

    return find_campaign([p.pack for p in resolve_packs([pack] if pack else [])], campaign, year)
