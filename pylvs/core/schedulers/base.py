"""The scheduler interface: one subclass per IPVS scheduler, named as the kernel names it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from pylvs.core.meta import PacketMeta
    from pylvs.core.model import Dest, Service

Rand32 = Callable[[], int]
"""A source of uniformly random 32-bit unsigned integers, passed in by the caller."""


class Scheduler:
    """Chooses a destination for a new connection of one service.

    The hooks mirror ``struct ip_vs_scheduler``: the instance is created when
    the scheduler is bound to a service (``init_service``), is told about
    destinations being added, deleted and updated *after* the service's list
    changed, and is asked to ``schedule`` the first packet of a connection.
    """

    name: ClassVar[str] = ""

    def __init__(self, svc: Service) -> None:
        """Bind to ``svc`` (the kernel's ``init_service``)."""

    def add_dest(self, svc: Service, dest: Dest) -> None:
        """``dest`` was inserted at the head of ``svc.dests``."""

    def del_dest(self, svc: Service, dest: Dest, index: int) -> None:
        """``dest`` was removed from ``svc.dests``, where it stood at ``index``."""

    def upd_dest(self, svc: Service, dest: Dest) -> None:
        """``dest``'s weight, thresholds or method were edited."""

    def done_service(self, svc: Service) -> None:
        """The scheduler is being unbound from ``svc``."""

    def schedule(self, svc: Service, pkt: PacketMeta, now: float, rand32: Rand32) -> Dest | None:
        """The destination for a new connection, or None: no destination available."""
        raise NotImplementedError
