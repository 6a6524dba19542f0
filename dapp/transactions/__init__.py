"""Transactions that survive real networks: a journal, nonces under lock, fees with headroom, sends whose
outcome is settled by asking the node, receipts at the chain's pace, failures named from their trace.

`sender.TxSender` puts them together; each module holds one of these concepts.
"""
