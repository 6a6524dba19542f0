// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Actor: a contract account for the Catalog tests (never deployed outside them)
/// @notice Forwards calls to its target, so a contract can list, buy, refund and withdraw (and approve a
/// token through `callOther`). When it is paid
/// it either accepts, rejects (a reverting recipient), or runs a programmed list of calls back into the
/// target first (a reentrant attacker), once per arming.
contract Actor {
    error ActorRejects(uint256 amount);

    address public immutable target;
    /// @notice When set, every payment to this contract reverts with {ActorRejects}.
    bool public rejecting;
    /// @notice Ether received through `receive`, and how many payments.
    uint256 public received;
    uint256 public receiveCount;
    /// @notice Outcome of each hook call of the last run: success flag and return or revert data.
    bool[] public hookOk;
    bytes[] public hookReturn;

    uint256[] private _hookValues;
    bytes[] private _hookData;
    bool private _swallow;
    bool private _armed;

    constructor(address target_) payable {
        target = target_;
    }

    /// @notice Call the target with `data`, forwarding the value; a revert is re-raised unchanged.
    function exec(bytes calldata data) external payable returns (bytes memory ret) {
        bool ok;
        (ok, ret) = target.call{value: msg.value}(data);
        if (!ok) _bubble(ret);
    }

    /// @notice Call any other contract (a token's approve) as this contract; a revert is re-raised.
    function callOther(address to, bytes calldata data) external returns (bytes memory ret) {
        bool ok;
        (ok, ret) = to.call(data);
        if (!ok) _bubble(ret);
    }

    function setRejecting(bool on) external {
        rejecting = on;
    }

    /// @notice On the next payment, call the target with each `data[i]` and `values[i]` wei before
    /// returning. With `swallow` a failing hook call is recorded; without, its revert is re-raised, which
    /// makes the payment itself fail.
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

    function hookCount() external view returns (uint256) {
        return hookOk.length;
    }

    receive() external payable {
        received += msg.value;
        receiveCount += 1;
        if (rejecting) revert ActorRejects(msg.value);
        if (!_armed) return;
        _armed = false; // once: the hook calls may pay this contract again
        for (uint256 i = 0; i < _hookData.length; ++i) {
            (bool ok, bytes memory ret) = target.call{value: _hookValues[i]}(_hookData[i]);
            if (!ok && !_swallow) _bubble(ret);
            hookOk.push(ok);
            hookReturn.push(ret);
        }
    }

    /// @dev Re-raise a callee's revert data as is, so the tests decode the Catalog's own error.
    function _bubble(bytes memory ret) private pure {
        assembly ("memory-safe") {
            // ret is a bytes array in memory: its length at ret, its contents from ret + 32
            revert(add(ret, 32), mload(ret))
        }
    }
}
