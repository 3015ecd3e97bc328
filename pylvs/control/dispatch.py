"""Executes control requests against one IPVS table: request line in, reply line out.

The daemon's socket server and the in-process transport both go through
:class:`Dispatcher`, so tests that use the latter exercise the same encoding,
validation and errors as the real daemon.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable
from typing import Any

from pylvs.control import wire
from pylvs.core.constants import CONN_TAB_SIZE, IPVS_VERSION
from pylvs.core.errors import IPVSError
from pylvs.core.ipvs import IPVS
from pylvs.core.views import conn_views, service_view, service_views
from pylvs.ipvsadm.messages import kernel_message

Call = tuple[str, tuple[Any, ...]]
log = logging.getLogger("pylvsd")
SYNC_UNAVAILABLE = "the connection synchronisation daemon is not available in this version"


class BatchError(Exception):
    """One call of an all-or-nothing batch failed; nothing was applied."""

    def __init__(self, index: int, err: int, message: str) -> None:
        self.index = index
        self.errno = err
        self.message = message
        super().__init__(f"call {index + 1}: {message}")


READ_OPS = frozenset({"list_services", "list_conns", "status"})


def apply_call(ipvs: IPVS, op: str, args: tuple[Any, ...]) -> None:
    """Run one mutating operation on ``ipvs`` (raises IPVSError as the kernel would)."""
    if op not in wire.MUTATING_OPS:
        raise IPVSError(errno.EINVAL, f"{op!r} is not a table operation")
    getattr(ipvs, op)(*args)


def check_batch(calls: list[Call]) -> None:
    """Raise BatchError unless every call succeeds, in order, on an empty table.

    The calls run on a scratch table, so a real table is replaced only by a
    batch known to succeed.
    """
    scratch = IPVS()
    for i, (op, args) in enumerate(calls):
        try:
            apply_call(scratch, op, args)
        except IPVSError as exc:
            message = kernel_message(op, exc.errno, exc.detail)
            if exc.detail and exc.detail != message:
                message += f" ({exc.detail})"
            raise BatchError(i, exc.errno, message) from None


def replace_table(ipvs: IPVS, calls: list[Call]) -> None:
    """All or nothing: check ``calls``, then flush ``ipvs`` and apply them."""
    check_batch(calls)
    ipvs.flush()
    for op, args in calls:
        apply_call(ipvs, op, args)


def error_text(exc: IPVSError) -> str:
    """The message of an IPVSError as the protocol carries it."""
    return exc.detail or errno.errorcode.get(exc.errno, str(exc.errno))


class Dispatcher:
    """Runs decoded requests on ``ipvs``; one :class:`Session` per client connection.

    ``on_change`` is called after every operation that changed the table;
    ``clock`` gives the time for connection listings; ``status`` adds
    daemon-level facts to the ``status`` operation; ``before_read`` runs before
    every listing (the datapath folds what its fast path counted into the table).
    """

    def __init__(
        self,
        ipvs: IPVS,
        on_change: Callable[[], None] | None = None,
        clock: Callable[[], float] | None = None,
        status: Callable[[], dict[str, Any]] | None = None,
        handlers: dict[str, Callable[..., wire.JSON]] | None = None,
        before_read: Callable[[], None] | None = None,
    ) -> None:
        self.ipvs = ipvs
        self.before_read = before_read
        self.handlers = handlers or {}  # daemon-level operations (reload, health)
        self.on_change = on_change
        self.clock = clock or (lambda: 0.0)
        self.status = status
        self._default = Session(self)

    def session(self) -> Session:
        """A fresh per-connection session (it holds calls staged for ``restore``)."""
        return Session(self)

    def handle_line(self, line: bytes) -> bytes:
        """One request line -> one reply line, in a session shared by such callers."""
        return self._default.handle_line(line)

    def changed(self) -> None:
        """Tell the owner that the table changed."""
        if self.on_change is not None:
            self.on_change()

    def execute(self, op: str, args: tuple[Any, ...]) -> wire.JSON:
        """Run one decoded, session-independent operation and return its JSON result."""
        ipvs = self.ipvs
        if op in wire.MUTATING_OPS:
            apply_call(ipvs, op, args)
            self.changed()
            return None
        if op == "apply":
            return self._apply(args[0])
        if op == "get_timeouts":
            return wire.encode_timeouts(ipvs.timeouts)
        if op == "get_info":
            return [IPVS_VERSION, CONN_TAB_SIZE]
        if op in READ_OPS and self.before_read is not None:
            self.before_read()
        if op == "list_services":
            key = args[0]
            if key is None:
                return [wire.encode_service_view(v) for v in service_views(ipvs)]
            return [wire.encode_service_view(service_view(ipvs.get_service(key)))]
        if op == "list_conns":
            return [wire.encode_conn_view(c) for c in conn_views(ipvs, self.clock())]
        if op == "status":
            return self._status()
        if op in self.handlers:
            return self.handlers[op](*args)
        if op in ("start_daemon", "stop_daemon", "list_daemons"):
            raise IPVSError(errno.ENOSYS, SYNC_UNAVAILABLE)
        raise wire.WireError(errno.EOPNOTSUPP, f"unknown operation {op!r}")

    def _apply(self, calls: list[Call]) -> wire.JSON:
        results: list[wire.JSON] = []
        changed = False
        for op, args in calls:
            try:
                apply_call(self.ipvs, op, args)
            except IPVSError as exc:
                results.append({"errno": exc.errno, "error": error_text(exc)})
            else:
                results.append(None)
                changed = True
        if changed:
            self.changed()
        return results

    def _status(self) -> dict[str, Any]:
        services = self.ipvs.services.values()
        out: dict[str, Any] = {
            "services": len(services),
            "dests": sum(len(s.dests) for s in services),
            "conns": len(self.ipvs.conns),
        }
        if self.status is not None:
            out.update(self.status())
        return out


class Session:
    """One client connection's view of the dispatcher: request line in, reply line out."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.staged: list[Call] = []

    def handle_line(self, line: bytes) -> bytes:
        """One request line -> one reply line; never raises for a bad request."""
        try:
            op, args = wire.decode_request(line)
            return wire.encode_ok(self._execute(op, args))
        except IPVSError as exc:
            return wire.encode_error(exc.errno, error_text(exc))
        except wire.WireError as exc:
            return wire.encode_error(exc.errno, exc.message)
        except BatchError as exc:
            return wire.encode_error(exc.errno, str(exc))
        except Exception as exc:  # a bug must not cost the client its answer
            log.exception("request failed unexpectedly")
            return wire.encode_error(errno.EIO, f"internal error: {exc.__class__.__name__}")

    def _execute(self, op: str, args: tuple[Any, ...]) -> wire.JSON:
        if op == "stage":
            self.staged.extend(args[0])
            return len(self.staged)
        if op == "restore":
            calls, self.staged = self.staged + args[0], []
            replace_table(self.dispatcher.ipvs, calls)
            self.dispatcher.changed()
            return None
        return self.dispatcher.execute(op, args)
