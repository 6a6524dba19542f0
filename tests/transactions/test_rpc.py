"""The HTTP transport against a real anvil behind the flaky proxy: 429s are waited out as Retry-After
says, reads survive transport failures, a send is never repeated by the transport, the chain id is
asked once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from dapp.exceptions import NetworkError, RateLimitedError, RpcUnavailableError
from dapp.networks import connect
from dapp.nodes import free_port
from tests.support.rpc_proxy import Fault, FlakyRpcProxy
from tests.transactions.conftest import KeyedChain, key, rpc_web3

pytestmark = pytest.mark.anvil


def test_429_waits_as_retry_after_says(proxy: FlakyRpcProxy) -> None:
    waits: list[float] = []
    w3 = rpc_web3(proxy.url, sleep=waits.append)
    proxy.fail("eth_blockNumber", Fault.RATE_LIMIT, on=[1, 2], retry_after="3")
    assert w3.eth.block_number == 0
    assert waits == [3.0, 3.0]
    assert proxy.count("eth_blockNumber") == 3


def test_429_with_an_http_date_and_without_retry_after(proxy: FlakyRpcProxy) -> None:
    waits: list[float] = []
    w3 = rpc_web3(proxy.url, sleep=waits.append, retry_delay=0.5)
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    proxy.fail("eth_blockNumber", Fault.RATE_LIMIT, on=1, retry_after=when)
    proxy.fail("eth_blockNumber", Fault.RATE_LIMIT, on=2)
    assert w3.eth.block_number == 0
    assert 17 < waits[0] <= 20  # the date, less the time since it was written
    assert 1.0 <= waits[1] <= 1.0 * 1.25  # no header: exponential (second attempt: 2 x 0.5 s), with jitter


def test_429_for_longer_than_our_patience_is_a_named_error(proxy: FlakyRpcProxy) -> None:
    waits: list[float] = []
    w3 = rpc_web3(proxy.url, sleep=waits.append, rate_limit_patience=10)
    proxy.fail("eth_getLogs", Fault.RATE_LIMIT, retry_after="4")
    with pytest.raises(RateLimitedError) as raised:
        w3.eth.get_logs({"fromBlock": 0, "toBlock": 0})
    assert waits == [4.0, 4.0]
    assert str(raised.value) == (
        "the RPC gave no usable answer to eth_getLogs after 3 attempts: rate limited (HTTP 429) for 8 s; "
        "try again later"
    )


@pytest.mark.parametrize(
    "fault",
    [Fault.ERROR_AFTER_FORWARD, Fault.DROP_BEFORE_FORWARD, Fault.DROP_AFTER_FORWARD, Fault.MALFORMED_AFTER_FORWARD],
)
def test_reads_are_retried_after_transport_failures(proxy: FlakyRpcProxy, fault: Fault) -> None:
    w3 = rpc_web3(proxy.url)
    proxy.fail("eth_getBalance", fault, on=[1, 2])
    assert w3.eth.get_balance(key(1).address) == 0
    assert proxy.count("eth_getBalance") == 3


def test_a_read_that_keeps_failing_is_a_named_error(proxy: FlakyRpcProxy) -> None:
    w3 = rpc_web3(proxy.url, read_attempts=3)
    proxy.fail("eth_getBalance", Fault.ERROR_AFTER_FORWARD)
    with pytest.raises(RpcUnavailableError, match=r"eth_getBalance after 3 attempts: HTTP 500 Internal Server Error"):
        w3.eth.get_balance(key(1).address)
    assert proxy.count("eth_getBalance") == 3


def test_a_send_is_never_repeated_by_the_transport(chain: KeyedChain, proxy: FlakyRpcProxy) -> None:
    """web3's own retry re-sent a transaction the node had taken, and reported its 'nonce too low'."""
    buyer = key(1)
    chain.fund(buyer.address)
    signed = buyer.sign_transaction(
        {"to": buyer.address, "value": 1, "gas": 21_000, "maxFeePerGas": 10**10, "maxPriorityFeePerGas": 1,
         "nonce": 0, "chainId": 31337}
    )  # fmt: skip
    w3 = rpc_web3(proxy.url)
    proxy.fail("eth_sendRawTransaction", Fault.ERROR_AFTER_FORWARD, on=1)
    with pytest.raises(RpcUnavailableError, match="eth_sendRawTransaction: HTTP 500"):
        w3.eth.send_raw_transaction(signed.raw_transaction)
    assert proxy.count("eth_sendRawTransaction") == 1
    assert chain.nonce(buyer.address, "pending") == 1  # the node took it all the same


def test_the_chain_id_is_asked_once(proxy: FlakyRpcProxy) -> None:
    w3 = rpc_web3(proxy.url)  # with dapp's middleware: ChainFacts answers it from memory
    assert {w3.eth.chain_id, w3.eth.chain_id, w3.eth.chain_id} == {31337}
    assert proxy.count("eth_chainId") == 1


def test_an_unreachable_endpoint_is_retried_then_named() -> None:
    waits: list[float] = []
    w3 = rpc_web3(f"http://127.0.0.1:{free_port()}", sleep=waits.append, retry_delay=0.25)
    with pytest.raises(RpcUnavailableError, match="eth_chainId after 4 attempts: connection failed"):
        _ = w3.eth.chain_id
    assert waits == [0.25, 0.5, 1.0]


def test_the_connection_check_is_the_chain_id_retried(chain: KeyedChain, proxy: FlakyRpcProxy) -> None:
    """connect() asks for the chain id (needed anyway, then cached): a node that fails twice is still
    reached, and the command asks nothing else to check the connection."""
    proxy.fail("eth_chainId", Fault.DROP_BEFORE_FORWARD, on=[1, 2])
    with connect(proxy.url) as connection:
        assert connection.chain_id == 31337
        assert connection.w3.eth.chain_id == 31337
    assert proxy.calls == ["eth_chainId"] * 3


def test_an_unreachable_url_is_named_after_the_retries() -> None:
    with pytest.raises(NetworkError, match=r"cannot reach http://127\.0\.0\.1:\d+: is the node running"):
        connect(f"http://127.0.0.1:{free_port()}")
