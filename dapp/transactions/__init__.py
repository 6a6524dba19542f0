"""Transactions that survive real networks. `pipeline.TransactionPipeline` sends every write (the client's
and deploy's): simulate, send, wait, name the failure. Each step's concern has a module of its own:
`fees`, `nonces`, `journal`, `signers`, `broadcast` (sends settled by asking the node), `status`,
`receipts` (paced polling, dropped and replaced transactions), `failure` (named from the trace),
`replace` (speedup and cancel), `rejections` (what a node's error message means).
"""

from dapp.transactions.pipeline import Mined, Simulated, TransactionPipeline, TxEvent, TxEventKind, TxRequest

__all__ = ["Mined", "Simulated", "TransactionPipeline", "TxEvent", "TxEventKind", "TxRequest"]
