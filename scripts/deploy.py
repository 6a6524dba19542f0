"""Deploy the Catalog with Brownie and record it where `dapp` and the shop page look for it.

    brownie run scripts/deploy.py --network ganache-cli     (or --network anvil)

The deployment goes into the same registry `dapp deploy` writes (`deployments/<chainId>.json`, or the
folder in $DAPP_DEPLOYMENTS), through `dapp.deploy.register_deployment`, which reads the receipt, the code
and the chain's genesis hash back from the chain. So `dapp status` and `dapp products` find a Brownie
deployment at once, and notice when the chain behind it was reset.

Brownie stops a node it launched itself when the script ends. To keep the deployment, start the node
first on the port brownie-config.yaml gives the network; Brownie then attaches to it (README: "Using
Brownie").
"""

from __future__ import annotations

import os

from brownie import Catalog, accounts, network, web3
from brownie.network import rpc
from brownie.network.account import Account, LocalAccount

from dapp import settings
from dapp.deploy import register_deployment


def deployer() -> Account | LocalAccount:
    """$BROWNIE_DEPLOYER names an account saved with `brownie accounts`; else the node's first account."""
    name = os.environ.get("BROWNIE_DEPLOYER")
    if name:
        return accounts.load(name)
    if not accounts:
        raise SystemExit(
            f"network {network.show_active()!r} has no unlocked accounts: set BROWNIE_DEPLOYER to an "
            "account saved with `brownie accounts new|import`"
        )
    return accounts[0]


def tx_params(sender: Account | LocalAccount) -> dict[str, object]:
    # Brownie's development networks send gas_price 0, which only chains with a zero base fee accept (the
    # ones Brownie launches itself); a node the user started has a London base fee. The node's own
    # suggestion works on both.
    return {"from": sender, "gas_price": web3.eth.gas_price}


def main() -> str:
    catalog = Catalog.deploy(tx_params(deployer()))
    registry_dir = settings.load().deployments  # where `dapp` looks, as $DAPP_DEPLOYMENTS says
    deployment = register_deployment(
        web3, catalog.address, catalog.tx.txid, tool="brownie", registry_dir=registry_dir, abi=Catalog.abi
    )
    print(
        f"Catalog deployed at {deployment.address} on chain {deployment.chain_id} "
        f"(block {deployment.deployed_on_block}); recorded in "
        f"{registry_dir}/{deployment.chain_id}.json"
    )
    if rpc.is_child():
        print(
            "Note: Brownie launched this chain and stops it when the script ends, so this deployment ends "
            "with it. Start the node yourself first to keep it (README: Using Brownie)."
        )
    return catalog.address
