"""dapp: compile, deploy and use the ownerless Catalog contract, and publish the shop to IPFS.

    from dapp import connect, CatalogClient, Registry, live_deployment

    with connect("anvil") as conn:
        deployment, abi = live_deployment(conn.w3, Registry())
        shop = CatalogClient.from_deployment(conn.w3, deployment, abi)
        for product in shop.products():
            print(product.id, product.price, product.metadata_cid)

Everything not re-exported here, and everything under `dapp._utils`, may change without notice.
"""

from typing import TYPE_CHECKING, Any

# `X as X`: explicit re-exports for type checkers; at run time __getattr__ below imports them.
if TYPE_CHECKING:
    from dapp.client import CatalogClient as CatalogClient
    from dapp.deploy import (
        DeployResult as DeployResult,
        deploy_catalog as deploy_catalog,
        live_deployment as live_deployment,
        register_deployment as register_deployment,
    )
    from dapp.exceptions import (
        ContractRevert as ContractRevert,
        DappError as DappError,
        DappValueError as DappValueError,
        NotDeployedError as NotDeployedError,
    )
    from dapp.networks import Connection as Connection, connect as connect, parse_network as parse_network
    from dapp.registry import Deployment as Deployment, Registry as Registry
    from dapp.types import (
        Order as Order,
        OrderRef as OrderRef,
        OrderState as OrderState,
        Product as Product,
        Review as Review,
        TxResult as TxResult,
    )

# Where each public name lives. Imported on first use (PEP 562): `import dapp.ipfs` or `dapp cid` must not
# pay for web3's ~1 s import.
_EXPORTS = {
    "CatalogClient": "dapp.client",
    "Connection": "dapp.networks",
    "ContractRevert": "dapp.exceptions",
    "DappError": "dapp.exceptions",
    "DappValueError": "dapp.exceptions",
    "DeployResult": "dapp.deploy",
    "Deployment": "dapp.registry",
    "NotDeployedError": "dapp.exceptions",
    "Order": "dapp.types",
    "OrderRef": "dapp.types",
    "OrderState": "dapp.types",
    "Product": "dapp.types",
    "Registry": "dapp.registry",
    "Review": "dapp.types",
    "TxResult": "dapp.types",
    "connect": "dapp.networks",
    "deploy_catalog": "dapp.deploy",
    "live_deployment": "dapp.deploy",
    "parse_network": "dapp.networks",
    "register_deployment": "dapp.deploy",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'dapp' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = sorted(_EXPORTS)
