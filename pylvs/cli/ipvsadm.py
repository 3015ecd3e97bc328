"""``pylvs-ipvsadm``: ipvsadm 1.31's command line, run against pylvsd over the control socket.

Output, messages and exit codes are ipvsadm's, byte for byte (tests/golden/ipvsadm),
except where ipvsadm cannot apply or is broken:

* ``-h`` prints this tool's own usage text (exit 0, as ipvsadm);
* without a daemon, commands print one line naming the socket and exit 2
  (ipvsadm's "Can't initialize ipvs" status); ``-h``, ``-v`` and bad command
  lines need no daemon;
* sync daemons are not available in this version: ``--start-daemon`` and
  ``--stop-daemon`` fail with exit 255, ``-L --daemon`` with exit 1;
* ``-b ,`` means no flags (ipvsadm 1.31 crashes);
* ``-R`` accepts the negative marks ``-S`` prints for fwmarks of 2^31 and above;
* ``--nosort`` lists services in the daemon's table order, not the kernel's hash order.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import IO, Any

from pylvs.control.client import Client, ControlError, DaemonUnavailable
from pylvs.ipvsadm.command import Command, parse_command
from pylvs.ipvsadm.help import VERSION_LINE, usage
from pylvs.ipvsadm.legality import UsageError, try_help
from pylvs.ipvsadm.listing import (
    ListFormat,
    format_conns,
    format_daemons,
    format_services,
    format_timeouts,
)
from pylvs.ipvsadm.messages import kernel_message
from pylvs.ipvsadm.resolve import Resolver, SystemResolver
from pylvs.ipvsadm.rules import TABLE_COMMANDS, restore_lines
from pylvs.ipvsadm.save import format_save

Call = tuple[str, tuple[Any, ...]]


class Runner:
    """Carries out parsed commands with a Client, writing what ipvsadm writes."""

    def __init__(
        self, client: Client, stdin: IO[str], stdout: IO[str], stderr: IO[str],
        resolver: Resolver, prog: str,
    ) -> None:
        self.client = client
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.resolver = resolver
        self.prog = prog

    def fail(self, op: str, exc: ControlError, status: int = 255) -> int:
        """Print libipvs's message for a failed operation; returns ``status``."""
        self.stderr.write(kernel_message(op, exc.errno, exc.message) + "\n")
        return status

    def run(self, c: Command) -> int:
        """Run one command; returns ipvsadm's exit status."""
        if c.cmd == "h":
            self.stdout.write(usage(self.prog))
            return 0
        if c.cmd == "v":
            self.stdout.write(VERSION_LINE)
            return 0
        if c.cmd == "L":
            return self.list(c)
        if c.cmd == "S":
            try:
                services = self.client.list_services()
            except ControlError as exc:
                return self.fail("list_services", exc, 1)
            self.stdout.write(format_save(services, c.has("numeric"), self.resolver))
            return 0
        if c.cmd == "R":
            return self.restore()
        if c.cmd == "start-daemon":
            d = c.daemon
            opts = {k: v for k, v in (
                ("state", d.state), ("mcast_ifn", d.mcast_ifn), ("syncid", d.syncid),
                ("mcast_group", d.mcast_group), ("mcast_port", d.mcast_port),
                ("mcast_ttl", d.mcast_ttl), ("sync_maxlen", d.sync_maxlen)) if v is not None}
            try:
                self.client.start_daemon(**opts)
            except ControlError as exc:
                return self.fail("start_daemon", exc)
            return 0
        if c.cmd == "stop-daemon":
            try:
                self.client.stop_daemon(c.daemon.state, c.daemon.syncid)
            except ControlError as exc:
                return self.fail("stop_daemon", exc)
            return 0
        call = c.call()
        assert call is not None
        op, args = call
        try:
            getattr(self.client, op)(*args)
        except ControlError as exc:
            return self.fail(op, exc)
        return 0

    def list(self, c: Command) -> int:
        """``-L``: the table, one service, connections, timeouts or daemons."""
        fmt = ListFormat(
            numeric=c.has("numeric"), stats=c.has("stats"), rate=c.has("rate"),
            thresholds=c.has("thresholds"), persistent_conn=c.has("persistent-conn"),
            tun_info=c.has("tun-info"), exact=c.has("exact"), nosort=c.has("nosort"),
        )
        try:
            if c.has("connection"):
                conns = self.client.list_conns()
                self.stdout.write(
                    format_conns(conns, self.resolver, fmt.numeric, fmt.persistent_conn))
            elif c.has("timeout"):
                t = self.client.get_timeouts()
                self.stdout.write(format_timeouts(t.tcp, t.tcpfin, t.udp))
            elif c.has("daemon"):
                try:
                    daemons = self.client.list_daemons()
                except ControlError as exc:
                    if exc.errno != errno.ENOSYS:
                        raise
                    # no sync daemon in this version: say so rather than list nothing
                    return self.fail("list_daemons", exc, 1)
                self.stdout.write(format_daemons(daemons))
            elif c.has("service-address"):
                services = self.client.list_services(c.service_key())
                self.stdout.write(format_services(services, fmt, self.resolver))
            else:
                info = self.client.get_info()
                services = self.client.list_services()
                self.stdout.write(format_services(services, fmt, self.resolver, info))
        except ControlError as exc:
            return self.fail("list_services", exc, 1)
        return 0

    def restore(self) -> int:
        """``-R``: each stdin line is a command; table operations go in batches."""
        status = 0
        pending: list[Call] = []

        def flush() -> int:
            result = status
            if pending:
                for (op, _), err in zip(pending, self.client.apply(pending), strict=True):
                    if err is None:
                        result = 0
                    else:
                        self.stderr.write(kernel_message(op, err.errno, err.message) + "\n")
                        result = 255
                pending.clear()
            return result

        try:
            text = self.stdin.read()
        except (UnicodeDecodeError, OSError) as exc:
            self.stderr.write(f"{self.prog}: cannot read the rules on standard input: {exc}\n")
            return 2
        for _, words in restore_lines(text):
            try:
                c = parse_command(words, self.resolver, self.prog, restore=True)
                if c.cmd == "R":
                    raise try_help(self.prog)
            except UsageError as exc:
                status = flush()
                self.stderr.write(exc.text)
                if exc.status == 2 or exc.text.startswith("Try `"):
                    return exc.status
                status = exc.status
                continue
            call = c.call() if c.cmd in TABLE_COMMANDS else None
            if call is not None:
                pending.append(call)
                continue
            status = flush()
            status = self.run(c)
            if c.cmd in ("h", "v"):
                return status
        return flush()


def main(
    argv: list[str] | None = None,
    *,
    client: Client | None = None,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    resolver: Resolver | None = None,
    prog: str | None = None,
) -> int:
    """Run one ipvsadm command line (``argv`` without the program name); returns the status."""
    if argv is None:
        argv = sys.argv[1:]
        prog = prog or os.path.basename(sys.argv[0]) or "ipvsadm"
    prog = prog or "ipvsadm"
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    resolver = resolver or SystemResolver()
    try:
        command = parse_command(argv, resolver, prog)
    except UsageError as exc:
        err.write(exc.text)
        return exc.status
    runner = Runner(client or Client(), stdin or sys.stdin, out, err, resolver, prog)
    try:
        status = runner.run(command)
        out.flush()
        return status
    except DaemonUnavailable as exc:
        err.write(f"{exc}\n")
        return 2
    except BrokenPipeError:  # the reader went away (e.g. `| head`): quiet, as ipvsadm
        if out is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
