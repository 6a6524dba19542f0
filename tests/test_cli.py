"""The `dapp` command as a user runs it: real subprocesses, a real background node, the README's order.

Each test gets its own project folder (DAPP_HOME for node records, DAPP_DEPLOYMENTS for the registry),
and every node a test causes to start is stopped by its recorded PID at the end.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from dapp._utils.process import wait_until
from dapp.networks import http_web3
from tests.fixtures import CID, DAPP, Cli


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[Cli]:
    runner = Cli(tmp_path)
    yield runner
    for kind in ("anvil", "ganache"):
        if (tmp_path / ".dapp" / "nodes" / f"{kind}.json").exists():
            runner.run("node", "stop", kind, check=False)


def _catches(pid: int, sig: signal.Signals) -> bool:
    """True if the process has a handler for `sig` (its SigCgt mask in /proc)."""
    status = Path(f"/proc/{pid}/status").read_text()
    caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return bool(caught & (1 << (sig - 1)))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text()


@pytest.mark.ganache
@pytest.mark.kubo
def test_readme_flow_on_ganache(cli: Cli) -> None:
    """The README's commands in its order, each a separate process; documents go through our own Kubo."""
    net = ("--network", "ganache")
    image = cli.home / "shirt.jpg"
    image.write_bytes(b"not really a photo" * 50)
    deployed = cli.json("deploy", *net)
    assert deployed["chainId"] == 1337 and not deployed["reused"]  # type: ignore[index]
    assert cli.json("deploy", *net)["reused"]  # type: ignore[index]

    terms = ("--price", "0.02ether", "--stock", "10", "--escrow", "604800")
    about = ("--name", "Tour T-shirt", "--description", "Black, heavy cotton", "--image", str(image))
    listed = cli.json("list-product", *net, *terms, *about)
    assert listed["productId"] == 1  # type: ignore[index]
    bought = cli.json("buy", "1", "--quantity", "2", *net, "--account", "2")
    assert bought == {"order": "1-1", "amount": str(4 * 10**16), "escrowed": True, "tx": bought["tx"]}  # type: ignore[index]
    cli.run("confirm", "1-1", *net, "--account", "2")
    cli.run("review", "1-1", "--rating", "5", "--text", "Great shirt", *net, "--account", "2")
    withdrawn = cli.json("withdraw", *net)
    assert withdrawn["amount"] == str(4 * 10**16)  # type: ignore[index]

    shown = cli.json("product", "1", "--metadata", *net)
    assert shown["metadata"]["name"] == "Tour T-shirt"  # type: ignore[index]
    assert [(r["rating"], r["text"]) for r in shown["reviews"]] == [(5, "Great shirt")]  # type: ignore[index]
    products = cli.json("products", *net)
    assert [(p["id"], p["stock"], p["rating"]) for p in products] == [(1, 8, 5.0)]  # type: ignore[union-attr,index]
    orders = cli.json("orders", *net, "--account", "2")
    assert [(o["order"], o["state"]) for o in orders] == [("1-1", "reviewed")]  # type: ignore[union-attr,index]
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
            ["buy", "1", "--quantity", "5"],
            "(CatalogInsufficientStock) CatalogInsufficientStock(productId=1, requested=5",
        ),
        (["buy", "7"], "(CatalogUnknownProduct)"),
        (["confirm", "1-x"], "not an order: '1-x'"),
        (["confirm", "1-1"], "(CatalogUnknownOrder)"),
        (["list-product", "--price", "0.5 bananas", "--stock", "1", "--metadata-cid", CID], "not an amount"),
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
def test_up_seeds_serves_and_stops_its_node_on_ctrl_c(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    command = [*DAPP, "up"]
    with subprocess.Popen(command, env=cli.env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as process:  # fmt: skip
        try:
            assert process.stdout is not None
            lines = []
            for line in process.stdout:
                lines.append(line)
                if line.startswith("serving on"):
                    break
            url = lines[-1].split()[2].rstrip(";")
            w3 = http_web3(url)
            assert w3.eth.chain_id == 31337
            text = "".join(lines)
            assert "Tour T-shirt, black" in text and "bafkrei" in text  # names from the metadata documents
            assert "reviewed" in text and "escrowed" in text and "refunded" in text
            # `up` prints "serving on" and then installs its SIGINT/SIGTERM handlers (SIGTERM last): a
            # Ctrl-C sent in between would interrupt instead of stopping cleanly. Wait for the handlers.
            assert wait_until(lambda: _catches(process.pid, signal.SIGTERM), timeout=30)
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=30) == 0
            assert not w3.is_connected()  # the node went down with it
        finally:
            if process.poll() is None:
                process.kill()
