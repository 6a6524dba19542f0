// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

interface ICatalogBalances {
    function withdrawable(address account, address currency) external view returns (uint256);
}

interface IBalanceOf {
    function balanceOf(address account) external view returns (uint256);
}

/// @title Lens: many Catalog balances in one eth_call, for the invariant checks after every random step
/// @notice Reads through the Catalog's public `withdrawable` view, so the checks still go through the ABI.
contract Lens {
    /// @notice `withdrawable(accounts[i], currencies[j])` at index i * currencies.length + j, then the
    /// Catalog's own holdings in each currency (ether balance for address(0), else the token's balanceOf).
    function balances(address catalog, address[] calldata accounts, address[] calldata currencies)
        external
        view
        returns (uint256[] memory out)
    {
        out = new uint256[](accounts.length * currencies.length + currencies.length);
        uint256 k = 0;
        for (uint256 i = 0; i < accounts.length; ++i) {
            for (uint256 j = 0; j < currencies.length; ++j) {
                out[k++] = ICatalogBalances(catalog).withdrawable(accounts[i], currencies[j]);
            }
        }
        for (uint256 j = 0; j < currencies.length; ++j) {
            address c = currencies[j];
            out[k++] = c == address(0) ? catalog.balance : IBalanceOf(c).balanceOf(catalog);
        }
    }
}
