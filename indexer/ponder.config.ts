// One Catalog deployment, described by the JSON file $CATALOG_INDEXER_CONFIG that `dapp indexer start`
// writes from the deployment registry: chain id, RPC URL, address, deployment block and the ABI recorded
// with the deployment (never a copy of it here). The database is PGlite in the folder the file names, or
// Postgres when $DATABASE_URL is set (`ponder start` writing, `ponder serve` replicas reading).
import { readFileSync } from "node:fs";
import { createConfig } from "ponder";
import { http, type Abi, type Transport } from "viem";

type Settings = {
  chainId: number;
  rpcUrl: string;
  address: `0x${string}`;
  startBlock: number;
  abi: Abi;
  pgliteDirectory?: string;
  pollingIntervalMs?: number;
  ethGetLogsBlockRange?: number;
  rpcTimeoutMs?: number;
};

const path = process.env.CATALOG_INDEXER_CONFIG;
if (!path) throw new Error("CATALOG_INDEXER_CONFIG must name the indexer's settings file (dapp indexer start writes it)");
export const settings: Settings = JSON.parse(readFileSync(path, "utf8"));

/** viem's HTTP transport waiting `timeout` ms for an answer. Ponder calls a transport with its own 10 s,
 * which would win over the one given to http(), so this one ignores it. viem also refuses answers over
 * 10 MB by default; Ponder's own client sets no limit, nor does this one. */
function patientHttp(url: string, timeout: number): Transport {
  const transport = http(url, { timeout, maxResponseBodySize: false });
  return (params) => transport({ ...params, timeout });
}

export default createConfig({
  database: process.env.DATABASE_URL
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : { kind: "pglite", directory: settings.pgliteDirectory },
  chains: {
    catalog: {
      id: settings.chainId,
      // A transport of our own only to wait longer for one answer (dapp indexer start --rpc-timeout).
      rpc: settings.rpcTimeoutMs ? patientHttp(settings.rpcUrl, settings.rpcTimeoutMs) : settings.rpcUrl,
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
