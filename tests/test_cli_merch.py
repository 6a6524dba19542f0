"""Merch from the command line, as a seller and buyers run it: a profile with a derived shipping key, a group
of sizes listed in one command, a purchase with a sealed address, the seller's inbox decrypted and as CSV,
and `orders --watch` following a purchase live. Real anvil, real Kubo, real subprocesses."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import signal
import subprocess
import termios
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dapp.demo import shipping_keypair
from dapp.ipfs.daemon import KuboDaemon
from dapp.networks import http_web3
from dapp.nodes import AnvilNode
from dapp.registry import Registry
from tests.support.art import product_png
from tests.support.fixtures import DAPP, Cli

pytestmark = [pytest.mark.anvil, pytest.mark.kubo]

ADDRESS = {
    "name": "Ada Lovelace",
    "lines": ["12 Rose Street", "Flat 2"],
    "city": "London",
    "postcode": "N1 9GU",
    "country": "gb",
    "email": "ada@example.org",
    "phone": "+44 20 7946 0000",
}


@pytest.fixture(scope="module")
def kubo_api() -> Iterator[str]:
    with KuboDaemon() as info:
        yield info.api_multiaddr


def _json(cli: Cli, *args: str) -> Any:
    return cli.json(*args)


@dataclass
class Typed:
    out: str
    err: str


def _at_a_terminal(cli: Cli, args: list[str], lines: list[str], timeout: float = 180) -> Typed:
    """`dapp ARGS` with its standard input a terminal (a pty) on which `lines` are typed; stdout and
    stderr are pipes. Everything typed goes in at once: the terminal hands the program one line per read."""
    controller, terminal = pty.openpty()
    attributes = termios.tcgetattr(terminal)
    attributes[3] &= ~termios.ECHO  # no echo: nothing to drain on the controller side
    termios.tcsetattr(terminal, termios.TCSANOW, attributes)
    process = subprocess.Popen(
        [*DAPP, *args], env=cli.env, cwd=cli.home, stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    os.close(terminal)
    os.write(controller, "".join(line + "\n" for line in lines).encode())
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        os.close(controller)
    assert process.returncode == 0, err
    return Typed(out, err)


class Watch:
    """`dapp orders ... --watch` as a real subprocess; lines are collected by threads, waited for by condition."""

    def __init__(self, cli: Cli, *args: str) -> None:
        self.process = subprocess.Popen(
            [*DAPP, "orders", *args, "--watch", "--poll", "0.1"], env=cli.env, cwd=cli.home,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.out: list[str] = []
        self.err: list[str] = []
        self.changed = threading.Condition()
        for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(target=self._read, args=(stream, lines), daemon=True).start()

    def _read(self, stream: io.TextIOBase, lines: list[str]) -> None:
        for line in stream:
            with self.changed:
                lines.append(line)
                self.changed.notify_all()

    def wait_for(self, lines: list[str], text: str, timeout: float = 120) -> str:
        with self.changed:
            found = self.changed.wait_for(lambda: any(text in line for line in lines), timeout)
        assert found, f"no line with {text!r} in {timeout} s:\nstdout {self.out}\nstderr {self.err}"
        return next(line for line in lines if text in line)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)  # by PID, as Ctrl-C does
        return self.process.wait(timeout=60)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


@pytest.mark.timeout(900)
def test_sizes_sealed_address_inbox_csv_and_watch(tmp_path: Path, anvil_node: AnvilNode, kubo_api: str) -> None:
    cli = Cli(tmp_path)
    cli.run("up", "--network", anvil_node.url, "--no-wait", "--no-ipfs")
    w3 = http_web3(anvil_node.url)
    net = ("--network", anvil_node.url, "--ipfs-api", kubo_api)
    seller = str(w3.eth.accounts[1])
    found = Registry(tmp_path / "deployments").get(int(w3.eth.chain_id))
    assert found is not None
    catalog = found.address

    # The seller publishes a profile with the key derived from its account: the key the page derives.
    cli.run("profile", "set", "--name", "Fest merch", *net, "--account", "1")
    shown = cli.run("profile", "show", *net, "--account", "1").stdout
    seller_keys = shipping_keypair(w3, seller, catalog)
    assert seller_keys is not None and f"shipping key {seller_keys.public_hex}" in shown

    # A group of three sizes in one command, each its own product, stock and document.
    image = tmp_path / "tee.png"
    image.write_bytes(product_png("tshirt", 0.1))
    listed = _json(
        cli,
        "list-product", *net, "--account", "1", "--price", "0.01ether", "--escrow", "1d", "--name", "Fest tee",
        "--image", str(image), "--option", "size=S,M,L", "--stock", "S=1,M=2,L=0",
    )  # fmt: skip
    assert listed["group"] == "fest-tee" and listed["choices"] == {"size": ["S", "M", "L"]}
    ids = {p["options"]["size"]: p["productId"] for p in listed["products"]}
    products = {p["id"]: p for p in _json(cli, "products", *net, "--seller", seller)}
    for size, stock in (("S", 1), ("M", 2), ("L", 0)):
        shown_product = products[ids[size]]
        assert shown_product["stock"] == stock and shown_product["name"] == "Fest tee"
        assert shown_product["variant"] == {
            "group": "fest-tee", "options": {"size": size}, "choices": {"size": ["S", "M", "L"]}
        }  # fmt: skip
    table = cli.run("products", *net, "--seller", seller).stdout
    assert "options" in table.splitlines()[0] and "size M" in table
    assert (
        "options size M (group fest-tee: size S, M, L)" in cli.run("product", str(ids["M"]), *net, "--metadata").stdout
    )

    # The seller watches its inbox live while alice buys an M with her address.
    inbox = Watch(cli, *net, "--seller", "--decrypt", "--account", "1", "--max-events", "1")
    mine = Watch(cli, *net, "--account", "2")  # alice follows her own orders, stopped by Ctrl-C
    try:
        inbox.wait_for(inbox.err, "watching for new orders")
        mine.wait_for(mine.err, "watching for new orders")
        ship_to = tmp_path / "address.json"
        ship_to.write_text(json.dumps(ADDRESS))
        bought = cli.run("buy", str(ids["M"]), *net, "--ship-to", str(ship_to), "--account", "2", "--json")
        assert "sealed to the seller's key and yours" in bought.stderr
        order = json.loads(bought.stdout)["order"]
        line = inbox.wait_for(inbox.out, f"NEW order {order}")
        assert "options size=M" in line and "ship to: Ada Lovelace, 12 Rose Street, Flat 2, N1 9GU London, GB" in line
        assert inbox.process.wait(timeout=60) == 0  # --max-events 1
        assert f"NEW order {order}" in mine.wait_for(mine.out, "NEW order")
        assert "ship to" not in mine.out[0]  # no --decrypt: no address
        assert mine.stop() == 0
    finally:
        inbox.close()
        mine.close()
    assert len(mine.out) == 1 and "stopped watching after 1 new order" in "".join(mine.err)

    # Bob sends bytes that are no envelope: a "cannot decrypt" row, never a crash.
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x01" + bytes(300))
    tampered = _json(cli, "buy", str(ids["S"]), *net, "--order-data", str(junk), "--account", "3")["order"]

    # At a terminal, without --ship-to, the address is asked for field by field (the seller has a key);
    # a missing city is asked for again.
    typed = ["Bea Martin", "3 Rue Oberkampf", "", "", "", "75011", "fr", "", "", "", "Paris"]
    prompted = _at_a_terminal(cli, ["buy", str(ids["M"]), *net, "--account", "4", "--json"], typed)
    assert "city is missing" in prompted.err and "Name" in prompted.err
    by_terminal = json.loads(prompted.out)["order"]

    rows = {r["order"]: r for r in _json(cli, "orders", *net, "--seller", "--decrypt", "--account", "1")}
    assert rows[by_terminal]["shipTo"]["city"] == "Paris" and rows[by_terminal]["shipTo"]["options"] == {"size": "M"}
    opened = rows[order]["shipTo"]
    assert opened["name"] == "Ada Lovelace" and opened["country"] == "GB" and opened["options"] == {"size": "M"}
    assert rows[tampered]["shipTo"] is None and rows[tampered]["shipToProblem"].startswith("cannot decrypt")
    text = cli.run("orders", *net, "--seller", "--decrypt", "--account", "1").stdout
    assert "N1 9GU London" in text and "cannot decrypt" in text
    assert seller_keys.public_hex[2:] not in text and "private" not in text.lower()
    # Another account cannot read it; the buyer reads her own back.
    foreign = {r["order"]: r for r in _json(cli, "orders", *net, "--seller", seller, "--decrypt", "--account", "3")}
    assert foreign[order]["shipTo"] is None and "cannot decrypt" in foreign[order]["shipToProblem"]
    own = {r["order"]: r for r in _json(cli, "orders", *net, "--decrypt", "--account", "2")}
    assert own[order]["shipTo"]["lines"] == ["12 Rose Street", "Flat 2"]

    # The CSV of orders to ship: only paid ones, the phone kept as typed.
    cli.run("ship", tampered, "--network", anvil_node.url, "--account", "1")
    sheet = list(csv.reader(io.StringIO(cli.run("orders", *net, "--seller", "--csv", "--account", "1").stdout)))
    assert sheet[0][:4] == ["order", "product", "options", "name"] and sheet[0][-1] == "paid at"
    to_ship = {r[0]: dict(zip(sheet[0], r, strict=True)) for r in sheet[1:]}
    assert order in to_ship and tampered not in to_ship  # shipped: no longer to ship
    assert "3-1" in to_ship  # the demo's paid vinyl order is in this seller's inbox too
    row = to_ship[order]
    assert (row["product"], row["options"], row["address line 2"], row["postcode"]) == (
        "Fest tee",
        "size=M",
        "Flat 2",
        "N1 9GU",
    )
    assert row["phone"] == "+44 20 7946 0000" and row["paid at"].endswith("Z")
