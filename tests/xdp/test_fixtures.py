"""The shared packet table through the compiled program (BPF_PROG_TEST_RUN): a
pre-installed flow, the input frame -> the expected verdict and output frame."""

from __future__ import annotations

import pytest

from pylvs.datapath.xdp import schema
from pylvs.datapath.xdp.loader import FastPathProgram
from tests.fixtures.packets import CASES, PacketCase, describe_mismatch
from tests.xdp.cases import (
    NOT_INSTALLED,
    PASSED_UP,
    established,
    flow_key_of,
    setup,
    with_random_id_of,
)

RUNT = "parse-runt"  # shorter than an Ethernet header: the kernel never runs XDP on it
RUN = [c for c in CASES if c.name not in NOT_INSTALLED and c.name != RUNT]


def _ip_len(frame: bytes) -> int:
    from scapy.layers.inet import IP
    from scapy.layers.inet6 import IPv6
    from scapy.layers.l2 import Ether

    pkt = Ether(frame)
    return int(pkt[IP].len) if IP in pkt else int(pkt[IPv6].plen) + 40


@pytest.mark.parametrize("case", RUN, ids=[c.name for c in RUN])
def test_case_through_program(clean: FastPathProgram, case: PacketCase) -> None:
    s = setup(case)
    if s.key is not None and s.value is not None:
        clean.put_flow(s.key, s.value)
    verdict, out, _ = clean.test_run(s.frame)
    name = schema.VERDICT_NAMES[verdict] if verdict < 5 else str(verdict)
    assert verdict == s.verdict, (
        f"{case.name}: verdict {name}, want {schema.VERDICT_NAMES[s.verdict]}"
        f" ({PASSED_UP.get(case.name, case.description)})")
    want = with_random_id_of(s.expect, out)
    assert out == want, describe_mismatch(out, want)
    if s.key is not None:
        st = clean.flow_stats(s.key)
        assert st is not None
        forwarded = verdict != schema.XDP_PASS
        assert (st.packets, st.bytes) == ((1, _ip_len(s.frame)) if forwarded else (0, 0))
        assert (st.last_seen_ns > 0) == forwarded


def test_runt_refused_by_the_kernel(clean: FastPathProgram) -> None:
    import errno

    from pylvs.datapath.xdp.libbpf import LibbpfError

    case = next(c for c in CASES if c.name == RUNT)
    with pytest.raises(LibbpfError) as info:
        clean.test_run(case.frame)
    assert info.value.errno == errno.EINVAL


def _with_flags(frame: bytes, flags: int) -> bytes:
    from scapy.layers.inet import TCP
    from scapy.layers.l2 import Ether

    pkt = Ether(frame)
    pkt[TCP].flags = flags
    del pkt[TCP].chksum
    return bytes(pkt)


def _dr_tcp_flow() -> tuple[bytes, bytes, schema.FlowKey, schema.FlowValue]:
    """The DR TCP case's SYN, an ACK of its connection, their flow key and flow value."""
    case = next(c for c in CASES if c.name == "dr-ipv4-tcp-syn")
    syn = case.frame
    ack = established(syn)
    key = flow_key_of(ack)
    assert key is not None
    base = setup(case).value
    assert base is not None
    return syn, ack, key, base


def test_state_changing_segments_go_to_python(clean: FastPathProgram) -> None:
    """SYN, FIN, RST, and an ACK that moves SYN_RECV to ESTABLISHED are passed up from a
    flow that does not own its connection's state."""
    from pylvs.core.proto import Table, TcpState

    syn, ack, key, base = _dr_tcp_flow()
    before = clean.counters()["state"]
    clean.put_flow(key, base)
    assert clean.test_run(syn)[0] == schema.XDP_PASS  # SYN on an established flow
    assert clean.test_run(_with_flags(syn, 0x11))[0] == schema.XDP_PASS  # FIN: ES -> FW
    base.tcp_state = int(TcpState.SYN_RECV)
    base.tcp_table = int(Table.INPUT)
    clean.put_flow(key, base)
    assert clean.test_run(ack)[0] == schema.XDP_PASS  # SR + ack -> ES: Python's job
    assert clean.counters()["state"] - before == 3
    base.tcp_state = int(TcpState.ESTABLISHED)
    clean.put_flow(key, base)
    assert clean.test_run(ack)[0] == schema.XDP_TX
    flow = clean.flow(key)
    assert flow is not None and flow.tcp_state == int(TcpState.ESTABLISHED)


def test_own_state_flow_moves_its_state(clean: FastPathProgram) -> None:
    """A flow owning its connection's state forwards the ACK and FIN that move it (the
    core's transition written back to the map, counted before the state is read), and
    still passes SYN and RST up."""
    from pylvs.core.proto import Table, TcpState, tcp_next_state

    syn, _ack, key, base = _dr_tcp_flow()
    base.tcp_table, base.tcp_state = int(Table.INPUT_ONLY), int(TcpState.SYN_RECV)
    base.flags |= schema.FLOW_F_OWN_STATE
    clean.put_flow(key, base)
    state = int(TcpState.SYN_RECV)
    for flags, forwarded in ((0x10, True), (0x18, True), (0x02, False), (0x14, False),
                             (0x11, True), (0x10, True), (0x11, True)):
        verdict, _, _ = clean.test_run(_with_flags(syn, flags))
        assert (verdict == schema.XDP_TX) == forwarded, hex(flags)
        if forwarded:
            state = tcp_next_state(int(Table.INPUT_ONLY), state, flags)
        flow = clean.flow(key)
        assert flow is not None and flow.tcp_state == state, hex(flags)
    assert state == int(TcpState.FIN_WAIT)
    st = clean.flow_stats(key)
    assert st is not None and st.packets == 5


def test_miss_passes_unchanged(clean: FastPathProgram) -> None:
    case = next(c for c in CASES if c.name == "dr-ipv6-udp")
    before = clean.counters()["miss"]
    verdict, out, _ = clean.test_run(case.frame)
    assert (verdict, out) == (schema.XDP_PASS, case.frame)
    assert clean.counters()["miss"] == before + 1


def test_counters_add_up_and_delete_returns_them(clean: FastPathProgram) -> None:
    case = next(c for c in CASES if c.name == "dr-ipv6-udp")
    s = setup(case)
    assert s.key is not None and s.value is not None
    clean.put_flow(s.key, s.value)
    for _ in range(3):
        assert clean.test_run(s.frame)[0] == schema.XDP_TX
    clean.put_flow(s.key, s.value)  # re-installing keeps the counters
    last = clean.delete_flow(s.key)
    assert last is not None and (last.packets, last.bytes) == (3, 3 * _ip_len(s.frame))
    assert clean.flow(s.key) is None and clean.flow_stats(s.key) is None
    assert clean.test_run(s.frame)[0] == schema.XDP_PASS


def test_batched_reads_and_deletes(clean: FastPathProgram) -> None:
    """all_flow_stats / all_flow_states read every flow (across several batches);
    delete_flows removes them and returns their last counters, a missing key too."""
    from pylvs.datapath.xdp import loader

    case = next(c for c in CASES if c.name == "dr-ipv6-udp")
    s = setup(case)
    assert s.key is not None and s.value is not None
    n = loader.BATCH_ENTRIES + 5
    keys = [schema.key_bytes(2, 6, bytes([198, 18, 1, i % 250]), 1000 + i,
                             bytes([198, 18, 0, 150]), 80) for i in range(n)]
    for i, k in enumerate(keys):
        value = bytearray(bytes(s.value))
        value[schema.VALUE_STATE_OFFSET] = i % 11
        clean.put_flow(k, bytes(value))
    clean.put_flow(s.key, s.value)
    assert clean.test_run(s.frame)[0] == schema.XDP_TX
    stats, states = clean.all_flow_stats(), clean.all_flow_states()
    assert len(stats) == len(states) == n + 1
    assert [states[k] for k in keys] == [i % 11 for i in range(n)]
    assert stats[bytes(s.key)].packets == 1 and stats[keys[0]].packets == 0
    last = clean.delete_flows([bytes(s.key), keys[0], keys[0], *keys[1:]])
    assert last[0] is not None and last[0].packets == 1
    assert last[2] is None and all(x is not None for x in last[3:])
    assert clean.all_flow_stats() == {} and clean.all_flow_states() == {}


def test_a_freed_counter_slot_is_zeroed_before_it_is_reused() -> None:
    """Counters live per CPU at the flow's stats_slot: a new flow that gets the slot of a
    removed one starts from zero; a replaced flow keeps its slot and counters."""
    case = next(c for c in CASES if c.name == "dr-ipv6-udp")
    s = setup(case)
    assert s.key is not None and s.value is not None
    prog = FastPathProgram()  # its own slots: the first flow gets slot 0
    try:
        prog.put_flow(s.key, s.value)
        for _ in range(2):
            assert prog.test_run(s.frame)[0] == schema.XDP_TX
        prog.put_flow(s.key, s.value)
        flow = prog.flow(s.key)
        assert flow is not None and flow.stats_slot == 0
        last = prog.delete_flow(s.key)
        assert last is not None and last.packets == 2
        other = schema.key_bytes(2, 17, bytes([198, 18, 0, 9]), 5353,
                                 bytes([198, 18, 0, 150]), 53)
        prog.put_flow(other, s.value)
        reused = prog.flow(other)
        assert reused is not None and reused.stats_slot == 0
        st = prog.flow_stats(other)
        assert st is not None and (st.packets, st.bytes, st.last_seen_ns) == (0, 0, 0)
    finally:
        prog.close()


def test_batched_installs_forward_like_single_ones(clean: FastPathProgram) -> None:
    """put_flows installs every flow in one update, each with a counter slot of its own;
    replacing one keeps its slot and counters."""
    case = next(c for c in CASES if c.name == "dr-ipv6-udp")
    s = setup(case)
    assert s.key is not None and s.value is not None
    others = [schema.key_bytes(2, 6, bytes([198, 18, 1, i]), 2000 + i,
                               bytes([198, 18, 0, 150]), 80) for i in range(1, 4)]
    flows = [(k, bytes(s.value)) for k in others] + [(bytes(s.key), bytes(s.value))]
    assert clean.put_flows(flows) == []
    assert clean.test_run(s.frame)[0] == schema.XDP_TX
    slots = set()
    for k, _ in flows:
        flow = clean.flow(k)
        assert flow is not None
        slots.add(flow.stats_slot)
    assert len(slots) == len(flows)
    assert clean.put_flows(flows[-2:]) == []  # replaced: same slots, counters kept
    st = clean.flow_stats(s.key)
    assert st is not None and st.packets == 1
    assert {f.stats_slot for k, _ in flows if (f := clean.flow(k)) is not None} == slots
    assert clean.put_flows(flows[:1]) == []  # one flow: a plain update
    assert set(clean.all_flow_stats()) == {k for k, _ in flows}
