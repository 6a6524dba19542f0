// viem's getLogs and log decoding on their own, for a chunk of its own: importing the `viem/actions` barrel
// dynamically would make a chunk of every action.
import { decodeEventLog, type Hex } from 'viem';
import type { CatalogAbi } from './contract';
import type { PurchasedLog } from './reader';

export { getLogs } from 'viem/actions';

/** A log as eth_getLogs returns it, before decoding. */
export type RawLog = { data: Hex; topics: [Hex, ...Hex[]] };

export type PurchasedEvent = Extract<CatalogAbi[number], { type: 'event'; name: 'Purchased' }>;

/** The Purchased log of order `orderNo` of `productId` among `logs` (the Catalog's `event` logs), or null. */
export function purchaseOf(
  event: PurchasedEvent,
  logs: readonly RawLog[],
  productId: bigint,
  orderNo: bigint,
): PurchasedLog | null {
  for (const log of logs) {
    const { args } = decodeEventLog({ abi: [event], data: log.data, topics: log.topics });
    if (args.productId === productId && args.orderNo === orderNo) return args;
  }
  return null;
}
