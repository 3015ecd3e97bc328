"""The XDP fast path: a BPF program forwards established flows in the kernel; the
Python datapath schedules new connections and installs their flows.

``bpf/`` holds the C sources (compiled by :mod:`.build` on first use), :mod:`.schema`
the maps' layouts, :mod:`.loader` the loaded program, :mod:`.flows` the flow cache
and :mod:`.datapath` the datapath the daemon drives.
"""
