"""dapp: compile, deploy and use the ownerless Catalog contract, and publish the shop to IPFS."""
