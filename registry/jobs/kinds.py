"""The kinds of job: each area registers how its work runs and how a finished job's result is shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Job
    from .runner import Progress


@dataclass
class Kind:
    name: str
    run: Callable[[Job, Progress], None]  # does the work; Progress says how far, keeps the result
    exclusive: bool = False  # one at a time across all workers (imports: one writer at a time)
    page: Callable[[Job], object] | None = None  # a finished job's page (else the generic one)
    keep_seconds: int | None = None  # how long the result is kept (default JOBS_KEEP_SECONDS)


KINDS: dict[str, Kind] = {}


def register(name: str, *, exclusive: bool = False, keep_seconds: int | None = None):
    """``@register("export")`` on the function that runs a job of that kind."""

    def decorate(run):
        KINDS[name] = Kind(name, run, exclusive=exclusive, keep_seconds=keep_seconds)
        return run

    return decorate


def page(name: str):
    """``@page("export")`` on the function that shows a finished job of that kind (returns a response)."""

    def decorate(show):
        KINDS[name].page = show
        return show

    return decorate


def load() -> None:
    """Import the modules that register kinds."""
    from ..imports import jobs as _imports  # noqa: F401
    from ..reports.workspace import jobs as _reports  # noqa: F401
    from . import exports as _exports  # noqa: F401
