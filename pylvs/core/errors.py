"""Errors raised by control operations, each carrying the errno the kernel returns."""

from __future__ import annotations

import errno as _errno


class IPVSError(Exception):
    """A control operation failed the way the kernel fails it (``errno`` as the kernel's)."""

    def __init__(self, err: int, detail: str = "") -> None:
        self.errno = err
        self.detail = detail
        super().__init__(detail or _errno.errorcode.get(err, str(err)))


EEXIST = _errno.EEXIST
ENOENT = _errno.ENOENT
ESRCH = _errno.ESRCH
EINVAL = _errno.EINVAL
ERANGE = _errno.ERANGE
EPERM = _errno.EPERM
EOPNOTSUPP = _errno.EOPNOTSUPP
EAFNOSUPPORT = _errno.EAFNOSUPPORT
ENOMEM = _errno.ENOMEM
