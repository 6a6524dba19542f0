"""Compile the contracts with the pinned solc through py-solc-x, and load the artifacts we ship.

A `pip install` user never needs a compiler: `load_artifact()` reads the ABI and bytecode packaged in
`dapp/artifacts/`. Developers recompile with `dapp compile`; results are cached by the hash of the sources
and the settings, and a test keeps the packaged copy equal to a fresh build.

Which solc: a native `solc` 0.8.30 if one is installed (in py-solc-x's folder or on PATH), otherwise the
wasm compiler from npm behind `toolchain/solc-shim.js`, which `make setup` installs as
`$SOLCX_BINARY_PATH/solc-v0.8.30`.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import posixpath
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import solcx
from solcx.exceptions import SolcError

from dapp import settings
from dapp._utils.files import write_atomic
from dapp.exceptions import CompilerError

SOLC_VERSION = "0.8.30"
# paris: Ganache 7.9 has no PUSH0/MCOPY; paris bytecode runs on Ganache, anvil, eth-tester and mainnet.
EVM_VERSION = "paris"
OPTIMIZER_RUNS = 2**32 - 1  # solc's maximum: purchases and settlements run far more often than the one
# deployment (against 10,000 runs: buy_erc20 -72 gas, which its 75,000 goal needs; runtime code +0.9 kB)
CONTRACT_NAME = "Catalog"
SOURCE_FILE = "Catalog.sol"
# The source unit name goes into the metadata hash at the end of the bytecode. Brownie names units by
# their path from the project root, so we do too: a Brownie build is then byte-identical to ours, and
# `dapp deploy` recognises a Brownie deployment as current.
SOURCE_UNIT = f"contracts/{SOURCE_FILE}"
# The contracts the package ships an artifact of, by name: their source file under contracts/.
# TestUSD is the demo stablecoin `dapp up` deploys on dev chains (an OpenZeppelin ERC-20 with permit).
SHIPPED = {CONTRACT_NAME: SOURCE_FILE, "TestUSD": "test/TestUSD.sol"}
# Imports of OpenZeppelin Contracts (npm, pinned in package.json) resolve into node_modules. Spelled
# exactly as Brownie passes brownie-config.yaml's remapping to solc: remappings are part of the metadata,
# so the two builds stay byte-identical only if the strings are equal.
REMAPPINGS = ["@openzeppelin=node_modules/@openzeppelin"]

REPO_ROOT = Path(__file__).resolve().parent.parent

_IMPORT = re.compile(r"""\bimport\s+(?:[^;"']*?\bfrom\s+)?["']([^"']+)["']""")
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)


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


def compiler_settings(optimizer_runs: int = OPTIMIZER_RUNS) -> dict[str, Any]:
    """The solc settings every build uses (Brownie's config mirrors them)."""
    return {
        "optimizer": {"enabled": True, "runs": optimizer_runs},
        "evmVersion": EVM_VERSION,
        "remappings": list(REMAPPINGS),
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
    folder = settings.load().solcx_binary_path
    if folder is None and (REPO_ROOT / ".solcx").is_dir():
        folder = REPO_ROOT / ".solcx"  # where `make setup` installs the shim
    try:
        return Path(solcx.install.get_executable(SOLC_VERSION, solcx_binary_path=folder))
    except Exception:
        pass
    native = shutil.which("solc")
    if native:
        out = subprocess.run([native, "--version"], capture_output=True, text=True, check=False).stdout
        if f"Version: {SOLC_VERSION}+" in out:
            return Path(native)
    raise CompilerError(
        f"solc {SOLC_VERSION} not found: run `make setup` (installs the wasm compiler and its shim into "
        f"{settings.SOLCX_BINARY_PATH}={folder or '~/.solcx'}) or put a native solc "
        f"{SOLC_VERSION} on PATH"
    )


def _resolve_import(importer: str, path: str) -> str:
    """The source unit name solc gives an import: relative to the importer, else remapped."""
    if path.startswith(("./", "../")):
        return posixpath.normpath(posixpath.join(posixpath.dirname(importer), path))
    for remapping in REMAPPINGS:
        prefix, target = remapping.split("=", 1)
        if path.startswith(prefix):
            return target + path[len(prefix) :]
    return path


def collect_sources(unit: str, text: str, root: Path = REPO_ROOT) -> dict[str, str]:
    """`unit` and every file it imports, transitively, by source unit name (paths from `root`).

    All of them go into the standard-JSON input and into the source hash, so the build cache also
    notices a changed dependency (an OpenZeppelin upgrade). An import the scan cannot find is left to
    solc, which then reports it.
    """
    sources = {unit: text}
    pending = [unit]
    while pending:
        importer = pending.pop()
        for match in _IMPORT.finditer(_COMMENT.sub("", sources[importer])):
            name = _resolve_import(importer, match.group(1))
            if name not in sources and (root / name).is_file():
                sources[name] = (root / name).read_text(encoding="utf-8")
                pending.append(name)
    return sources


def compile_file(
    path: Path,
    unit: str | None = None,
    settings: dict[str, Any] | None = None,
    cache_dir: Path | None = REPO_ROOT / "build" / "cache",
) -> dict[str, Artifact]:
    """Every contract of one Solidity file, by name, built with `settings` (default: the shipped ones).

    `unit` is the file's source unit name (default: its path from the repository root); its imports
    resolve from the repository root, OpenZeppelin's through REMAPPINGS into node_modules.
    """
    if not path.is_file():
        raise CompilerError(f"contract source not found: {path}")
    if unit is None:
        unit = path.resolve().relative_to(REPO_ROOT).as_posix()
    settings = settings if settings is not None else compiler_settings()
    sources = collect_sources(unit, path.read_text(encoding="utf-8"))
    key = source_hash(sources, settings)
    if cache_dir is None:
        return _compile(path, unit, sources, settings, key)
    cached = cache_dir / f"{path.stem}-{key[2:18]}.json"
    cache_dir.mkdir(parents=True, exist_ok=True)
    # One process compiles given sources; others asking at the same time (test workers) wait and read its build.
    with open(cached.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if cached.is_file():
            artifacts = {name: Artifact.from_json(data) for name, data in json.loads(cached.read_text()).items()}
            if all(a.source_hash == key for a in artifacts.values()):
                return artifacts
        artifacts = _compile(path, unit, sources, settings, key)
        write_atomic(cached, json.dumps({n: a.to_json() for n, a in artifacts.items()}, indent=1))
        return artifacts


def _compile(path: Path, unit: str, sources: dict[str, str], settings: dict[str, Any], key: str) -> dict[str, Artifact]:
    """solc's build of `sources`, every contract of `unit` by name."""
    standard_input = {
        "language": "Solidity",
        "sources": {name: {"content": text} for name, text in sources.items()},
        "settings": settings,
    }
    try:
        output = solcx.compile_standard(
            standard_input, solc_binary=find_solc(), base_path=str(REPO_ROOT), allow_paths=[str(REPO_ROOT)]
        )
    except SolcError as exc:
        raise CompilerError(f"{path.name} did not compile:\n{exc.stdout_data or exc}") from exc
    errors = [e for e in output.get("errors", []) if e.get("severity") == "error"]
    if errors:
        raise CompilerError("\n".join(e.get("formattedMessage", e["message"]) for e in errors))
    missed = set(output.get("sources", {})) - set(sources)
    if missed:  # solc found an import the scan did not: the source hash would not cover it
        raise CompilerError(f"imports not found by dapp.compile.collect_sources: {sorted(missed)}")
    return {
        name: Artifact(
            name=name,
            abi=contract["abi"],
            bytecode="0x" + contract["evm"]["bytecode"]["object"],
            deployed_bytecode="0x" + contract["evm"]["deployedBytecode"]["object"],
            source_hash=key,
            settings=settings,
        )
        for name, contract in output["contracts"][unit].items()
    }


def compile_contracts(
    contracts_dir: Path = REPO_ROOT / "contracts",
    cache_dir: Path | None = REPO_ROOT / "build" / "cache",
    name: str = CONTRACT_NAME,
) -> Artifact:
    """Compile one shipped contract (the Catalog by default) from `contracts_dir`, reusing a cached build
    of identical sources."""
    source = SHIPPED[name]
    artifacts = compile_file(contracts_dir / source, unit=f"contracts/{source}", cache_dir=cache_dir)
    if name not in artifacts:
        raise CompilerError(f"contracts/{source} defines no contract {name}")
    return artifacts[name]


def packaged_artifact_path(name: str = CONTRACT_NAME) -> Path:
    return Path(__file__).resolve().parent / "artifacts" / f"{name}.json"


def write_packaged_artifact(artifact: Artifact) -> Path:
    """Store the artifact inside the package (what `pip install` users deploy and call)."""
    path = packaged_artifact_path(artifact.name)
    write_atomic(path, json.dumps(artifact.to_json(), indent=1) + "\n")
    return path


def load_artifact(name: str = CONTRACT_NAME) -> Artifact:
    """A packaged artifact (the Catalog by default); no compiler needed."""
    path = packaged_artifact_path(name)
    try:
        return Artifact.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise CompilerError(f"packaged artifact missing: {path}; run `make artifacts`") from exc
