"""pylvsd ``--config``: program a declarative configuration, health-check it, reload it."""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Callable
from typing import Any

from pylvs.config import Config, ConfigError, load_config
from pylvs.config.diff import Operation, diff_tables
from pylvs.config.table import build_table
from pylvs.control.dispatch import BatchError, apply_call, check_batch
from pylvs.core.errors import IPVSError
from pylvs.core.ipvs import IPVS
from pylvs.health.manager import HealthManager

log = logging.getLogger("pylvsd")


class ConfigRejected(Exception):
    """A configuration file cannot be used; ``str()`` says where and why."""


def load_checked(path: str) -> Config:
    """Parse ``path`` and check that its whole table can be programmed."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        raise ConfigRejected(str(exc)) from None
    ops = diff_tables({}, build_table(config))
    try:
        check_batch(list(ops))
    except BatchError as exc:
        op, args = ops[exc.index]
        raise ConfigRejected(f"{path}: {op} {args[0] if args else ''}: {exc.message}") from None
    return config


class ConfigRuntime:
    """One configuration file in a running daemon: its table, checkers and reloads."""

    def __init__(self, path: str, ipvs: IPVS, changed: Callable[[], None]) -> None:
        self.path = os.path.abspath(path)  # reloads must not depend on a later cwd
        self.ipvs = ipvs
        self.changed = changed
        self.config = load_checked(self.path)
        self.manager = HealthManager(self.config, self._apply)
        self.reloads = 0

    def _apply(self, ops: list[Operation]) -> None:
        failed = 0
        for op, args in ops:
            try:
                apply_call(self.ipvs, op, args)
            except IPVSError as exc:  # someone changed the table by hand meanwhile
                failed += 1
                log.warning("config: %s failed: %s", op, exc.detail or errno.errorcode.get(
                    exc.errno, exc.errno))
        if len(ops) > failed:
            self.changed()

    def _log_ignored(self, config: Config) -> None:
        for line in config.ignored:
            log.info("config: %s", line)
        for line in config.warnings:
            log.warning("config: %s", line)

    def start(self) -> None:
        """Program the table and start the checkers (inside the event loop)."""
        self._log_ignored(self.config)
        ops = self.manager.start()
        log.info("config %s: %d service(s), %d operation(s)", self.path,
                 len(self.config.virtual_servers), len(ops))

    def reload(self) -> dict[str, Any]:
        """Re-read the file; apply only the difference. ConfigRejected leaves all as it was."""
        try:
            config = load_checked(self.path)
        except ConfigRejected as exc:
            log.error("reload rejected, running configuration kept: %s", exc)
            raise
        self._log_ignored(config)
        ops = self.manager.reload(config)
        self.config = config
        self.reloads += 1
        log.info("reloaded %s: %d operation(s)", self.path, len(ops))
        return {"config": self.path, "operations": len(ops),
                "services": len(config.virtual_servers),
                "ignored": list(config.ignored) + list(config.warnings)}

    def health(self) -> dict[str, Any]:
        """Health of every real server and quorum of every service (JSON-ready)."""
        return {"config": self.path, "reloads": self.reloads,
                "quorum": self.manager.quorum_snapshot(),
                "real_servers": self.manager.snapshot()}

    async def stop(self) -> None:
        """Stop the checkers."""
        await self.manager.stop()


def control_handlers(
    runtime: Callable[[], ConfigRuntime | None], reload_rules: Callable[[], None]
) -> dict[str, Callable[..., Any]]:
    """The ``reload`` and ``health`` operations of the control protocol."""

    def reload_op() -> dict[str, Any]:
        rt = runtime()
        if rt is None:
            reload_rules()
            return {"config": None, "rules": True}
        try:
            return rt.reload()
        except ConfigRejected as exc:
            raise IPVSError(errno.EINVAL, f"reload rejected, running configuration kept: {exc}"
                            ) from None

    def health_op() -> dict[str, Any]:
        rt = runtime()
        if rt is None:
            return {"config": None, "reloads": 0, "quorum": {}, "real_servers": []}
        return rt.health()

    return {"reload": reload_op, "health": health_op}
