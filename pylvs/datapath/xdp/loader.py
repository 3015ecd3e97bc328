"""The loaded fast-path program: attach/detach, map access, pinning, test runs."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import struct
from collections.abc import Iterator
from pathlib import Path

from pylvs.datapath import XDP_MODES
from pylvs.datapath.xdp import libbpf
from pylvs.datapath.xdp.build import build
from pylvs.datapath.xdp.schema import (
    KEY_FORMAT,
    STAT_NAMES,
    STATS_FORMAT,
    VALUE_SLOT_OFFSET,
    VALUE_STATE_OFFSET,
    FlowCounts,
    FlowKey,
    FlowValue,
)

PROGRAM_NAME = b"pylvs_fastpath"
MAP_NAMES = ("flows", "flow_stats", "stat_counters")
BPFFS_MAGIC = 0xCAFE4A11
PIN_ROOT = Path("/sys/fs/bpf/pylvs")
MAX_FRAME = 9216  # bytes of output room for a test run
BATCH_ENTRIES = 1024  # map entries per batched read
MAX_FLOWS = 65536  # entries of the flows map and slots of flow_stats (bpf/constants.h)
SLOT = struct.Struct("=I")
ATTACH_FLAGS = {"auto": 0, "native": libbpf.XDP_FLAGS_DRV_MODE,
                "generic": libbpf.XDP_FLAGS_SKB_MODE}


def _raw(x: ctypes.Structure | bytes) -> bytes:
    """A map key or value as the bytes libbpf reads."""
    return x if isinstance(x, bytes) else bytes(x)


def _is_bpffs(path: Path) -> bool:
    return _fs_magic(path) == BPFFS_MAGIC


def _fs_magic(path: Path) -> int:
    """f_type of the file system holding ``path`` (statfs; os.statvfs lacks it)."""

    class _Statfs(ctypes.Structure):
        _fields_ = [("f_type", ctypes.c_long), ("rest", ctypes.c_long * 15)]

    buf = _Statfs()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.statfs(str(path).encode(), ctypes.byref(buf)) != 0:
        return 0
    return int(buf.f_type) & 0xFFFFFFFF


class FastPathProgram:
    """The compiled program loaded into the kernel, with its maps' descriptors."""

    def __init__(self, obj_path: Path | None = None) -> None:
        lib = libbpf.lib()
        path = obj_path if obj_path is not None else build()
        ctypes.set_errno(0)
        obj = lib.bpf_object__open_file(str(path).encode(), None)
        if not obj:
            libbpf.check(-1, f"opening {path}")
        ret = lib.bpf_object__load(obj)
        if ret:
            lib.bpf_object__close(obj)
            libbpf.check(ret if ret < 0 else -1, "loading the XDP program (verifier log above)")
        self._obj = obj
        prog = self._prog = lib.bpf_object__find_program_by_name(obj, PROGRAM_NAME)
        self.prog_fd = libbpf.check(lib.bpf_program__fd(prog), "finding the program")
        self.map_fds = {n: libbpf.check(lib.bpf_object__find_map_fd_by_name(obj, n.encode()),
                                        f"finding map {n}") for n in MAP_NAMES}
        self.ncpus = max(1, lib.libbpf_num_possible_cpus())
        self._flows_fd, self._stats_fd = self.map_fds["flows"], self.map_fds["flow_stats"]
        self._stats_buf = ctypes.create_string_buffer(STATS_FORMAT.size * self.ncpus)
        self._value_buf = ctypes.create_string_buffer(ctypes.sizeof(FlowValue))
        self._cpu_stats = struct.Struct("=" + "QQQ" * self.ncpus)  # one slot, every CPU
        # flow_stats slots: each installed flow's, the free ones (zeroed), the freed ones
        # still to be zeroed (in one batch, before they are handed out again), and the
        # first never used
        self._slot_of: dict[bytes, int] = {}
        self._free: list[int] = []
        self._dirty: list[int] = []
        self._fresh = 0
        self.attached: dict[int, int] = {}  # ifindex -> its BPF link's descriptor
        self.pinned: Path | None = None

    def close(self) -> None:
        """Detach from every interface, unpin the maps and unload."""
        for ifindex in list(self.attached):
            self.detach(ifindex)
        self.unpin()
        if self._obj:
            libbpf.lib().bpf_object__close(self._obj)
            self._obj = None

    # -- attach ----------------------------------------------------------------

    def attach(self, ifindex: int, mode: str = "auto") -> None:
        """Attach to an interface through a BPF link, in ``mode``: "native" (driver mode),
        "generic" (skb mode) or "auto" (driver mode where the driver has it). The kernel
        detaches it when this process exits, however it exits."""
        flags = ATTACH_FLAGS.get(mode)
        if flags is None:
            raise ValueError(f"unknown XDP mode {mode!r}: choose one of {', '.join(XDP_MODES)}")
        opts = libbpf.LinkCreateOpts(sz=ctypes.sizeof(libbpf.LinkCreateOpts), flags=flags)
        ctypes.set_errno(0)
        fd = libbpf.lib().bpf_link_create(self.prog_fd, ifindex, libbpf.BPF_XDP,
                                          ctypes.byref(opts))
        if fd < 0:
            err = -fd if fd != -1 else (ctypes.get_errno() or errno.EINVAL)
            hint = (" (it already has an XDP program: ip link set dev IF xdp off)"
                    if err == errno.EBUSY else
                    " (the driver has no native XDP: use generic mode)"
                    if err == errno.EOPNOTSUPP and mode == "native" else "")
            raise libbpf.LibbpfError(err, f"attaching XDP ({mode} mode) to interface"
                                          f" {ifindex}: {os.strerror(err)}{hint}")
        self.attached[ifindex] = fd

    def detach(self, ifindex: int) -> None:
        """Detach from an interface (gone already is fine)."""
        fd = self.attached.pop(ifindex, None)
        if fd is not None:
            os.close(fd)

    # -- pinning ---------------------------------------------------------------

    def pin(self, instance: str, root: Path = PIN_ROOT) -> Path | None:
        """Pin the maps under ``root/instance``; None when bpffs is not mounted there."""
        if not _is_bpffs(root.parent):
            return None
        where = root / instance
        where.mkdir(parents=True, exist_ok=True)
        for name, fd in self.map_fds.items():
            target = where / name
            target.unlink(missing_ok=True)
            libbpf.check(libbpf.lib().bpf_obj_pin(fd, str(target).encode()), f"pinning {name}")
        self.pinned = where
        return where

    def unpin(self) -> None:
        """Remove the pinned maps and their directory."""
        if self.pinned is None:
            return
        for name in MAP_NAMES:
            (self.pinned / name).unlink(missing_ok=True)
        for d in (self.pinned, self.pinned.parent):
            with contextlib.suppress(OSError):
                d.rmdir()
        self.pinned = None

    # -- maps ------------------------------------------------------------------

    def put_flow(self, key: FlowKey | bytes, value: FlowValue | bytes) -> None:
        """Install or replace a flow: a new one gets a zeroed counter slot, a replaced one
        keeps its slot and counters (``value``'s stats_slot is set here)."""
        k = _raw(key)
        slot = self._slot_of.get(k)
        new = slot is None
        if slot is None:
            slot = self._take_slot()
        v = bytearray(_raw(value))
        SLOT.pack_into(v, VALUE_SLOT_OFFSET, slot)
        ret = libbpf.lib().bpf_map_update_elem(self._flows_fd, k, bytes(v), libbpf.BPF_ANY)
        if ret < 0:
            if new:
                self._free.append(slot)
            libbpf.check(ret, "installing a flow")
        self._slot_of[k] = slot

    def put_flows(self, flows: list[tuple[bytes, bytes]]) -> list[tuple[bytes, OSError]]:
        """Install or replace many flows (distinct keys), each as :meth:`put_flow` does, in
        one batched update; the keys that could not be installed, each with why (the rest
        are)."""
        if len(flows) == 1:
            key, value = flows[0]
            try:
                self.put_flow(key, value)
            except OSError as exc:
                return [(key, exc)]
            return []
        failed: list[tuple[bytes, OSError]] = []
        keys: list[bytes] = []
        values: list[bytes] = []
        fresh: list[int | None] = []  # the slot each key took here (None: it had one)
        for key, value in flows:
            slot = self._slot_of.get(key)
            took = None
            if slot is None:
                try:
                    slot = took = self._take_slot()
                except OSError as exc:
                    failed.append((key, exc))
                    continue
                self._slot_of[key] = slot
            v = bytearray(value)
            SLOT.pack_into(v, VALUE_SLOT_OFFSET, slot)
            keys.append(key)
            values.append(bytes(v))
            fresh.append(took)
        lib = libbpf.lib()
        done = 0
        while done < len(keys):
            count = ctypes.c_uint32(len(keys) - done)
            ctypes.set_errno(0)
            ret = lib.bpf_map_update_batch(self._flows_fd, b"".join(keys[done:]),
                                           b"".join(values[done:]), ctypes.byref(count), None)
            if ret == 0:
                break
            bad = done + count.value  # the batch stopped at this one
            if bad >= len(keys):
                break
            err = -ret if ret != -1 else (ctypes.get_errno() or errno.EIO)
            failed.append((keys[bad], libbpf.LibbpfError(
                err, f"installing a flow: {os.strerror(err)}")))
            took = fresh[bad]
            if took is not None:
                del self._slot_of[keys[bad]]
                self._free.append(took)
            done = bad + 1
        return failed

    def _take_slot(self) -> int:
        if not self._free and self._dirty:
            self._zero_slots(self._dirty)
            self._free, self._dirty = self._dirty, []
        if self._free:
            return self._free.pop()
        if self._fresh >= MAX_FLOWS:
            raise libbpf.LibbpfError(errno.E2BIG, "installing a flow: the flow map is full")
        self._fresh += 1
        return self._fresh - 1

    def _zero_slots(self, slots: list[int]) -> None:
        """Zero the counters of ``slots`` on every CPU (one batched update)."""
        n = len(slots)
        keys = struct.pack(f"={n}I", *slots)
        values = bytes(self._cpu_stats.size * n)
        count = ctypes.c_uint32(n)
        libbpf.check(libbpf.lib().bpf_map_update_batch(self._stats_fd, keys, values,
                                                       ctypes.byref(count), None),
                     "zeroing flow counters")

    def _counts(self, raw: bytes | ctypes.Array[ctypes.c_char], offset: int = 0) -> FlowCounts:
        """One slot's counters summed over the CPUs (last seen: the latest)."""
        v = self._cpu_stats.unpack_from(raw, offset)
        return FlowCounts(sum(v[0::3]), sum(v[1::3]), max(v[2::3]))

    def flow_stats(self, key: FlowKey | bytes) -> FlowCounts | None:
        """The flow's counters, None when it is not installed."""
        slot = self._slot_of.get(_raw(key))
        if slot is None:
            return None
        buf = self._stats_buf
        libbpf.check(libbpf.lib().bpf_map_lookup_elem(self._stats_fd, SLOT.pack(slot), buf),
                     "reading flow counters")
        return self._counts(buf)

    def flow_state(self, key: FlowKey | bytes) -> int | None:
        """The TCP state in the installed flow value, None when absent."""
        buf = self._value_buf
        if libbpf.lib().bpf_map_lookup_elem(self._flows_fd, _raw(key), buf) != 0:
            return None
        return buf.raw[VALUE_STATE_OFFSET]

    def flow(self, key: FlowKey | bytes) -> FlowValue | None:
        """The installed flow value, None when absent."""
        v = FlowValue()
        ret = libbpf.lib().bpf_map_lookup_elem(self._flows_fd, _raw(key), ctypes.byref(v))
        return v if ret == 0 else None

    def delete_flow(self, key: FlowKey | bytes) -> FlowCounts | None:
        """Remove a flow; its last counters (None when it was not installed)."""
        k = _raw(key)
        libbpf.lib().bpf_map_delete_elem(self._flows_fd, k)
        last = self.flow_stats(k)
        slot = self._slot_of.pop(k, None)
        if slot is not None:
            self._dirty.append(slot)
        return last

    def delete_flows(self, keys: list[bytes]) -> list[FlowCounts | None]:
        """Remove many flows (one batch for the flow entries, one read of the counters);
        their last counters, in the order of ``keys`` (None for one not installed)."""
        lib = libbpf.lib()
        todo = keys
        while todo:
            blob = b"".join(todo)
            count = ctypes.c_uint32(len(todo))
            ret = lib.bpf_map_delete_batch(self._flows_fd, blob, ctypes.byref(count), None)
            if ret == 0:
                break
            todo = todo[count.value + 1:]  # that one was gone already: on with the rest
        slots = [self._slot_of.pop(k, None) for k in keys]
        used = [x for x in slots if x is not None]
        self._dirty += used
        if not used:
            return [None] * len(keys)
        raw, stride = self._read_slots(max(used) + 1), self._cpu_stats.size
        return [None if x is None else self._counts(raw, x * stride) for x in slots]

    def _read_slots(self, n: int) -> bytes:
        """The counters of slots 0 .. n-1 on every CPU (batched reads of the array)."""
        stride = self._cpu_stats.size
        return b"".join(values for _, values, _ in
                        self._read_map(self._stats_fd, stride, SLOT.size, limit=n))

    def _read_map(self, fd: int, value_size: int, key_size: int = KEY_FORMAT.size,
                  limit: int = 1 << 32) -> Iterator[tuple[bytes, bytes, int]]:
        """Every (keys, values, count) chunk of a map (the first ``limit`` entries), read
        in batches."""
        lib = libbpf.lib()
        per = min(limit, BATCH_ENTRIES)
        keys = ctypes.create_string_buffer(key_size * per)
        values = ctypes.create_string_buffer(value_size * per)
        token_in, token_out = ctypes.c_uint64(0), ctypes.c_uint64(0)
        first, got = True, 0
        while got < limit:
            count = ctypes.c_uint32(min(per, limit - got))
            ctypes.set_errno(0)
            ret = lib.bpf_map_lookup_batch(fd, None if first else ctypes.byref(token_in),
                                           ctypes.byref(token_out), keys, values,
                                           ctypes.byref(count), None)
            n = count.value
            got += n
            if n:
                yield (ctypes.string_at(keys, n * key_size),
                       ctypes.string_at(values, n * value_size), n)
            if ret < 0:
                err = -ret if ret != -1 else ctypes.get_errno()
                if err == errno.ENOENT:
                    return
                libbpf.check(ret, "reading a flow map")
            token_in.value, first = token_out.value, False

    def all_flow_stats(self) -> dict[bytes, FlowCounts]:
        """Every installed flow's counters by key (a few batched reads)."""
        if not self._slot_of:
            return {}
        raw, stride = self._read_slots(self._fresh), self._cpu_stats.size
        counts = self._counts
        return {k: counts(raw, slot * stride) for k, slot in self._slot_of.items()}

    def all_flow_states(self) -> dict[bytes, int]:
        """Every installed flow's TCP state by key (a few batched reads)."""
        ks, vs = KEY_FORMAT.size, ctypes.sizeof(FlowValue)
        out: dict[bytes, int] = {}
        for keys, values, n in self._read_map(self._flows_fd, vs):
            for i in range(n):
                out[keys[i * ks:(i + 1) * ks]] = values[i * vs + VALUE_STATE_OFFSET]
        return out

    def flow_keys(self) -> Iterator[FlowKey]:
        """Every key of the flow map (a snapshot)."""
        lib = libbpf.lib()
        keys = []
        prev: FlowKey | None = None
        while True:
            nxt = FlowKey()
            ret = lib.bpf_map_get_next_key(self.map_fds["flows"],
                                           ctypes.byref(prev) if prev is not None else None,
                                           ctypes.byref(nxt))
            if ret != 0:
                break
            keys.append(nxt)
            prev = nxt
        return iter(keys)

    def counters(self) -> dict[str, int]:
        """Program-wide packet counts by outcome, summed over CPUs."""
        out = {}
        lib = libbpf.lib()
        for i, name in enumerate(STAT_NAMES):
            key = ctypes.c_uint32(i)
            vals = (ctypes.c_uint64 * self.ncpus)()
            lib.bpf_map_lookup_elem(self.map_fds["stat_counters"], ctypes.byref(key), vals)
            out[name] = sum(vals)
        return out

    # -- test runs -------------------------------------------------------------

    def test_run(self, frame: bytes, repeat: int = 1) -> tuple[int, bytes, int]:
        """Run the program on ``frame`` (BPF_PROG_TEST_RUN): (verdict, output frame,
        mean ns per run). The ingress interface is the loopback of this namespace."""
        data_in = ctypes.create_string_buffer(frame, len(frame))
        data_out = ctypes.create_string_buffer(MAX_FRAME)
        opts = libbpf.TestRunOpts()
        opts.sz = ctypes.sizeof(opts)
        opts.data_in = ctypes.cast(data_in, ctypes.c_void_p)
        opts.data_size_in = len(frame)
        opts.data_out = ctypes.cast(data_out, ctypes.c_void_p)
        opts.data_size_out = MAX_FRAME
        opts.repeat = repeat
        libbpf.check(libbpf.lib().bpf_prog_test_run_opts(self.prog_fd, ctypes.byref(opts)),
                     "BPF_PROG_TEST_RUN")
        return opts.retval, data_out.raw[: opts.data_size_out], opts.duration
