"""Run inside a fresh namespace with a veth pair eth0/peer0: how the python datapath
follows table changes. Prints one JSON line of observations.

For each step the table is changed, ``table_changed()`` called and the loop run
briefly; then frames are sent from ``peer0`` to ``eth0`` and the datapath's rx
counter tells which of them the socket filter let through.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import socket
import subprocess

from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.l2 import Ether

from pylvs.core.constants import IPPROTO_TCP, IPPROTO_UDP, FwdMethod
from pylvs.core.ipvs import IPVS
from pylvs.core.model import DestSpec, ServiceSpec
from pylvs.datapath.python import PythonDatapath

VIP = "198.18.0.150"


def nft_table() -> str:
    proc = subprocess.run(["nft", "list", "table", "inet", "pylvs"], capture_output=True,
                          text=True, check=False)
    return proc.stdout if proc.returncode == 0 else ""


def mac_of(ifname: str) -> str:
    with open(f"/sys/class/net/{ifname}/address") as f:
        return f.read().strip()


async def run() -> dict[str, object]:
    loop = asyncio.get_running_loop()
    ipvs = IPVS()
    tcp = ServiceSpec(protocol=IPPROTO_TCP, addr=ipaddress.ip_address(VIP).packed, port=80,
                      sched_name="rr")
    udp = ServiceSpec(protocol=IPPROTO_UDP, addr=tcp.addr, port=53, sched_name="rr")
    ipvs.add_service(tcp)
    ipvs.add_dest(tcp.key(), DestSpec(addr=ipaddress.ip_address("198.18.0.171").packed,
                                      port=80, conn_flags=FwdMethod.DROUTE))
    dp = PythonDatapath(ipvs, ["eth0"], loop, logging.getLogger("t"))
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind(("peer0", 0))
    eth = Ether(src=mac_of("peer0"), dst=mac_of("eth0"))
    frames = {
        "tcp80": bytes(eth / IP(src="198.18.0.100", dst=VIP) / TCP(dport=80, flags="A")),
        "udp53": bytes(eth / IP(src="198.18.0.100", dst=VIP) / UDP(sport=5353, dport=53)),
        "other": bytes(eth / IP(src="198.18.0.100", dst=VIP) / TCP(dport=22, flags="S")),
    }

    async def seen() -> dict[str, int]:
        out = {}
        for name, frame in frames.items():
            before = dp.counters()["rx"]
            tx.send(frame)
            await asyncio.sleep(0.05)
            out[name] = dp.counters()["rx"] - before
        return out

    obs: dict[str, object] = {}
    dp.start()
    try:
        obs["start_nft"] = nft_table()
        obs["start_seen"] = await seen()
        ipvs.add_service(udp)
        dp.table_changed()
        dp.table_changed()  # coalesced into one rebuild
        await asyncio.sleep(0.05)
        obs["udp_nft"] = nft_table()
        obs["udp_seen"] = await seen()
        ipvs.del_service(tcp.key())
        dp.table_changed()
        await asyncio.sleep(0.05)
        obs["deleted_nft"] = nft_table()
        obs["deleted_seen"] = await seen()
        obs["counters"] = dp.counters()
    finally:
        dp.stop()
        tx.close()
    obs["stopped_nft"] = nft_table()
    return obs


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run())))
