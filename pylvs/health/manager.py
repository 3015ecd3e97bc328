"""Runs every checker of a configuration and turns their results into table changes.

Per real server: it is up while all its checkers pass. Its first check comes after a
random part of ``warmup`` (default: of ``delay_loop``). A passing checker that fails
is retried ``retry`` times, ``delay_before_retry`` apart, before it counts as failed;
a failed one recovers on its first success. Each transition is logged once, with the
reason, and runs the real server's notify script; the service's quorum (with
hysteresis) is re-evaluated and its quorum_up/quorum_down script run. The table
changes go to the ``apply`` callable the owner passes in, as (IPVS method, args)
operations, so this package never touches the table itself.
"""

from __future__ import annotations

import asyncio
import logging
import random
import shlex
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pylvs.config.addresses import addr_port_text
from pylvs.config.diff import Operation, diff_tables
from pylvs.config.model import CheckerConfig, Config, RealServer, VirtualServer
from pylvs.config.table import (
    DestKey,
    RsHealth,
    RsKey,
    Table,
    initial_health,
    live_weight,
    quorum_next,
    service_entry,
    service_key,
)
from pylvs.core.model import ServiceKey
from pylvs.health.base import Checker, CheckResult
from pylvs.health.registry import make_checker

log = logging.getLogger("pylvs.health")
STOP_WAIT = 5.0  # seconds stop() waits for checkers to end

Apply = Callable[[list[Operation]], None]
RunScript = Callable[[str, Sequence[str]], None]
MakeChecker = Callable[[CheckerConfig, RealServer], Checker]


@dataclass(slots=True)
class RsState:
    """What the manager knows of one real server of one service."""

    vs: VirtualServer
    rs: RealServer
    health: RsHealth
    checker_ok: list[bool]
    reason: str = "not checked yet"
    since: float = 0.0
    checks: int = 0
    failures: int = 0
    transitions: int = 0
    dynamic_weight: int | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    stopped: bool = False  # its checkers must end (a cancellation can get lost in wait_for)

    def stop_tasks(self) -> list[asyncio.Task[None]]:
        """Tell this server's checkers to end and cancel them; the tasks."""
        self.stopped = True
        for task in self.tasks:
            task.cancel()
        return self.tasks


def _spawn_script(command: str, args: Sequence[str]) -> None:
    """Start a notify script in the background (the loop reaps it)."""

    async def run() -> None:
        try:
            argv = [*shlex.split(command), *args]
            proc = await asyncio.create_subprocess_exec(
                *argv, stdin=asyncio.subprocess.DEVNULL, start_new_session=True
            )
            await asyncio.wait_for(proc.wait(), 60)
        except (OSError, ValueError, TimeoutError) as exc:
            log.warning("notify script %r failed: %s", command, exc)

    task = asyncio.get_running_loop().create_task(run())
    _SCRIPTS.add(task)
    task.add_done_callback(_SCRIPTS.discard)


_SCRIPTS: set[asyncio.Task[None]] = set()


class HealthManager:
    """Health state and checker tasks of one configuration; see the module docstring."""

    def __init__(
        self,
        config: Config,
        apply: Apply,
        *,
        run_script: RunScript = _spawn_script,
        checker_factory: MakeChecker = make_checker,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.config = config
        self.apply = apply
        self.run_script = run_script
        self.checker_factory = checker_factory
        self.clock = clock
        self.rand = rand
        self.states: dict[RsKey, RsState] = {}
        self.quorum: dict[ServiceKey, bool] = {}
        self.table: Table = {}
        self.running = False
        self._adopt(config, {})

    # -- configuration ---------------------------------------------------------

    def _adopt(self, config: Config, old: dict[RsKey, RsState]) -> list[RsState]:
        """Take ``config``'s real servers, keeping the state of unchanged ones."""
        now = self.clock()
        states: dict[RsKey, RsState] = {}
        fresh: list[RsState] = []
        quorum: dict[ServiceKey, bool] = {}
        for vs in config.virtual_servers:
            key = service_key(vs)
            for rs in vs.real_servers:
                rk = (key, rs.ident())
                prev = old.get(rk)
                if prev is not None and prev.rs.checkers == rs.checkers:
                    prev.vs, prev.rs = vs, rs
                    weight = prev.dynamic_weight if prev.dynamic_weight is not None else rs.weight
                    prev.health = RsHealth(prev.health.alive, weight)
                    states[rk] = prev
                    continue
                h = initial_health(rs, vs.alpha)
                st = RsState(vs, rs, h, [h.alive] * len(rs.checkers), since=now,
                             reason="no checker" if not rs.checkers else "not checked yet")
                states[rk] = st
                fresh.append(st)
            was_up = self.quorum.get(key, False)  # a new service starts without quorum
            quorum[key] = quorum_next(vs, was_up, live_weight(vs, self._health_of(key, states)))
        for rk, st in old.items():
            if rk not in states or states[rk] is not st:
                st.stop_tasks()
        self.states = states
        self.quorum = quorum
        self.config = config
        return fresh

    @staticmethod
    def _health_of(key: ServiceKey, states: dict[RsKey, RsState]) -> dict[DestKey, RsHealth]:
        return {ident: st.health for (k, ident), st in states.items() if k == key}

    def desired_table(self) -> Table:
        """The table this configuration and the current health call for."""
        table: Table = {}
        for vs in self.config.virtual_servers:
            key = service_key(vs)
            table[key] = service_entry(vs, self._health_of(key, self.states),
                                       self.quorum.get(key, True))
        return table

    def _sync(self) -> list[Operation]:
        new = self.desired_table()
        ops = diff_tables(self.table, new)
        self.table = new
        if ops:
            self.apply(ops)
        return ops

    def program(self) -> list[Operation]:
        """Bring the table to what the configuration and current health call for."""
        return self._sync()

    def start(self) -> list[Operation]:
        """Program the initial table and start every checker (inside the event loop)."""
        self.running = True
        ops = self._sync()
        for st in self.states.values():
            self._start_tasks(st)
        return ops

    def reload(self, config: Config) -> list[Operation]:
        """Switch to ``config``: apply only the table difference, keep unchanged checkers."""
        fresh = self._adopt(config, self.states)
        ops = self._sync()
        if self.running:
            for st in fresh:
                self._start_tasks(st)
        return ops

    async def stop(self) -> None:
        """Cancel every checker (the table is left as it is)."""
        self.running = False
        tasks = [t for st in self.states.values() for t in st.stop_tasks()]
        if tasks:
            await asyncio.wait(tasks, timeout=STOP_WAIT)

    # -- checking ----------------------------------------------------------------

    def _start_tasks(self, st: RsState) -> None:
        loop = asyncio.get_running_loop()
        for i, cfg in enumerate(st.rs.checkers):
            checker = self.checker_factory(cfg, st.rs)
            st.tasks.append(loop.create_task(self._run_checker(st, i, checker)))

    async def _run_checker(self, st: RsState, index: int, checker: Checker) -> None:
        cfg = checker.cfg
        # first checks are spread over the warmup (or the delay loop), as keepalived's are,
        # so that hundreds of servers are not all checked in the same instant
        await asyncio.sleep(self.rand() * (cfg.warmup if cfg.warmup > 0 else cfg.delay_loop))
        while not st.stopped:
            result = await self._attempts(st, index, checker)
            if st.stopped:
                return
            try:
                self.report(st, index, result)
            except Exception:
                log.exception("applying a health change failed")
            await asyncio.sleep(cfg.delay_loop)

    async def _attempts(self, st: RsState, index: int, checker: Checker) -> CheckResult:
        result = await checker.check()
        st.checks += 1
        retries = checker.cfg.retry if st.checker_ok[index] else 0
        while not result.ok and retries > 0:
            retries -= 1
            await asyncio.sleep(checker.cfg.delay_before_retry)
            result = await checker.check()
            st.checks += 1
        if not result.ok:
            st.failures += 1
        return result

    def report(self, st: RsState, index: int, result: CheckResult) -> None:
        """Take one checker's concluded result for ``st`` and apply what changes."""
        kind = st.rs.checkers[index].kind
        st.checker_ok[index] = result.ok
        if result.ok:
            st.dynamic_weight = result.weight if result.weight is not None else st.dynamic_weight
        alive = all(st.checker_ok)
        weight = st.dynamic_weight if st.dynamic_weight is not None else st.rs.weight
        if not result.ok or alive:
            st.reason = f"{kind}: {result.reason}"
        if alive == st.health.alive and weight == st.health.weight:
            return
        was_alive = st.health.alive
        st.health = RsHealth(alive, weight)
        vs_label = st.vs.label()
        rs_label = addr_port_text(st.rs.af, st.rs.addr, st.rs.port)
        if alive != was_alive:
            st.transitions += 1
            st.since = self.clock()
            state = "up" if alive else "down"
            log.warning("%s: real server %s %s (%s)", vs_label, rs_label, state, st.reason)
            script = st.rs.notify_up if alive else st.rs.notify_down
            if script:
                self.run_script(script, [])
        else:
            log.info("%s: real server %s weight %d (%s)", vs_label, rs_label, weight, st.reason)
        self._update_quorum(st.vs)
        self._sync()

    def _update_quorum(self, vs: VirtualServer) -> None:
        key = service_key(vs)
        was = self.quorum.get(key, True)
        weight = live_weight(vs, self._health_of(key, self.states))
        now = quorum_next(vs, was, weight)
        if now == was:
            return
        self.quorum[key] = now
        threshold = vs.quorum + vs.hysteresis if now else vs.quorum - vs.hysteresis
        log.warning("%s: %s quorum (live weight %d, threshold %d)%s", vs.label(),
                    "gained" if now else "lost", weight, threshold,
                    "; sorry server " + ("out" if now else "in") if vs.sorry_server else "")
        script = vs.quorum_up if now else vs.quorum_down
        if script:
            self.run_script(script, [])

    # -- state for status ----------------------------------------------------------

    def snapshot(self) -> list[dict[str, Any]]:
        """Health of every real server, JSON-ready (for the control protocol)."""
        now = self.clock()
        out = []
        for (key, _ident), st in self.states.items():
            entry = self.table.get(key)
            in_table = entry is not None and st.rs.ident() in entry.dests
            out.append({
                "service": st.vs.label(),
                "real_server": addr_port_text(st.rs.af, st.rs.addr, st.rs.port),
                "alive": st.health.alive,
                "weight": st.health.weight,
                "configured_weight": st.rs.weight,
                "in_table": in_table,
                "checkers": [c.kind for c in st.rs.checkers],
                "reason": st.reason,
                "for_seconds": round(now - st.since, 1),
                "checks": st.checks,
                "failures": st.failures,
                "transitions": st.transitions,
            })
        for vs in self.config.virtual_servers:
            key = service_key(vs)
            if vs.sorry_server is not None:
                entry = self.table.get(key)
                sorry = vs.sorry_server
                out.append({
                    "service": vs.label(),
                    "real_server": addr_port_text(sorry.af, sorry.addr, sorry.port),
                    "alive": not self.quorum.get(key, True),
                    "weight": sorry.weight,
                    "configured_weight": sorry.weight,
                    "in_table": entry is not None and sorry.ident() in entry.dests,
                    "checkers": ["sorry_server"],
                    "reason": "quorum lost" if not self.quorum.get(key, True) else "quorum held",
                    "for_seconds": 0.0, "checks": 0, "failures": 0, "transitions": 0,
                })
        return out

    def quorum_snapshot(self) -> dict[str, bool]:
        """Quorum state of every service, by label."""
        return {vs.label(): self.quorum.get(service_key(vs), True)
                for vs in self.config.virtual_servers}
