"""The pinned compiler and the artifacts we ship."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from dapp.compile import (
    REPO_ROOT,
    SHIPPED,
    SOLC_VERSION,
    SOURCE_UNIT,
    collect_sources,
    compile_contracts,
    find_solc,
    load_artifact,
    source_hash,
)
from dapp.exceptions import CompilerError


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_packaged_artifact_is_the_current_build(name: str) -> None:
    """`pip install` users deploy the packaged bytecode: it must be what contracts/ compiles to."""
    packaged, fresh = load_artifact(name), compile_contracts(name=name)
    assert packaged.source_hash == fresh.source_hash, "run `make artifacts` after editing contracts/"
    assert packaged.bytecode == fresh.bytecode
    assert packaged.abi == fresh.abi


def test_openzeppelin_imports_resolve_and_its_errors_are_in_the_abi() -> None:
    """SafeERC20 comes from node_modules through the same remapping Brownie uses; its error is part of
    the Catalog's ABI, so clients decode it by name."""
    sources = collect_sources(SOURCE_UNIT, (REPO_ROOT / SOURCE_UNIT).read_text())
    assert "node_modules/@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol" in sources
    assert "node_modules/@openzeppelin/contracts/token/ERC20/IERC20.sol" in sources  # "../IERC20.sol"
    errors = {e["name"] for e in load_artifact().abi if e["type"] == "error"}
    assert "SafeERC20FailedOperation" in errors
    assert load_artifact().settings["remappings"] == ["@openzeppelin=node_modules/@openzeppelin"]
    version = json.loads((REPO_ROOT / "node_modules/@openzeppelin/contracts/package.json").read_text())["version"]
    pinned = json.loads((REPO_ROOT / "package.json").read_text())["devDependencies"]["@openzeppelin/contracts"]
    assert version == pinned == "5.7.0"


def test_a_changed_dependency_changes_the_source_hash(tmp_path: Path) -> None:
    """The build cache is keyed by every imported file too, not only contracts/."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "B.sol").write_text("contract B {}")
    (tmp_path / "A.sol").write_text('import {B} from "./lib/B.sol";\n// import "missing.sol";\ncontract A {}')
    first = collect_sources("A.sol", (tmp_path / "A.sol").read_text(), root=tmp_path)
    assert set(first) == {"A.sol", "lib/B.sol"}  # the commented-out import is not followed
    (tmp_path / "lib" / "B.sol").write_text("contract B { uint x; }")
    second = collect_sources("A.sol", (tmp_path / "A.sol").read_text(), root=tmp_path)
    assert source_hash(first, {}) != source_hash(second, {})


def test_compiler_is_pinned_and_targets_paris() -> None:
    settings = load_artifact().settings
    assert settings["evmVersion"] == "paris"
    assert settings["optimizer"]["enabled"] is True
    out = subprocess.run([str(find_solc()), "--version"], capture_output=True, text=True, check=True).stdout
    assert f"Version: {SOLC_VERSION}+commit.73712a01" in out
    # paris has no PUSH0 (0x5f): Ganache 7.9 would reject the code. The byte may occur inside PUSH data,
    # so walk the opcodes rather than search the hex.
    code = bytes.fromhex(load_artifact().deployed_bytecode[2:])
    i = 0
    while i < len(code):
        op = code[i]
        if op == 0xFE:  # INVALID marks the start of the CBOR metadata
            break
        assert op != 0x5F, f"PUSH0 at offset {i}"
        i += 1 + (op - 0x5F if 0x60 <= op <= 0x7F else 0)


def test_compile_errors_are_reported(tmp_path: Path) -> None:
    (tmp_path / "Catalog.sol").write_text("pragma solidity 0.8.30; contract Catalog { function f( }")
    with pytest.raises(CompilerError, match=r"Catalog\.sol"):
        compile_contracts(tmp_path, cache_dir=None)
    with pytest.raises(CompilerError, match="not found"):
        compile_contracts(tmp_path / "missing", cache_dir=None)


def test_shim_speaks_combined_json(tmp_path: Path) -> None:
    """slither and py-solc-x's compile_files use --combined-json, which solc-js lacks."""
    source = tmp_path / "A.sol"
    source.write_text("// SPDX-License-Identifier: MIT\npragma solidity 0.8.30; contract A { uint public x; }")
    out = subprocess.run(
        [str(find_solc()), "--combined-json", "abi,bin", "--optimize", "--evm-version", "paris", "A.sol",
         "--allow-paths", "."],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    contract = json.loads(out)["contracts"]["A.sol:A"]
    assert contract["abi"][0]["name"] == "x" and len(contract["bin"]) > 100
