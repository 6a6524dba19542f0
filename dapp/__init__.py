"""dapp: compile, deploy and use the ownerless Catalog contract, and publish the shop to IPFS.

    from dapp import connect, CatalogClient, Registry, live_deployment

    with connect("anvil") as conn:
        deployment, abi = live_deployment(conn.w3, Registry())
        shop = CatalogClient.from_deployment(conn.w3, deployment, abi)
        for product in shop.products():
            print(product.id, product.price, product.metadata_cid)

Everything not re-exported here, and everything under `dapp._utils`, may change without notice.
"""

from dapp.client import CatalogClient
from dapp.deploy import DeployResult, deploy_catalog, live_deployment, register_deployment
from dapp.exceptions import ContractRevert, DappError, DappValueError, NotDeployedError
from dapp.networks import Connection, connect, parse_network
from dapp.registry import Deployment, Registry
from dapp.types import Order, OrderRef, OrderState, Product, Review, TxResult

__all__ = [
    "CatalogClient",
    "Connection",
    "ContractRevert",
    "DappError",
    "DappValueError",
    "DeployResult",
    "Deployment",
    "NotDeployedError",
    "Order",
    "OrderRef",
    "OrderState",
    "Product",
    "Registry",
    "Review",
    "TxResult",
    "connect",
    "deploy_catalog",
    "live_deployment",
    "parse_network",
    "register_deployment",
]
