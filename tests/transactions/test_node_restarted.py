"""A node that restarts between two commands: the registry entry from before the restart is stale, and
every command that would write says so and sends nothing to the address that has no code now.

The first command runs against anvil; then anvil is stopped and started again, empty. Its genesis block
either changes (a restart a moment later) or stays the same (the same `--timestamp`, as a scripted
restart can give): the entry is stale either way, for the genesis or for the missing code. A proxy in
front of the restarted node counts what reaches it: no transaction, and no simulation of one either.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.fixtures import CID, Cli
from tests.support.rpc_proxy import FlakyRpcProxy
from tests.transactions.conftest import StartAnvil, key, open_shop

pytestmark = [pytest.mark.anvil, pytest.mark.reliability("fault")]
GENESIS_TIME = 1_800_000_000
SENDS = ("eth_sendRawTransaction", "eth_sendTransaction", "eth_estimateGas")

# A command of each kind: a purchase (reads the product first), a listing (simulated before any IPFS
# upload), an order action (a write with no read before it) and a withdrawal (reads what is owed).
COMMANDS = [
    ("buy", "1"),
    ("list-product", "--price", "0.01ether", "--stock", "3", "--metadata-cid", CID),
    ("ship", "1-1"),
    ("withdraw", "--currency", "ETH"),
]


@pytest.mark.parametrize("genesis", ["new", "same"])
def test_a_restarted_node_gets_no_transaction_for_a_stale_entry(
    start_anvil: StartAnvil, tmp_path: Path, genesis: str
) -> None:
    seller = Cli(tmp_path)
    seller.env["DAPP_PRIVATE_KEY"] = "0x" + bytes(key(0).key).hex()
    buyer = Cli(tmp_path)
    buyer.env["DAPP_PRIVATE_KEY"] = "0x" + bytes(key(1).key).hex()
    before = start_anvil(None, False, "--timestamp", str(GENESIS_TIME))
    shop = open_shop(before)
    shop.register(tmp_path / "deployments")
    before.fund(key(1).address)
    bought: Any = buyer.json("buy", "1", "--network", before.url)  # the first command, on the first node
    assert bought["order"] == "1-1"
    registry = (tmp_path / "deployments" / "31337.json").read_bytes()
    entry = json.loads(registry)["contracts"]["Catalog"]
    before.node.stop()

    later = GENESIS_TIME + (100 if genesis == "new" else 0)
    after = start_anvil(None, False, "--timestamp", str(later))
    same_genesis = after.w3.eth.get_block(0)["hash"].hex() == entry["genesisHash"].removeprefix("0x")
    assert same_genesis is (genesis == "same")
    for index in (0, 1):
        after.fund(key(index).address)
    assert not bytes(after.w3.eth.get_code(shop.address))
    reason = "its genesis block changed" if genesis == "new" else f"there is no contract code at {shop.address}"

    with FlakyRpcProxy(after.url) as proxy:
        for command in COMMANDS:
            cli = seller if command[0] in ("list-product", "ship", "withdraw") else buyer
            result = cli.run(*command, "--network", proxy.url, check=False)
            assert result.returncode == 2, (command, result.stderr)
            assert "Traceback" not in result.stderr
            (error,) = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
            assert error.startswith("ERROR: (NotDeployedError) Catalog is not deployed on chain 31337"), error
            assert "stale" in error and reason in error, (command, error)
            assert "dapp deploy" in error, error  # a dev chain: redeploying is the fix
        calls = dict.fromkeys(SENDS, 0) | {m: proxy.count(m) for m in SENDS}
    assert calls == dict.fromkeys(SENDS, 0), calls
    for index in (0, 1):
        assert after.nonce(key(index).address, "pending") == 0  # nothing sent from either account
    assert (tmp_path / "deployments" / "31337.json").read_bytes() == registry  # reported, not rewritten

    status: Any = seller.json("status", "--network", after.url)
    assert status["catalog"]["address"] == shop.address and status["catalog"]["live"] is False
    assert reason in status["catalog"]["stale"]
