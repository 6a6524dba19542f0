// Order states of Catalog v3 (enum OrderState) and what each allows, as the page explains them.

export const STATE = Object.freeze({
  None: 0,
  Paid: 1,
  Shipped: 2,
  Disputed: 3,
  Completed: 4,
  Refunded: 5,
  Cancelled: 6,
  Resolved: 7,
  Reviewed: 8,
  Settled: 9,
});

const LABELS = [
  'Unknown',
  'Awaiting shipment',
  'Shipped',
  'Disputed',
  'Completed',
  'Refunded',
  'Cancelled',
  'Resolved by arbiter',
  'Reviewed',
  'Settled',
];

export type Role = 'buyer' | 'seller' | 'arbiter';
export type OrderAction =
  | 'cancel'
  | 'confirm'
  | 'dispute'
  | 'review'
  | 'ship'
  | 'refund'
  | 'resolve'
  | 'release'
  | 'offer'
  | 'accept'
  | 'withdrawOffer';
type Numeric = number | bigint;

/** What of an order the rules read. offerBy is the zero address while no settlement offer is open. */
export interface OrderFacts {
  state: Numeric;
  deadline: Numeric;
  buyer: string;
  offerBy: string;
}

export function stateLabel(state: Numeric): string {
  return LABELS[Number(state)] ?? `State ${state}`;
}

/** Tone of a state's badge: "wait", "ok", "warn", "off". */
export function stateTone(state: Numeric): 'wait' | 'ok' | 'warn' | 'off' {
  const s = Number(state);
  if (s === STATE.Paid || s === STATE.Shipped) return 'wait';
  if (s === STATE.Disputed) return 'warn';
  if (s === STATE.Completed || s === STATE.Reviewed || s === STATE.Resolved || s === STATE.Settled) return 'ok';
  return 'off';
}

/** An order still open to a settlement by agreement (the contract's Paid, Shipped or Disputed). */
export function settleable(state: Numeric): boolean {
  const s = Number(state);
  return s === STATE.Paid || s === STATE.Shipped || s === STATE.Disputed;
}

const isZero = (a: string) => /^0x0{40}$/i.test(a);

/** The open settlement offer as `role` sees it: made by this side ("mine") or the other ("theirs"). */
export function offerSide(order: OrderFacts, role: Role): 'mine' | 'theirs' | null {
  if (!settleable(order.state) || isZero(order.offerBy) || role === 'arbiter') return null;
  const byBuyer = order.offerBy.toLowerCase() === order.buyer.toLowerCase();
  return byBuyer === (role === 'buyer') ? 'mine' : 'theirs';
}

/**
 * The actions a role may take on an order now (the contract decides; this only offers what would pass).
 * The product is not consulted today; it is the place a product-dependent rule would read from.
 */
export function allowedActions(order: OrderFacts, _product: unknown, role: Role, now: Numeric): OrderAction[] {
  const s = Number(order.state);
  const deadline = Number(order.deadline);
  const t = Number(now);
  const actions: OrderAction[] = [];
  if (role === 'buyer') {
    if (s === STATE.Paid && t >= deadline) actions.push('cancel');
    // Not while Paid: the contract allows it, but paying for an item that has not even shipped is a
    // misclick a shop should not offer (the CLI still can).
    if (s === STATE.Shipped || s === STATE.Disputed) actions.push('confirm');
    if (s === STATE.Shipped && t < deadline) actions.push('dispute');
    // Orders that ended in a ruling or a settlement count too; refunded and cancelled ones do not.
    if (s === STATE.Completed || s === STATE.Resolved || s === STATE.Settled) actions.push('review');
  }
  if (role === 'seller') {
    // From the handling deadline on, the contract refuses to ship: the buyer's cancel cannot be raced.
    if (s === STATE.Paid && t < deadline) actions.push('ship');
    if (settleable(s)) actions.push('refund');
  }
  if (role === 'arbiter' && s === STATE.Disputed) actions.push('resolve');
  if (s === STATE.Shipped && t >= deadline) actions.push('release');
  const side = offerSide(order, role);
  if (side === 'theirs') actions.push('accept');
  if (side === 'mine') actions.push('withdrawOffer');
  if (role !== 'arbiter' && settleable(s)) actions.push('offer');
  return actions;
}
