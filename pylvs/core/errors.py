"""Errors raised by control operations, each carrying the errno the kernel returns."""

from __future__ import annotations

import errno as _errno
from typing import Final


class IPVSError(Exception):
    """A control operation failed the way the kernel fails it (``errno`` as the kernel's)."""

    def __init__(self, err: int, detail: str = "") -> None:
        self.errno = err
        self.detail = detail
        super().__init__(detail or _errno.errorcode.get(err, str(err)))


EEXIST: Final = _errno.EEXIST
ENOENT: Final = _errno.ENOENT
ESRCH: Final = _errno.ESRCH
EINVAL: Final = _errno.EINVAL
ERANGE: Final = _errno.ERANGE
EPERM: Final = _errno.EPERM
EOPNOTSUPP: Final = _errno.EOPNOTSUPP
EAFNOSUPPORT: Final = _errno.EAFNOSUPPORT
ENOMEM: Final = _errno.ENOMEM
