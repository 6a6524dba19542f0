"""Compile the contracts with the pinned solc through py-solc-x, and load the artifacts we ship.

A `pip install` user never needs a compiler: `load_artifact()` reads the ABI and bytecode packaged in
`dapp/artifacts/`. Developers recompile with `dapp compile`; results are cached by the hash of the sources
and the settings, and a test keeps the packaged copy equal to a fresh build.

Which solc: a native `solc` 0.8.30 if one is installed (in py-solc-x's folder or on PATH), otherwise the
wasm compiler from npm behind `toolchain/solc-shim.js`, which `make setup` installs as
`$SOLCX_BINARY_PATH/solc-v0.8.30`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import solcx
from solcx.exceptions import SolcError

from dapp._utils.files import write_atomic
from dapp.exceptions import CompilerError

SOLC_VERSION = "0.8.30"
# paris: Ganache 7.9 has no PUSH0/MCOPY; paris bytecode runs on Ganache, anvil, eth-tester and mainnet.
EVM_VERSION = "paris"
OPTIMIZER_RUNS = 10_000  # purchases and settlements run far more often than the one deployment
CONTRACT_NAME = "Catalog"
SOURCE_FILE = "Catalog.sol"
# The source unit name goes into the metadata hash at the end of the bytecode. Brownie names units by
# their path from the project root, so we do too: a Brownie build is then byte-identical to ours, and
# `dapp deploy` recognises a Brownie deployment as current.
SOURCE_UNIT = f"contracts/{SOURCE_FILE}"

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Artifact:
    """What deploying and calling a contract needs, plus where it came from."""

    name: str
    abi: list[dict[str, Any]]
    bytecode: str
    deployed_bytecode: str
    source_hash: str
    settings: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "contractName": self.name,
            "abi": self.abi,
            "bytecode": self.bytecode,
            "deployedBytecode": self.deployed_bytecode,
            "sourceHash": self.source_hash,
            "compiler": {"version": SOLC_VERSION, "settings": self.settings},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Artifact:
        return cls(
            name=data["contractName"],
            abi=data["abi"],
            bytecode=data["bytecode"],
            deployed_bytecode=data["deployedBytecode"],
            source_hash=data["sourceHash"],
            settings=data["compiler"]["settings"],
        )


def compiler_settings() -> dict[str, Any]:
    """The solc settings every build uses (Brownie's config mirrors them)."""
    return {
        "optimizer": {"enabled": True, "runs": OPTIMIZER_RUNS},
        "evmVersion": EVM_VERSION,
        "outputSelection": {
            "*": {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"]},
        },
    }


def source_hash(sources: dict[str, str], settings: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps(settings, sort_keys=True).encode())
    for name in sorted(sources):
        digest.update(name.encode() + b"\0" + sources[name].encode() + b"\0")
    return "0x" + digest.hexdigest()


def find_solc() -> Path:
    """The solc 0.8.30 executable to use, or CompilerError saying how to get one."""
    if "SOLCX_BINARY_PATH" not in os.environ and (REPO_ROOT / ".solcx").is_dir():
        os.environ["SOLCX_BINARY_PATH"] = str(REPO_ROOT / ".solcx")
    try:
        return Path(solcx.install.get_executable(SOLC_VERSION))
    except Exception:
        pass
    native = shutil.which("solc")
    if native:
        out = subprocess.run([native, "--version"], capture_output=True, text=True, check=False).stdout
        if f"Version: {SOLC_VERSION}+" in out:
            return Path(native)
    raise CompilerError(
        f"solc {SOLC_VERSION} not found: run `make setup` (installs the wasm compiler and its shim into "
        f"SOLCX_BINARY_PATH={os.environ.get('SOLCX_BINARY_PATH', '~/.solcx')}) or put a native solc "
        f"{SOLC_VERSION} on PATH"
    )


def compile_contracts(
    contracts_dir: Path = REPO_ROOT / "contracts",
    cache_dir: Path | None = REPO_ROOT / "build" / "cache",
) -> Artifact:
    """Compile the Catalog from `contracts_dir`, reusing a cached build of identical sources."""
    source_path = contracts_dir / SOURCE_FILE
    if not source_path.is_file():
        raise CompilerError(f"contract source not found: {source_path}")
    sources = {SOURCE_UNIT: source_path.read_text(encoding="utf-8")}
    settings = compiler_settings()
    key = source_hash(sources, settings)
    cached = cache_dir / f"{CONTRACT_NAME}-{key[2:18]}.json" if cache_dir else None
    if cached and cached.is_file():
        artifact = Artifact.from_json(json.loads(cached.read_text()))
        if artifact.source_hash == key:
            return artifact

    standard_input = {
        "language": "Solidity",
        "sources": {name: {"content": text} for name, text in sources.items()},
        "settings": settings,
    }
    try:
        output = solcx.compile_standard(standard_input, solc_binary=find_solc(), allow_paths=[str(contracts_dir)])
    except SolcError as exc:
        raise CompilerError(f"{SOURCE_FILE} did not compile:\n{exc.stdout_data or exc}") from exc
    errors = [e for e in output.get("errors", []) if e.get("severity") == "error"]
    if errors:
        raise CompilerError("\n".join(e.get("formattedMessage", e["message"]) for e in errors))
    contract = output["contracts"][SOURCE_UNIT][CONTRACT_NAME]
    artifact = Artifact(
        name=CONTRACT_NAME,
        abi=contract["abi"],
        bytecode="0x" + contract["evm"]["bytecode"]["object"],
        deployed_bytecode="0x" + contract["evm"]["deployedBytecode"]["object"],
        source_hash=key,
        settings=settings,
    )
    if cached:
        write_atomic(cached, json.dumps(artifact.to_json(), indent=1))
    return artifact


def packaged_artifact_path() -> Path:
    return Path(__file__).resolve().parent / "artifacts" / f"{CONTRACT_NAME}.json"


def write_packaged_artifact(artifact: Artifact) -> Path:
    """Store the artifact inside the package (what `pip install` users deploy and call)."""
    path = packaged_artifact_path()
    write_atomic(path, json.dumps(artifact.to_json(), indent=1) + "\n")
    return path


def load_artifact() -> Artifact:
    """The packaged Catalog artifact; no compiler needed."""
    path = packaged_artifact_path()
    try:
        return Artifact.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise CompilerError(f"packaged artifact missing: {path}; run `make artifacts`") from exc
