# IPFS toolchain: Kubo and IPFS Cluster built from the Go module proxy into a per-user cache outside the
# clone, keyed by version, so every clone on the machine (CI's fresh ones too) reuses the binaries.
# Included by the top-level Makefile; `make -f toolchain/ipfs.mk setup-ipfs` also works on its own.

KUBO_VERSION ?= v0.39.0
IPFS_CLUSTER_VERSION ?= v1.1.6
# Kubo 0.39's pebble -> cockroachdb/swiss dependency does not compile with Go >= 1.26; Go fetches this
# toolchain from the module proxy. Cluster 1.1.6 requires Go >= 1.26, so it uses the local one.
KUBO_GOTOOLCHAIN ?= go1.25.4
IPFS_TOOL_CACHE ?= $(HOME)/.cache/ownerless-store
IPFS_BUILD := $(dir $(lastword $(MAKEFILE_LIST)))build-go-tool.sh

export DAPP_IPFS_BIN := $(IPFS_TOOL_CACHE)/kubo-$(KUBO_VERSION)/ipfs
export DAPP_IPFS_CLUSTER_BIN := $(IPFS_TOOL_CACHE)/ipfs-cluster-$(IPFS_CLUSTER_VERSION)/ipfs-cluster-service

.PHONY: setup-ipfs

# The script itself skips a binary that already reports the right version, so this is cheap when built.
setup-ipfs:
	@GOTOOLCHAIN=$(KUBO_GOTOOLCHAIN) bash $(IPFS_BUILD) github.com/ipfs/kubo cmd/ipfs $(KUBO_VERSION) \
		$(dir $(DAPP_IPFS_BIN)) ipfs "ipfs version $(KUBO_VERSION:v%=%)"
	@GOTOOLCHAIN=local bash $(IPFS_BUILD) github.com/ipfs-cluster/ipfs-cluster cmd/ipfs-cluster-service \
		$(IPFS_CLUSTER_VERSION) $(dir $(DAPP_IPFS_CLUSTER_BIN)) ipfs-cluster-service \
		"ipfs-cluster-service version $(IPFS_CLUSTER_VERSION:v%=%)"
