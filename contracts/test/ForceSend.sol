// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ForceSend: pushes ether into any address, receive function or not, by self-destructing
/// @notice The only way to give the Catalog ether outside a purchase (it has no receive function); the
/// money invariant allows it: the Catalog's ether may exceed what it owes, never fall short of it.
contract ForceSend {
    constructor(address payable to) payable {
        selfdestruct(to);
    }
}
