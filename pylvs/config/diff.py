"""The operations that turn one table into another, touching only what differs."""

from __future__ import annotations

from typing import Any

from pylvs.config.table import Table, TableEntry
from pylvs.core.model import ServiceKey

Operation = tuple[str, tuple[Any, ...]]  # (IPVS method name, its arguments)


def _entry_ops(key: ServiceKey, old: TableEntry, new: TableEntry) -> list[Operation]:
    ops: list[Operation] = []
    if old.service != new.service:
        ops.append(("edit_service", (new.service,)))
    for ident, spec in new.dests.items():
        before = old.dests.get(ident)
        if before is None:
            ops.append(("add_dest", (key, spec)))
        elif before != spec:
            ops.append(("edit_dest", (key, spec)))
    for ident in old.dests:
        if ident not in new.dests:
            af, addr, port = ident
            ops.append(("del_dest", (key, af, addr, port)))
    return ops


def diff_tables(old: Table, new: Table) -> list[Operation]:
    """Operations (``IPVS`` method, args) that make a table holding ``old`` hold ``new``.

    Services and destinations present and equal in both are not touched, so their
    connections carry on. Removed services go first, then changes, then additions.
    """
    ops: list[Operation] = [("del_service", (key,)) for key in old if key not in new]
    for key, entry in new.items():
        before = old.get(key)
        if before is None:
            ops.append(("add_service", (entry.service,)))
            ops.extend(("add_dest", (key, spec)) for spec in entry.dests.values())
        else:
            ops.extend(_entry_ops(key, before, entry))
    return ops
