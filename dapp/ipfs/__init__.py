"""IPFS for the store: Kubo-identical CIDs in pure Python, CAR files, our own Kubo daemon, the Kubo RPC
adapter, remote pinning, publishing and product metadata documents.

Only `dapp.ipfs.kubo` imports ipfshttpclient.
"""
