"""Which campaign a command means: the one a named pack states, or the shipped pack's for the year."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rules.activity import PackCampaign


def choose_campaign(pack: str | None, campaign: str, year: int) -> PackCampaign:
    """The campaign among the named pack, or the packs in force applying in ``year``."""
    from app.packs_in_force import packs_named
    from rules.activity import find_campaign  # the packs load only when a command needs them

    return find_campaign([p.pack for p in packs_named(pack)], campaign, year)
