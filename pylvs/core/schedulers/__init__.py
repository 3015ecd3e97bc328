"""All IPVS schedulers, by kernel name."""

from __future__ import annotations

from pylvs.core.schedulers.base import Scheduler
from pylvs.core.schedulers.rr import RoundRobin

SCHEDULERS: dict[str, type[Scheduler]] = {
    cls.name: cls
    for cls in (
        RoundRobin,
    )
}


def scheduler_class(name: str) -> type[Scheduler] | None:
    """The scheduler class registered under the kernel name ``name``, if any."""
    return SCHEDULERS.get(name)
