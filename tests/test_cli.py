"""The `dapp` command as a user runs it: real subprocesses, a real background node, the README's order.

Each test gets its own project folder (DAPP_HOME for node records, DAPP_DEPLOYMENTS for the registry),
and every node a test causes to start is stopped by its recorded PID at the end.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dapp.exceptions import IndexerError
from dapp.indexer.reader import IndexerReader
from dapp.networks import http_web3
from dapp.nodes import AnvilNode
from dapp.types import ETH
from tests.support.fixtures import CID, Cli, Up, deploy_no_decimals_token


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[Cli]:
    runner = Cli(tmp_path)
    yield runner
    for kind in ("anvil", "ganache"):
        if (tmp_path / ".dapp" / "nodes" / f"{kind}.json").exists():
            runner.run("node", "stop", kind, check=False)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text()


@pytest.mark.ganache
@pytest.mark.kubo
# Ganache answers each eth_estimateGas in ~0.65 s of CPU; under `make test`'s parallel suites on 2 cores the
# whole flow took over 300 s once. The bound guards against a hang, not a speed.
@pytest.mark.timeout(900)
def test_readme_flow_on_ganache(cli: Cli) -> None:
    """The README's commands in its order, each a separate process; documents go through our own Kubo."""
    net = ("--network", "ganache")
    image = cli.home / "shirt.jpg"
    image.write_bytes(b"not really a photo" * 50)
    deployed = cli.json("deploy", *net)
    assert deployed["chainId"] == 1337 and not deployed["reused"]  # type: ignore[index]
    assert cli.json("deploy", *net)["reused"]  # type: ignore[index]

    terms = ("--price", "0.02ether", "--stock", "10", "--escrow", "7d", "--handling", "3d")
    about = ("--name", "Tour T-shirt", "--description", "Black, heavy cotton", "--image", str(image))
    listed = cli.json("list-product", *net, *terms, *about)
    assert listed["productId"] == 1  # type: ignore[index]
    assert (listed["product"]["escrowWindow"], listed["product"]["handlingTime"]) == (604800, 259200)  # type: ignore[index]
    bought = cli.run("buy", "1", "--quantity", "2", *net, "--account", "2", "--json")
    assert "the seller has 3d to ship" in bought.stderr and "without an arbiter" in bought.stderr
    assert {k: v for k, v in json.loads(bought.stdout).items() if k != "tx"} == {
        "order": "1-1",
        "amount": str(4 * 10**16),
        "currency": ETH,
        "amountText": "0.04 ETH",
        "escrowed": True,
        "payment": "eth",
        "orderDataBytes": 0,
    }
    cli.run("ship", "1-1", *net, "--account", "0")
    cli.run("confirm", "1-1", *net, "--account", "2")
    cli.run("review", "1-1", "--rating", "5", "--text", "Great shirt", *net, "--account", "2")
    withdrawn = cli.json("withdraw", *net)
    assert withdrawn["amount"] == str(4 * 10**16)  # type: ignore[index]

    shown = cli.json("product", "1", "--metadata", *net)
    assert shown["metadata"]["name"] == "Tour T-shirt"  # type: ignore[index]
    assert [(r["rating"], r["text"]) for r in shown["reviews"]] == [(5, "Great shirt")]  # type: ignore[index]
    products = cli.json("products", *net)
    assert [(p["id"], p["stock"], p["rating"], p["name"]) for p in products] == [(1, 8, 5.0, "Tour T-shirt")]  # type: ignore[union-attr,index]
    orders = cli.json("orders", *net, "--account", "2")
    assert [(o["order"], o["state"], o["name"]) for o in orders] == [("1-1", "reviewed", "Tour T-shirt")]  # type: ignore[union-attr,index]
    status = cli.json("status", *net)
    assert status["catalog"]["live"] and status["productCount"] == 1  # type: ignore[index]
    table = cli.run("product", "1", *net).stdout
    assert "★★★★★" in table and "reviewed" in table


@pytest.mark.anvil
def test_user_errors_are_one_line_exit_2_and_send_nothing(cli: Cli) -> None:
    cli.run("deploy", "--network", "anvil")
    cli.run("list-product", "--network", "anvil", "--price", "1000", "--stock", "1", "--metadata-cid", CID)
    w3 = http_web3(cli.node_url("anvil"))
    block = w3.eth.block_number

    cases = [
        (
            ["buy", "1", "--quantity", "5", "--account", "2"],
            "(CatalogInsufficientStock) CatalogInsufficientStock(productId=1, requested=5",
        ),
        (["buy", "1"], "(CatalogSellerIsBuyer) you are the seller of product 1"),
        (["buy", "7"], "(CatalogUnknownProduct)"),
        (["confirm", "1-x"], "not an order: '1-x'"),
        (["confirm", "1-1"], "(CatalogUnknownOrder)"),
        (["list-product", "--price", "0.5 bananas", "--stock", "1", "--metadata-cid", CID], "no token 'bananas'"),
        (["list-product", "--price", "five", "--stock", "1", "--metadata-cid", CID], "not an amount"),
        (["list-product", "--price", "1", "--stock", "1", "--metadata-cid", "not-a-cid"], "not a valid CID"),
        (["list-product", "--price", "0", "--stock", "1", "--metadata-cid", CID], "price must be between 1"),
        (["buy", "1", "--network", "sepolia"], "unknown network 'sepolia'"),
        (["buy", "1", "--network", "ftp://x"], "unknown network"),
        (["orders", "--buyer", "0x123"], "not an Ethereum address"),
        (["withdraw", "--account", "5"], "(CatalogNothingToWithdraw)"),
    ]
    for args, message in cases:
        full = [*args] if "--network" in args else [*args, "--network", "anvil"]
        result = cli.run(*full, check=False)
        assert result.returncode == 2, (args, result.stderr)
        errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
        assert len(errors) == 1 and message in errors[0], (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert w3.eth.block_number == block  # nothing was sent


@pytest.mark.anvil
def test_commands_without_a_deployment_say_so(cli: Cli) -> None:
    result = cli.run("products", "--network", "anvil", check=False)
    assert result.returncode == 2
    assert "not deployed on chain 31337" in result.stderr and "dapp deploy" in result.stderr


@pytest.mark.anvil
def test_background_node_is_reused_and_stopped_by_pid(cli: Cli) -> None:
    cli.run("deploy", "--network", "anvil")
    pid = cli.node_pid("anvil")
    cli.run("status", "--network", "anvil")
    assert cli.node_pid("anvil") == pid  # reused, not restarted
    assert _alive(pid)
    assert f"pid {pid}" in cli.run("node", "stop", "anvil").stdout
    assert not _alive(pid)
    # A restarted node is a new chain: the registry entry is reported stale, and deploy replaces it.
    assert "STALE" in cli.run("status", "--network", "anvil").stdout
    assert not cli.json("deploy", "--network", "anvil")["reused"]  # type: ignore[index]


@pytest.mark.anvil
@pytest.mark.ponder
def test_up_seeds_serves_and_stops_its_node_on_ctrl_c(tmp_path: Path) -> None:
    with Up(Cli(tmp_path), "--no-ipfs") as up:  # the page and IPFS: tests/page/test_up.py
        chain = re.search(r"^Catalog .* \((http://[^)]+)\)$", up.text, re.MULTILINE)
        assert chain is not None, up.text
        w3 = http_web3(chain[1])
        assert w3.eth.chain_id == 31337
        text = up.text
        assert "Tour T-shirt, black" in text and "bafkrei" in text  # names from the metadata documents
        states = ("paid", "shipped", "disputed", "completed", "refunded", "cancelled", "resolved", "reviewed")
        for state in (*states, "settled"):
            assert f"  {state}  " in text, state
        assert "12.00 tUSD" in text and "0.02 ETH" in text and re.search(r"^Test USD +0x", text, re.MULTILINE)
        assert "chain id 31337" in text and "Burner wallet" in text  # how to connect a wallet
        # The indexer was started in the background: the shop was served without waiting for it. It follows
        # this Catalog once it answers.
        indexer = up.field("Indexer")
        reader = IndexerReader(indexer, timeout=5)
        deadline = time.monotonic() + 180
        while True:
            try:
                catalog = reader.catalog()
                break
            except IndexerError:
                assert time.monotonic() < deadline, "the indexer dapp up started never answered"
                time.sleep(0.5)
        assert (catalog.chain_id, catalog.address) == (31337, up.field("Catalog"))
        # The handlers are in place before the serving line: a Ctrl-C right after it stops cleanly.
        assert up.interrupt() == 0
        assert not w3.is_connected()  # the node went down with it
        with pytest.raises(IndexerError, match="does not answer"):
            reader.catalog()  # and the indexer too


# --- Catalog v2 on the demo shop: tokens, shipping, disputes, the arbiter ---------------------------------


@pytest.fixture
def shop(tmp_path: Path, anvil_node: AnvilNode) -> tuple[Cli, str]:
    """`dapp up` seeded on the session's anvil (a fresh Catalog and TestUSD in this test's registry)."""
    cli = Cli(tmp_path)
    cli.run("up", "--network", anvil_node.url, "--no-wait", "--no-ipfs")
    return cli, anvil_node.url


def _failure(cli: Cli, *args: str) -> str:
    result = cli.run(*args, check=False)
    assert result.returncode == 2, (args, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1 and "Traceback" not in result.stderr, (args, result.stderr)
    return errors[0]


@pytest.mark.anvil
def test_token_prices_purchases_and_withdrawals(shop: tuple[Cli, str]) -> None:
    cli, url = shop
    net = ("--network", url, "--no-metadata")
    w3 = http_web3(url)
    products = {p["id"]: p for p in cli.json("products", *net)}  # type: ignore[union-attr,index]
    assert products[4]["priceText"] == "12.00 tUSD" and products[5]["priceText"] == "9.50 tUSD"  # type: ignore[index]
    assert products[1]["priceText"] == "0.02 ETH" and "name" not in products[1]  # type: ignore[index]
    usd = products[4]["currency"]  # type: ignore[index]
    table = cli.run("products", *net).stdout
    assert "12.00 tUSD" in table and "arbiter 0x" in table and "name" not in table.splitlines()[0]

    # Listing in a token: by the demo token's symbol, or by address.
    by_symbol = cli.json("list-product", "--network", url, "--price", "12.5tUSD", "--stock", "3", "--metadata-cid", CID)
    by_address = cli.json("list-product", "--network", url, "--price", "12.5", "--currency", usd, "--stock", "3",
                          "--escrow", "1d", "--handling", "1h", "--metadata-cid", CID)  # fmt: skip
    for listed in (by_symbol, by_address):
        assert (listed["product"]["price"], listed["product"]["currency"]) == (str(12_500_000), usd)  # type: ignore[index]
    new = by_address["productId"]  # type: ignore[index]

    # buy says what protects the buyer and how it paid
    permit = cli.run("buy", str(new), "--network", url, "--account", "2")
    assert "the seller has 1h to ship" in permit.stderr
    frozen = "without an arbiter a disputed order stays frozen until the seller refunds, you confirm, or you both agree"
    assert frozen in permit.stderr
    assert "from then on it can no longer ship and you may cancel" in permit.stderr
    assert "either of you may offer a split" in permit.stderr
    assert "refunded and cancelled orders cannot" in permit.stderr
    assert "paid 12.50 tUSD with an EIP-2612 permit" in permit.stdout
    approve = cli.run("buy", "5", "--network", url, "--account", "3", "--payment", "approve", "--json")
    assert "Disputes go to the arbiter 0x" in approve.stderr
    bought = json.loads(approve.stdout)
    assert (bought["payment"], bought["amountText"]) == ("approve", "9.50 tUSD") and bought["approveTx"]
    immediate = cli.run("buy", "2", "--network", url, "--account", "3")
    assert "settles at once" in immediate.stderr and "(settled)" in immediate.stdout

    # ship, dispute, resolve by the arbiter (account 4), then the seller withdraws tUSD elsewhere
    order = bought["order"]
    cli.run("ship", order, "--network", url, "--account", "1")
    cli.run("dispute", order, "--network", url, "--account", "3")
    resolved = cli.json("resolve", order, "--buyer-amount", "4.75tUSD", "--network", url, "--account", "4")
    assert (resolved["buyerAmount"], resolved["sellerAmount"]) == (str(4_750_000), str(4_750_000))  # type: ignore[index]
    states = {o["order"]: o["state"] for o in cli.json("orders", *net, "--product", "5")}  # type: ignore[union-attr,index]
    assert states[order] == "resolved"
    elsewhere = str(w3.eth.accounts[6])
    withdrawn = cli.json("withdraw", "--currency", "tUSD", "--to", elsewhere, "--network", url, "--account", "1")
    assert (withdrawn["currency"], withdrawn["to"]) == (usd, elsewhere) and int(withdrawn["amount"]) > 0  # type: ignore[index]
    everything = cli.run("withdraw", "--network", url, "--account", "1").stdout  # every currency still owed: ETH
    assert "ETH to" in everything and "tUSD" not in everything


@pytest.mark.anvil
def test_v2_bad_input_is_one_line_exit_2_and_sends_nothing(shop: tuple[Cli, str], tmp_path: Path) -> None:
    cli, url = shop
    w3 = http_web3(url)
    no_decimals = deploy_no_decimals_token(w3)
    block = w3.eth.block_number
    net = ("--network", url)
    listing = ("list-product", *net, "--stock", "1", "--metadata-cid", CID)
    stranger = str(w3.eth.accounts[7])
    cases = [
        ([*listing, "--price", "1", "--currency", stranger], "is not a token: there is no contract"),
        ([*listing, "--price", "1", "--currency", no_decimals], "has no usable decimals()"),
        ([*listing, "--price", "12.5EUR"], "no token 'EUR' is known on this chain"),
        ([*listing, "--price", "12.5tUSD", "--escrow", "1d", "--arbiter", "0x12"], "arbiter is not an Ethereum"),
        (["cancel", "3-1", *net, "--account", "2"], "(CatalogHandlingTimeNotOver) order 3-1 cannot be cancelled yet"),
        (["resolve", "5-2", "--buyer-amount", "all", *net, "--account", "1"], "(CatalogNotArbiter)"),
        (["resolve", "5-2", "--buyer-amount", "all", *net, "--account", "3"], "is not the arbiter of product 5"),
        (["buy", "6", "--payment", "permit", *net, "--account", "5"], "costs 45.00 tUSD"),
        (["withdraw", "--to", "nobody", *net], "--to is not an Ethereum address"),
    ]
    for args, message in cases:
        assert message in _failure(cli, *args), args
    assert w3.eth.block_number == block  # nothing was sent

    w3.provider.make_request("evm_increaseTime", [8 * 86_400])  # type: ignore[arg-type]
    w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    block = w3.eth.block_number
    late = _failure(cli, "dispute", "5-1", *net, "--account", "3")
    assert "(CatalogDisputeWindowClosed) order 5-1 can no longer be disputed" in late
    assert w3.eth.block_number == block
    # ...while what the clock now allows goes through: cancel the unshipped order, release the shipped one
    cli.run("cancel", "3-1", *net, "--account", "2")
    cli.run("release", "5-1", *net, "--account", "6")
    states = {
        o["order"]: o["state"] for o in cli.json("orders", *net, "--buyer", str(w3.eth.accounts[2]), "--no-metadata")
    }  # type: ignore[union-attr,index]
    assert states["3-1"] == "cancelled"


@pytest.mark.anvil
def test_settle_profiles_and_order_data(shop: tuple[Cli, str], tmp_path: Path) -> None:
    """The seeded open offer is shown and accepted; a new order goes through offer, a mismatched accept,
    withdraw, a counter-offer and its accept; the seeded profile is read and replaced; order data travels."""
    cli, url = shop
    w3 = http_web3(url)
    net = ("--network", url)
    seller, bob = str(w3.eth.accounts[1]), str(w3.eth.accounts[3])

    # the seed left bob's offer on tee order 1-4 open (a quarter of 0.02 ETH back) and a settled order
    tee = {o["order"]: o for o in cli.json("orders", *net, "--product", "1", "--no-metadata")}  # type: ignore[union-attr,index]
    assert tee["1-4"]["offer"] == {
        "by": bob, "author": "buyer", "buyerAmount": str(5 * 10**15), "sellerAmount": str(15 * 10**15)
    }  # fmt: skip
    assert "buyer offers 0.005 ETH back" in cli.run("orders", *net, "--product", "1", "--no-metadata").stdout
    assert "settled" in {o["state"] for o in cli.json("orders", *net, "--product", "6", "--no-metadata")}  # type: ignore[union-attr,index]
    accepted = cli.run("settle", "1-4", "--accept", *net, "--account", "1")
    assert "the buyer offers 0.005 ETH back to the buyer and 0.015 ETH to the seller" in accepted.stderr
    assert "order 1-4 settled: 0.005 ETH to the buyer, 0.015 ETH to the seller" in accepted.stdout

    # a new order: alice offers, the seller's accept naming another amount is refused, alice withdraws,
    # the seller offers everything back and alice accepts
    order = cli.json("buy", "1", *net, "--account", "2")["order"]  # type: ignore[index]
    offered = cli.run("settle", order, "--buyer-amount", "0.01ether", *net, "--account", "2", "--json")
    assert "it takes effect when the seller accepts it" in offered.stderr
    assert json.loads(offered.stdout)["sellerAmount"] == str(10**16)
    block = w3.eth.block_number
    mismatch = _failure(cli, "settle", order, "--accept", "--buyer-amount", "0.02ether", *net, "--account", "1")
    assert "(CatalogOfferMismatch)" in mismatch and "it changed" in mismatch
    own = _failure(cli, "settle", order, "--accept", *net, "--account", "2")
    assert "(CatalogOwnOffer)" in own
    assert w3.eth.block_number == block
    cli.run("settle", order, "--withdraw", *net, "--account", "2")
    assert cli.json("orders", *net, "--product", "1", "--no-metadata")[-1]["offer"] is None  # type: ignore[index]
    cli.run("settle", order, "--buyer-amount", "all", *net, "--account", "1")
    settled = cli.json("settle", order, "--accept", *net, "--account", "2")
    assert (settled["buyerAmount"], settled["sellerAmount"]) == (str(2 * 10**16), "0")  # type: ignore[index]

    # profiles: the seeded one, replaced, cleared
    seeded = cli.json("profile", "show", seller, *net, "--no-metadata")
    assert seeded["profile"]["profileCid"].startswith("bafkrei")  # type: ignore[index]
    cli.run("profile", "set", "--profile-cid", CID, *net, "--account", "1")
    assert cli.json("profile", "show", *net, "--account", "1", "--no-metadata")["profile"]["profileCid"] == CID  # type: ignore[index]
    cli.run("profile", "set", "--clear", *net, "--account", "1")
    assert "cleared its profile" in cli.run("profile", "show", seller, *net, "--no-metadata").stdout
    assert "has no profile" in cli.run("profile", "show", str(w3.eth.accounts[7]), *net).stdout

    # order data: the bytes of a file, said to be public, read back by the seller's client
    data = tmp_path / "sealed.bin"
    data.write_bytes(bytes(range(256)) + bytes(44))
    bought = cli.run("buy", "2", "--order-data", str(data), *net, "--account", "3", "--json")
    assert "readable by anyone" in bought.stderr and json.loads(bought.stdout)["orderDataBytes"] == 300


def test_node_executables_come_from_the_settings(cli: Cli) -> None:
    """DAPP_ANVIL and DAPP_GANACHE are read by dapp.settings and handed to the node the command starts:
    a wrong one is named, and nothing starts."""
    for kind, variable in (("anvil", "DAPP_ANVIL"), ("ganache", "DAPP_GANACHE")):
        missing = cli.home / f"no-{kind}"
        cli.env[variable] = str(missing)
        for args in (("node", "start", kind), ("status", "--network", kind)):
            result = cli.run(*args, check=False)
            assert result.returncode != 0, args
            assert f"{variable}={missing} does not exist" in result.stderr, (args, result.stderr)
        assert not (cli.home / ".dapp" / "nodes" / f"{kind}.json").exists()


@pytest.mark.anvil
def test_merch_bad_input_is_one_line_exit_2_and_sends_nothing(shop: tuple[Cli, str], tmp_path: Path) -> None:
    """Shipping addresses and groups of options: each bad input named, before anything is sent."""
    cli, url = shop
    w3 = http_web3(url)
    net = ("--network", url)
    keyless = cli.json("list-product", *net, "--price", "1", "--stock", "5", "--metadata-cid", CID, "--account", "5")
    address = {"name": "Ada Lovelace", "lines": ["12 Rose Street"], "city": "London", "postcode": "N1 9GU",
               "country": "GB"}  # fmt: skip
    files = {
        "good.json": json.dumps(address),
        "no-city.json": json.dumps({**address, "city": " "}),
        "no-postcode.json": json.dumps({**address, "postcode": ""}),
        "not-json.json": "name: Ada",
        "huge.json": json.dumps(
            {
                **address,
                "name": "A" * 100,
                "lines": ["L" * 100] * 3,
                "note": "n" * 280,
                "email": "e" * 240 + "@example.org",
            }
        ),
        "options.json": json.dumps({**address, "options": {"size": "XL"}}),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "binary.json").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")  # a picture given by mistake
    buy = ("buy", "1", *net, "--account", "2", "--ship-to")
    listing = ("list-product", *net, "--price", "1", "--name", "Tee", "--account", "1")
    block = w3.eth.block_number
    cases = [
        ([*buy, str(tmp_path / "no-city.json")], "address is incomplete or wrong: shipping details: city is missing"),
        ([*buy, str(tmp_path / "no-postcode.json")], "postcode is missing"),
        ([*buy, str(tmp_path / "missing.json")], "missing.json: cannot read it"),
        ([*buy, str(tmp_path / "binary.json")], "binary.json: not UTF-8 text"),
        ([*buy, str(tmp_path / "not-json.json")], "not-json.json: not JSON"),
        ([*buy, str(tmp_path / "options.json")], "leave out options: they come from the product you buy"),
        ([*buy, str(tmp_path / "huge.json")], "a purchase carries at most 1024: shorten the note"),
        (["buy", str(keyless["productId"]), *net, "--account", "2", "--ship-to", str(tmp_path / "good.json")],  # type: ignore[index]
         "has published no shipping key, so it cannot receive an address; nothing was sent (--no-address"),
        ([*buy, str(tmp_path / "good.json"), "--no-address"], "give one of --ship-to, --no-address and --order-data"),
        ([*listing, "--option", "Size=S,M", "--stock", "1"], "option name \"Size\" must be a lower-case letter"),
        ([*listing, "--option", "size=S,M", "--stock", "S=1"], "--stock gives no stock for 'M'"),
        ([*listing, "--option", "size=S,M", "--stock", "S=1,M=1,XL=2"], "--stock names 'XL', which is no combination"),
        ([*listing, "--option", "size=S,S", "--stock", "1"], "variant.choices['size'] names a value twice"),
        ([*listing, "--option", "size", "--stock", "1"], "--option 'size': give NAME=VALUE,VALUE,..."),
        ([*listing, "--option", "size=" + ",".join(map(str, range(21))), "--stock", "1"], "has 21 values; at most 20"),
        ([*listing, "--option", "a=1", "--option", "b=1", "--option", "c=1", "--option", "d=1", "--stock", "1"],
         "has 4 option names; at most 3"),
        ([*listing, "--option", "size=" + "X" * 21, "--stock", "1"], "must be 1 to 20 characters"),
        ([*listing, "--stock", "S=1"], "--stock must be a whole number of units"),
        (["list-product", *net, "--price", "1", "--metadata-cid", CID, "--option", "size=S", "--stock", "1"],
         "--option makes one document per combination: give --name"),
        (["orders", *net, "--csv"], "--csv writes a seller's orders to ship: give --seller"),
        (["orders", *net, "--max-events", "1"], "--max-events goes with --watch"),
        (["orders", *net, "--seller", "nobody"], "--seller is not an Ethereum address"),
    ]  # fmt: skip
    for args, message in cases:
        assert message in _failure(cli, *args), args
    assert w3.eth.block_number == block  # nothing was sent
