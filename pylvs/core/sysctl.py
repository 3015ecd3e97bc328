"""The ``/proc/sys/net/ipv4/vs/`` settings core honours, with the kernel's defaults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Sysctls:
    """IPVS sysctls that change how packets are processed (kernel defaults)."""

    conn_reuse_mode: int = 1  # bit0: SYN on TIME_WAIT/CLOSE reschedules; bit1: also FIN_WAIT DR/TUN
    expire_nodest_conn: int = 0  # 1: entries of removed dests expire on their next packet
    expire_quiescent_template: int = 0  # 1: templates of weight-0 dests are invalid
    sloppy_tcp: int = 0  # 1: any non-RST segment may create a connection
    nat_icmp_send: int = 0  # 1: a NAT real server's packet matching no entry is rejected
