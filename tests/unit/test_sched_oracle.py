"""Replay the real kernel's scheduler choices (tests/golden/sched/) through IPVS + schedulers.

The golden files were made by tests/golden/sched/oracle_sched.py in the oracle
VM (Linux 6.1, and 6.12 which adds twos; live packets): every step that changed
the service, every new connection with the real server the kernel chose, and
the final connection counters. Each scenario is rebuilt here from those lines alone; the counters
are kept as the kernel keeps them (a ``syn`` connection is active, a ``fin``
one inactive; OVERLOAD is set when a binding reaches the upper threshold).
"""

from __future__ import annotations

import functools
import random
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pylvs.core.constants import AF_INET, AF_INET6, IPPROTO_TCP, DestFlag, SvcFlag
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import PacketMeta
from pylvs.core.model import Dest, DestSpec, Service, ServiceSpec

GOLDEN_DIR = Path(__file__).parents[1] / "golden" / "sched"
GOLDEN = GOLDEN_DIR / "oracle_sched.out"
GOLDEN_612 = GOLDEN_DIR / "oracle_sched_6.12.out"
VIP = socket.inet_aton("198.18.0.100")
VIP6 = socket.inet_pton(socket.AF_INET6, "2001:db8::100")
FLAG_BITS = {
    "sh-fallback": SvcFlag.SCHED1,
    "mh-fallback": SvcFlag.SCHED1,
    "sh-port": SvcFlag.SCHED2,
    "mh-port": SvcFlag.SCHED2,
}


@dataclass
class Scenario:
    """One scenario of the golden file: its header and its step lines."""

    name: str
    header: str
    steps: list[str] = field(default_factory=list)


def load_scenarios(path: Path = GOLDEN) -> list[Scenario]:
    """The scenarios of a golden file, in file order."""
    scenarios: list[Scenario] = []
    for line in path.read_text().splitlines():
        if line.startswith("# scenario "):
            scenarios.append(Scenario(line.split()[2], ""))
        elif line.startswith("svc "):
            scenarios[-1].header = line
        elif line and not line.startswith("#") and line != "end":
            scenarios[-1].steps.append(line)
    return scenarios


def _kv(words: list[str]) -> dict[str, str]:
    return dict(w.split("=", 1) for w in words if "=" in w)


def _flags(text: str) -> int:
    bits = 0
    if text != "-":
        for name in text.split(","):
            bits |= FLAG_BITS[name]
    return bits


def _addr(text: str) -> bytes:
    """Packed address of an IPv4 or (possibly bracketed) IPv6 text."""
    if ":" in text:
        return socket.inet_pton(socket.AF_INET6, text.strip("[]"))
    return socket.inet_aton(text)


def _bind(dest: Dest, kind: str) -> None:
    """Count a new connection on ``dest`` as the kernel does for a SYN (or SYN+FIN)."""
    if kind == "syn":
        dest.activeconns += 1  # SYN_RECV counts as active
    else:
        dest.inactconns += 1  # TIME_WAIT
    if dest.u_threshold and dest.activeconns + dest.inactconns >= dest.u_threshold:
        dest.flags |= DestFlag.OVERLOAD


def replay(
    sc: Scenario, rand32: Callable[[], int] = lambda: 0
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """Run a scenario; return (step, expected, got) for every choice and every counter."""
    head = _kv(sc.header.split())
    fwmark = int(head["fwmark"])
    af = AF_INET6 if head.get("af") == "inet6" else AF_INET
    table = IPVS()
    names: dict[bytes, str] = {}
    addrs: dict[str, tuple[bytes, int]] = {}
    svc: Service | None = None
    port = 0
    choices: list[tuple[str, str, str]] = []
    now = 1000.0

    def spec(name: str, kv: dict[str, str]) -> DestSpec:
        addr, dport = addrs[name]
        return DestSpec(
            af=af, addr=addr, port=dport, weight=int(kv["w"]),
            u_threshold=int(kv["x"]), l_threshold=int(kv["y"]),
        )

    for step in sc.steps:
        words = step.split()
        op = words[0]
        if op == "add":
            name, addrport = words[1], words[2]
            host, p = addrport.rsplit(":", 1)
            addrs[name] = (_addr(host), int(p))
            names[_addr(host)] = name
            if svc is None:
                port = int(p)
                svc = table.add_service(ServiceSpec(
                    af=af, addr=VIP6 if af == AF_INET6 else VIP, port=0 if fwmark else port,
                    fwmark=fwmark, sched_name=head["sched"], flags=_flags(head["flags"]),
                    netmask=128 if af == AF_INET6 else 0xFFFFFFFF,
                ))
            table.add_dest(svc.key, spec(name, _kv(words[3:])))
        elif op == "edit":
            assert svc is not None
            table.edit_dest(svc.key, spec(words[1], _kv(words[2:])))
        elif op == "del":
            assert svc is not None
            addr, dport = addrs[words[1]]
            table.del_dest(svc.key, af, addr, dport)
        elif op == "esched":
            assert svc is not None
            kv = _kv(words[1:])
            s = svc.spec()
            s.sched_name, s.flags = kv["sched"], _flags(kv["flags"])
            table.edit_service(s)
        elif op in ("syn", "fin"):
            src, sport = words[1].rsplit(":", 1)
            dst, expected = words[2], words[4]
            if svc is None:
                choices.append((step, expected, "-"))
                continue
            pkt = PacketMeta(
                af, IPPROTO_TCP, _addr(src), _addr(dst), int(sport), port, tcp_flags=0x02,
            )
            now += 0.01
            assert svc.scheduler is not None
            dest = svc.scheduler.schedule(svc, pkt, now, rand32)
            got = "-" if dest is None else names[dest.addr]
            choices.append((step, expected, got))
            if dest is not None:
                _bind(dest, op)
        elif op == "count":
            pass
        else:
            raise AssertionError(f"unknown step {step!r}")
    counts: list[tuple[str, str, str]] = []
    for step in sc.steps:
        words = step.split()
        if words[0] == "count" and svc is not None:
            addr, dport = addrs[words[1]]
            d = svc.find_dest(af, addr, dport)
            got = "missing" if d is None else f"active={d.activeconns} inact={d.inactconns}"
            counts.append((step, " ".join(words[2:]), got))
    return choices, counts


SCENARIOS = load_scenarios()
SCENARIOS_612 = load_scenarios(GOLDEN_612)
EXACT_612 = [sc for sc in SCENARIOS_612 if not sc.name.startswith("twos-")]
TWOS_612 = [sc for sc in SCENARIOS_612 if sc.name.startswith("twos-")]


def test_golden_file_covers_every_kernel_scheduler() -> None:
    scheds = {_kv(sc.header.split())["sched"] for sc in SCENARIOS}
    assert scheds >= {"rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "sh", "dh", "mh",
                      "lblc", "lblcr"}
    assert sum(len(replay(sc)[0]) for sc in SCENARIOS) > 500
    assert {sc.name for sc in SCENARIOS} >= {"sh-v6", "mh-v6", "dh-v6"}


@pytest.mark.parametrize("sc", SCENARIOS, ids=[sc.name for sc in SCENARIOS])
def test_replay_matches_kernel_choices(sc: Scenario) -> None:
    choices, counts = replay(sc)
    assert choices, "scenario made no connection"
    wrong = [(step, got) for step, expected, got in choices if expected != got]
    assert not wrong, f"{len(wrong)} of {len(choices)} choices differ, first: {wrong[:3]}"
    wrong_counts = [c for c in counts if c[1] != c[2]]
    assert not wrong_counts, wrong_counts


@pytest.mark.parametrize("sc", EXACT_612, ids=[sc.name for sc in EXACT_612])
def test_replay_matches_kernel_6_12_choices(sc: Scenario) -> None:
    choices, counts = replay(sc)
    wrong = [(step, got) for step, expected, got in choices if expected != got]
    assert not wrong, f"{len(wrong)} of {len(choices)} choices differ, first: {wrong[:3]}"
    assert all(c[1] == c[2] for c in counts), counts


def test_golden_6_12_has_twos_scenarios() -> None:
    assert [sc.name for sc in TWOS_612] == ["twos-filter", "twos-spread"]


def _count(text: str) -> int:
    return int(_kv(text.split())["inact"])


@pytest.mark.parametrize("sc", TWOS_612, ids=[sc.name for sc in TWOS_612])
def test_twos_spreads_like_the_kernel(sc: Scenario) -> None:
    """Random choices cannot match one by one: the kernel's final loads must be ones we reach.

    100 seeded replays give, per dest, a range of final counts; the kernel's
    count must lie in it. Every replayed choice is a usable dest: weight 0 (Z)
    ends empty and X, overloaded after one connection, holds at most one.
    """
    seen: dict[str, list[int]] = {}
    kernel: dict[str, int] = {}
    for seed in range(100):
        choices, counts = replay(sc, functools.partial(random.Random(seed).getrandbits, 32))
        assert all(got != "-" for _, _, got in choices)
        for step, expected, got in counts:
            name = step.split()[1]
            seen.setdefault(name, []).append(_count(got))
            kernel[name] = _count(expected)
    for name, counts_seen in seen.items():
        assert min(counts_seen) <= kernel[name] <= max(counts_seen), (name, kernel[name])
    if sc.name == "twos-filter":
        assert max(seen["Z"]) == 0 == kernel["Z"]
        assert max(seen["X"]) <= 1 and kernel["X"] <= 1
