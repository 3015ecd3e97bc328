"""What ipvsadm prints when the kernel refuses an operation (libipvs ``ipvs_strerror``)."""

from __future__ import annotations

import errno
import os

# operation names, as the command runner calls them (the Client method names)
_OP_MESSAGES: dict[tuple[str, int], str] = {
    ("add_service", errno.EEXIST): "Service already exists",
    ("add_service", errno.ENOENT): "Scheduler or persistence engine not found",
    ("edit_service", errno.ESRCH): "No such service",
    ("edit_service", errno.ENOENT): "Scheduler or persistence engine not found",
    ("del_service", errno.ESRCH): "No such service",
    ("zero", errno.ESRCH): "No such service",
    ("add_dest", errno.ESRCH): "Service not defined",
    ("add_dest", errno.EEXIST): "Destination already exists",
    ("edit_dest", errno.ESRCH): "Service not defined",
    ("edit_dest", errno.ENOENT): "No such destination",
    ("del_dest", errno.ESRCH): "Service not defined",
    ("del_dest", errno.ENOENT): "No such destination",
    ("start_daemon", errno.EEXIST): "Daemon has already run",
    ("stop_daemon", errno.ESRCH): "No daemon is running",
    ("list_services", errno.ESRCH): "No such service",
}

_GENERIC_MESSAGES: dict[int, str] = {
    errno.EPERM: "Permission denied (you must be root)",
    errno.EINVAL: "Invalid operation.  Possibly wrong module version, address not unicast, ...",
    errno.ENOPROTOOPT: "Protocol not available",
    errno.ENOMEM: "Memory allocation problem",
    errno.EOPNOTSUPP: "Operation not supported with IPv6",
    errno.EAFNOSUPPORT: "Operation not supported with specified address family",
    errno.EMSGSIZE: "Module is wrong version",
}


# errnos the kernel itself returns for table operations: printed as libipvs prints them
_KERNEL_ERRNOS = frozenset({
    errno.EPERM, errno.ENOENT, errno.ESRCH, errno.EEXIST, errno.EINVAL, errno.ERANGE,
    errno.ENOMEM, errno.EBUSY, errno.ENOPROTOOPT, errno.EOPNOTSUPP, errno.EAFNOSUPPORT,
    errno.EMSGSIZE,
})


def kernel_message(op: str, err: int, detail: str = "") -> str:
    """The line ipvsadm prints when operation ``op`` fails with ``err``.

    Kernel errnos without a libipvs text print the C library's ``strerror``;
    other errors (e.g. ENOSYS for a feature this version lacks) print ``detail``.
    """
    message = _OP_MESSAGES.get((op, err)) or _GENERIC_MESSAGES.get(err)
    if message is not None:
        return message
    if detail and err not in _KERNEL_ERRNOS:
        return detail
    return os.strerror(err)
