"""Packet I/O for a director: the Python (AF_PACKET) path and the XDP fast path in front of it.

``create(kind, ipvs, interfaces, loop, log)`` builds a :class:`Datapath`; the
daemon calls ``start()``, ``table_changed()`` after each rule change,
``counters()`` for status and ``stop()`` at exit, all on its one asyncio loop.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from pylvs.core.ipvs import IPVS

KINDS = ("auto", "python", "xdp", "none")
XDP_MODES = ("auto", "native", "generic")


class DatapathError(Exception):
    """A datapath cannot be built or started (the message says why)."""


class Datapath(Protocol):
    """What the daemon drives."""

    kind: str

    def start(self) -> None:
        """Open sockets, install filters and the nftables table, start forwarding."""

    def stop(self) -> None:
        """Stop forwarding and remove everything ``start`` installed."""

    def table_changed(self) -> None:
        """The IPVS rules changed: update what is captured."""

    def counters(self) -> dict[str, int]:
        """Frames received/sent and drops by named reason."""

    def sync(self) -> None:
        """Fold what a fast path forwarded into the table (before a listing)."""


class NullDatapath:
    """No packet I/O (control only)."""

    kind = "none"

    def start(self) -> None:
        """Nothing to start."""

    def stop(self) -> None:
        """Nothing to stop."""

    def table_changed(self) -> None:
        """Nothing to update."""

    def counters(self) -> dict[str, int]:
        """Always empty."""
        return {}

    def sync(self) -> None:
        """Nothing to fold."""


def create(kind: str, ipvs: IPVS, interfaces: list[str], loop: asyncio.AbstractEventLoop,
           log: logging.Logger | None = None, xdp_mode: str = "auto") -> Datapath:
    """The datapath of ``kind`` ("auto", "python", "xdp" or "none") on ``interfaces``; an
    XDP program attaches in ``xdp_mode`` ("auto", "native" or "generic")."""
    log = log if log is not None else logging.getLogger("pylvs.datapath")
    if kind == "none":
        return NullDatapath()
    if kind not in ("auto", "python", "xdp"):
        raise DatapathError(f"unknown datapath {kind!r}: choose one of {', '.join(KINDS)}")
    if not interfaces:
        raise DatapathError(f"the {kind} datapath needs at least one interface")
    from pylvs.datapath.python import PythonDatapath

    if kind in ("auto", "xdp"):
        from pylvs.datapath.xdp.datapath import XdpDatapath, load_program

        try:
            program = load_program()
        except Exception as exc:
            if kind == "xdp":
                raise DatapathError(f"the xdp fast path cannot be loaded: {exc}") from exc
            log.info("datapath auto: using the python datapath (xdp unavailable: %s)", exc)
            return PythonDatapath(ipvs, interfaces, loop, log)
        return XdpDatapath(ipvs, interfaces, loop, log, program=program,
                           fallback=kind == "auto", xdp_mode=xdp_mode)
    return PythonDatapath(ipvs, interfaces, loop, log)
