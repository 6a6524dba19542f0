"""Brownie builds the same Catalog as `dapp compile` (brownie-config.yaml mirrors dapp/compile.py)."""

from dapp.compile import load_artifact


def without_metadata(code):
    """Runtime code minus solc's trailing CBOR metadata (its length is in the last two bytes)."""
    code = bytes.fromhex(code.removeprefix("0x"))
    return code[: -(int.from_bytes(code[-2:], "big") + 2)]


def test_same_compiler_settings_give_the_same_code(Catalog):
    # Differs if brownie-config.yaml's solc version, evm_version or optimizer runs drift from dapp's.
    assert without_metadata(Catalog._build["deployedBytecode"]) == without_metadata(load_artifact().deployed_bytecode)


def test_brownie_and_dapp_builds_are_byte_identical(Catalog):
    assert Catalog._build["deployedBytecode"] == load_artifact().deployed_bytecode.removeprefix("0x")
