"""Numeric constants of the IPVS user/kernel interface (values are the kernel's)."""

from __future__ import annotations

from enum import IntEnum, IntFlag
from types import FunctionType
from typing import Final


def _runs_compiled() -> bool:
    """Whether core runs compiled: mypyc turns the functions of a module into builtins."""
    return not isinstance(_runs_compiled, FunctionType)


COMPILED: Final = _runs_compiled()
"""True when core runs compiled (mypyc). A few per-packet spots pick the arithmetic that is
cheapest for the running form by it (machine-int operations compiled, few big-int operations
interpreted); both forms compute the same values."""

AF_INET: Final = 2
AF_INET6: Final = 10

IPPROTO_ICMP: Final = 1
IPPROTO_TCP: Final = 6
IPPROTO_UDP: Final = 17
IPPROTO_ICMPV6: Final = 58
IPPROTO_SCTP: Final = 132

PROTO_NAMES = {IPPROTO_TCP: "TCP", IPPROTO_UDP: "UDP", IPPROTO_SCTP: "SCTP"}


class SvcFlag(IntFlag):
    """Virtual service flags (IP_VS_SVC_F_*)."""

    PERSISTENT = 0x0001
    HASHED = 0x0002
    ONEPACKET = 0x0004
    SCHED1 = 0x0008
    SCHED2 = 0x0010
    SCHED3 = 0x0020


SCHED_SH_FALLBACK = SvcFlag.SCHED1
SCHED_SH_PORT = SvcFlag.SCHED2
SCHED_MH_FALLBACK = SvcFlag.SCHED1
SCHED_MH_PORT = SvcFlag.SCHED2


class FwdMethod(IntEnum):
    """Forwarding method: the low three bits of a destination's conn_flags."""

    MASQ = 0
    LOCALNODE = 1
    TUNNEL = 2
    DROUTE = 3
    BYPASS = 4


class ConnFlag(IntFlag):
    """Connection flags (IP_VS_CONN_F_*), low three bits are the FwdMethod."""

    FWD_MASK = 0x0007
    SYNC = 0x0020
    HASHED = 0x0040
    NOOUTPUT = 0x0080
    INACTIVE = 0x0100
    OUT_SEQ = 0x0200
    IN_SEQ = 0x0400
    NO_CPORT = 0x0800
    TEMPLATE = 0x1000
    ONE_PACKET = 0x2000
    NFCT = 0x10000


CONN_F_FWD_MASK: Final = 0x0007  # plain int: the forwarding method bits
CONN_F_DEST_MASK = ConnFlag.FWD_MASK | ConnFlag.ONE_PACKET | ConnFlag.NFCT
CONN_F_BACKUP_MASK = (
    ConnFlag.FWD_MASK
    | ConnFlag.NOOUTPUT
    | ConnFlag.INACTIVE
    | ConnFlag.OUT_SEQ
    | ConnFlag.IN_SEQ
    | ConnFlag.NO_CPORT
    | ConnFlag.TEMPLATE
)
CONN_F_BACKUP_UPD_MASK = ConnFlag.INACTIVE | ConnFlag.OUT_SEQ | ConnFlag.IN_SEQ


class DestFlag(IntFlag):
    """Destination status flags (IP_VS_DEST_F_*)."""

    AVAILABLE = 0x0001
    OVERLOAD = 0x0002


DEST_F_AVAILABLE: Final = 0x0001  # plain ints of DestFlag, for the per-packet paths
DEST_F_OVERLOAD: Final = 0x0002


class TunType(IntEnum):
    """Tunnel encapsulation type of a TUN destination."""

    IPIP = 0
    GUE = 1
    GRE = 2


class TunFlag(IntFlag):
    """Tunnel encapsulation flags."""

    NOCSUM = 0
    CSUM = 1
    REMCSUM = 2


IPVS_VERSION: Final = 0x010201
CONN_TAB_BITS: Final = 12
CONN_TAB_SIZE: Final = 1 << CONN_TAB_BITS

SCHED_NAME_MAX: Final = 15
PE_NAME_MAX: Final = 15
MAX_PERSISTENCE_TIMEOUT: Final = 2678400  # 31 days, ipvsadm's range
DEFAULT_PERSISTENCE_TIMEOUT: Final = 360  # libipvs IPVS_SVC_PERSISTENT_TIMEOUT (6*60)
TEMPLATE_RECHECK_TIMEOUT: Final = 60  # a template that still controls conns is re-armed for this
DEST_TRASH_PERIOD: Final = 120
