"""Every transition of IPVS's three TCP state tables, driven through IPVS.process().

The expected tables are transcribed from the behaviour reference (§8.2); the
test sets an entry to each state, sends a segment of each event in the
direction that selects the table, and checks the new state, its timeout and
the destination's active/inactive counts.
"""

from __future__ import annotations

import pytest

from pylvs.core.conn import F_INACTIVE, set_active
from pylvs.core.constants import IPPROTO_TCP, FwdMethod
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, Direction, PacketMeta
from pylvs.core.model import DestSpec, ServiceSpec

VIP = bytes([198, 18, 0, 150])
CIP = bytes([198, 18, 0, 100])
RIP = bytes([198, 19, 0, 171])

STATES = ["NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE",
          "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK"]
SHORT = {"NO": "NONE", "ES": "ESTABLISHED", "SS": "SYN_SENT", "SR": "SYN_RECV",
         "FW": "FIN_WAIT", "TW": "TIME_WAIT", "CL": "CLOSE", "CW": "CLOSE_WAIT",
         "LA": "LAST_ACK", "LI": "LISTEN", "SA": "SYNACK"}
TIMEOUT = {"NONE": 2, "ESTABLISHED": 900, "SYN_SENT": 120, "SYN_RECV": 60, "FIN_WAIT": 120,
           "TIME_WAIT": 120, "CLOSE": 10, "CLOSE_WAIT": 60, "LAST_ACK": 30, "LISTEN": 120,
           "SYNACK": 120}
ACTIVE = {"ESTABLISHED", "SYN_SENT", "SYN_RECV", "SYNACK"}

# reference §8.2, rows syn/fin/ack/rst, columns NONE ES SS SR FW TW CL CW LA LI SA
REFERENCE = {
    "INPUT": """
        syn | SR | ES | ES | SR | SR | SR | SR | SR | SR | SR | SR
        fin | CL | CW | SS | TW | TW | TW | CL | CW | LA | LI | TW
        ack | ES | ES | SS | ES | FW | TW | CL | CW | CL | LI | ES
        rst | CL | CL | CL | SR | CL | CL | CL | CL | LA | LI | SR""",
    "OUTPUT": """
        syn | SS | ES | SS | SR | SS | SS | SS | SS | SS | LI | SR
        fin | TW | FW | SS | TW | FW | TW | CL | TW | LA | LI | TW
        ack | ES | ES | SS | ES | FW | TW | CL | CW | LA | ES | ES
        rst | CL | CL | SS | CL | CL | TW | CL | CL | CL | CL | CL""",
    "INPUT-ONLY": """
        syn | SR | ES | ES | SR | SR | SR | SR | SR | SR | SR | SR
        fin | CL | FW | SS | TW | FW | TW | CL | CW | LA | LI | TW
        ack | ES | ES | SS | ES | FW | TW | CL | CW | CL | LI | ES
        rst | CL | CL | CL | SR | CL | CL | CL | CL | LA | LI | CL""",
}
EVENT_FLAGS = {"syn": TCP_SYN, "fin": TCP_FIN | TCP_ACK, "ack": TCP_ACK,
               "rst": TCP_RST | TCP_ACK}


def _cases() -> list[tuple[str, str, str, str]]:
    cases = []
    for table, text in REFERENCE.items():
        for line in text.strip().splitlines():
            event, *cells = (c.strip() for c in line.split("|"))
            for state, nxt in zip(STATES, cells, strict=True):
                cases.append((table, event, state, SHORT[nxt]))
    return cases


def _entry_in_state(table: str, state: str) -> tuple[IPVS, PacketMeta, PacketMeta]:
    t = IPVS()
    t.sysctls.conn_reuse_mode = 0  # a SYN must reach the table even on closed entries
    method = FwdMethod.DROUTE if table == "INPUT-ONLY" else FwdMethod.MASQ
    svc = t.add_service(ServiceSpec(addr=VIP, port=80, sched_name="rr"))
    t.add_dest(svc.key, DestSpec(addr=RIP, port=80, conn_flags=method))
    syn = PacketMeta(2, IPPROTO_TCP, CIP, VIP, 40000, 80, TCP_SYN, 60, Direction.IN)
    v = t.process(syn, 0.0, lambda: 0)
    conn = v.conn
    assert conn is not None
    target = STATES.index(state)
    set_active(conn, state in ACTIVE)  # type: ignore[arg-type]
    conn.state = target  # type: ignore[attr-defined]
    inbound = PacketMeta(2, IPPROTO_TCP, CIP, VIP, 40000, 80, 0, 60, Direction.IN)
    reply = PacketMeta(2, IPPROTO_TCP, RIP, CIP, 80, 40000, 0, 60, Direction.OUT)
    return t, inbound, reply


@pytest.mark.parametrize(("table", "event", "state", "expected"), _cases())
def test_transition(table: str, event: str, state: str, expected: str) -> None:
    t, inbound, reply = _entry_in_state(table, state)
    pkt = reply if table == "OUTPUT" else inbound
    pkt.tcp_flags = EVENT_FLAGS[event]
    v = t.process(pkt, 5.0, lambda: 0)
    conn = v.conn
    assert conn is not None
    assert STATES[conn.state] == expected  # type: ignore[attr-defined]
    assert conn.timeout == TIMEOUT[expected]  # type: ignore[attr-defined]
    assert conn.expires == 5.0 + TIMEOUT[expected]  # type: ignore[attr-defined]
    dest = conn.dest  # type: ignore[attr-defined]
    active = expected in ACTIVE
    assert (dest.activeconns, dest.inactconns) == ((1, 0) if active else (0, 1))
    assert bool(conn.flags & F_INACTIVE) == (not active)  # type: ignore[attr-defined]


def test_segment_without_known_flags_closes() -> None:
    t, inbound, _ = _entry_in_state("INPUT", "ESTABLISHED")
    inbound.tcp_flags = TCP_PSH
    conn = t.process(inbound, 1.0, lambda: 0).conn
    assert STATES[conn.state] == "CLOSE"  # type: ignore[union-attr]


def test_set_timeouts_apply_at_the_next_packet() -> None:
    t, inbound, _ = _entry_in_state("INPUT-ONLY", "SYN_RECV")
    t.set_timeouts(600, 50, 0)
    inbound.tcp_flags = TCP_ACK
    conn = t.process(inbound, 1.0, lambda: 0).conn
    assert conn.timeout == 600  # type: ignore[union-attr]
    inbound.tcp_flags = TCP_FIN | TCP_ACK
    conn = t.process(inbound, 2.0, lambda: 0).conn
    assert (STATES[conn.state], conn.timeout) == ("FIN_WAIT", 50)  # type: ignore[union-attr]
