"""The direct parse of plain ``-S -n`` lines agrees with the general command parser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pylvs.ipvsadm.command import Command, _parse_plain, _Parser, parse_command
from pylvs.ipvsadm.legality import UsageError
from pylvs.ipvsadm.resolve import StaticResolver

RESOLVER = StaticResolver()


def general(argv: list[str]) -> Command | str:
    """What the general parser makes of ``argv``: a Command or the refusal text."""
    try:
        return _Parser(argv, RESOLVER, "ipvsadm", True).parse()
    except UsageError as exc:
        return exc.text


octet = st.one_of(
    st.integers(0, 255).map(str),
    st.sampled_from(["256", "300", "01", "00", "010", "0x1", "", "1e1", "٣"]),
)
host = st.one_of(
    st.tuples(octet, octet, octet, octet).map(".".join),
    st.sampled_from(["198.18.0.1", "1.2.3", "10.1", "a.b.c.d", "[198.18.0.1]", "::1",
                     "198.18.0.1 ", "0.0.0.0", "255.255.255.255"]),
)
port = st.one_of(
    st.integers(0, 65535).map(str),
    st.sampled_from(["65536", "99999", "123456", "080", "00000", "", "+80", "-1", "http",
                     " 80", "8O"]),
)
host_port = st.one_of(
    st.builds(lambda h, p: f"{h}:{p}", host, port),
    host,
)
weight = st.one_of(
    st.integers(0, 2**31 + 5).map(str),
    st.sampled_from(["", "-1", "+1", "01", "1.0", "x", "2147483647", "2147483648"]),
)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(["-t", "-u", "-f", "--tcp-service", "-r"]),
    host_port,
    st.sampled_from(["-s", "-p", "-x", "-w"]),
    st.sampled_from(["rr", "wlc", "-g", "", "a-very-long-scheduler-name"]),
)
def test_plain_service_lines_parse_as_the_general_parser_does(
    switch: str, vip: str, opt: str, value: str
) -> None:
    argv = ["-A", switch, vip, opt, value]
    plain = _parse_plain(argv)
    if plain is not None:
        assert plain == general(argv)


@settings(max_examples=600, deadline=None)
@given(
    st.sampled_from(["-a", "-A", "-e"]),
    st.sampled_from(["-t", "-u", "-f"]),
    host_port,
    st.sampled_from(["-r", "-s"]),
    host_port,
    st.sampled_from(["-g", "-m", "-i", "-w"]),
    st.sampled_from(["-w", "-x"]),
    weight,
)
def test_plain_server_lines_parse_as_the_general_parser_does(
    cmd: str, switch: str, vip: str, r: str, rip: str, method: str, w: str, value: str
) -> None:
    argv = [cmd, switch, vip, r, rip, method, w, value]
    plain = _parse_plain(argv)
    if plain is not None:
        assert plain == general(argv)


@pytest.mark.parametrize(
    "line",
    [
        "-A -t 198.18.0.1:80 -s rr",
        "-A -u 198.18.0.1:53 -s wlc",
        "-a -t 198.18.0.1:80 -r 198.19.0.2:8080 -g -w 1",
        "-a -t 198.18.0.1:80 -r 198.19.0.2:8080 -m -w 0",
        "-a -u 255.255.255.255:65535 -r 0.0.0.0:0 -m -w 2147483647",
    ],
)
def test_lines_of_ipvsadm_save_take_the_direct_parse(line: str) -> None:
    argv = line.split()
    plain = _parse_plain(argv)
    assert plain is not None
    assert plain == general(argv)
    assert parse_command(argv, RESOLVER) == plain


@pytest.mark.parametrize(
    "line",
    [
        "-A -t 198.18.0.1:0 -s rr",  # refused: zero port without persistence
        "-A -t 198.18.0.01:80 -s rr",  # inet_aton reads 01 as octal
        "-A -t 10.1:80 -s rr",
        "-a -t 198.18.0.1:80 -r 198.19.0.2:8080 -i -w 1",
        "-a -t 198.18.0.1:80 -r 198.19.0.2 -g -w 1",
        "-a -t 198.18.0.1:80 -r 198.19.0.2:8080 -g -w 2147483648",
        "-a -t 198.18.0.1:80 -r 198.19.0.2:65536 -m -w 1",
    ],
)
def test_other_lines_go_to_the_general_parser(line: str) -> None:
    assert _parse_plain(line.split()) is None
