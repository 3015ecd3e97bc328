"""The written-out destination view codec agrees with the general dataclass codec."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pylvs.control import wire
from pylvs.core.constants import AF_INET, AF_INET6
from pylvs.core.stats import Counters, Rates
from pylvs.core.views import DestView

u64 = st.integers(0, 2**64 - 1)
small = st.integers(0, 2**31 - 1)


@st.composite
def dest_views(draw: st.DrawFn) -> DestView:
    af = draw(st.sampled_from([AF_INET, AF_INET6]))
    addr = draw(st.binary(min_size=16 if af == AF_INET6 else 4,
                          max_size=16 if af == AF_INET6 else 4))
    ints = [draw(small) for _ in range(11)]
    return DestView(af, addr, ints[0] & 0xFFFF, ints[1] & 7, *ints[2:],
                    Counters(*(draw(u64) for _ in range(5))),
                    Rates(*(draw(u64) for _ in range(5))))


@settings(max_examples=200, deadline=None)
@given(dest_views())
def test_dest_view_round_trips_as_the_general_codec(view: DestView) -> None:
    fast = wire._encode_dest_view(view)
    assert fast == wire._DEST_VIEW.encode(view)
    data = json.loads(json.dumps(fast))
    assert wire._decode_dest_view(data) == wire._DEST_VIEW.decode_reply(data) == view


def _outcome(decode: object, data: object) -> object:
    try:
        return decode(data)  # type: ignore[operator]
    except wire.WireError as exc:
        return ("error", exc.errno, exc.message)


@pytest.mark.parametrize("data", [
    None, [], "x", [2, "198.18.0.1"],
    [2, "198.18.0.1", 80, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, [0] * 5, [0] * 4],
    [2, "198.18.0.1", 80, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, [0] * 5, {}],
    [2, "not-an-address", 80, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, [0] * 5, [0] * 5],
    [2, 7, 80, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, [0] * 5, [0] * 5],
    [2, "", 80, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, [0] * 5, [0] * 5],
    [2, "198.18.0.1", 80, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, [0] * 5, [0] * 5, 1],
])
def test_malformed_dest_views_are_refused_alike(data: object) -> None:
    assert _outcome(wire._decode_dest_view, data) == _outcome(
        wire._DEST_VIEW.decode_reply, data)


@pytest.mark.parametrize("args", [
    [[2, 6, "198.18.0.1", 80, 0], [2, "198.19.0.1", 80, 2, 1, 0, 0, 0, 0, 0]],
    [[2, 6, "198.18.0.1", 80, 0], [2, "198.19.0.1", 80, 2, 1, 0, 0, 0, 0]],
    [[2, 6, "198.18.0.1", 80, 0], [2, "bad", 80, 2, 1, 0, 0, 0, 0, 0]],
    [[2, 6, "198.18.0.1", 80, 0]],
    [[2, 6, "198.18.0.1", 80, True], [2, "198.19.0.1", 80, 2, 1, 0, 0, 0, 0, 0]],
    "x",
])
def test_batched_add_dest_decodes_as_decode_args(args: object) -> None:
    assert _outcome(wire.decode_calls, [["add_dest", args]]) == _outcome(
        lambda a: [("add_dest", wire.decode_args("add_dest", a))], args)
