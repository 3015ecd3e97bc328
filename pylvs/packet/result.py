"""What a transform answers when it does not produce a frame to forward."""

from __future__ import annotations

from collections.abc import Callable

from .drop import DropReason


class Refusal:
    """The packet is not forwarded: why, and an ICMP error frame for its sender if any.

    ``reply`` is a whole Ethernet frame to send back out the port the packet came in
    on (time exceeded, fragmentation needed / packet too big, port unreachable).
    """

    __slots__ = ("reason", "reply")

    def __init__(self, reason: DropReason, reply: bytes | None = None) -> None:
        self.reason = reason
        self.reply = reply

    def __repr__(self) -> str:
        return f"Refusal({self.reason.value!r}, reply={len(self.reply) if self.reply else 0}B)"


Rand32 = Callable[[], int]


def no_random() -> int:
    """A ``rand32`` that always answers 0 (deterministic IP IDs and flow labels)."""
    return 0
