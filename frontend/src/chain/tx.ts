// Every write: check (simulate) -> confirm in the wallet -> pending -> confirmed or reverted, shown as a
// card of steps (state.toasts, drawn by the shell). A revert comes out in words; a rejection in the wallet
// is calm, not an error. Loaded with the first write: browsing never downloads it.
import type { Address } from 'viem';
import { describeError, type ErrorFormat } from '../errors';
import type { Shop, StepState, TxCard } from '../state';
import type { ShopWallet } from '../wallet';
import { abi, type Call } from './contract';

/** Values earlier steps handed on (a permit's signature), by step key. */
export type StepContext = Record<string, unknown>;

/**
 * A step is a transaction (`call`: simulated, sent through the wallet, waited for) or anything else the
 * wallet or the network does (`send`: a permit signature, an IPFS upload), whose result later steps read.
 */
export type Step = {
  label: string;
  key?: string;
  /** The note while it runs, and once it is done. */
  waiting?: string;
  doneNote?: string;
} & (
  | { call: (ctx: StepContext) => Call; send?: undefined }
  | { send: (ctx: StepContext) => Promise<unknown>; call?: undefined }
);

class Card {
  readonly id: number;

  constructor(
    private readonly shop: Shop,
    title: string,
    labels: string[],
  ) {
    // Unique among the cards on screen (this module may be loaded more than once: no counter of its own).
    this.id = Math.max(0, ...shop.toasts.value.map((c) => c.id)) + 1;
    const card: TxCard = {
      id: this.id,
      title,
      status: 'pending',
      steps: labels.map((label) => ({ label, state: 'todo', note: '' })),
      message: '',
    };
    shop.toasts.value = [...shop.toasts.value, card];
  }

  private update(change: (card: TxCard) => TxCard): void {
    this.shop.toasts.value = this.shop.toasts.value.map((c) => (c.id === this.id ? change(c) : c));
  }

  step(index: number, state: StepState, note?: string): void {
    this.update((c) => ({
      ...c,
      steps: c.steps.map((s, i) => (i === index ? { ...s, state, note: note === undefined ? s.note : note } : s)),
    }));
  }

  finish(status: TxCard['status'], message: string, error?: string): void {
    this.update((c) => ({ ...c, status, message, ...(error ? { error } : {}) }));
  }
}

/** A card for a transaction the page will not even offer to send (e.g. a balance too low), with why. */
export function refuse(shop: Shop, title: string, label: string, message: string): void {
  const card = new Card(shop, title, [label]);
  card.step(0, 'failed', 'not sent');
  card.finish('error', message);
}

export interface Run {
  title: string;
  wallet: ShopWallet & { account: Address };
  steps: Step[];
  format: ErrorFormat;
  onDone?: () => void;
}

/** Run `steps` in order on one card. Returns true when every step confirmed. */
export async function runSteps(shop: Shop, { title, wallet, steps, format, onDone }: Run): Promise<boolean> {
  const card = new Card(
    shop,
    title,
    steps.map((s) => s.label),
  );
  const ctx: StepContext = {};
  for (const [i, step] of steps.entries()) {
    try {
      if (step.send) {
        card.step(i, 'active', step.waiting ?? 'confirm in your wallet');
        ctx[step.key ?? i] = await step.send(ctx);
        card.step(i, 'done', step.doneNote ?? 'done');
        continue;
      }
      card.step(i, 'active', 'checking');
      const call = step.call(ctx);
      await shop.node.simulate(call, wallet.account);
      card.step(i, 'active', wallet.burner ? 'signing' : 'confirm in your wallet');
      const hash = await wallet.send(call);
      card.step(i, 'active', `pending ${hash.slice(0, 10)}…`);
      const receipt = await shop.node.receipt(hash);
      if (receipt.status !== 'success') {
        // Mined but reverted (the state changed after the check): replay it on that block for the reason.
        throw (
          (await shop.node.replay(call, wallet.account, receipt.blockNumber)) ?? new Error('The transaction reverted.')
        );
      }
      card.step(i, 'done', `confirmed in block ${receipt.blockNumber}`);
      ctx[step.key ?? i] = receipt;
    } catch (error) {
      const said = describeError(error, abi, format);
      const rejected = said.kind === 'rejected';
      card.step(i, rejected ? 'skipped' : 'failed', rejected ? 'cancelled' : (said.name ?? said.title.toLowerCase()));
      for (let later = i + 1; later < steps.length; later++) card.step(later, 'skipped', 'not sent');
      card.finish(rejected ? 'rejected' : said.kind === 'revert' ? 'reverted' : 'error', said.message, said.name);
      // A refusal usually means the chain moved on (a new price, a new state): show what it is now.
      if (said.kind === 'revert') onDone?.();
      return false;
    }
  }
  card.finish('confirmed', 'Done.');
  onDone?.();
  return true;
}
