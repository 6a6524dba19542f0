"""One indexed store per session: anvil (a high block gas limit for the batch helper), an offline Kubo
serving some product documents through its gateway, the Catalog deployed and registered, every event
emitted by a scripted shop and a bulk of products and orders, then our Ponder indexer started by PID on a
free port and waited on (/ready and the chain's head, never a sleep). Ponder takes 10-40 s to start on
this machine, so the tests share it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from web3 import Web3

from dapp.client import CatalogClient
from dapp.deploy import deploy_catalog
from dapp.indexer.process import IndexerProcess
from dapp.indexer.service import indexer_for, wait_synced
from dapp.ipfs.daemon import KuboDaemon
from dapp.ipfs.kubo import Kubo
from dapp.ipfs.metadata import canonical_json
from dapp.nodes import AnvilNode
from dapp.registry import Deployment, Registry

from .recording_proxy import RecordingProxy
from .store import BatchStore, Rpc, client_for, every_event, product_document, raw_cid, seed_bulk

PRODUCTS = 400
ORDERS = 4_000
BUYERS = 100
WITH_DOCUMENTS = 40  # bulk products 0..39 have their document on the gateway; the rest are missing
SYNC_TIMEOUT = 300.0
FINALITY_BLOCKS = 100


@dataclass
class IndexedStore:
    node: AnvilNode
    w3: Web3
    registry: Registry
    deployment: Deployment
    abi: list[dict[str, Any]]
    process: IndexerProcess
    url: str
    gateway: str
    bulk_ids: list[int]
    orders_per_buyer: dict[str, int]
    invalid_product: int
    history_block: int
    proxy: RecordingProxy
    accounts: list[str] = field(default_factory=list)
    batch: BatchStore | None = None

    def client(self, account: int | str = 0, **kwargs: Any) -> CatalogClient:
        who = self.accounts[account] if isinstance(account, int) else account
        return client_for(self.w3, self.deployment, self.abi, who, **kwargs)

    def synced(self) -> int:
        return wait_synced(self.process, self.url, self.w3, SYNC_TIMEOUT)


def _advance(w3: Web3, seconds: int) -> None:
    w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
    w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def indexed_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IndexedStore]:
    root = tmp_path_factory.mktemp("indexed")
    with (
        AnvilNode(extra_args=["--gas-limit", "1000000000"]) as node,
        KuboDaemon() as daemon,
        RecordingProxy(node.url) as proxy,  # Ponder's RPC: a test can see what it asks for, or hold it
    ):
        kubo = Kubo(daemon.api_multiaddr)
        gateway = daemon.gateway_url
        w3 = Web3(Web3.HTTPProvider(node.url))
        accounts = [str(a) for a in w3.eth.accounts]
        registry = Registry(root / "deployments")
        deployment = deploy_catalog(w3, accounts[0], registry, force=True).deployment
        abi = registry.get_with_abi(deployment.chain_id, "Catalog")[1]  # type: ignore[index]
        roles = dict(zip(("s1", "s2", "b1", "b2", "arb"), accounts[1:6], strict=True))
        clients = {role: client_for(w3, deployment, abi, who) for role, who in roles.items()}
        for index in (900_001, 900_002, 900_004):  # the scripted shop's documents
            kubo.add_bytes(product_document(index))
        every_event(clients, lambda seconds: _advance(w3, seconds))
        # A document that is on the gateway and matches its digest, but is no product document.
        not_a_product = canonical_json({"schema": "ownerless-store/review@1", "rating": 5, "text": "hi"})
        kubo.add_bytes(not_a_product)
        invalid = clients["s2"].list_product(7, 1, raw_cid(not_a_product)).product_id
        for index in range(WITH_DOCUMENTS):
            kubo.add_bytes(product_document(index))
        batch = BatchStore.deploy(Rpc(w3), deployment.address, accounts[7])
        ids, per_buyer = seed_bulk(batch, PRODUCTS, ORDERS, BUYERS)
        # Blocks past Ponder's finality depth: the store is synced as history (in ranges), not block by block.
        w3.provider.make_request("anvil_mine", [hex(FINALITY_BLOCKS)])  # type: ignore[arg-type]
        history_block = int(w3.eth.block_number)
        process = indexer_for(w3, registry, proxy.url, root / "state", gateway_url=gateway, polling_interval_ms=250)
        info, _ = process.start()
        store = IndexedStore(
            node,
            w3,
            registry,
            deployment,
            abi,
            process,
            info.url,
            gateway,
            ids,
            per_buyer,
            invalid,
            history_block,
            proxy,
            accounts,
            batch,
        )
        try:
            store.synced()
            yield store
        finally:
            process.stop()
