// Order states of Catalog v2 (enum OrderState) and what each allows, as the page explains them.

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
];

export type Role = 'buyer' | 'seller' | 'arbiter';
export type OrderAction = 'cancel' | 'confirm' | 'dispute' | 'review' | 'ship' | 'refund' | 'resolve' | 'release';
type Numeric = number | bigint;

export function stateLabel(state: Numeric): string {
  return LABELS[Number(state)] ?? `State ${state}`;
}

/** Tone of a state's badge: "wait", "ok", "warn", "off". */
export function stateTone(state: Numeric): 'wait' | 'ok' | 'warn' | 'off' {
  const s = Number(state);
  if (s === STATE.Paid || s === STATE.Shipped) return 'wait';
  if (s === STATE.Disputed) return 'warn';
  if (s === STATE.Completed || s === STATE.Reviewed || s === STATE.Resolved) return 'ok';
  return 'off';
}

/**
 * The actions a role may take on an order now (the contract decides; this only offers what would pass).
 * The product is not consulted today; it is the place a product-dependent rule would read from.
 */
export function allowedActions(
  order: { state: Numeric; deadline: Numeric },
  _product: unknown,
  role: Role,
  now: Numeric,
): OrderAction[] {
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
    if (s === STATE.Completed) actions.push('review');
  }
  if (role === 'seller') {
    if (s === STATE.Paid) actions.push('ship');
    if (s === STATE.Paid || s === STATE.Shipped || s === STATE.Disputed) actions.push('refund');
  }
  if (role === 'arbiter' && s === STATE.Disputed) actions.push('resolve');
  if (s === STATE.Shipped && t >= deadline) actions.push('release');
  return actions;
}
