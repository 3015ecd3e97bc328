"""The client side of the control protocol: what every front end uses to talk to pylvsd."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from typing import Any

from pylvs.control import wire
from pylvs.control.transport import Transport, Unavailable, UnixSocket, default_socket_path
from pylvs.core.ipvs import Timeouts
from pylvs.core.model import DestSpec, ServiceKey, ServiceSpec
from pylvs.core.views import ConnView, ServiceView

Call = tuple[str, tuple[Any, ...]]
BATCH_BYTES = wire.MAX_REQUEST_BYTES - 4096  # room for the request envelope


class ControlError(Exception):
    """An operation failed the way the kernel fails it (``errno`` as the kernel's)."""

    def __init__(self, err: int, message: str) -> None:
        self.errno = err
        self.message = message
        super().__init__(message)


class DaemonUnavailable(Exception):
    """No daemon answers at ``socket``; ``str()`` is one line saying what to do."""

    def __init__(self, socket: str, message: str, err: int = 0) -> None:
        self.socket = socket
        self.errno = err  # why connecting failed (ENOENT, ECONNREFUSED, EACCES, ...)
        super().__init__(message)


class Client:
    """Talks to one pylvsd over its control socket (or any other transport); one per thread."""

    def __init__(self, path: str | None = None, *, transport: Transport | None = None) -> None:
        self.path = path or default_socket_path()
        self.transport: Transport = transport or UnixSocket(self.path)

    def close(self) -> None:
        """Close the connection to the daemon."""
        self.transport.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing -----------------------------------------------------------

    def _exchange(self, line: bytes) -> wire.JSON:
        return self._reply(self._transport_call(self.transport.exchange, line))

    @staticmethod
    def _reply(reply: bytes) -> wire.JSON:
        try:
            ok, result, err, message = wire.decode_reply(reply)
        except wire.WireError as exc:
            raise ControlError(exc.errno, exc.message) from None
        if not ok:
            raise ControlError(err, message)
        return result

    def call(self, op: str, *args: Any) -> wire.JSON:
        """Run one operation by name; returns its JSON result."""
        try:
            line = wire.encode_request(op, args)
        except wire.WireError as exc:
            raise ControlError(exc.errno, exc.message) from None
        return self._exchange(line)

    # -- table operations ----------------------------------------------------

    def add_service(self, spec: ServiceSpec) -> None:
        """``-A``: add a virtual service."""
        self.call("add_service", spec)

    def edit_service(self, spec: ServiceSpec) -> None:
        """``-E``: edit a virtual service."""
        self.call("edit_service", spec)

    def del_service(self, key: ServiceKey) -> None:
        """``-D``: delete a virtual service."""
        self.call("del_service", key)

    def flush(self) -> None:
        """``-C``: delete every virtual service."""
        self.call("flush")

    def zero(self, key: ServiceKey | None = None) -> None:
        """``-Z``: zero the counters of one service, or of all."""
        self.call("zero", key)

    def add_dest(self, key: ServiceKey, spec: DestSpec) -> None:
        """``-a``: add a real server."""
        self.call("add_dest", key, spec)

    def edit_dest(self, key: ServiceKey, spec: DestSpec) -> None:
        """``-e``: edit a real server."""
        self.call("edit_dest", key, spec)

    def del_dest(self, key: ServiceKey, af: int, addr: bytes, port: int) -> None:
        """``-d``: delete a real server."""
        self.call("del_dest", key, af, addr, port)

    def set_timeouts(self, tcp: int, tcpfin: int, udp: int) -> None:
        """``--set``: change the tcp, tcpfin and udp timeouts (0 keeps one)."""
        self.call("set_timeouts", tcp, tcpfin, udp)

    # -- queries ---------------------------------------------------------------

    def get_timeouts(self) -> Timeouts:
        """The current timeouts (``-L --timeout``)."""
        timeouts: Timeouts = self._decode(wire.decode_timeouts, self.call("get_timeouts"))
        return timeouts

    def get_info(self) -> tuple[int, int]:
        """(IPVS version code, connection table size)."""
        result = self.call("get_info")
        if (
            not isinstance(result, list)
            or len(result) != 2
            or not all(type(v) is int for v in result)
        ):
            raise ControlError(errno.EPROTO, "daemon sent a malformed reply")
        return result[0], result[1]

    def list_services(self, key: ServiceKey | None = None) -> list[ServiceView]:
        """Snapshots of all services, or of one (ESRCH when it does not exist)."""
        return self._decode_list(wire.decode_service_view, self.call("list_services", key))

    def list_conns(self) -> list[ConnView]:
        """Snapshots of the connection table (``-Lc``)."""
        return self._decode_list(wire.decode_conn_view, self.call("list_conns"))

    def status(self) -> dict[str, Any]:
        """Daemon summary: pid, uptime, socket, rules file, datapath, table sizes."""
        result = self.call("status")
        if not isinstance(result, dict):
            raise ControlError(errno.EPROTO, "daemon sent a malformed reply")
        return result

    @staticmethod
    def _decode(decoder: Any, data: wire.JSON) -> Any:
        try:
            return decoder(data)
        except wire.WireError as exc:
            raise ControlError(errno.EPROTO, f"daemon sent a malformed reply: {exc}") from None

    def _decode_list(self, decoder: Any, data: wire.JSON) -> list[Any]:
        if not isinstance(data, list):
            raise ControlError(errno.EPROTO, "daemon sent a malformed reply")
        return [self._decode(decoder, item) for item in data]

    # -- batches -----------------------------------------------------------------

    def apply(self, calls: list[Call]) -> list[ControlError | None]:
        """Run many table operations in order, continuing after errors.

        Returns one entry per call: None on success, else its ControlError. Big
        batches go in several requests within the request limit; over a socket
        the next one is encoded while the daemon applies the previous one.
        """
        results: list[ControlError | None] = []
        send = getattr(self.transport, "send", None)
        receive = getattr(self.transport, "receive", None)
        waiting: list[int] = []  # sizes of the chunks sent and not yet answered
        try:
            for chunk in self._iter_chunks(calls):
                line = self._checked_line("apply", chunk)
                if send is None or receive is None:
                    self._collect(results, self._exchange(line), len(chunk))
                    continue
                self._transport_call(send, line)
                waiting.insert(0, len(chunk))
                if len(waiting) > 1:
                    reply = self._reply(self._transport_call(receive))
                    self._collect(results, reply, waiting.pop())
            while waiting and receive is not None:
                reply = self._reply(self._transport_call(receive))
                self._collect(results, reply, waiting.pop())
        except BaseException:
            if waiting:  # a reply is still due: this connection is out of step
                self.transport.close()
            raise
        return results

    def _transport_call(self, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except Unavailable as exc:
            raise DaemonUnavailable(exc.socket, exc.reason, exc.errno) from None

    @staticmethod
    def _collect(results: list[ControlError | None], reply: wire.JSON, n: int) -> None:
        if not isinstance(reply, list) or len(reply) != n:
            raise ControlError(errno.EPROTO, "daemon sent a malformed reply")
        for item in reply:
            if item is None:
                results.append(None)
            elif isinstance(item, dict):
                results.append(ControlError(int(item["errno"]), str(item["error"])))
            else:
                raise ControlError(errno.EPROTO, "daemon sent a malformed reply")

    def restore(self, calls: list[Call]) -> None:
        """Replace the whole table by ``calls``, all or nothing (``service restore``).

        On failure nothing changes and the ControlError names the failing call
        as ``call N: ...`` (1-based). Big batches are staged on the connection in
        several requests and committed by the last one.
        """
        chunks = list(self._iter_chunks(calls)) or [[]]
        for chunk in chunks[:-1]:
            self.call_raw("stage", chunk)
        self.call_raw("restore", chunks[-1])

    def call_raw(self, op: str, encoded_calls: list[str]) -> wire.JSON:
        """Send a batch operation whose calls are already JSON texts."""
        return self._exchange(self._checked_line(op, encoded_calls))

    @staticmethod
    def _checked_line(op: str, encoded_calls: list[str]) -> bytes:
        line = _batch_line(op, encoded_calls)
        if len(line) > wire.MAX_REQUEST_BYTES:
            raise ControlError(errno.EMSGSIZE, f"{op} request larger than the daemon accepts")
        return line

    @staticmethod
    def _iter_chunks(calls: list[Call]) -> Iterator[list[str]]:
        """The calls as JSON texts, grouped to fit one request each (encoded lazily)."""
        current: list[str] = []
        size = 0
        for call in calls:
            try:
                text = wire.dumps(wire.encode_calls([call])[0])
            except wire.WireError as exc:
                raise ControlError(exc.errno, exc.message) from None
            n = len(text) + 1  # json.dumps escapes to ASCII: chars == bytes
            if current and size + n > BATCH_BYTES:
                yield current
                current, size = [], 0
            current.append(text)
            size += n
        if current:
            yield current

    # -- connection sync daemon ----------------------------------------------------

    def start_daemon(self, **opts: Any) -> None:
        """``--start-daemon``."""
        self.call("start_daemon", opts)

    def stop_daemon(self, state: str, syncid: int | None = None) -> None:
        """``--stop-daemon``."""
        self.call("stop_daemon", {"state": state, "syncid": syncid})

    def list_daemons(self) -> list[dict[str, Any]]:
        """``-L --daemon``."""
        result = self.call("list_daemons")
        return list(result) if isinstance(result, list) else []


def _batch_line(op: str, call_texts: list[str]) -> bytes:
    head = wire.dumps({"v": wire.VERSION, "op": op})[:-1]
    return f'{head},"args":[[{",".join(call_texts)}]]}}\n'.encode()
