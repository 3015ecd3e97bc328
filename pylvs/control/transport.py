"""How a client's request lines reach a dispatcher: a unix socket, or in process."""

from __future__ import annotations

import errno
import os
import socket
from typing import NoReturn, Protocol

from pylvs.control.dispatch import Dispatcher
from pylvs.core.ipvs import IPVS

DEFAULT_SOCKET = "/run/pylvs/pylvsd.sock"
SOCKET_ENV = "PYLVS_SOCKET"


def default_socket_path() -> str:
    """``$PYLVS_SOCKET``, else the default control socket."""
    return os.environ.get(SOCKET_ENV) or DEFAULT_SOCKET


class Unavailable(Exception):
    """The transport cannot reach a daemon (``reason`` says why)."""

    def __init__(self, socket_path: str, reason: str, err: int = 0) -> None:
        self.socket = socket_path
        self.reason = reason
        self.errno = err
        super().__init__(reason)


class Transport(Protocol):
    """Carries one request line to a dispatcher and brings its reply line back."""

    def exchange(self, line: bytes) -> bytes:
        """Send one newline-terminated request; return the reply line."""
        ...

    def close(self) -> None:
        """Release the connection, if any."""
        ...


class InProcess:
    """Runs requests on an in-process IPVS through the daemon's own dispatcher."""

    def __init__(self, ipvs: IPVS, dispatcher: Dispatcher | None = None) -> None:
        self.ipvs = ipvs
        self.dispatcher = dispatcher or Dispatcher(ipvs)

    def exchange(self, line: bytes) -> bytes:
        """Dispatch the line directly."""
        return self.dispatcher.handle_line(line)

    def close(self) -> None:
        """Nothing to release."""


class UnixSocket:
    """One stream connection to a daemon's control socket, opened on first use."""

    def __init__(self, path: str, timeout: float | None = 120.0) -> None:
        self.path = path
        self.timeout = timeout
        self._sock: socket.socket | None = None
        self._buf = b""

    def _connect(self) -> socket.socket:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.path)
        except OSError as exc:
            sock.close()
            if exc.errno in (errno.EACCES, errno.EPERM):
                raise Unavailable(
                    self.path, f"permission denied on {self.path}: pylvs needs root", exc.errno
                ) from None
            raise Unavailable(
                self.path,
                f"no pylvsd at {self.path} ({exc.strerror or exc}); "
                "start it with `pylvs director start` or `pylvsd --socket PATH`",
                exc.errno or 0,
            ) from None
        return sock

    def exchange(self, line: bytes) -> bytes:
        """Send the line and read one reply line."""
        self.send(line)
        return self.receive()

    def send(self, line: bytes) -> None:
        """Send one request line without waiting for its reply (pipelining)."""
        if self._sock is None:
            self._sock = self._connect()
            self._buf = b""
        try:
            self._sock.sendall(line)
        except OSError as exc:
            self._lost(exc)

    def receive(self) -> bytes:
        """Read the next reply line."""
        sock = self._sock
        if sock is None:
            raise Unavailable(self.path, "no request is waiting for a reply", errno.EPIPE)
        buf = bytearray(self._buf)
        try:
            searched = 0
            while (end := buf.find(b"\n", searched)) < 0:
                searched = len(buf)
                chunk = sock.recv(1 << 20)
                if not chunk:
                    raise ConnectionResetError(errno.ECONNRESET, "connection closed")
                buf += chunk
        except OSError as exc:
            self._lost(exc)
        self._buf = bytes(buf[end + 1 :])
        return bytes(buf[: end + 1])

    def _lost(self, exc: OSError) -> NoReturn:
        self.close()
        raise Unavailable(
            self.path, f"lost the connection to pylvsd at {self.path} ({exc})", errno.EPIPE
        ) from None

    def close(self) -> None:
        """Close the connection."""
        if self._sock is not None:
            self._sock.close()
            self._sock = None
