"""The package's surface: one export list that resolves, and commands that import only what they use."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import dapp


def test_every_exported_name_resolves() -> None:
    assert dapp.__all__, "the export list is empty"
    for name in dapp.__all__:
        assert getattr(dapp, name) is not None, name
    with pytest.raises(AttributeError):
        _ = dapp.NotAnExport  # type: ignore[attr-defined]


def test_the_export_list_is_the_type_checking_block() -> None:
    """What type checkers see and what `from dapp import *` gives are the same names."""
    tree = ast.parse(Path(dapp.__file__).read_text(encoding="utf-8"))
    typed = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and str(node.module).startswith("dapp.")
        for alias in node.names
    }
    assert typed == set(dapp.__all__)


def imported_modules(*args: str) -> set[str]:
    """Top-level modules a `dapp` command imports, from `python -X importtime` (run to --help: the
    command's own module is imported, nothing is executed)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "dapp", *args, "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = [line.split("|")[-1] for line in result.stderr.splitlines() if line.startswith("import time:")]
    return {line.strip().split(".")[0] for line in lines[1:]}  # the first line is the header


@pytest.mark.parametrize("command", ["deploy", "buy", "status", "orders"])
def test_chain_commands_do_not_load_the_ipfs_client(command: str) -> None:
    modules = imported_modules(command)
    assert "web3" in modules  # the check sees real imports
    assert "ipfshttpclient" not in modules


def test_cid_does_not_load_web3() -> None:
    modules = imported_modules("cid")
    assert "click" in modules
    assert not modules & {"web3", "eth_abi", "eth_account", "ipfshttpclient"}
