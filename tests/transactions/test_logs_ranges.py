"""Log ranges are split only on range errors: a 429 on eth_getLogs is waited out (it split one query
into 45 before), an outage is reported, a 413 or a "too many results" answer is split, and a malformed
answer (not JSON, truncated, no result, logs without their fields) is asked again, then named."""

from __future__ import annotations

from pathlib import Path

import pytest
from web3.exceptions import Web3RPCError

from dapp._utils.logs import get_logs, is_range_error
from dapp.exceptions import NetworkError, RpcUnavailableError
from tests.support.rpc_proxy import Fault, FlakyRpcProxy
from tests.transactions.conftest import KeyedChain, Shop, key, make_pipeline, rpc_web3, transact

pytestmark = pytest.mark.anvil
ZERO = "0x" + "00" * 20


def test_a_429_on_get_logs_is_waited_out_not_split(chain: KeyedChain, proxy: FlakyRpcProxy) -> None:
    chain.mine(20)
    waits: list[float] = []
    w3 = rpc_web3(proxy.url, sleep=waits.append)
    proxy.fail("eth_getLogs", Fault.RATE_LIMIT, on=1, retry_after="1")
    assert get_logs(w3, ZERO, [], 0, 20) == []
    assert proxy.count("eth_getLogs") == 2 and waits == [1.0]


def test_an_outage_is_reported_not_split(chain: KeyedChain, proxy: FlakyRpcProxy) -> None:
    chain.mine(20)
    w3 = rpc_web3(proxy.url, read_attempts=2)
    proxy.fail("eth_getLogs", Fault.ERROR_AFTER_FORWARD)
    with pytest.raises(RpcUnavailableError, match="eth_getLogs after 2 attempts"):
        get_logs(w3, ZERO, [], 0, 20)
    assert proxy.count("eth_getLogs") == 2


@pytest.mark.reliability("fault")
def test_range_errors_split_and_find_every_event(
    chain: KeyedChain, shop: Shop, proxy: FlakyRpcProxy, tmp_path: Path
) -> None:
    chain.fund(key(1).address)
    sender = make_pipeline(chain.url, key(1), tmp_path)
    blocks = [int(transact(sender, shop.buy())["blockNumber"]) for _ in range(3)]
    w3 = rpc_web3(proxy.url)
    proxy.fail("eth_getLogs", Fault.RPC_ERROR, on=1, result="query returned more than 10000 results")
    found = get_logs(w3, shop.address, [], 0, blocks[-1])
    assert [int(log["blockNumber"]) for log in found][-3:] == blocks
    assert proxy.count("eth_getLogs") == 3  # refused, then its two halves
    proxy.fail("eth_getLogs", Fault.METHOD_NOT_FOUND, on=1)  # not a range error: reported at once
    with pytest.raises(NetworkError, match="eth_getLogs failed: the method eth_getLogs does not exist"):
        get_logs(w3, shop.address, [], 0, blocks[-1])
    assert proxy.count("eth_getLogs") == 4


MALFORMED = [
    pytest.param(Fault.MALFORMED_AFTER_FORWARD, None, "the reply is not JSON: {", id="truncated"),
    pytest.param(Fault.NOT_JSON, None, "the reply is not JSON: <html>", id="html"),
    pytest.param(
        Fault.NO_RESULT, None, "the reply is not a JSON-RPC answer (neither result nor error)", id="no-result"
    ),
    pytest.param(Fault.CANNED_RESULT, [{"data": "0x"}], "the result is not a list of logs", id="logs-without-fields"),
    pytest.param(Fault.CANNED_RESULT, "0x", "the result is not a list of logs", id="not-a-list"),
]


@pytest.mark.reliability("fault")
@pytest.mark.parametrize(("fault", "result", "says"), MALFORMED)
def test_a_malformed_answer_is_asked_again_then_named_never_split(
    chain: KeyedChain, shop: Shop, proxy: FlakyRpcProxy, tmp_path: Path, fault: Fault, result: object, says: str
) -> None:
    chain.fund(key(1).address)
    block = int(transact(make_pipeline(chain.url, key(1), tmp_path), shop.buy())["blockNumber"])
    w3 = rpc_web3(proxy.url, read_attempts=3)
    proxy.fail("eth_getLogs", fault, on=1, result=result)  # once: the next answer is the node's
    (found,) = get_logs(w3, shop.address, [], block, block)
    assert int(found["blockNumber"]) == block and found["address"] == shop.address
    assert proxy.count("eth_getLogs") == 2

    proxy.fail("eth_getLogs", fault, result=result)  # every time: a named error, the range left whole
    with pytest.raises(RpcUnavailableError) as raised:
        get_logs(w3, shop.address, [], 0, block)
    assert str(raised.value).startswith("the RPC gave no usable answer to eth_getLogs after 3 attempts: " + says)
    assert proxy.count("eth_getLogs") == 2 + 3


@pytest.mark.parametrize(
    ("message", "splits"),
    [
        ("block range is too wide (max 4)", True),
        ("query returned more than 10000 results", True),
        ("exceed maximum block range: 5000", True),
        ("Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range", True),
        ("daily request count exceeded, request rate limited", False),
        ("Your app has exceeded its compute units per second capacity", False),
        ("execution reverted", False),
    ],
)
def test_which_answers_are_range_errors(message: str, splits: bool) -> None:
    error = Web3RPCError(
        message, rpc_response={"jsonrpc": "2.0", "id": 1, "error": {"code": -32005, "message": message}}
    )
    assert is_range_error(error) is splits
    assert is_range_error(RpcUnavailableError("eth_getLogs", "HTTP 413 Payload Too Large", status=413))
    assert not is_range_error(RpcUnavailableError("eth_getLogs", "HTTP 500", 4))
