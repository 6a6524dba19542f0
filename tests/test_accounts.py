"""Signing accounts: an environment private key, an encrypted keystore, a dev node's unlocked accounts.
Keys must never appear in output or error messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_account import Account

from dapp.accounts import use_account
from dapp.client import CatalogClient
from dapp.compile import load_artifact
from dapp.demo import mint_request
from dapp.deploy import deploy_catalog, deploy_contract
from dapp.exceptions import AccountError
from dapp.ipfs.cid import Cid, Codec
from dapp.networks import http_web3
from dapp.nodes import AnvilNode
from dapp.registry import Registry
from dapp.transactions import TransactionPipeline
from dapp.types import ListingTerms, Payment
from tests.support.fixtures import DIGEST

pytestmark = pytest.mark.anvil
KEY = "0x" + "4c" * 32


def _funded_web3(anvil_node: AnvilNode, address: str):  # type: ignore[no-untyped-def]
    w3 = http_web3(anvil_node.url)
    w3.provider.make_request("anvil_setBalance", [address, hex(10**18)])  # type: ignore[arg-type]
    return w3


def test_private_key_from_env_signs_locally(
    anvil_node: AnvilNode, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    address = Account.from_key(KEY).address
    w3 = _funded_web3(anvil_node, address)
    assert use_account(w3, private_key=KEY) == address
    deployment = deploy_catalog(w3, address, Registry(tmp_path), force=True).deployment
    assert deployment.deployer == address  # anvil does not know this key: it was signed by us
    client = CatalogClient.from_deployment(w3, deployment, load_artifact().abi, account=address)
    assert client.list_product(ListingTerms(1, 1, Cid(DIGEST, Codec.RAW))).product_id == 1

    # A token purchase with a permit the key signs here (anvil cannot: it does not know the key).
    usd = deploy_contract(w3, address, Registry(tmp_path), load_artifact("TestUSD")).deployment.address
    TransactionPipeline(w3, address).execute(mint_request(usd, address, 50 * 10**6))
    seller = CatalogClient.from_deployment(w3, deployment, load_artifact().abi, account=str(w3.eth.accounts[1]))
    pid = seller.list_product(ListingTerms(12 * 10**6, 3, Cid(DIGEST, Codec.RAW), currency=usd)).product_id
    purchase = client.buy(pid, 2)
    assert purchase.payment is Payment.PERMIT and purchase.approve_tx is None
    assert seller.withdrawable(currency=usd) == 24 * 10**6


def test_keystore_with_password(anvil_node: AnvilNode, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keystore = tmp_path / "key.json"
    keystore.write_text(json.dumps(Account.encrypt(KEY, "correct horse")))
    w3 = _funded_web3(anvil_node, Account.from_key(KEY).address)
    with pytest.raises(AccountError, match="wrong password"):
        use_account(w3, keystore=keystore, password="wrong")
    with pytest.raises(AccountError, match="needs a password: set DAPP_KEYSTORE_PASSWORD"):
        use_account(w3, keystore=keystore)
    assert use_account(w3, keystore=keystore, password_prompt=lambda: "correct horse") == Account.from_key(KEY).address


def test_bad_key_is_not_echoed(anvil_node: AnvilNode, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "0x" + "zz" * 32
    with pytest.raises(AccountError) as info:
        use_account(http_web3(anvil_node.url), private_key=secret)
    assert secret not in str(info.value) and "zz" not in str(info.value)


def test_unlocked_dev_accounts_by_index(anvil_node: AnvilNode, monkeypatch: pytest.MonkeyPatch) -> None:
    w3 = http_web3(anvil_node.url)
    assert use_account(w3, index=3) == w3.eth.accounts[3]
    with pytest.raises(AccountError, match="out of range"):
        use_account(w3, index=99)
    with pytest.raises(AccountError, match="keystore file not found"):
        use_account(w3, keystore=Path("/nonexistent/key.json"))
