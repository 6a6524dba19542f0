// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title A token with balances and a symbol but no decimals(): its amounts cannot be shown or typed.
/// @dev For the client's "a token with no decimals" case; not an ERC-20 a Catalog should price in.
contract NoDecimalsToken {
    mapping(address account => uint256) public balanceOf;
    uint256 public totalSupply;
    string public symbol = "NODEC";

    /// @notice Mint `amount` to `to` (anyone may).
    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
        totalSupply += amount;
    }
}
