// Errors in words: a contract revert by its custom error's name, a wallet rejection calmly, a dead node
// plainly. Pure apart from viem's error classes and ABI decoder.
import { decodeErrorResult, type Abi, type AbiParameter } from 'viem';
import { stateLabel } from './orders';

const plain = (v: unknown) => String(v);

/** How the words of an error render amounts and times of the product concerned. */
export interface ErrorFormat {
  amount(value: bigint): string;
  time(timestamp: number | bigint): string;
}
type Args = Record<string, any>; // decoded ABI values, by argument name

/** Sentences per custom error; `a` are the named arguments, `f` formats amounts and times for the page. */
const WORDS: Record<string, (a: Args, f: ErrorFormat) => string> = {
  CatalogPriceChanged: (a, f) =>
    `The price changed from ${f.amount(a.expected)} to ${f.amount(a.actual)} since you opened this page. ` +
    'Nothing was charged: check the new price and try again.',
  CatalogTermsChanged: () =>
    'The seller changed this listing since you opened this page. Nothing was charged: ' +
    'read the listing again before buying.',
  CatalogWrongCurrency: () => 'This product is priced in another currency than the page showed. Nothing was charged.',
  CatalogWrongPayment: (a, f) => `The payment sent was ${f.amount(a.sent)}, but ${f.amount(a.required)} is due.`,
  CatalogInsufficientStock: (a) => `Only ${a.available} left in stock; you asked for ${a.requested}.`,
  CatalogProductDelisted: () => 'This product is no longer for sale.',
  CatalogUnknownProduct: (a) => `There is no product #${a.productId}.`,
  CatalogUnknownOrder: (a) => `There is no order ${a.productId}-${a.orderNo}.`,
  CatalogInvalidQuantity: () => 'Choose a quantity of at least 1.',
  CatalogInvalidPrice: () => 'A price must be more than zero.',
  CatalogInvalidStock: () => 'That stock level is not allowed.',
  CatalogInvalidRating: () => 'A rating is from 1 to 5 stars.',
  CatalogInvalidMetadata: () => 'The product document reference is not valid.',
  CatalogInvalidEscrowWindow: () => 'That escrow window is not allowed.',
  CatalogInvalidHandlingTime: () => 'That handling time does not fit the escrow setting.',
  CatalogInvalidCurrency: () => 'That currency is not a token contract.',
  CatalogInvalidArbiter: () => 'That arbiter is not allowed: a seller cannot arbitrate their own sales.',
  CatalogInvalidRecipient: () => 'Choose an address to send the funds to.',
  CatalogNotBuyer: () => 'Only the buyer of this order can do that.',
  CatalogNotSeller: () => 'Only the seller of this product can do that.',
  CatalogNotArbiter: () => "Only this product's arbiter can settle its disputes.",
  CatalogArbiterIsParty: () =>
    'The arbiter bought this order, so it cannot settle it: it stays frozen until the seller refunds ' +
    'or the buyer withdraws the dispute.',
  CatalogWrongOrderState: (a) =>
    `Order ${a.productId}-${a.orderNo} is ${stateLabel(a.state).toLowerCase()}, so this is no longer possible. ` +
    'Refresh to see where it stands.',
  CatalogOrderNotEscrowed: (a) =>
    `Order ${a.productId}-${a.orderNo} is ${stateLabel(a.state).toLowerCase()}, so this is no longer possible.`,
  CatalogOrderNotReviewable: () => 'This order cannot be reviewed: reviews open once an order is completed, once.',
  CatalogHandlingTimeNotOver: (a, f) =>
    `The seller still has time to ship. If it has not shipped by ${f.time(a.deadline)}, you can cancel for a full refund.`,
  CatalogDisputeWindowClosed: (a, f) => `The time to open a dispute ended on ${f.time(a.deadline)}.`,
  CatalogEscrowNotExpired: (a, f) =>
    `The escrow window is still open: the order can be released from ${f.time(a.releasableAt)}.`,
  CatalogInvalidSplit: (a, f) =>
    `The buyer's share (${f.amount(a.buyerAmount)}) is more than the order amount (${f.amount(a.amount)}).`,
  CatalogTokenShortfall: (a, f) =>
    `The token delivered ${f.amount(a.received)} instead of ${f.amount(a.expected)} (it takes a fee on transfers), ` +
    'so the store refused it.',
  CatalogUnexpectedEth: () => 'This product is paid in a token: no ETH may be sent with the purchase.',
  CatalogNothingToWithdraw: () => 'There is nothing to withdraw in this currency.',
  CatalogWithdrawFailed: () => 'The transfer to your address failed.',
  CatalogTooManyOrders: () => 'This product has taken all the orders it can.',
  CatalogTooManyTermsChanges: () => "This product's terms were changed too often; they cannot change any more.",
  CatalogTooManyPriceChanges: () => "This product's price was changed too often; it cannot change any more.",
  SafeERC20FailedOperation: () => 'The token refused the transfer: check your token balance and allowance.',
  ERC20InsufficientBalance: (a, f) =>
    `Your balance is ${f.amount(a.balance)} but ${f.amount(a.needed)} is needed. Nothing was charged.`,
  ERC20InsufficientAllowance: (a, f) =>
    `The store may take ${f.amount(a.allowance)} of this token but ${f.amount(a.needed)} is needed. Nothing was charged.`,
};

// The token's own errors (EIP-6093, what OpenZeppelin tokens revert with) bubble up through a purchase.
const error = (name: string, ...inputs: [string, string][]) => ({
  type: 'error' as const,
  name,
  inputs: inputs.map(([type, n]) => ({ type, name: n })),
});
const STANDARD_ERRORS = [
  error('ERC20InsufficientBalance', ['address', 'sender'], ['uint256', 'balance'], ['uint256', 'needed']),
  error('ERC20InsufficientAllowance', ['address', 'spender'], ['uint256', 'allowance'], ['uint256', 'needed']),
];

const DEFAULT_FORMAT: ErrorFormat = { amount: plain, time: plain };

/** Any thrown value, looked at as the nested errors viem and wallets throw. */
interface Thrown {
  name?: string;
  message?: string;
  shortMessage?: string;
  code?: unknown;
  raw?: unknown;
  cause?: unknown;
  data?: any; // revert data: a hex string, nested, or decoded by viem
}

function walk(error: unknown, test: (e: Thrown) => boolean): Thrown | null {
  let e = error as Thrown | undefined;
  for (let depth = 0; e && depth < 12; e = e.cause as Thrown | undefined, depth++) {
    if (test(e)) return e;
  }
  return null;
}

function findRevertData(error: unknown): `0x${string}` | null {
  const hit = walk(error, (e) => typeof e.data === 'string' && /^0x[0-9a-f]{8}/i.test(e.data));
  if (hit) return hit.data;
  const nested = walk(error, (e) => typeof e.data?.data === 'string' && /^0x[0-9a-f]{8}/i.test(e.data.data));
  if (nested) return nested.data.data;
  const raw = walk(error, (e) => typeof e.raw === 'string' && /^0x[0-9a-f]{8}/i.test(e.raw));
  return raw ? (raw.raw as `0x${string}`) : null;
}

/** { name, args (by name) } of a custom error in `error`, decoded against `abi`, or null. */
export function decodeRevert(error: unknown, abi: Abi | readonly unknown[]): { name: string; args: Args } | null {
  const reverted = walk(error, (e) => e.name === 'ContractFunctionRevertedError' && e.data?.errorName);
  if (reverted && reverted.data.abiItem?.inputs)
    return named(reverted.data.errorName, reverted.data.abiItem, reverted.data.args);
  const data = findRevertData(error);
  if (!data) return null;
  try {
    const decoded = decodeErrorResult({ abi: [...(abi as Abi), ...(STANDARD_ERRORS as Abi)], data });
    return named(decoded.errorName, decoded.abiItem as { inputs?: readonly AbiParameter[] }, decoded.args);
  } catch {
    return null;
  }
}

function named(
  name: string,
  abiItem: { inputs?: readonly AbiParameter[] } | undefined,
  args: readonly unknown[] | undefined,
): { name: string; args: Args } {
  const byName: Args = {};
  (abiItem?.inputs ?? []).forEach((input, i) => {
    byName[input.name || String(i)] = args?.[i];
  });
  return { name, args: byName };
}

/** True when the user said no in the wallet (EIP-1193 code 4001). */
export function isUserRejection(error: unknown): boolean {
  return Boolean(walk(error, (e) => e.code === 4001 || e.name === 'UserRejectedRequestError'));
}

function isNetworkFailure(error: unknown): boolean {
  return Boolean(
    walk(
      error,
      (e) =>
        e.name === 'HttpRequestError' ||
        e.name === 'TimeoutError' ||
        (e.name === 'TypeError' && /fetch/i.test(e.message ?? '')),
    ),
  );
}

export interface Said {
  kind: 'rejected' | 'revert' | 'network' | 'other';
  title: string;
  message: string;
  /** The custom error's name, for a revert. */
  name?: string;
}

/** What to tell the user; `format` renders amounts and times of the product concerned. */
export function describeError(
  error: unknown,
  abi: Abi | readonly unknown[],
  format: Partial<ErrorFormat> = DEFAULT_FORMAT,
): Said {
  if (isUserRejection(error)) {
    return { kind: 'rejected', title: 'Cancelled', message: 'You declined in your wallet. Nothing was sent.' };
  }
  const revert = decodeRevert(error, abi);
  if (revert) {
    const words = WORDS[revert.name];
    const f = { ...DEFAULT_FORMAT, ...format };
    const args = Object.entries(revert.args)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    return {
      kind: 'revert',
      title: 'The store refused this',
      name: revert.name,
      message: words ? words(revert.args, f) : `The contract refused: ${revert.name}(${args}).`,
    };
  }
  if (isNetworkFailure(error)) {
    return {
      kind: 'network',
      title: 'Network problem',
      message:
        'The Ethereum node did not answer. Check your connection, or open the page with ?rpc= set to another node.',
    };
  }
  const short = walk(error, (e) => typeof e.shortMessage === 'string')?.shortMessage;
  const message = (error as Thrown | null)?.message;
  return { kind: 'other', title: 'Something went wrong', message: short ?? String(message ?? error) };
}
