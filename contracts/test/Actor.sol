// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Actor: a contract party (seller, buyer, arbiter) for the Catalog tests, never deployed outside them
/// @notice Forwards calls to its target (the Catalog), so a contract can list, buy, refund and withdraw,
/// and approve a token through `callOther`. When it receives ether it accepts it, rejects it (a reverting
/// recipient), or first runs a programmed list of calls back into the target (a reentrant attacker), once
/// per arming. A callee's revert is re-raised unchanged, so the tests see the Catalog's own custom error.
/// Both suites deploy it: tests/contract (eth-tester, anvil) and tests/brownie (Brownie's attack tests).
contract Actor {
    /// @notice This contract was set to refuse every payment.
    /// @param amount The payment refused.
    error ActorRejects(uint256 amount);

    /// @notice The contract every call goes to.
    address public immutable target;
    /// @notice When set, every payment to this contract reverts with {ActorRejects}.
    bool public rejecting;
    /// @notice Ether `receive` accepted, in total.
    uint256 public received;
    /// @notice How many payments `receive` accepted.
    uint256 public receiveCount;
    /// @notice Outcome of each hook call of the last run: success flag and return or revert data.
    bool[] public hookOk;
    bytes[] public hookReturn;

    uint256[] private _hookValues;
    bytes[] private _hookData;
    bool private _swallow;
    bool private _armed;

    /// @param target_ The Catalog.
    constructor(address target_) payable {
        target = target_;
    }

    /// @notice Call the target with `data`, forwarding the value; a revert is re-raised unchanged.
    /// @param data The calldata.
    /// @return ret What the target returned.
    function exec(bytes calldata data) external payable returns (bytes memory ret) {
        bool ok;
        (ok, ret) = target.call{value: msg.value}(data);
        if (!ok) _bubble(ret);
    }

    /// @notice Call another contract (a token's approve) as this contract; a revert is re-raised.
    /// @param to The contract.
    /// @param data The calldata.
    /// @return ret What it returned.
    function callOther(address to, bytes calldata data) external returns (bytes memory ret) {
        bool ok;
        (ok, ret) = to.call(data);
        if (!ok) _bubble(ret);
    }

    /// @notice Refuse (or accept again) every payment.
    /// @param on True: refuse.
    function setRejecting(bool on) external {
        rejecting = on;
    }

    /// @notice On the next payment, call the target with each `data[i]` and `values[i]` wei before
    /// accepting it. With `swallow` a failing hook call is recorded; without, its revert is re-raised, which
    /// makes the payment itself fail.
    /// @param values Wei to send with each call (paid from this contract's balance).
    /// @param data The calls.
    /// @param swallow Record failures instead of re-raising them.
    function arm(uint256[] calldata values, bytes[] calldata data, bool swallow) external {
        delete _hookValues;
        delete _hookData;
        delete hookOk;
        delete hookReturn;
        for (uint256 i = 0; i < data.length; ++i) {
            _hookValues.push(values[i]);
            _hookData.push(data[i]);
        }
        _swallow = swallow;
        _armed = true;
    }

    /// @notice How many hook calls the last run made.
    /// @return The count.
    function hookCount() external view returns (uint256) {
        return hookOk.length;
    }

    receive() external payable {
        if (rejecting) revert ActorRejects(msg.value);
        received += msg.value;
        receiveCount += 1;
        if (!_armed) return;
        _armed = false; // once: the hook calls may pay this contract again
        for (uint256 i = 0; i < _hookData.length; ++i) {
            (bool ok, bytes memory ret) = target.call{value: _hookValues[i]}(_hookData[i]);
            if (!ok && !_swallow) _bubble(ret);
            hookOk.push(ok);
            hookReturn.push(ret);
        }
    }

    /// @dev Re-raise a callee's revert data as is.
    function _bubble(bytes memory ret) private pure {
        assembly ("memory-safe") {
            // ret is a bytes array in memory: its length at ret, its contents from ret + 32
            revert(add(ret, 32), mload(ret))
        }
    }
}
