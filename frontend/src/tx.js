// Every write: check (simulate) -> confirm in the wallet -> pending -> confirmed or reverted, shown as a
// card of steps. A revert comes out in words; a rejection in the wallet is calm, not an error.
import { h } from './dom.js';
import { abi } from './chain.js';
import { describeError } from './errors.js';

const ICONS = { todo: '○', active: '◌', done: '✓', failed: '✕', skipped: '–' };

class TxCard {
  constructor(title) {
    this.steps = [];
    this.list = h('ol.tx-steps');
    this.message = h('p.tx-message');
    this.close = h('button.tx-close', { type: 'button', 'aria-label': 'Close', onclick: () => this.el.remove() }, '×');
    this.el = h('section.tx-card', { dataset: { status: 'pending' }, role: 'status' }, h('header', h('strong', title), this.close), this.list, this.message);
    document.querySelector('#toasts').append(this.el);
  }

  addStep(label) {
    const icon = h('span.tx-icon', ICONS.todo);
    const text = h('span.tx-label', label);
    const detail = h('span.tx-detail');
    const li = h('li', { dataset: { state: 'todo' } }, icon, h('span', text, detail));
    this.list.append(li);
    const step = {
      set(state, note) {
        li.dataset.state = state;
        icon.textContent = ICONS[state] ?? ICONS.todo;
        if (note !== undefined) detail.textContent = note ? ` · ${note}` : '';
      },
    };
    this.steps.push(step);
    return step;
  }

  finish(status, message) {
    this.el.dataset.status = status;
    this.message.textContent = message;
  }
}

/** A card for a transaction the page will not even offer to send (e.g. a balance too low), with why. */
export function refuse(title, label, message) {
  const card = new TxCard(title);
  card.addStep(label).set('failed', 'not sent');
  card.finish('error', message);
  return card;
}

/**
 * Run `steps` in order: [{ label, request?: () => simulate params, send?: async () => hash | null }].
 * `request` steps go simulate -> send through the wallet -> receipt; `send` steps do their own
 * thing (a permit signature) and may return a value the next steps read through `ctx`.
 * Returns true when every step confirmed.
 */
export async function runSteps({ title, wallet, reader, steps, format, onDone }) {
  const card = new TxCard(title);
  const ui = steps.map((s) => card.addStep(s.label));
  const ctx = {};
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const mark = ui[i];
    try {
      if (step.send) {
        mark.set('active', step.waiting ?? 'confirm in your wallet');
        ctx[step.key ?? i] = await step.send(ctx);
        mark.set('done', step.doneNote ?? 'done');
        continue;
      }
      mark.set('active', 'checking');
      const params = { ...reader.contract, ...step.target, ...step.request(ctx), account: wallet.account };
      const tx = await reader.simulate(params);
      mark.set('active', wallet.burner ? 'signing' : 'confirm in your wallet');
      const hash = await wallet.send(tx);
      mark.set('active', `pending ${hash.slice(0, 10)}…`);
      const receipt = await reader.receipt(hash);
      if (receipt.status !== 'success') {
        // Mined but reverted (the state changed after the check): replay it on that block for the reason.
        const replay = await reader
          .rpc('eth_call', [{ from: wallet.account, to: tx.to, data: tx.data, value: `0x${tx.value.toString(16)}` }, `0x${receipt.blockNumber.toString(16)}`])
          .then(() => null, (error) => error);
        throw replay ?? new Error('The transaction reverted.');
      }
      mark.set('done', `confirmed in block ${receipt.blockNumber}`);
      ctx[step.key ?? i] = receipt;
    } catch (error) {
      const said = describeError(error, abi, format);
      mark.set(said.kind === 'rejected' ? 'skipped' : 'failed', said.kind === 'rejected' ? 'cancelled' : said.name ?? said.title.toLowerCase());
      for (const later of ui.slice(i + 1)) later.set('skipped', 'not sent');
      card.finish(said.kind === 'rejected' ? 'rejected' : said.kind === 'revert' ? 'reverted' : 'error', said.message);
      if (said.name) card.el.dataset.error = said.name;
      // A refusal usually means the chain moved on (a new price, a new state): show what it is now.
      if (said.kind === 'revert') onDone?.();
      return false;
    }
  }
  card.finish('confirmed', 'Done.');
  onDone?.();
  return true;
}
