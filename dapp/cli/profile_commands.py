"""`dapp profile set|show`: a seller's profile document on IPFS, named on chain by its latest ProfileSet event."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from dapp._utils.validate import check_address
from dapp.cli.common import session
from dapp.cli.options import NetworkArgs, TxArgs, ipfs_api_option, network_options, tx_options
from dapp.cli.output import emit, progress
from dapp.exceptions import DappValueError
from dapp.ipfs.cid import Cid, Codec
from dapp.ipfs.metadata import ProfileDocument, build_profile_document

PLACEHOLDER_CID = Cid(b"\x01" * 32, Codec.RAW)  # stands in for the document while simulating, before the upload
DERIVE = "derive"
NO_KEY = "none"


@click.group("profile")
def profile() -> None:
    """Your seller profile (name, description, banner, shipping key), or any seller's."""


def _encryption_key(text: str) -> bytes | str | None:
    """--encryption-key: HEX (checked now), 'derive' (from your account, once connected) or 'none'."""
    word = text.strip().lower()
    if word == DERIVE:
        return DERIVE
    if word == NO_KEY:
        return None
    from dapp.shipping.keys import parse_public_key

    return parse_public_key(text.strip(), "--encryption-key")


@profile.command("set")
@click.option("--name", help="Shop name: uploads a profile document to IPFS (with --description, --banner).")
@click.option("--description", default="", help="Shop description for the profile document.")
@click.option(
    "--banner",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Banner image file, added to IPFS and named in the profile.",
)
@click.option("--banner-cid", help="Instead of --banner: CID of a banner image already on IPFS.")
@click.option(
    "--encryption-key",
    default=DERIVE,
    show_default=True,
    help="Your X25519 public key for sealed shipping details: 'derive' makes it from your account's signature "
    "(the key the shop page derives for you), HEX gives one, 'none' publishes none (buyers then cannot send you "
    "an address).",
)
@click.option("--profile-cid", help="Instead of --name: CID of a profile document already on IPFS.")
@click.option("--clear", is_flag=True, help="Clear your profile (an event with an empty digest).")
@ipfs_api_option
@network_options
@tx_options
def set_profile(
    name: str | None,
    description: str,
    banner: Path | None,
    banner_cid: str | None,
    encryption_key: str,
    profile_cid: str | None,
    clear: bool,
    ipfs_api: str | None,
    net: NetworkArgs,
    tx: TxArgs,
) -> None:
    """Publish your seller profile: the latest one you set is the one the page and `profile show` read."""
    if sum(map(bool, (name, profile_cid, clear))) != 1:
        raise DappValueError("give one of --name (with --description, --banner), --profile-cid or --clear")
    if (profile_cid or clear) and (description or banner or banner_cid):
        raise DappValueError("--description and --banner describe a new document: use them with --name")
    if banner and banner_cid:
        raise DappValueError("give --banner FILE or --banner-cid CID, not both")
    document = Cid.parse_document(profile_cid) if profile_cid else None
    banner_ref = Cid.parse_document(banner_cid) if banner_cid else None
    key = _encryption_key(encryption_key) if name else None
    if name:
        build_profile_document(name, description, banner_ref)  # check the text before anything else
    with session(net, tx=tx) as s:
        client = s.client()
        if name:
            assert s.account is not None
            client.simulate("setProfile", PLACEHOLDER_CID.digest, int(PLACEHOLDER_CID.codec))
            if key == DERIVE:
                from dapp.accounts import sign_text
                from dapp.shipping.keys import derive_keypair_checked

                progress("deriving your shipping key from your account's signature")
                pair = derive_keypair_checked(
                    lambda text: sign_text(s.w3, str(s.account), text), int(s.w3.eth.chain_id), client.address
                )
                key = pair.public_key
            assert not isinstance(key, str)
            from dapp.ipfs.kubo import open_kubo  # ipfshttpclient: only for commands that upload
            from dapp.ipfs.metadata import upload_profile

            progress("adding the profile document" + (" and its banner" if banner else "") + " to IPFS")
            with open_kubo(ipfs_api) as kubo:
                document = upload_profile(kubo, name, description, banner or banner_ref, key)
        progress("sending setProfile")
        done = client.set_profile(document)
    emit(
        net.as_json,
        {"profileCid": str(document) if document else None, "tx": done.tx_hash},
        f"profile cleared (tx {done.tx_hash})"
        if document is None
        else f"profile set to {document} (tx {done.tx_hash})",
    )


@profile.command("show")
@click.argument("seller", required=False)
@click.option("--no-metadata", is_flag=True, help="Do not fetch the profile document (its CID only).")
@click.option("--gateway", metavar="URL", help="Fetch the document through this IPFS gateway instead of Kubo.")
@ipfs_api_option
@network_options
def show_profile(
    seller: str | None, no_metadata: bool, gateway: str | None, ipfs_api: str | None, net: NetworkArgs
) -> None:
    """Show SELLER's profile (default: yours): its latest ProfileSet event and the document it names,
    checked against the digest on chain."""
    if seller is not None:
        check_address("seller", seller)
    with session(net, need_account=seller is None) as s:
        who = seller or s.account
        assert who is not None
        found = s.client().profile(who)
    document: ProfileDocument | None = None
    if found is not None and found.document is not None and not no_metadata:
        from dapp.ipfs.kubo import Kubo, open_kubo
        from dapp.ipfs.metadata import fetch_profile

        progress("fetching the profile document from IPFS and checking its CID")
        with contextlib.ExitStack() as stack:
            source: Kubo | str = gateway or stack.enter_context(open_kubo(ipfs_api))
            document = fetch_profile(source, found.document)
    data: dict[str, object] = {"seller": who, "profile": found.to_json() if found else None}
    if document is not None:
        data["document"] = document.to_json()

    def text() -> str:
        if found is None:
            return f"{who} has no profile"
        if found.document is None:
            return f"{who} cleared its profile (block {found.block_number})"
        lines = [f"profile {found.document} (set in block {found.block_number})"]
        if document is not None:
            lines += [document.name, document.description] if document.description else [document.name]
            if document.banner:
                lines.append(f"banner {document.banner}")
            key = document.encryption_key
            lines.append(f"shipping key 0x{key.hex()}" if key else "no shipping key: buyers cannot send an address")
        return "\n".join(lines)

    emit(net.as_json, data, text)
