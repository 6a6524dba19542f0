import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STATE, allowedActions, offerSide, stateLabel, stateTone } from '../src/orders';

const BUYER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const SELLER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const NONE = `0x${'0'.repeat(40)}`;
const at = (state: number, deadline: number, offerBy = NONE) => ({ state, deadline, buyer: BUYER, offerBy });

test('buyer actions follow the v3 state machine', () => {
  // no paying for what has not shipped; a settlement may be offered while the order is open
  assert.deepEqual(allowedActions(at(STATE.Paid, 100), {}, 'buyer', 99), ['offer']);
  assert.deepEqual(allowedActions(at(STATE.Paid, 100), {}, 'buyer', 100), ['cancel', 'offer']);
  assert.deepEqual(allowedActions(at(STATE.Shipped, 100), {}, 'buyer', 99), ['confirm', 'dispute', 'offer']);
  assert.deepEqual(allowedActions(at(STATE.Shipped, 100), {}, 'buyer', 100), ['confirm', 'release', 'offer']);
  assert.deepEqual(allowedActions(at(STATE.Disputed, 0), {}, 'buyer', 5), ['confirm', 'offer']);
  // reviews after a completion, a ruling or a settlement; not after a refund or a cancel
  for (const s of [STATE.Completed, STATE.Resolved, STATE.Settled]) {
    assert.deepEqual(allowedActions(at(s, 0), {}, 'buyer', 5), ['review']);
  }
  for (const s of [STATE.Refunded, STATE.Cancelled, STATE.Reviewed]) {
    assert.deepEqual(allowedActions(at(s, 0), {}, 'buyer', 5), []);
  }
});

test('seller and arbiter actions: no shipping from the handling deadline on', () => {
  assert.deepEqual(allowedActions(at(STATE.Paid, 100), {}, 'seller', 99), ['ship', 'refund', 'offer']);
  assert.deepEqual(allowedActions(at(STATE.Paid, 100), {}, 'seller', 100), ['refund', 'offer']);
  assert.deepEqual(allowedActions(at(STATE.Paid, 100), {}, 'seller', 101), ['refund', 'offer']);
  assert.deepEqual(allowedActions(at(STATE.Disputed, 0), {}, 'seller', 5), ['refund', 'offer']);
  assert.deepEqual(allowedActions(at(STATE.Disputed, 0), {}, 'arbiter', 5), ['resolve']);
  assert.deepEqual(allowedActions(at(STATE.Shipped, 100), {}, 'arbiter', 5), []);
  for (const s of [STATE.Settled, STATE.Resolved, STATE.Refunded]) {
    assert.deepEqual(allowedActions(at(s, 0), {}, 'seller', 5), []);
  }
});

test('an open offer: its author may withdraw or replace it, the other side accept or counter it', () => {
  const bySeller = at(STATE.Shipped, 100, SELLER);
  assert.equal(offerSide(bySeller, 'seller'), 'mine');
  assert.equal(offerSide(bySeller, 'buyer'), 'theirs');
  assert.equal(offerSide(bySeller, 'arbiter'), null);
  assert.deepEqual(allowedActions(bySeller, {}, 'seller', 5), ['refund', 'withdrawOffer', 'offer']);
  assert.deepEqual(allowedActions(bySeller, {}, 'buyer', 5), ['confirm', 'dispute', 'accept', 'offer']);
  const byBuyer = at(STATE.Disputed, 0, BUYER.toLowerCase());
  assert.equal(offerSide(byBuyer, 'buyer'), 'mine');
  assert.deepEqual(allowedActions(byBuyer, {}, 'seller', 5), ['refund', 'accept', 'offer']);
  // an order that ended has no open offer, whatever the view still carries
  assert.equal(offerSide(at(STATE.Settled, 0, BUYER), 'seller'), null);
});

test('labels and tones', () => {
  assert.equal(stateLabel(1), 'Awaiting shipment');
  assert.equal(stateLabel(7n), 'Resolved by arbiter');
  assert.equal(stateLabel(9), 'Settled');
  assert.equal(stateLabel(42), 'State 42');
  assert.equal(stateTone(STATE.Disputed), 'warn');
  assert.equal(stateTone(STATE.Reviewed), 'ok');
  assert.equal(stateTone(STATE.Settled), 'ok');
  assert.equal(stateTone(STATE.Refunded), 'off');
});
