"""`dapp page release` timed end to end; writes bench/results/release.json.

Set-up, all on loopback: anvil with a Catalog deployed by `dapp deploy`; two online Kubo nodes with the
DHT on and no bootstrap peers, the second connected to the first (tests/support/ipfs_nodes.name_pair);
"our" IPFS Cluster pinning onto the first node, asked directly; a second Cluster pinning onto the second
node, reached through Kubo's `pin remote`, so its node fetches every block from ours as a hosted
pinning service would.

- release_s: the `dapp page release` command, wall time from start to exit: two builds, Kubo add and
  CAR, both pins waited until `pinned`, the name published, the name resolved, every file fetched back
  through the gateway, verify-page's rebuild, the record. Each run releases another page (a storefront of
  another seller), so every pin is of new content. Median of RUNS.
- ipns_resolve_s: `name resolve --nocache` of the shop's name on the second node right after each
  release (it must give the new CID). Median.
- page_bytes / page_files / car_bytes: the released page.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dapp.ipfs.cid import Cid  # noqa: E402
from dapp.ipfs.daemon import find_ipfs_binary  # noqa: E402
from dapp.ipfs.ipns import resolve_name  # noqa: E402
from dapp.nodes import AnvilNode  # noqa: E402
from dapp.release import load_record  # noqa: E402
from tests.support.fixtures import Cli  # noqa: E402
from tests.support.ipfs_nodes import name_pair, run_cluster  # noqa: E402

RESULTS = REPO / "bench" / "results" / "release.json"
SELLERS = (  # anvil's dev accounts 1-3: three storefronts, three pages
    "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
)
RUNS = len(SELLERS)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-release-") as tmp, AnvilNode() as anvil, name_pair() as names:
        home = Path(tmp)
        cli = Cli(home)
        cli.run("deploy", "--network", anvil.url)
        with run_cluster(names.publisher_info.api_multiaddr, home / "ours") as ours, run_cluster(
            names.resolver_info.api_multiaddr, home / "hosted"
        ) as hosted:  # fmt: skip
            cli.env |= {"DAPP_CLUSTER_TOKEN": ours.token, "DAPP_PIN_TOKEN_HOSTED": hosted.token}
            command = ["page", "release", "--network", anvil.url, "--ipfs-api", names.publisher_info.api_multiaddr,
                       "--gateway", names.publisher_info.gateway_url, "--cluster", ours.pinning_url,
                       "--pin-service", f"hosted={hosted.pinning_url}", "--domain", "shop.example"]  # fmt: skip
            release_s, resolve_s = [], []
            output = ""
            for seller in SELLERS:
                start = time.perf_counter()
                result = cli.run(*command, "--seller", seller)
                release_s.append(time.perf_counter() - start)
                entry = load_record(home / "releases" / "31337.json")[-1]
                start = time.perf_counter()
                resolved = resolve_name(names.resolver, entry["ipns_name"])
                resolve_s.append(time.perf_counter() - start)
                if resolved != Cid.parse(entry["cid"]):
                    print(f"the second node resolves {entry['ipns_name']} to {resolved}, not {entry['cid']}")
                    return 1
                output = f"$ dapp {' '.join(command)} --seller {seller}\n{result.stderr}{result.stdout}"
            car_bytes = Path(home / entry["car"]).stat().st_size
    results = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_1m_at_end": round(os.getloadavg()[0], 1),  # the machine is shared: builds slow down
            "kubo": subprocess.run([find_ipfs_binary(), "version"], capture_output=True, text=True).stdout.strip(),
        },
        "runs": RUNS,
        "release_s": round(statistics.median(release_s), 2),
        "release_s_each": [round(value, 2) for value in release_s],
        "ipns_resolve_s": round(statistics.median(resolve_s), 4),
        "ipns_resolve_s_each": [round(value, 4) for value in resolve_s],
        "page_bytes": entry["bytes"],
        "page_files": entry["files"],
        "car_bytes": car_bytes,
        "pins": entry["pins"],
        "note": "a Catalog deployed on anvil; two Kubo 0.39 nodes on loopback (DHT, no bootstrap); our Cluster "
        "on the first node, a second Cluster on the second node through Kubo's pin remote",
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS.parent / "release-output.txt").write_text(output)
    print(output)
    print(json.dumps({k: results[k] for k in ("release_s", "ipns_resolve_s", "page_bytes", "car_bytes")}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
