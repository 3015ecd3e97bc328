"""All IPVS schedulers, by kernel name."""

from __future__ import annotations

from pylvs.core.schedulers.base import Scheduler
from pylvs.core.schedulers.dh import DestinationHashing
from pylvs.core.schedulers.fo import WeightedFailover
from pylvs.core.schedulers.lblc import LocalityLeastConnection
from pylvs.core.schedulers.lblcr import LocalityLeastConnectionReplicated
from pylvs.core.schedulers.lc import LeastConnection
from pylvs.core.schedulers.mh import MaglevHashing
from pylvs.core.schedulers.nq import NeverQueue
from pylvs.core.schedulers.ovf import WeightedOverflow
from pylvs.core.schedulers.rr import RoundRobin
from pylvs.core.schedulers.sed import ShortestExpectedDelay
from pylvs.core.schedulers.sh import SourceHashing
from pylvs.core.schedulers.twos import TwoChoices
from pylvs.core.schedulers.wlc import WeightedLeastConnection
from pylvs.core.schedulers.wrr import WeightedRoundRobin

SCHEDULERS: dict[str, type[Scheduler]] = {
    cls.name: cls
    for cls in (
        RoundRobin,
        WeightedRoundRobin,
        LeastConnection,
        WeightedLeastConnection,
        ShortestExpectedDelay,
        NeverQueue,
        LocalityLeastConnection,
        LocalityLeastConnectionReplicated,
        DestinationHashing,
        SourceHashing,
        MaglevHashing,
        WeightedFailover,
        WeightedOverflow,
        TwoChoices,
    )
}


def scheduler_class(name: str) -> type[Scheduler] | None:
    """The scheduler class registered under the kernel name ``name``, if any."""
    return SCHEDULERS.get(name)
