"""pylvsd: the director daemon. Owns one IPVS table, serves the control socket, runs timers."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import os
import signal
import sys
import time
from collections.abc import Sequence
from typing import Any, Protocol

from pylvs import compiled
from pylvs.control.config_runtime import ConfigRejected, ConfigRuntime, control_handlers
from pylvs.control.dispatch import Dispatcher
from pylvs.control.rules import DEFAULT_RULES, RulesFileError, restore_into, save_rules
from pylvs.control.server import ControlServer, SocketInUse
from pylvs.control.transport import default_socket_path
from pylvs.core.ipvs import IPVS
from pylvs.core.stats import ESTIMATOR_PERIOD
from pylvs.core.views import service_views
from pylvs.datapath import XDP_MODES

log = logging.getLogger("pylvsd")

EXPIRE_PERIOD = 1.0  # seconds between two expiry runs
GC_THRESHOLDS = (10_000, 50, 1000)
DATAPATH_KINDS = ("auto", "python", "xdp", "none")


class Datapath(Protocol):
    """What the daemon needs of a datapath (built by ``pylvs.datapath.create``)."""

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def table_changed(self) -> None: ...
    def counters(self) -> dict[str, Any]: ...


class StartupError(Exception):
    """The daemon refuses to start; ``str()`` says why in one line."""


def build_parser() -> argparse.ArgumentParser:
    """The command line of pylvsd (``pylvs director run`` shares it)."""
    p = argparse.ArgumentParser(
        prog="pylvsd", description="pylvs director daemon: IPVS table, control socket, datapath"
    )
    add_daemon_options(p)
    return p


def add_daemon_options(p: argparse.ArgumentParser) -> None:
    """Add pylvsd's options to ``p``."""
    p.add_argument("--socket", metavar="PATH", default=None,
                   help="control socket (default: $PYLVS_SOCKET or /run/pylvs/pylvsd.sock)")
    p.add_argument("--rules", metavar="FILE", default=DEFAULT_RULES,
                   help=f"rules restored at start, ipvsadm -R format (default {DEFAULT_RULES})")
    p.add_argument("--config", metavar="FILE", default=None,
                   help="keepalived.conf or .toml configuration with health checks "
                   "(instead of --rules; SIGHUP reloads it)")
    p.add_argument("--save-on-exit", action="store_true",
                   help="save the table to the rules file on SIGTERM/SIGINT")
    p.add_argument("--interface", metavar="IFACE", action="append", default=[],
                   help="serve packets on IFACE (repeatable); without it: control only")
    p.add_argument("--datapath", choices=DATAPATH_KINDS, default=None,
                   help="packet path when --interface is given (default auto)")
    p.add_argument("--xdp-mode", choices=XDP_MODES, default="auto",
                   help="how the XDP program attaches: native (driver) or generic (skb) mode;"
                   " auto: generic on veth, else the driver's choice (default auto)")
    p.add_argument("--pidfile", metavar="FILE", default=None, help="write the pid here")
    p.add_argument("--log-level", default="info",
                   choices=("debug", "info", "warning", "error"), help="stderr log level")


class Daemon:
    """One running director: table, dispatcher, control server, timers, optional datapath."""

    def __init__(self, opts: argparse.Namespace) -> None:
        self.opts = opts
        self.socket_path: str = opts.socket or default_socket_path()
        self.rules_path: str = opts.rules
        self.ipvs = IPVS()
        self.started = time.monotonic()
        self.datapath: Datapath | None = None
        self.datapath_kind = "none"
        self.config_runtime: ConfigRuntime | None = None
        self.dispatcher = Dispatcher(
            self.ipvs, on_change=self._table_changed, clock=time.monotonic, status=self._status,
            handlers=control_handlers(lambda: self.config_runtime, self.reload),
            before_read=self._sync_datapath,
        )
        self.server = ControlServer(self.dispatcher, self.socket_path)
        self._stop = asyncio.Event()

    def _sync_datapath(self) -> None:
        if self.datapath is not None:
            try:
                self.datapath.sync()
            except Exception:  # a listing must still answer with what the table holds
                log.exception("datapath failed to fold its counters")

    def _table_changed(self) -> None:
        if self.datapath is not None:
            try:
                self.datapath.table_changed()
            except Exception:  # the change is made; the datapath must not undo the reply
                log.exception("datapath failed to take the table change")

    def _status(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "pid": os.getpid(),
            "uptime": round(time.monotonic() - self.started, 1),
            "socket": self.socket_path,
            "rules": self.rules_path,
            "config": self.opts.config,
            "datapath": self.datapath_kind,
            "datapath_detail": str(getattr(self.datapath, "detail", "")),
            "code": compiled.status(),
            "interfaces": list(self.opts.interface),
            "argv": daemon_argv(self.opts),
        }
        if self.datapath is not None:
            out["datapath_counters"] = self.datapath.counters()
        return out

    def restore(self) -> None:
        """Load the rules file (or the --config file) into the table, all or nothing."""
        if self.opts.config:
            log.info("--config %s given: the rules file is not restored", self.opts.config)
            try:
                self.config_runtime = ConfigRuntime(
                    self.opts.config, self.ipvs, self._table_changed
                )
            except ConfigRejected as exc:
                raise StartupError(f"refusing to start: {exc}") from None
            return
        try:
            n = restore_into(self.ipvs, self.rules_path)
        except RulesFileError as exc:
            raise StartupError(f"refusing to start: {exc}") from None
        log.info("restored %d rule(s) from %s", n, self.rules_path)

    def _build_datapath(self, loop: asyncio.AbstractEventLoop) -> None:
        kind = self.opts.datapath or "auto"
        if not self.opts.interface or kind == "none":
            if self.opts.datapath not in (None, "none"):
                raise StartupError(f"--datapath {kind} needs at least one --interface")
            log.info("control only: no datapath")
            return
        from pylvs import datapath  # imported only when packets are to be served

        interfaces = list(self.opts.interface)
        try:
            built = datapath.create(kind, self.ipvs, interfaces, loop,
                                    xdp_mode=self.opts.xdp_mode)
            self.datapath = built
            self.datapath_kind = str(getattr(built, "kind", kind))
            built.start()
        except Exception as exc:  # whatever the datapath raises, refuse with its reason
            log.debug("datapath start failed", exc_info=True)
            raise StartupError(f"cannot start the {kind} datapath on "
                               f"{', '.join(interfaces)}: {exc}") from None
        log.info("datapath %s on %s", self.datapath_kind, ", ".join(interfaces))

    async def _timers(self) -> None:
        next_estimate = time.monotonic() + ESTIMATOR_PERIOD
        while True:
            await asyncio.sleep(EXPIRE_PERIOD)
            now = time.monotonic()
            try:
                self.ipvs.expire(now)
                if now >= next_estimate:
                    self.ipvs.estimate()
                    next_estimate += ESTIMATOR_PERIOD
                    if next_estimate < now:
                        next_estimate = now + ESTIMATOR_PERIOD
            except Exception:
                log.exception("timer run failed")

    async def run(self) -> None:
        """Serve until SIGTERM or SIGINT, then shut down cleanly."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._on_signal, sig)
        loop.add_signal_handler(signal.SIGHUP, self.reload)
        try:
            self._build_datapath(loop)
            try:
                await self.server.start()
            except (SocketInUse, OSError) as exc:
                raise StartupError(f"cannot serve {self.socket_path}: {exc}") from None
            write_pidfile(self.opts.pidfile)
            log.info("pylvsd %d serving %s; core and packet: %s", os.getpid(),
                     self.socket_path, compiled.status())
            if self.config_runtime is not None:
                self.config_runtime.start()
            timers = asyncio.create_task(self._timers())
            await self._stop.wait()
            timers.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timers
        finally:
            await self.shutdown()

    def reload(self) -> None:
        """SIGHUP: replace the table by the rules file, all or nothing (errors are logged)."""
        if self.config_runtime is not None:  # --config: apply the difference only
            with contextlib.suppress(ConfigRejected):
                self.config_runtime.reload()
            return
        if not os.path.exists(self.rules_path):  # a missing file would flush everything
            log.error("SIGHUP: %s does not exist; table unchanged", self.rules_path)
            return
        try:
            n = restore_into(self.ipvs, self.rules_path)
        except RulesFileError as exc:
            log.error("SIGHUP: rules not reloaded, table unchanged: %s", exc)
            return
        self._table_changed()
        log.info("SIGHUP: reloaded %d rule(s) from %s", n, self.rules_path)

    def _on_signal(self, sig: int) -> None:
        log.info("%s: shutting down", signal.Signals(sig).name)
        self._stop.set()

    async def shutdown(self) -> None:
        """Stop serving, stop the datapath, save if asked, remove socket and pidfile."""
        await self.server.stop()
        if self.config_runtime is not None:
            await self.config_runtime.stop()
        if self.datapath is not None:
            try:
                self.datapath.stop()
            except Exception:
                log.exception("datapath stop failed")
            self.datapath = None
        if self.opts.save_on_exit:
            try:
                save_rules(self.rules_path, service_views(self.ipvs))
                log.info("saved rules to %s", self.rules_path)
            except Exception as exc:
                log.error("could not save rules to %s: %s", self.rules_path, exc)
        remove_pidfile(self.opts.pidfile)


def daemon_argv(opts: argparse.Namespace) -> list[str]:
    """The pylvsd arguments that recreate this daemon (for ``restart``)."""
    argv = ["--socket", opts.socket or default_socket_path(), "--rules", opts.rules]
    if opts.config:
        argv += ["--config", opts.config]
    if opts.save_on_exit:
        argv.append("--save-on-exit")
    for iface in opts.interface:
        argv += ["--interface", iface]
    if opts.datapath:
        argv += ["--datapath", opts.datapath]
    if opts.xdp_mode != "auto":
        argv += ["--xdp-mode", opts.xdp_mode]
    if opts.pidfile:
        argv += ["--pidfile", opts.pidfile]
    argv += ["--log-level", opts.log_level]
    return argv


def write_pidfile(path: str | None) -> None:
    """Write our pid to ``path`` (if given)."""
    if not path:
        return
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, mode=0o755, exist_ok=True)
    with open(path, "w", encoding="ascii") as f:
        f.write(f"{os.getpid()}\n")


def remove_pidfile(path: str | None) -> None:
    """Remove ``path`` if it still names this process."""
    if not path:
        return
    try:
        with open(path, encoding="ascii") as f:
            if f.read().strip() != str(os.getpid()):
                return
        os.unlink(path)
    except OSError:
        pass


def run(opts: argparse.Namespace) -> int:
    """Run a daemon in the foreground; returns the exit status."""
    logging.basicConfig(
        level=getattr(logging, opts.log_level.upper()),
        format="pylvsd[%(process)d] %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    # The table is a large, long-lived object graph: collect the young generation
    # less often and rarely do full passes over it (big restores and listings).
    gc.set_threshold(GC_THRESHOLDS[0], GC_THRESHOLDS[1], GC_THRESHOLDS[2])
    try:
        daemon = Daemon(opts)
        daemon.restore()
        asyncio.run(daemon.run())
    except StartupError as exc:
        print(f"pylvsd: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``pylvsd``."""
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
