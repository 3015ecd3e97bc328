"""``pylvs service save|restore|restart|status``: the rules file, as ``service ipvsadm`` does."""

from __future__ import annotations

import argparse
import os
import re
import sys

from pylvs.cli import director
from pylvs.control.client import Client, ControlError
from pylvs.control.rules import (
    DEFAULT_RULES,
    RulesFileError,
    line_of_call,
    parse_rules_text,
    read_rules_text,
    save_rules,
)
from pylvs.control.transport import default_socket_path
from pylvs.ipvsadm.listing import ListFormat, format_services
from pylvs.ipvsadm.resolve import SystemResolver

_CALL_ERROR = re.compile(r"^call (\d+): (.*)$", re.S)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``service`` command to the ``pylvs`` command line."""
    parser = subparsers.add_parser(
        "service", help="save, restore and restart the director's rules",
        description="Like `service ipvsadm save|restart|status`, for pylvsd and its "
        "rules file (ipvsadm -S format).",
    )
    parser.set_defaults(func=lambda _a: parser.error("choose save, restore, restart or status"))
    sub = parser.add_subparsers(dest="service_command", metavar="{save,restore,restart,status}")
    for name, func, text in (
        ("save", _save, "write the table to the rules file (atomically)"),
        ("restore", _restore, "replace the table by the rules file (all or nothing)"),
        ("restart", _restart, "stop pylvsd and start it again with the rules restored"),
        ("status", _status, "show the daemon and its table"),
    ):
        p = sub.add_parser(name, help=text)
        director.add_target_options(p)
        if name != "status":
            p.add_argument("--rules", metavar="FILE", default=None,
                           help="rules file (default: the daemon's, else " + DEFAULT_RULES + ")")
        if name == "restart":
            p.add_argument("--wait", type=float, default=60.0, metavar="S",
                           help="seconds to wait for stop and start (default 60)")
        p.set_defaults(func=func)
    status = subparsers.add_parser(
        "status", help="the director daemon and its table (same as `service status`)"
    )
    director.add_target_options(status)
    status.set_defaults(func=_status)


def _err(message: str) -> None:
    print(f"pylvs service: {message}", file=sys.stderr)


def _rules_path(args: argparse.Namespace, client: Client) -> str:
    if args.rules:
        return str(args.rules)
    rules = client.status().get("rules")
    return rules if isinstance(rules, str) and rules else DEFAULT_RULES


def _save(args: argparse.Namespace) -> int:
    with Client(args.socket) as client:
        path = _rules_path(args, client)
        services = client.list_services()
    try:
        save_rules(path, services)
    except OSError as exc:
        _err(f"cannot write {path}: {exc.strerror or exc}")
        return 1
    print(f"saved {len(services)} service(s) to {path}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    with Client(args.socket) as client:
        path = _rules_path(args, client)
        if not os.path.exists(path):  # unlike at start-up: restoring "nothing" would flush
            _err(f"{path}: no such rules file; nothing changed")
            return 1
        try:
            text = read_rules_text(path)
            calls = parse_rules_text(path, text)
        except RulesFileError as exc:
            _err(f"{exc}; nothing changed")
            return 1
        try:
            client.restore(calls)
        except ControlError as exc:
            m = _CALL_ERROR.match(exc.message)
            if m is None:
                raise
            lineno = line_of_call(text, int(m.group(1)) - 1)
            where = f"{path}:{lineno}" if lineno is not None else path
            _err(f"{where}: {m.group(2)}; nothing changed")
            return 1
    print(f"restored {len(calls)} rule(s) from {path}")
    return 0


def _restart(args: argparse.Namespace) -> int:
    socket_path = args.socket or default_socket_path()
    pidfile = args.pidfile or director.pidfile_for(socket_path)
    status = director.daemon_status(socket_path)
    argv: list[str]
    if status is not None and isinstance(status.get("argv"), list):
        argv = [str(a) for a in status["argv"]]
    else:
        argv = ["--socket", socket_path, "--rules", args.rules or DEFAULT_RULES]
    if args.rules:
        argv = _replace_option(argv, "--rules", args.rules)
    if "--pidfile" not in argv:
        argv += ["--pidfile", pidfile]
    code = director.stop_daemon(socket_path, pidfile, args.wait)
    if code:
        return code
    return director.start_daemon(
        argv, socket_path, director.logfile_for(socket_path), args.wait
    )


def _replace_option(argv: list[str], option: str, value: str) -> list[str]:
    out = list(argv)
    if option in out:
        out[out.index(option) + 1] = value
    else:
        out += [option, value]
    return out


def _status(args: argparse.Namespace) -> int:
    socket_path = args.socket or default_socket_path()
    status = director.daemon_status(socket_path)
    if status is None:
        print(f"pylvsd is not running on {socket_path}")
        return director.STATUS_NOT_RUNNING
    print("\n".join(director.describe(status)))
    with Client(socket_path) as client:
        if status.get("config"):  # --config: services with their real servers' health
            from pylvs.cli.health import print_health_table

            print_health_table(client)
            return 0
        text = format_services(
            client.list_services(), ListFormat(numeric=True), SystemResolver(), client.get_info()
        )
    print(text, end="")
    return 0
