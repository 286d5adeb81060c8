"""How a flow runs the steps of a use case: each as a Prefect task, named, never cached.

The use cases in :mod:`app` compose their steps once and take a ``step`` runner; the CLI runs
them directly, a flow passes :func:`as_task`, so each step shows in Prefect's UI with its name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from prefect import task
from prefect.cache_policies import NO_CACHE

T = TypeVar("T")


def as_task(name: str, action: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run ``action(*args, **kwargs)`` as the task ``name``."""
    return cast(T, task(name=name, cache_policy=NO_CACHE)(action)(*args, **kwargs))
