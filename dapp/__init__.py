"""dapp: compile, deploy and use the ownerless Catalog contract, and publish the shop to IPFS.

    from dapp import connect, CatalogClient, Registry, live_deployment

    with connect("anvil") as conn:
        deployment, abi = live_deployment(conn.w3, Registry("deployments"))
        shop = CatalogClient.from_deployment(conn.w3, deployment, abi)
        for product in shop.products():
            print(product.id, product.price, product.metadata_cid)

Everything not re-exported here, and everything under `dapp._utils`, may change without notice.
"""

from typing import TYPE_CHECKING, Any

# The one export list. Type checkers read these imports; at run time `__getattr__` below reads the same
# lines (parsed from this file) and imports a name on first use (PEP 562), so `import dapp.ipfs` and
# `dapp cid` do not pay for web3's ~1 s import.
if TYPE_CHECKING:
    from dapp.client import CatalogClient as CatalogClient
    from dapp.deploy import (
        DeployResult as DeployResult,
        deploy_catalog as deploy_catalog,
        register_deployment as register_deployment,
    )
    from dapp.exceptions import (
        ContractRevert as ContractRevert,
        DappError as DappError,
        DappValueError as DappValueError,
        NotDeployedError as NotDeployedError,
    )
    from dapp.ipfs.cid import Cid as Cid
    from dapp.liveness import live_deployment as live_deployment
    from dapp.networks import Connection as Connection, connect as connect, parse_network as parse_network
    from dapp.registry import Deployment as Deployment, Registry as Registry
    from dapp.tokens import Token as Token, Tokens as Tokens
    from dapp.transactions import TransactionPipeline as TransactionPipeline, TxRequest as TxRequest
    from dapp.types import (
        ETH as ETH,
        ListingTerms as ListingTerms,
        Order as Order,
        OrderRef as OrderRef,
        OrderState as OrderState,
        Payment as Payment,
        Product as Product,
        Purchase as Purchase,
        Review as Review,
        TxResult as TxResult,
        Withdrawal as Withdrawal,
    )


def _exports() -> dict[str, str]:
    """Public name -> module, from the TYPE_CHECKING imports above."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    return {
        alias.asname or alias.name: str(node.module)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


_EXPORTS = _exports()
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'dapp' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
