// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

// Tokens that misbehave, one per way, for the Catalog tests of both suites (tests/contract and
// tests/brownie; never deployed outside them). Each mints freely; TestUSD (TestUSD.sol) is the
// well-behaved one.

/// @title FeeToken: every transfer between accounts burns 1% (at least 1 unit) of the amount
contract FeeToken is ERC20 {
    constructor() ERC20("Fee Token", "FEE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0) && value != 0) {
            uint256 fee = value / 100 + 1;
            super._update(from, address(0), fee);
            value -= fee;
        }
        super._update(from, to, value);
    }
}

/// @title NoReturnToken: USDT-style, `transfer`, `transferFrom` and `approve` return nothing
contract NoReturnToken {
    error NoReturnTokenInsufficient(uint256 available, uint256 needed);

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    string public constant name = "No Return USD";
    string public constant symbol = "nrUSD";
    uint8 public constant decimals = 6;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    function mint(address to, uint256 amount) external {
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    function approve(address spender, uint256 value) external {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
    }

    function transfer(address to, uint256 value) external {
        _move(msg.sender, to, value);
    }

    function transferFrom(address from, address to, uint256 value) external {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < value) revert NoReturnTokenInsufficient(allowed, value);
            allowance[from][msg.sender] = allowed - value;
        }
        _move(from, to, value);
    }

    function _move(address from, address to, uint256 value) private {
        uint256 balance = balanceOf[from];
        if (balance < value) revert NoReturnTokenInsufficient(balance, value);
        balanceOf[from] = balance - value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}

/// @title RevertingToken: can be made to fail every transfer, by reverting or by returning false
contract RevertingToken is ERC20 {
    error RevertingTokenBroken();

    /// @notice 0: works; 1: transfers revert; 2: transfers return false; 3: balanceOf reverts (minting always
    /// works).
    uint8 public mode;

    constructor() ERC20("Reverting Token", "BRK") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setMode(uint8 mode_) external {
        mode = mode_;
    }

    function balanceOf(address account) public view override returns (uint256) {
        if (mode == 3) revert RevertingTokenBroken();
        return super.balanceOf(account);
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        return mode == 2 ? false : super.transfer(to, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        return mode == 2 ? false : super.transferFrom(from, to, value);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (mode == 1 && from != address(0)) revert RevertingTokenBroken();
        super._update(from, to, value);
    }
}

/// @title ReentrantToken: an ERC-20 that calls back into the Catalog in the middle of its next transfer
/// @notice The calls run before the balances move, from the token itself (msg.sender is the token), as a
/// malicious token or an ERC-777-style hook would. Anyone may mint. `exec` lets the token act as a Catalog
/// party (list, buy, withdraw) too.
contract ReentrantToken is ERC20 {
    /// @notice Outcome of each hook call of the last run: success flag and return or revert data.
    bool[] public hookOk;
    bytes[] public hookReturn;

    address[] private _targets;
    bytes[] private _data;
    bool private _swallow;
    bool private _armed;

    constructor() ERC20("Reentrant Token", "REE") {}

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

    /// @dev Re-raise a callee's revert data as is.
    function _bubble(bytes memory ret) private pure {
        assembly ("memory-safe") {
            // ret is a bytes array in memory: its length at ret, its contents from ret + 32
            revert(add(ret, 32), mload(ret))
        }
    }
}
