"""Per-protocol connection state: IPVS's TCP state machine and the UDP pseudo-state.

The TCP tables are the kernel's (ip_vs_proto_tcp.c): one row per event (syn,
fin, ack, rst) and one column per current state, for packets from the client
(INPUT), from a NAT real server (OUTPUT), and from the client of a DR/TUN
connection whose replies never pass the director (INPUT-ONLY).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final

from pylvs.core.constants import IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP
from pylvs.core.meta import TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN


class TcpState(IntEnum):
    """IPVS TCP connection states (IP_VS_TCP_S_*), in the kernel's numbering."""

    NONE = 0
    ESTABLISHED = 1
    SYN_SENT = 2
    SYN_RECV = 3
    FIN_WAIT = 4
    TIME_WAIT = 5
    CLOSE = 6
    CLOSE_WAIT = 7
    LAST_ACK = 8
    LISTEN = 9
    SYNACK = 10


_ESTABLISHED: Final = int(TcpState.ESTABLISHED)
_FIN_WAIT: Final = int(TcpState.FIN_WAIT)
_CLOSE: Final = int(TcpState.CLOSE)

TCP_STATE_NAMES: Final[tuple[str, ...]] = tuple(s.name for s in TcpState)

# Default timeout of each TCP state in seconds (index = state).
TCP_TIMEOUTS: Final[tuple[int, ...]] = (2, 900, 120, 60, 120, 120, 10, 60, 30, 120, 120)

# States counted in a destination's ActiveConn; every other state is InActConn.
TCP_ACTIVE: Final[tuple[bool, ...]] = tuple(
    s in (TcpState.ESTABLISHED, TcpState.SYN_SENT, TcpState.SYN_RECV, TcpState.SYNACK)
    for s in TcpState
)

# Initial timeout of a new entry before its first packet ran the state machine.
INITIAL_TIMEOUT: Final = 3


class TcpEvent(IntEnum):
    """What a segment does to the state machine, by its flags (row of a table)."""

    SYN = 0
    FIN = 1
    ACK = 2
    RST = 3


class Table(IntEnum):
    """Which of the three state tables a packet uses."""

    INPUT = 0
    OUTPUT = 1
    INPUT_ONLY = 2


def _row(text: str) -> tuple[int, ...]:
    names = {
        "NO": TcpState.NONE, "ES": TcpState.ESTABLISHED, "SS": TcpState.SYN_SENT,
        "SR": TcpState.SYN_RECV, "FW": TcpState.FIN_WAIT, "TW": TcpState.TIME_WAIT,
        "CL": TcpState.CLOSE, "CW": TcpState.CLOSE_WAIT, "LA": TcpState.LAST_ACK,
        "LI": TcpState.LISTEN, "SA": TcpState.SYNACK,
    }
    return tuple(int(names[t]) for t in text.split())


# Columns:            NO ES SS SR FW TW CL CW LA LI SA
TCP_TABLES: Final[tuple[tuple[tuple[int, ...], ...], ...]] = (
    (  # INPUT
        _row("SR ES ES SR SR SR SR SR SR SR SR"),  # syn
        _row("CL CW SS TW TW TW CL CW LA LI TW"),  # fin
        _row("ES ES SS ES FW TW CL CW CL LI ES"),  # ack
        _row("CL CL CL SR CL CL CL CL LA LI SR"),  # rst
    ),
    (  # OUTPUT
        _row("SS ES SS SR SS SS SS SS SS LI SR"),
        _row("TW FW SS TW FW TW CL TW LA LI TW"),
        _row("ES ES SS ES FW TW CL CW LA ES ES"),
        _row("CL CL SS CL CL TW CL CL CL CL CL"),
    ),
    (  # INPUT-ONLY
        _row("SR ES ES SR SR SR SR SR SR SR SR"),
        _row("CL FW SS TW FW TW CL CW LA LI TW"),
        _row("ES ES SS ES FW TW CL CW CL LI ES"),
        _row("CL CL CL SR CL CL CL CL LA LI CL"),
    ),
)


def tcp_event(flags: int) -> int | None:
    """The event of a segment with TCP ``flags`` (RST > SYN > FIN > ACK), None for none."""
    if flags & TCP_RST:
        return 3
    if flags & TCP_SYN:
        return 0
    if flags & TCP_FIN:
        return 1
    if flags & TCP_ACK:
        return 2
    return None


def tcp_next_state(table: int, state: int, flags: int) -> int:
    """The state after a segment with ``flags`` in ``table``; no known flag -> CLOSE."""
    if flags & TCP_RST:
        return TCP_TABLES[table][3][state]
    if flags & TCP_SYN:
        return TCP_TABLES[table][0][state]
    if flags & TCP_FIN:
        return TCP_TABLES[table][1][state]
    if flags & TCP_ACK:
        return TCP_TABLES[table][2][state]
    return _CLOSE


def tcp_timeout(state: int, established: int, fin_wait: int) -> int:
    """Timeout of a TCP state, with the two values ``--set`` changes."""
    if state == _ESTABLISHED:
        return established
    if state == _FIN_WAIT:
        return fin_wait
    return TCP_TIMEOUTS[state]


def state_name(protocol: int, state: int) -> str:
    """The name ``ipvsadm -Lc`` shows for a state of a protocol."""
    if protocol == IPPROTO_TCP:
        return TCP_STATE_NAMES[state] if 0 <= state < len(TCP_STATE_NAMES) else "ERR!"
    if protocol == IPPROTO_UDP:
        return "UDP"
    if protocol == IPPROTO_SCTP:
        return "ESTABLISHED"  # SCTP entries are kept without their state machine
    if protocol == 0:
        return "NONE"
    return "ERR!"
