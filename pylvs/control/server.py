"""The control socket: JSON lines over a unix stream socket, one session per client."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import socket
import stat

from pylvs.control import wire
from pylvs.control.dispatch import Dispatcher

log = logging.getLogger("pylvsd")


class SocketInUse(Exception):
    """Another daemon answers on the socket path."""


def _socket_answers(path: str) -> bool:
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(1.0)
    try:
        probe.connect(path)
    except OSError:
        return False
    finally:
        probe.close()
    return True


def _bind(path: str) -> socket.socket:
    """A listening socket at ``path``, mode 0600 from birth (a stale socket is replaced)."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, mode=0o755, exist_ok=True)
    if os.path.lexists(path):
        if not stat.S_ISSOCK(os.lstat(path).st_mode):
            raise SocketInUse(f"{path} exists and is not a socket")
        if _socket_answers(path):
            raise SocketInUse(f"another pylvsd is already serving {path}")
        os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_umask = os.umask(0o177)
    try:
        sock.bind(path)
    except OSError:
        sock.close()
        raise
    finally:
        os.umask(old_umask)
    os.chmod(path, 0o600)
    sock.listen(128)
    sock.setblocking(False)
    return sock


class ControlServer:
    """Serves a dispatcher on a unix socket; requests are limited to MAX_REQUEST_BYTES."""

    def __init__(self, dispatcher: Dispatcher, path: str) -> None:
        self.dispatcher = dispatcher
        self.path = path
        self._server: asyncio.base_events.Server | None = None
        self._inode: tuple[int, int] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Bind the socket and start accepting clients."""
        sock = _bind(self.path)
        st = os.stat(self.path)
        self._inode = (st.st_dev, st.st_ino)
        self._server = await asyncio.start_unix_server(
            self._serve, sock=sock, limit=wire.MAX_REQUEST_BYTES
        )

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        session = self.dispatcher.session()
        try:
            while True:
                try:
                    line = await reader.readline()
                except (ValueError, asyncio.LimitOverrunError):
                    reply = wire.encode_error(
                        errno.EMSGSIZE,
                        f"request larger than {wire.MAX_REQUEST_BYTES} bytes; connection closed",
                    )
                    writer.write(reply)
                    await writer.drain()
                    log.warning("closed a client that sent an oversized request")
                    break
                if not line:
                    break
                if not line.endswith(b"\n"):
                    line += b"\n"  # last request of a client that closed its side
                writer.write(session.handle_line(line))
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass  # the client went away, or the daemon is stopping
        except Exception:  # never let one client take the daemon down
            log.exception("unexpected error while serving a client")
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
            if task is not None:
                self._tasks.discard(task)

    async def stop(self) -> None:
        """Stop accepting, close every client and remove the socket (if still ours)."""
        if self._server is not None:
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
            self._server = None
        self._unlink()

    def _unlink(self) -> None:
        try:
            st = os.lstat(self.path)
        except FileNotFoundError:
            return
        if (st.st_dev, st.st_ino) == self._inode:
            os.unlink(self.path)
