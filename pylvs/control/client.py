"""The client side of the control protocol: what every front end uses to talk to pylvsd."""

from __future__ import annotations

import errno
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
    """Talks to one pylvsd over its control socket (or any other transport)."""

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
        try:
            reply = self.transport.exchange(line)
        except Unavailable as exc:
            raise DaemonUnavailable(exc.socket, exc.reason, exc.errno) from None
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
        batches are sent in several requests, each within the request limit.
        """
        results: list[ControlError | None] = []
        for chunk in self._chunks(calls):
            reply = self.call_raw("apply", chunk)
            if not isinstance(reply, list) or len(reply) != len(chunk):
                raise ControlError(errno.EPROTO, "daemon sent a malformed reply")
            for item in reply:
                if item is None:
                    results.append(None)
                elif isinstance(item, dict):
                    results.append(ControlError(int(item["errno"]), str(item["error"])))
                else:
                    raise ControlError(errno.EPROTO, "daemon sent a malformed reply")
        return results

    def restore(self, calls: list[Call]) -> None:
        """Replace the whole table by ``calls``, all or nothing (``service restore``).

        On failure nothing changes and the ControlError names the failing call
        as ``call N: ...`` (1-based). Big batches are staged on the connection in
        several requests and committed by the last one.
        """
        chunks = self._chunks(calls) or [[]]
        for chunk in chunks[:-1]:
            self.call_raw("stage", chunk)
        self.call_raw("restore", chunks[-1])

    def call_raw(self, op: str, encoded_calls: list[str]) -> wire.JSON:
        """Send a batch operation whose calls are already JSON texts."""
        line = _batch_line(op, encoded_calls)
        if len(line) > wire.MAX_REQUEST_BYTES:
            raise ControlError(errno.EMSGSIZE, f"{op} request larger than the daemon accepts")
        return self._exchange(line)

    @staticmethod
    def _chunks(calls: list[Call]) -> list[list[str]]:
        try:
            texts = [wire.dumps(c) for c in wire.encode_calls(calls)]
        except wire.WireError as exc:
            raise ControlError(exc.errno, exc.message) from None
        chunks: list[list[str]] = []
        current: list[str] = []
        size = 0
        for text in texts:
            n = len(text) + 1  # json.dumps escapes to ASCII: chars == bytes
            if current and size + n > BATCH_BYTES:
                chunks.append(current)
                current, size = [], 0
            current.append(text)
            size += n
        if current:
            chunks.append(current)
        return chunks

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
