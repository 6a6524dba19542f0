// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

// Attackers for the Brownie suite's attack tests (tests/brownie/test_attack_*.py), never deployed outside
// them. They live under contracts/ because Brownie compiles only that folder; the main suite has its own
// copies in tests/contract/contracts. Both re-raise a callee's revert data unchanged, so the tests see the
// Catalog's own custom error.

/// @title Attacker: a contract party (seller, buyer) that fights back when paid
/// @notice Forwards calls to its target (the Catalog), so it can list, buy, refund and withdraw. When it
/// receives ether it accepts it, rejects it (a reverting recipient), or first runs a programmed list of
/// calls back into the target (a reentrant attacker), once per arming.
contract Attacker {
    /// @notice This contract was set to refuse every payment.
    /// @param amount The payment refused.
    error AttackerRejects(uint256 amount);

    /// @notice The contract every call goes to.
    address public immutable target;
    /// @notice When set, every payment to this contract reverts with {AttackerRejects}.
    bool public rejecting;
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
        if (rejecting) revert AttackerRejects(msg.value);
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

    function _bubble(bytes memory ret) private pure {
        assembly ("memory-safe") {
            // ret is a bytes array in memory: its length at ret, its contents from ret + 32
            revert(add(ret, 32), mload(ret))
        }
    }
}

/// @title CallbackToken: an ERC-20 that calls back into the Catalog in the middle of its next transfer
/// @notice The calls run before the balances move, from the token itself (msg.sender is the token), as a
/// malicious token or an ERC-777-style hook would. Anyone may mint. `exec` lets the token act as a Catalog
/// party (list, buy, withdraw) too.
contract CallbackToken is ERC20 {
    /// @notice Outcome of each hook call of the last run: success flag and return or revert data.
    bool[] public hookOk;
    bytes[] public hookReturn;

    address[] private _targets;
    bytes[] private _data;
    bool private _swallow;
    bool private _armed;

    constructor() ERC20("Callback Token", "CBK") {}

    /// @notice Accept ether (a withdrawal of the token's ETH credit in the Catalog).
    receive() external payable {}

    /// @notice Mint `amount` to `to`. Open to anyone.
    /// @param to Who receives the tokens.
    /// @param amount How many.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Call `target` as the token, forwarding the value; a revert is re-raised unchanged.
    /// @param target The contract.
    /// @param data The calldata.
    /// @return ret What it returned.
    function exec(address target, bytes calldata data) external payable returns (bytes memory ret) {
        bool ok;
        (ok, ret) = target.call{value: msg.value}(data);
        if (!ok) _bubble(ret);
    }

    /// @notice On the next transfer between accounts, call each `targets[i]` with `data[i]` first. With
    /// `swallow` a failing call is recorded; without, its revert is re-raised and fails the transfer.
    /// @param targets The contracts.
    /// @param data The calls.
    /// @param swallow Record failures instead of re-raising them.
    function arm(address[] calldata targets, bytes[] calldata data, bool swallow) external {
        delete _targets;
        delete _data;
        delete hookOk;
        delete hookReturn;
        for (uint256 i = 0; i < data.length; ++i) {
            _targets.push(targets[i]);
            _data.push(data[i]);
        }
        _swallow = swallow;
        _armed = true;
    }

    /// @notice How many hook calls the last run made.
    /// @return The count.
    function hookCount() external view returns (uint256) {
        return hookOk.length;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (_armed && from != address(0) && to != address(0)) {
            _armed = false; // once: the hook calls may transfer this token again
            for (uint256 i = 0; i < _data.length; ++i) {
                (bool ok, bytes memory ret) = _targets[i].call(_data[i]);
                if (!ok && !_swallow) _bubble(ret);
                hookOk.push(ok);
                hookReturn.push(ret);
            }
        }
        super._update(from, to, value);
    }

    function _bubble(bytes memory ret) private pure {
        assembly ("memory-safe") {
            // ret is a bytes array in memory: its length at ret, its contents from ret + 32
            revert(add(ret, 32), mload(ret))
        }
    }
}
