// One Catalog deployment, described by the JSON file $CATALOG_INDEXER_CONFIG that `dapp indexer start`
// writes from the deployment registry: chain id, RPC URL, address, deployment block and the ABI recorded
// with the deployment (never a copy of it here). The database is PGlite in the folder the file names, or
// Postgres when $DATABASE_URL is set (`ponder start` writing, `ponder serve` replicas reading).
import { readFileSync } from "node:fs";
import { createConfig } from "ponder";
import type { Abi } from "viem";

type Settings = {
  chainId: number;
  rpcUrl: string;
  address: `0x${string}`;
  startBlock: number;
  abi: Abi;
  pgliteDirectory?: string;
  pollingIntervalMs?: number;
  ethGetLogsBlockRange?: number;
};

const path = process.env.CATALOG_INDEXER_CONFIG;
if (!path) throw new Error("CATALOG_INDEXER_CONFIG must name the indexer's settings file (dapp indexer start writes it)");
export const settings: Settings = JSON.parse(readFileSync(path, "utf8"));

export default createConfig({
  database: process.env.DATABASE_URL
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : { kind: "pglite", directory: settings.pgliteDirectory },
  chains: {
    catalog: {
      id: settings.chainId,
      rpc: settings.rpcUrl,
      pollingInterval: settings.pollingIntervalMs ?? 1000,
      ethGetLogsBlockRange: settings.ethGetLogsBlockRange,
    },
  },
  contracts: {
    Catalog: {
      chain: "catalog",
      abi: settings.abi,
      address: settings.address,
      startBlock: settings.startBlock,
    },
  },
});
