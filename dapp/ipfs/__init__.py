"""IPFS for the store: Kubo-identical CIDs in pure Python, CAR files, our own Kubo daemon, the Kubo RPC
adapter, remote pinning, publishing and product metadata documents.

Only `dapp.ipfs.kubo` imports ipfshttpclient.
"""

API_ENV = "DAPP_IPFS_API"  # a running Kubo's RPC API to use instead of starting our own
REPO_ENV = "DAPP_IPFS_REPO"  # the repo our own Kubo runs on
