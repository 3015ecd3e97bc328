"""Run inside a fresh namespace with a veth eth0: python datapath start failures.

Prints one JSON line: for each case the DatapathError text and whether anything
(nftables table, open sockets) was left behind.
"""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess

from pylvs.core.ipvs import IPVS
from pylvs.datapath import DatapathError
from pylvs.datapath.nft import NftTable
from pylvs.datapath.python import PythonDatapath


def nft_table_exists() -> bool:
    return subprocess.run(["nft", "list", "table", "inet", "pylvs"], capture_output=True,
                          check=False).returncode == 0


async def case(interfaces: list[str], nft: str) -> dict[str, object]:
    dp = PythonDatapath(IPVS(), interfaces, asyncio.get_running_loop(),
                        logging.getLogger("t"), nft=NftTable(interfaces, nft))
    try:
        dp.start()
    except DatapathError as exc:
        return {"error": str(exc), "table_left": nft_table_exists(), "rx_left": len(dp.rx),
                "tx_left": len(dp.tx), "running": dp.running}
    dp.stop()
    return {"error": None}


async def main() -> dict[str, object]:
    return {
        "no_such_interface": await case(["eth0", "eth9"], "nft"),
        "no_nft": await case(["eth0"], "/nonexistent/nft"),
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
