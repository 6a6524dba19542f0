// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title TestUSD: the demo stablecoin of dev chains ("Test USD", tUSD, 6 decimals, EIP-2612 permit)
/// @notice A TEST token: anyone may mint any amount. `dapp up` deploys it to fund sample buyers, and the
/// tests buy with it. Never deploy it where its balances could be mistaken for money.
/// @dev OpenZeppelin's ERC20 with an EIP-2612 `permit` written out here rather than inherited from
/// ERC20Permit: OpenZeppelin 5.7's EIP712 pulls in utils/Bytes.sol, whose `mcopy` does not compile for
/// the `paris` EVM this project targets (Ganache 7.9 runs nothing newer). The digest, nonces and errors
/// are those of ERC20Permit, and `eip712Domain` (ERC-5267) describes the domain, so wallets and clients
/// see a standard permit token.
contract TestUSD is ERC20, IERC20Permit, IERC5267, Nonces {
    bytes32 private constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    bytes32 private immutable _cachedDomainSeparator;
    uint256 private immutable _cachedChainId;

    /// @notice The permit's deadline has passed.
    /// @param deadline The permit's deadline.
    error ERC2612ExpiredSignature(uint256 deadline);

    /// @notice The permit was not signed by `owner`.
    /// @param signer Who signed it.
    /// @param owner Whose tokens it would approve.
    error ERC2612InvalidSigner(address signer, address owner);

    constructor() ERC20("Test USD", "tUSD") {
        _cachedChainId = block.chainid;
        _cachedDomainSeparator = _domainSeparator();
    }

    /// @notice Test faucet: mint `amount` (in units of 10^-6 tUSD) to `to`. Open to anyone.
    /// @param to Who receives the tokens.
    /// @param amount How many base units.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice 6, like USDC and USDT.
    /// @return The number of decimals.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Approve `spender` for `value` of `owner`'s tokens with `owner`'s EIP-712 signature.
    /// @param owner Whose tokens.
    /// @param spender Who may spend them.
    /// @param value How many base units.
    /// @param deadline Last timestamp the signature is valid.
    /// @param v Signature v.
    /// @param r Signature r.
    /// @param s Signature s.
    function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
    {
        // Accepted timestamp use: EIP-2612 defines the deadline as a timestamp.
        // slither-disable-next-line timestamp
        if (block.timestamp > deadline) revert ERC2612ExpiredSignature(deadline);
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, _useNonce(owner), deadline));
        bytes32 digest = keccak256(abi.encodePacked(hex"1901", DOMAIN_SEPARATOR(), structHash));
        address signer = ECDSA.recover(digest, v, r, s);
        if (signer != owner) revert ERC2612InvalidSigner(signer, owner);
        _approve(owner, spender, value);
    }

    /// @notice The next permit nonce of `owner`.
    /// @param owner The account.
    /// @return The nonce.
    function nonces(address owner) public view override(IERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    /// @notice The EIP-712 domain separator (name "Test USD", version "1", this chain, this contract).
    /// @return The separator.
    // Accepted name: EIP-2612 fixes it (wallets and clients call DOMAIN_SEPARATOR()).
    // slither-disable-next-line naming-convention
    function DOMAIN_SEPARATOR() public view returns (bytes32) {
        return block.chainid == _cachedChainId ? _cachedDomainSeparator : _domainSeparator();
    }

    /// @notice The EIP-712 domain fields (ERC-5267): name, version, chainId and verifyingContract.
    /// @return fields 0x0f: the first four fields are used.
    /// @return name "Test USD".
    /// @return version "1".
    /// @return chainId This chain.
    /// @return verifyingContract This contract.
    /// @return salt Unused.
    /// @return extensions None.
    function eip712Domain()
        external
        view
        returns (
            bytes1 fields,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifyingContract,
            bytes32 salt,
            uint256[] memory extensions
        )
    {
        return (hex"0f", "Test USD", "1", block.chainid, address(this), bytes32(0), new uint256[](0));
    }

    function _domainSeparator() private view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, keccak256("Test USD"), keccak256("1"), block.chainid, address(this)));
    }
}
