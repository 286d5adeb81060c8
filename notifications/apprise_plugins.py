"""Register our Zalo plugins with Apprise (apprise < 2 has none; Apprise 2.1's speaks the Bot API)."""

from __future__ import annotations

import functools

from apprise.manager_plugins import NotificationManager

from notifications.zalo_oa import NotifyZaloOA
from notifications.zalo_zns import NotifyZaloZNS


@functools.cache
def register() -> None:
    """Make ``zalooa://`` and ``zns://`` URLs known to Apprise (once per process)."""
    manager = NotificationManager()
    for plugin in (NotifyZaloOA, NotifyZaloZNS):
        if plugin.secure_protocol not in manager:
            manager.add(plugin)
