"""Property tests: whatever bytes or JSON a client sends, the dispatcher answers with one line."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from pylvs.control import wire
from pylvs.control.dispatch import Dispatcher
from pylvs.core.ipvs import IPVS
from pylvs.core.model import DestSpec, ServiceKey, ServiceSpec

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=5),
    max_leaves=20,
)


def _check_reply(reply: bytes) -> dict[str, object]:
    assert reply.endswith(b"\n")
    assert reply.count(b"\n") == 1
    msg = json.loads(reply)
    assert isinstance(msg, dict)
    assert isinstance(msg["ok"], bool)
    if not msg["ok"]:
        assert isinstance(msg["errno"], int) and msg["errno"] > 0
        assert isinstance(msg["error"], str) and msg["error"]
    return msg


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_get_one_reply_line(data: bytes) -> None:
    _check_reply(Dispatcher(IPVS()).handle_line(data + b"\n"))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(wire.OPS)), st.lists(json_values, max_size=5))
def test_any_arguments_to_any_operation_get_one_reply_line(op: str, args: list[object]) -> None:
    ipvs = IPVS()
    ipvs.add_service(ServiceSpec(addr=bytes([198, 18, 0, 150]), port=80, sched_name="rr"))
    line = json.dumps({"v": 1, "op": op, "args": args}).encode() + b"\n"
    _check_reply(Dispatcher(ipvs).handle_line(line))


addresses = st.one_of(
    st.binary(min_size=4, max_size=4), st.binary(min_size=16, max_size=16)
)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(0, 255), addresses, st.integers(0, 65535), st.integers(0, 2**32 - 1),
    st.text(max_size=16), st.integers(-(2**31), 2**31 - 1),
)
def test_specs_survive_the_wire_unchanged(
    proto: int, addr: bytes, port: int, fwmark: int, name: str, weight: int
) -> None:
    af = 2 if len(addr) == 4 else 10
    spec = ServiceSpec(af=af, protocol=proto, addr=addr, port=port, fwmark=fwmark,
                       sched_name=name, flags=fwmark & 0xFF, timeout=port, netmask=fwmark,
                       pe_name=name[::-1])
    dest = DestSpec(af=af, addr=addr, port=port, conn_flags=proto & 7, weight=weight,
                    u_threshold=port, l_threshold=proto, tun_type=proto % 3, tun_port=port,
                    tun_flags=proto % 3)
    key = ServiceKey(af, proto, addr, port, fwmark)
    line = wire.encode_request("add_dest", (key, dest))
    assert wire.decode_request(line) == ("add_dest", (key, dest))
    line = wire.encode_request("edit_service", (spec,))
    assert wire.decode_request(line) == ("edit_service", (spec,))
