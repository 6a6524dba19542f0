"""The deployment registry: reuse a live deployment, replace a stale one, never trust a restarted chain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dapp.compile import load_artifact
from dapp.deploy import deploy_catalog, register_deployment
from dapp.exceptions import ConfigError, DeploymentError, NotDeployedError
from dapp.liveness import live_deployment, stale_reason
from dapp.networks import http_web3
from dapp.nodes import AnvilNode
from dapp.registry import HEADER, Deployment, Registry, abi_hash


@pytest.mark.anvil
@pytest.mark.reliability("fault")
def test_restarted_anvil_is_detected_and_redeployed(tmp_path: Path) -> None:
    registry = Registry(tmp_path)
    node = AnvilNode().start()
    try:
        w3 = http_web3(node.url)
        first = deploy_catalog(w3, w3.eth.accounts[0], registry)
        assert not first.reused
        again = deploy_catalog(w3, w3.eth.accounts[0], registry)
        assert again.reused and again.deployment == first.deployment
        later = w3.eth.get_block(0)["timestamp"] + 100
    finally:
        node.stop()

    # The restarted chain: same chain id, same deployer and nonce, so the same contract lands at the same
    # address again, and only the genesis hash tells the chains apart. (A later genesis timestamp, as a
    # restart a second later.) It listens on a new port of the OS's choosing, not on the one just freed,
    # which another process could take first: the registry is keyed by chain id and genesis, not by URL.
    restarted = AnvilNode(extra_args=["--timestamp", str(later)]).start()
    try:
        w3 = http_web3(restarted.url)
        artifact = load_artifact()
        w3.eth.wait_for_transaction_receipt(
            w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
            .constructor()
            .transact({"from": w3.eth.accounts[0]})
        )
        assert bytes(w3.eth.get_code(first.deployment.address))  # same code, same address, other chain
        reason = stale_reason(w3, first.deployment)
        assert reason is not None and "genesis" in reason
        with pytest.raises(NotDeployedError, match="stale"):
            live_deployment(w3, registry)
        replaced = deploy_catalog(w3, w3.eth.accounts[0], registry)
        assert not replaced.reused
        assert replaced.replaced == first.deployment
        assert replaced.deployment.genesis_hash != first.deployment.genesis_hash
        assert replaced.deployment.address != first.deployment.address
        assert live_deployment(w3, registry)[0] == replaced.deployment
    finally:
        restarted.stop()


@pytest.mark.anvil
def test_changed_code_is_not_trusted(anvil_node: AnvilNode, tmp_path: Path) -> None:
    registry = Registry(tmp_path)
    w3 = http_web3(anvil_node.url)
    deployment = deploy_catalog(w3, w3.eth.accounts[0], registry, force=True).deployment
    w3.provider.make_request("anvil_setCode", [deployment.address, "0x6000"])  # type: ignore[arg-type]
    assert "not the code that was recorded" in (stale_reason(w3, deployment) or "")
    w3.provider.make_request("anvil_setCode", [deployment.address, "0x"])  # type: ignore[arg-type]
    assert "no contract code" in (stale_reason(w3, deployment) or "")
    assert not deploy_catalog(w3, w3.eth.accounts[0], registry).reused


@pytest.mark.anvil
def test_register_deployment_checks_the_chain(anvil_node: AnvilNode, tmp_path: Path) -> None:
    w3 = http_web3(anvil_node.url)
    artifact = load_artifact()
    tx = (
        w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        .constructor()
        .transact({"from": w3.eth.accounts[0]})
    )
    receipt = w3.eth.wait_for_transaction_receipt(tx)
    deployment = register_deployment(w3, receipt["contractAddress"], tx.hex(), tool="brownie", registry_dir=tmp_path)
    stored = json.loads((tmp_path / f"{deployment.chain_id}.json").read_text())
    entry = stored["contracts"]["Catalog"]
    assert stored["_comment"] == HEADER
    assert entry["address"] == receipt["contractAddress"]
    assert entry["deployedOnBlock"] == receipt["blockNumber"]
    assert entry["tool"] == "brownie"
    assert entry["abiHash"] == abi_hash(artifact.abi)
    assert stored["abis"][entry["abiHash"]] == artifact.abi  # each ABI once, keyed by its hash
    with pytest.raises(DeploymentError, match="did not create a contract"):
        register_deployment(w3, w3.eth.accounts[1], tx.hex(), registry_dir=tmp_path)


def test_registry_rejects_foreign_or_corrupt_files(tmp_path: Path) -> None:
    registry = Registry(tmp_path)
    assert registry.get(5) is None
    (tmp_path / "5.json").write_text("{not json")
    with pytest.raises(ConfigError, match="unreadable"):
        registry.get(5)
    (tmp_path / "5.json").write_text(json.dumps({"chainId": 6, "contracts": {}}))
    with pytest.raises(ConfigError, match="not a registry for chain 5"):
        registry.get(5)


def test_registry_writes_are_atomic_and_keep_other_entries(tmp_path: Path) -> None:
    registry = Registry(tmp_path)
    (tmp_path / "7.json").write_text(json.dumps({"chainId": 7, "contracts": {"Other": {"address": "0x1"}}}))

    deployment = Deployment(
        7, "Catalog", "0x" + "ab" * 20, "0x" + "cd" * 32, 3, "0x00", "0x01", abi_hash([]), "0x03", "t", "x"
    )
    registry.record(deployment, abi=[])
    data = json.loads((tmp_path / "7.json").read_text())
    assert set(data["contracts"]) == {"Other", "Catalog"}
    assert registry.get(7) == deployment
    assert not list(tmp_path.glob(".*tmp"))  # no temp file left behind
    assert registry.chains() == [7]


def test_an_edited_abi_is_not_trusted(tmp_path: Path) -> None:
    registry = Registry(tmp_path)
    abi = load_artifact().abi
    deployment = Deployment(
        1, "Catalog", "0x" + "ab" * 20, "0x" + "cd" * 32, 1, "0x0", "0x1", abi_hash(abi), "0x2", "t", "x"
    )
    registry.record(deployment, abi)
    assert registry.get_with_abi(1) == (deployment, abi)
    data = json.loads((tmp_path / "1.json").read_text())
    data["abis"][abi_hash(abi)] = abi[:-1]
    (tmp_path / "1.json").write_text(json.dumps(data))
    with pytest.raises(ConfigError, match="does not match its abiHash"):
        registry.get(1)


@pytest.mark.anvil
def test_two_dev_chains_with_one_chain_id_keep_their_own_deployments(tmp_path: Path) -> None:
    """A background anvil and the one `dapp up` starts are both chain 31337: neither entry replaces the other."""
    registry = Registry(tmp_path)
    with AnvilNode() as first, AnvilNode(extra_args=["--timestamp", "1700000000"]) as second:
        w3_first, w3_second = http_web3(first.url), http_web3(second.url)
        on_first = deploy_catalog(w3_first, w3_first.eth.accounts[0], registry).deployment
        w3_second.eth.send_transaction({"from": w3_second.eth.accounts[0], "to": w3_second.eth.accounts[1], "value": 1})
        on_second = deploy_catalog(w3_second, w3_second.eth.accounts[0], registry).deployment
        assert on_first.address != on_second.address  # the deployer's nonce differs
        assert live_deployment(w3_first, registry)[0] == on_first
        assert live_deployment(w3_second, registry)[0] == on_second
        assert deploy_catalog(w3_first, w3_first.eth.accounts[0], registry).reused
        assert registry.get(31337) == on_second  # the latest recorded, for readers that cannot ask for genesis


def test_each_abi_is_stored_once_and_old_files_are_read_and_migrated(tmp_path: Path) -> None:
    registry = Registry(tmp_path)
    abi = load_artifact().abi
    old = Deployment(1, "Catalog", "0x" + "ab" * 20, "0x" + "cd" * 32, 1, "0xa0", "0x1", abi_hash(abi), "0x2", "t", "x")
    # The layout before: the full ABI inside every entry, under contracts and byGenesis alike.
    entry = {**old.to_json(), "abi": abi}
    legacy = {
        "_comment": HEADER,
        "chainId": 1,
        "contracts": {"Catalog": entry},
        "byGenesis": {"0xa0": {"Catalog": entry}},
    }
    (tmp_path / "1.json").write_text(json.dumps(legacy))
    assert registry.get_with_abi(1, genesis="0xa0") == (old, abi)

    for genesis in ("0xa1", "0xa2"):  # two more chain instances with the same ABI
        registry.record(
            Deployment(1, "Catalog", old.address, old.tx_hash, 2, genesis, "0x1", old.abi_hash, "0x2", "t", "x"), abi
        )
    data = json.loads((tmp_path / "1.json").read_text())
    assert list(data["abis"]) == [abi_hash(abi)]  # one copy for three entries
    assert all("abi" not in e for by_name in data["byGenesis"].values() for e in by_name.values())
    assert registry.get_with_abi(1, genesis="0xa0") == (old, abi)  # the migrated entry still resolves
    assert len((tmp_path / "1.json").read_text()) < 2 * len(json.dumps(abi))
