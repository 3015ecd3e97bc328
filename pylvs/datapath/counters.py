"""Datapath counters: frames received and sent, and every drop by its named reason."""

from __future__ import annotations


class Counters:
    """rx/tx/pass/queued totals and drops per reason (hot path: plain attributes)."""

    __slots__ = ("drops", "passed", "queued", "rx", "tx", "wakeups")

    def __init__(self) -> None:
        self.rx = 0
        self.tx = 0
        self.passed = 0
        self.queued = 0
        self.wakeups = 0  # reads of a socket or ring that found frames (rx / wakeups = batch)
        self.drops: dict[str, int] = {}

    def drop(self, reason: str, n: int = 1) -> None:
        """Count ``n`` frames dropped for ``reason`` (a short stable name)."""
        self.drops[reason] = self.drops.get(reason, 0) + n

    def as_dict(self) -> dict[str, int]:
        """Flat view: rx, tx, pass, queued, wakeups, drops (total), ``drop.<reason>`` each."""
        out = {"rx": self.rx, "tx": self.tx, "pass": self.passed, "queued": self.queued,
               "wakeups": self.wakeups, "drops": sum(self.drops.values())}
        for reason, n in sorted(self.drops.items()):
            out[f"drop.{reason}"] = n
        return out
